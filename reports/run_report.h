// The files of one run, rendered from a ScenarioResult and its metrics: summary.json (schema
// in reports/README.md), summary.md, metrics.csv, history.jsonl, timeline.jsonl, report.html.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "reports/run_metrics.h"
#include "scenarios/kafka_scenario.h"
#include "scenarios/scenario_spec.h"

namespace reports {

inline constexpr const char* kSummarySchema = "eddy.summary/2";

struct RunContext {
  const scenarios::ScenarioResult& result;
  const scenarios::ScenarioSpec& spec;
  int exit_code = 0;
  std::string replay;        // the command that reproduces the run
  std::string eddy_version;
};

// "pass", "safety_violation", "liveness_failure", "inconclusive" or "lab_error", from the exit code.
const char* verdict_of(int exit_code);

nlohmann::json summary_json(const RunContext& run, const RunMetrics& m);
std::string summary_markdown(const nlohmann::json& summary);
void write_metrics_csv(const RunMetrics& m, std::ostream& out);
void write_history_jsonl(const checkers::History& h, std::ostream& out);
// final_log.jsonl: every replica's state at the end, what retention and truncations removed,
// and every partition's final read record by record (reports/README.md).
void write_final_log_jsonl(const checkers::History& h, std::ostream& out);
// attempts.jsonl: every send of each produce batch sent more than once (the duplicates' stories).
void write_attempts_jsonl(const checkers::History& h, std::ostream& out);
void write_timeline_jsonl(const RunMetrics& m, std::ostream& out);
std::string report_html(const nlohmann::json& summary, const RunMetrics& m);

// The structured story of a lost write: produced, acknowledged, leader change, truncation
// that dropped it, what the final log holds there. Null when the record is unknown.
nlohmann::json lost_write_story(const checkers::History& h, uint64_t record_id);

}  // namespace reports
