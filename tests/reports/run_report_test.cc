// The run directory of real runs: summary.json's documented schema, the lost-write story of
// scenarios/durability/acks1-leader-cut-off.yaml (record, acknowledging broker, the leader
// change and truncation that dropped it), metrics.csv's shape, and the directory rules.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "reports/run_dir.h"
#include "reports/run_report.h"
#include "scenarios/scenario_loader.h"

namespace reports {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct RecordedRun {
  scenarios::ScenarioSpec spec;
  scenarios::ScenarioResult result;
};

const RecordedRun& acks1_run() {
  static RecordedRun* run = [] {
    auto* r = new RecordedRun;
    auto loaded = scenarios::load_scenario_file(std::string(EDDY_SOURCE_DIR) + "/scenarios/durability/acks1-leader-cut-off.yaml");
    EXPECT_TRUE(static_cast<bool>(loaded));
    r->spec = loaded.spec();
    scenarios::RunOptions opt;
    opt.seed = 2;
    r->result = scenarios::run_scenario(r->spec, opt);
    return r;
  }();
  return *run;
}

json summary_of(const RecordedRun& run, int exit_code = 0) {
  RunContext ctx{run.result, run.spec, exit_code, "eddy run x --seed 2", "test"};
  return summary_json(ctx, compute_metrics(run.result, run.spec));
}

void expect_type(const json& j, const char* key, json::value_t t) {
  ASSERT_TRUE(j.contains(key)) << "missing " << key;
  if (t == json::value_t::number_float)
    EXPECT_TRUE(j[key].is_number()) << key << " is " << j[key].type_name();
  else
    EXPECT_EQ(j[key].type(), t) << key << " is " << j[key].type_name();
}

TEST(RunReport, SummaryFollowsTheDocumentedSchema) {
  json s = summary_of(acks1_run());
  using V = json::value_t;
  expect_type(s, "schema", V::string);
  EXPECT_EQ(s["schema"], kSummarySchema);
  for (const char* k : {"eddy_version", "scenario", "scenario_file", "description", "fingerprint", "engine", "verdict", "replay"})
    expect_type(s, k, V::string);
  expect_type(s, "seed", V::number_unsigned);
  expect_type(s, "exit_code", V::number_integer);
  EXPECT_EQ(s["fingerprint"].get<std::string>().size(), 16u);
  EXPECT_EQ(s["engine"], "native");
  EXPECT_EQ(s["scenario"], "acks1-leader-cut-off");
  for (const char* k : {"run", "config", "liveness", "counts", "throughput", "latency", "errors", "files", "fetch_sessions"})
    expect_type(s, k, V::object);
  for (const char* k : {"created", "not_created", "evicted", "incremental_fetches", "partitions_omitted", "session_id_not_found",
                        "invalid_session_epoch"})
    EXPECT_TRUE(s["fetch_sessions"][k].is_number_integer()) << k;
  EXPECT_GT(s["fetch_sessions"]["incremental_fetches"].get<int64_t>(), 0) << "the followers fetch in sessions";
  for (const char* k : {"expectations", "checks", "faults"}) expect_type(s, k, V::array);
  for (const char* k : {"status", "message"}) expect_type(s["run"], k, V::string);
  expect_type(s["run"], "simulated_s", V::number_float);
  for (const auto& e : s["expectations"]) {
    for (const char* k : {"check", "expected", "actual", "kind"}) expect_type(e, k, V::string);
    expect_type(e, "held", V::boolean);
  }
  // lost_writes, duplicates, dedup_failures, inconsistent_offsets, order_violations, lost_reads,
  // producer_order, expired, controller_divergence, hw_violations, committed_rewrites
  ASSERT_EQ(s["checks"].size(), 11u);
  expect_type(s, "fault_points", V::array);
  expect_type(s, "variants", V::array);
  EXPECT_TRUE(s["variants"].empty()) << "no protocol variant is on unless a scenario asks";
  for (const auto& c : s["checks"]) {
    expect_type(c, "check", V::string);
    EXPECT_TRUE(c["count"].is_number_integer());
    expect_type(c, "examples", V::array);
    for (const auto& ex : c["examples"]) {
      expect_type(ex, "summary", V::string);
      expect_type(ex, "story", V::array);
    }
  }
  for (const char* k : {"workload_s", "produced_records_per_s", "produced_mb_per_s", "consumed_records_per_s", "consumed_mb_per_s"})
    expect_type(s["throughput"], k, V::number_float);
  EXPECT_NEAR(s["throughput"]["produced_records_per_s"].get<double>(), 400.0, 40.0);  // the scenario's rate
  const json& hist = s["latency"]["histogram"];
  EXPECT_EQ(hist["kind"], "log-linear");
  EXPECT_DOUBLE_EQ(hist["relative_error"].get<double>(), LogLinearHistogram::kRelativeError);
  for (const char* op : {"produce", "end_to_end"}) {
    const json& l = s["latency"][op];
    EXPECT_GT(l["count"].get<int64_t>(), 1000) << op;
    double prev = 0;
    for (const char* p : {"min", "p50", "p75", "p95", "p99", "p99_9", "p99_99", "max"}) {
      ASSERT_TRUE(l[p].is_number()) << op << " " << p;
      EXPECT_GE(l[p].get<double>(), prev) << op << " " << p;  // percentiles never decrease
      prev = l[p].get<double>();
    }
  }
  ASSERT_EQ(s["faults"].size(), 1u);
  EXPECT_EQ(s["faults"][0]["kind"], "partition");
  EXPECT_NEAR(s["faults"][0]["end_s"].get<double>() - s["faults"][0]["start_s"].get<double>(), 6.0, 0.01);  // for: 6s
  // The scenario says `at: 3s`, counted from the workload's start: at_s says the same, and
  // start_s (simulated time, as every other time in the file) is the workload's start later.
  EXPECT_DOUBLE_EQ(s["faults"][0]["at_s"].get<double>(), 3.0);
  EXPECT_GT(s["run"]["workload_start_s"].get<double>(), 0.0);
  EXPECT_NEAR(s["faults"][0]["start_s"].get<double>(), s["run"]["workload_start_s"].get<double>() + 3.0, 0.002);
  EXPECT_EQ(s["verdict"], "pass");
  EXPECT_EQ(summary_of(acks1_run(), 1)["verdict"], "safety_violation");
}

TEST(RunReport, LostWriteStoryNamesRecordBrokerLeaderChangeAndTruncation) {
  const RecordedRun& run = acks1_run();
  json s = summary_of(run);
  const json* lost = nullptr;
  for (const auto& c : s["checks"])
    if (c["check"] == "lost_writes") lost = &c;
  ASSERT_NE(lost, nullptr);
  ASSERT_GT((*lost)["count"].get<int64_t>(), 0);
  ASSERT_FALSE((*lost)["examples"].empty());
  for (const auto& ex : (*lost)["examples"]) {
    ASSERT_TRUE(ex.contains("lost_write")) << ex.dump();
    const json& lw = ex["lost_write"];
    std::string record = lw["record"];
    EXPECT_NE(ex["summary"].get<std::string>().find(record), std::string::npos);
    // The record is really one that was acknowledged and is not in the final read.
    const checkers::ProduceOp* op = nullptr;
    for (const auto& p : run.result.history.produces())
      if (checkers::format_record_id(p.record_id) == record) op = &p;
    ASSERT_NE(op, nullptr);
    EXPECT_EQ(op->outcome, checkers::OpOutcome::kOk);
    EXPECT_EQ(lw["acknowledged_by"].get<int>(), op->acked_by.value());
    EXPECT_EQ(lw["offset"].get<int64_t>(), op->offset.value());
    // The leader change: another broker, a later epoch.
    ASSERT_FALSE(lw["leader_change"].is_null()) << lw.dump(2);
    EXPECT_NE(lw["leader_change"]["broker"].get<int>(), op->acked_by.value());
    EXPECT_GT(lw["leader_change"]["epoch"].get<int64_t>(), op->leader_epoch.value());
    // The truncation on the acknowledging broker that removed the offset.
    ASSERT_FALSE(lw["truncation"].is_null()) << lw.dump(2);
    EXPECT_EQ(lw["truncation"]["broker"].get<int>(), op->acked_by.value());
    EXPECT_LE(lw["truncation"]["to_offset"].get<int64_t>(), op->offset.value());
    EXPECT_GT(lw["truncation"]["from_log_end"].get<int64_t>(), op->offset.value());
    EXPECT_GE(lw["truncation"]["at_s"].get<double>(), lw["acknowledged_s"].get<double>());
    // The story, in time order, marks the key events.
    int key = 0;
    for (const auto& e : lw["events"]) key += e["key"].get<bool>() ? 1 : 0;
    EXPECT_GE(key, 5) << lw["events"].dump(2);  // produced, acknowledged, leader change, truncation, final
  }
  // The HTML page carries the same story (rendered by the page from the embedded JSON).
  std::string html = report_html(s, compute_metrics(run.result, run.spec));
  EXPECT_NE(html.find("\"lost_write\""), std::string::npos);
  EXPECT_NE(html.find((*lost)["examples"][0]["lost_write"]["record"].get<std::string>()), std::string::npos);
  EXPECT_LT(html.size(), 5'000'000u);
}

TEST(RunReport, MetricsCsvHasOneRowPerWindowAndConsistentColumns) {
  const RecordedRun& run = acks1_run();
  RunMetrics m = compute_metrics(run.result, run.spec);
  std::ostringstream out;
  write_metrics_csv(m, out);
  std::istringstream in(out.str());
  std::string line;
  std::getline(in, line);
  auto columns = [](const std::string& l) { return std::count(l.begin(), l.end(), ',') + 1; };
  long header = columns(line);
  EXPECT_NE(line.find("produce_p99_ms"), std::string::npos);
  EXPECT_NE(line.find("lag_consumer_0"), std::string::npos);
  size_t rows = 0;
  int64_t produced = 0;
  while (std::getline(in, line)) {
    EXPECT_EQ(columns(line), header) << line;
    ++rows;
  }
  for (const auto& w : m.windows) produced += w.produced;
  EXPECT_EQ(rows, m.windows.size());
  EXPECT_LE(rows, kWindowsMax);
  EXPECT_EQ(produced, run.result.counts.acknowledged);
  // Leadership: orders-0 has two leaders over the run, and the deposed one overlaps the new one.
  int spans0 = 0;
  for (const auto& l : m.leaders) spans0 += l.partition == "orders-0" ? 1 : 0;
  EXPECT_GE(spans0, 2);
}

TEST(RunReport, RunDirectoryRefusesForeignDirectoriesAndWritesEveryFile) {
  fs::path base = fs::temp_directory_path() / ("eddy-run-dir-test-" + std::to_string(::getpid()));
  fs::remove_all(base);
  fs::create_directories(base / "foreign");
  std::ofstream(base / "foreign" / "notes.txt") << "mine";
  EXPECT_TRUE(prepare_run_dir(base / "foreign").has_value());
  EXPECT_TRUE(fs::exists(base / "foreign" / "notes.txt"));
  EXPECT_FALSE(prepare_run_dir(base / "new" / "run").has_value());
  EXPECT_FALSE(prepare_run_dir(base / "new" / "run").has_value());  // its own: accepted again
  const RecordedRun& run = acks1_run();
  RunContext ctx{run.result, run.spec, 0, "eddy run x --seed 2", "test"};
  WrittenRun written;
  ASSERT_FALSE(write_run_dir(ctx, base / "new" / "run", WriteOptions{}, &written).has_value());
  for (const char* f : {"summary.json", "summary.md", "metrics.csv", "history.jsonl", "timeline.jsonl", "final_log.jsonl",
                        "report.html"})
    EXPECT_GT(fs::file_size(base / "new" / "run" / f), 0u) << f;
  EXPECT_TRUE(fs::exists(base / "new" / "run" / "attempts.jsonl"));  // empty when no batch was sent twice
  std::ifstream sj(base / "new" / "run" / "summary.json");
  json parsed = json::parse(sj);
  EXPECT_EQ(parsed["seed"], 2);
  // history.jsonl: one JSON object per operation.
  std::ifstream hj(base / "new" / "run" / "history.jsonl");
  std::string line;
  size_t lines = 0;
  while (std::getline(hj, line)) {
    json op = json::parse(line);
    EXPECT_TRUE(op["op"] == "produce" || op["op"] == "consume");
    ++lines;
  }
  EXPECT_EQ(lines, run.result.history.produces().size() + run.result.history.consumes().size());
  EXPECT_EQ(written.report_html_bytes, fs::file_size(base / "new" / "run" / "report.html"));
  EXPECT_EQ(default_run_dir("acks1 leader/cut", 3), fs::path("runs") / "acks1_leader_cut-3");
  fs::remove_all(base);
}

}  // namespace
}  // namespace reports

