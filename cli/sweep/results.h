// results.jsonl: a sweep's results, one JSON object per line, appended as seeds finish (so a
// killed sweep keeps what it finished). The format is documented in cli/README.md and read by
// `eddy merge`, `eddy sweep --resume` and the reports.
//   line 1: {"type":"sweep", ...}           the header: what was asked
//   then:   {"type":"seed", ...}            one per (scenario, seed) run
//           {"type":"determinism", ...}     one per re-run seed (fingerprints compared)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/seed_run.h"

namespace cli::sweep {

inline constexpr int kResultsFormatVersion = 1;
inline constexpr const char* kResultsFileName = "results.jsonl";

struct SweepHeader {
  int version = kResultsFormatVersion;
  std::string eddy_version;
  std::vector<std::string> scenarios;  // files as given, in order
  uint64_t seed_first = 1, seed_last = 1;
  int shard_index = 1, shard_count = 1;  // 1-based: shard I of N
  std::string started_utc;               // when the sweep (first) started, ISO 8601
};

struct DeterminismRecord {
  std::string scenario;
  uint64_t seed = 0;
  std::string fingerprint_first;   // from the seed's record
  std::string fingerprint_second;  // from the re-run (empty if the re-run crashed or hung)
  bool equal = false;
  std::string message;
};

std::string to_json_line(const SweepHeader& h);
std::string to_json_line(const SeedRecord& r);
std::string to_json_line(const DeterminismRecord& r);

// Parses one line of a worker's output or of results.jsonl; nullopt when it is not that type.
std::optional<SeedRecord> seed_record_from_json(const std::string& line);

struct ResultsFile {
  SweepHeader header;
  std::vector<SeedRecord> seeds;
  std::vector<DeterminismRecord> determinism;
  uint64_t torn_bytes = 0;  // bytes of an unfinished last line (a sweep killed mid-write)
  uint64_t valid_bytes = 0; // length of the file up to the last complete line
};

// Reads DIR/results.jsonl (or a file path). On error returns nullopt and sets `error`.
std::optional<ResultsFile> read_results(const std::string& path, std::string& error);

// Appends whole lines with one write(2) each, so lines never interleave or tear except when
// the process is killed inside that call.
class ResultsAppender {
 public:
  ResultsAppender() = default;
  ~ResultsAppender();
  ResultsAppender(const ResultsAppender&) = delete;
  ResultsAppender& operator=(const ResultsAppender&) = delete;
  // Opens for appending, first cutting an unfinished last line off at `valid_bytes`
  // (when resuming). Returns false and sets `error` on failure.
  bool open(const std::string& path, std::optional<uint64_t> truncate_to, std::string& error);
  bool append(const std::string& line);  // `line` without its '\n'
 private:
  int fd_ = -1;
};

}  // namespace cli::sweep
