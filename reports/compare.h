// `eddy compare RUN_DIR RUN_DIR...`: runs side by side from their summary.json and
// metrics.csv — verdicts, checks, throughput, latency percentiles, and what differs in their
// configuration (e.g. acks=1 vs acks=all) — as a terminal table and an HTML page.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace reports {

struct ComparedRun {
  std::string dir;
  std::string label;         // dir name plus the settings that differ from the other runs
  nlohmann::json summary;
  nlohmann::json windows;    // [{t, produced_rps, p99_ms}] from metrics.csv
};

// Loads DIR/summary.json (and DIR/metrics.csv when present). Error message on failure.
std::optional<std::string> load_compared_run(const std::filesystem::path& dir, ComparedRun& out);

// Fills each run's label with the configuration keys whose values differ between runs.
void label_runs(std::vector<ComparedRun>& runs);

std::string compare_table(const std::vector<ComparedRun>& runs);
std::string compare_html(const std::vector<ComparedRun>& runs);

}  // namespace reports