namespace reports {
namespace {

// A consumer-group scenario: ownership spans, group lag per window, generations in the
// timeline, end-to-end latency from what members processed, groups in summary.json.
TEST(RunReport, ConsumerGroupsReachMetricsTimelineAndSummary) {
  auto loaded =
      scenarios::load_scenario_file(std::string(EDDY_SOURCE_DIR) + "/scenarios/groups/members-and-coordinator-crash.yaml");
  ASSERT_TRUE(static_cast<bool>(loaded));
  scenarios::RunOptions opt;
  opt.seed = 1;
  scenarios::ScenarioResult result = scenarios::run_scenario(loaded.spec(), opt);
  ASSERT_FALSE(result.history.groups().processed.empty());
  RunMetrics m = compute_metrics(result, loaded.spec());
  EXPECT_FALSE(m.ownership.empty());
  EXPECT_FALSE(m.group_lag.empty());
  EXPECT_GT(m.end_to_end_hist.count(), 0);
  size_t generations = 0;
  for (const auto& r : m.timeline) generations += r.kind == "group-generation" ? 1 : 0;
  EXPECT_EQ(generations, result.history.groups().generations.size());
  bool lag_in_windows = false;
  for (const auto& w : m.windows)
    for (const auto& [name, v] : w.lag) lag_in_windows |= name.rfind("group ", 0) == 0;
  EXPECT_TRUE(lag_in_windows);
  RunContext ctx{result, loaded.spec(), 0, "eddy run x --seed 1", "test"};
  nlohmann::json s = summary_json(ctx, m);
  ASSERT_FALSE(s["groups"].empty());
  EXPECT_GE(s["groups"][0]["generations"].get<int>(), 1);
  EXPECT_TRUE(s["groups"][0].contains("final_lag"));
}

}  // namespace
}  // namespace reports
