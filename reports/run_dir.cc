#include "reports/run_dir.h"

#include "reports/group_report.h"
#include "reports/output_file.h"

#include <cctype>
#include <string>
#include <system_error>

namespace reports {

namespace fs = std::filesystem;

fs::path default_run_dir(const std::string& scenario, uint64_t seed) {
  std::string name = scenario.empty() ? "run" : scenario;
  for (char& c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
  return fs::path("runs") / (name + "-" + std::to_string(seed));
}

std::optional<std::string> prepare_run_dir(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) return dir.string() + " exists and is not a directory";
    bool ours = fs::exists(dir / kRunDirMarker, ec);
    bool empty = fs::is_empty(dir, ec);
    if (!ours && !empty)
      return dir.string() + " exists and is not an eddy run directory (no " + kRunDirMarker +
             "); choose another --out or remove it";
  } else {
    fs::create_directories(dir, ec);
    if (ec) return "cannot create " + dir.string() + ": " + ec.message();
  }
  return write_text_file(dir / kRunDirMarker, "eddy run directory: eddy run/sweep may overwrite the files here\n");
}

namespace {

template <class Fn>
std::optional<std::string> write_file(const fs::path& path, Fn&& fn, WrittenRun* written) {
  OutputFile out;
  if (auto e = out.open(path)) return e;
  fn(out.stream());
  if (auto e = out.close()) return e;
  std::error_code ec;
  if (written != nullptr) written->total_bytes += fs::file_size(path, ec);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> write_run_dir(const RunContext& run, const fs::path& dir, const WriteOptions& options,
                                         WrittenRun* written) {
  RunMetrics m = compute_metrics(run.result, run.spec);
  nlohmann::json summary = summary_json(run, m);
  size_t ops = run.result.history.produces().size() + run.result.history.consumes().size();
  std::string skipped;
  if (options.history == WriteOptions::History::kNever) skipped = "--no-history";
  if (options.history == WriteOptions::History::kAuto && ops > kHistoryAutoOpsMax)
    skipped = std::to_string(ops) + " operations (more than " + std::to_string(kHistoryAutoOpsMax) + "); pass --history to write it";
  if (!skipped.empty()) {
    summary["files"]["history_jsonl"] = nullptr;
    summary["files"]["history_skipped"] = skipped;
  }
  if (written != nullptr) written->history_skipped = skipped;
  std::optional<std::string> err;
  auto step = [&](const char* name, auto&& fn) {
    if (!err) err = write_file(dir / name, fn, written);
  };
  step("summary.json", [&](std::ostream& o) { o << summary.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n"; });
  step("summary.md", [&](std::ostream& o) { o << summary_markdown(summary); });
  step("metrics.csv", [&](std::ostream& o) { write_metrics_csv(m, o); });
  std::error_code ec;
  if (!skipped.empty()) fs::remove(dir / "history.jsonl", ec);  // not a stale one from an earlier run
  if (skipped.empty()) step("history.jsonl", [&](std::ostream& o) { write_history_jsonl(run.result.history, o); });
  step("final_log.jsonl", [&](std::ostream& o) { write_final_log_jsonl(run.result.history, o); });
  step("attempts.jsonl", [&](std::ostream& o) { write_attempts_jsonl(run.result.history, o); });
  step("timeline.jsonl", [&](std::ostream& o) { write_timeline_jsonl(m, o); });
  if (has_groups(run.result)) step("groups.jsonl", [&](std::ostream& o) { write_groups_jsonl(run.result, run.spec, o); });
  step("report.html", [&](std::ostream& o) { o << report_html(summary, m); });
  if (!err && written != nullptr) {
    written->report_html_bytes = fs::file_size(dir / "report.html", ec);
  }
  return err;
}

}  // namespace reports
