// results.jsonl: a sweep's results, one JSON object per line, appended as seeds finish (so a
// killed sweep keeps what it finished). The format is documented in cli/README.md and read by
// `eddy merge`, `eddy sweep --resume` and the reports.
//   line 1: {"type":"sweep", ...}           the header: what was asked
//   then:   {"type":"seed", ...}            one per (scenario, seed) run
//           {"type":"determinism", ...}     one per re-run seed (fingerprints compared)
// Format 2 seals every line with a checksum (reports/results_line.h): a torn or spliced line
// is detected and dropped (its run is then missing, and redone by --resume).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/seed_run.h"

namespace cli::sweep {

inline constexpr int kResultsFormatVersion = 2;  // 1: lines without seals (still read)
inline constexpr const char* kResultsFileName = "results.jsonl";

// --max-inconclusive when not given (and for results files older than the field).
inline constexpr double kDefaultMaxInconclusivePercent = 1.0;

struct SweepHeader {
  int version = kResultsFormatVersion;
  std::string eddy_version;
  std::vector<std::string> scenarios;  // files as given, in order
  uint64_t seed_first = 1, seed_last = 1;
  int shard_index = 1, shard_count = 1;  // 1-based: shard I of N
  std::string started_utc;               // when the sweep (first) started, ISO 8601
  std::vector<std::string> scenario_digests;  // per file, of its document with includes (format 2)
  std::vector<std::string> variants;  // --variant NAME given to the sweep (the bug zoo), as given
  double max_inconclusive_percent = kDefaultMaxInconclusivePercent;  // --max-inconclusive
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
  uint64_t torn_bytes = 0;     // bytes of an unfinished last line (a sweep killed mid-write)
  uint64_t dropped_lines = 0;  // complete lines dropped: damaged seal, spliced, not JSON
  bool damaged() const { return torn_bytes > 0 || dropped_lines > 0; }
};

// Reads DIR/results.jsonl (or a file path). Damaged lines are dropped and counted; only a
// missing, empty or foreign file (no readable header) is an error: nullopt, `error` set.
std::optional<ResultsFile> read_results(const std::string& path, std::string& error);

// Rewrites `path` with only its usable lines (the header, then every intact record), through a
// temporary file renamed over it, so a resumed sweep appends after clean lines. Returns false
// and sets `error` when it cannot.
bool drop_damaged_lines(const std::string& path, std::string& error);

// Appends whole lines with one write(2) each, so lines never interleave or tear except when
// the process is killed inside that call. A write that fails (disk full, file-size limit, I/O
// error) is cut back off the file and reported: a failed append never leaves half a line.
class ResultsAppender {
 public:
  ResultsAppender() = default;
  ~ResultsAppender();
  ResultsAppender(const ResultsAppender&) = delete;
  ResultsAppender& operator=(const ResultsAppender&) = delete;
  // Opens for appending. Returns false and sets `error` on failure.
  bool open(const std::string& path, std::string& error);
  // `line` without its '\n'. False on failure, with error() saying why.
  bool append(const std::string& line);
  // Closes; false (error() set) when the close reports a failed write.
  bool close();
  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  std::string path_;
  std::string error_;
};

}  // namespace cli::sweep
