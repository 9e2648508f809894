// The directory a run writes (eddy run --out DIR; default runs/<scenario>-<seed>/).
// A directory is eddy's when it holds the marker file .eddy-run; eddy writes into a new
// directory, an empty one or one of its own, and refuses any other existing directory.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "reports/run_report.h"

namespace reports {

inline constexpr const char* kRunDirMarker = ".eddy-run";

std::filesystem::path default_run_dir(const std::string& scenario, uint64_t seed);

// Creates DIR (and parents) or accepts it as eddy's; an error message otherwise.
std::optional<std::string> prepare_run_dir(const std::filesystem::path& dir);

// history.jsonl holds every operation (~170 bytes each): a 60-second run at 10,000 messages/s
// makes 200 MB of it, so by default it is written only for runs up to this many operations.
inline constexpr size_t kHistoryAutoOpsMax = 250'000;

struct WriteOptions {
  enum class History { kAuto, kAlways, kNever };
  History history = History::kAuto;
};

struct WrittenRun {
  uintmax_t report_html_bytes = 0;
  uintmax_t total_bytes = 0;
  std::string history_skipped;  // why history.jsonl was not written, empty if it was
};

// Writes summary.json, summary.md, metrics.csv, history.jsonl, timeline.jsonl and report.html
// into a prepared DIR. Returns an error message when a file cannot be written.
std::optional<std::string> write_run_dir(const RunContext& run, const std::filesystem::path& dir,
                                         const WriteOptions& options, WrittenRun* written = nullptr);

}  // namespace reports
