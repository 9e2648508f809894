// A sweep's aggregate, read from its results.jsonl (written by `eddy sweep`, format in
// cli/README.md) in one streaming pass, so sweeps of many thousands of seeds aggregate in
// little memory: verdict counts per scenario and check, failing seeds with their replay
// commands, the distribution of throughput and p99 produce latency across seeds, and the
// determinism re-runs. Writes sweep.json, sweep.html, summary.md and JUnit XML.
#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "reports/histogram.h"

namespace reports {

inline constexpr const char* kSweepSchema = "eddy.sweep/2";
inline constexpr size_t kSweepFailingKept = 200;    // failing seeds listed per scenario (all are counted)
inline constexpr size_t kSweepPointsKept = 5'000;   // per-seed points per scenario for the charts

// One "type":"seed" line of results.jsonl, as far as reports need it.
struct SweepSeed {
  std::string scenario;  // the file as given
  std::string name;
  uint64_t seed = 0;
  std::string verdict;   // ok, safety, liveness, lab_error, lab_crash, lab_hang, inconclusive
  std::string fingerprint;
  std::vector<std::string> failed;  // failed expectations
  std::string message;
  double wall_s = 0, simulated_s = 0;
  std::map<std::string, int64_t> checks;
  double produce_records_per_s = 0;
  double produce_p99_ms = 0;
  std::map<std::string, uint64_t> fault_points;  // EDDY_FAULT_POINT site -> firings
  std::string replay;
  bool ok() const { return verdict == "ok"; }
  bool inconclusive() const { return verdict == "inconclusive"; }
  bool lab_problem() const { return verdict.rfind("lab_", 0) == 0; }
  // The one-line reason a failing seed failed.
  std::string reason() const;
};

std::optional<SweepSeed> sweep_seed_from_json(const nlohmann::json& j);

struct ScenarioAggregate {
  std::string scenario, name;
  int64_t seeds = 0;
  std::map<std::string, int64_t> verdicts;
  std::map<std::string, int64_t> check_seeds;       // check -> seeds with at least one violation
  std::map<std::string, int64_t> check_violations;  // check -> violations over all seeds
  std::map<std::string, int64_t> failed_expectations;  // "lost_writes == 0" -> seeds
  LogLinearHistogram throughput;  // records/s, one sample per seed that ran
  LogLinearHistogram p99_us;      // produce p99 in microseconds, one sample per seed with acks
  double wall_s = 0, simulated_s = 0;
  std::vector<SweepSeed> failing;  // the first kSweepFailingKept
  int64_t failing_total = 0;       // neither ok nor inconclusive
  std::vector<SweepSeed> inconclusive;  // the first kSweepFailingKept
  int64_t inconclusive_total = 0;
  struct Point { uint64_t seed; double records_per_s, p99_ms; std::string verdict; };
  std::vector<Point> points;
};

// How often one EDDY_FAULT_POINT site fired over a sweep.
struct FaultPointCoverage {
  int64_t seeds = 0;     // seeds in which it fired
  uint64_t firings = 0;  // over all seeds
};

// The inconclusive seeds --max-inconclusive allows a scenario of `seeds` seeds: `percent` of
// them, rounded down (the sweep's exit code and its reports count the same).
int64_t inconclusive_allowed(int64_t seeds, double percent);

struct SweepAggregate {
  nlohmann::json header;  // the "type":"sweep" line, or null
  bool sealed = false;    // the header carried a seal (format 2): every line must
  std::vector<ScenarioAggregate> scenarios;  // in order of first appearance
  std::map<std::string, FaultPointCoverage> fault_points;  // sites that fired, by name
  int64_t determinism_checked = 0;
  std::vector<nlohmann::json> determinism_mismatches;
  int64_t bad_lines = 0;  // lines dropped: not JSON, or a seal that does not match (torn, spliced)
  int64_t lines_read = 0;

  void add_line(const std::string& line);
  void add(const SweepSeed& s);
  // False for a line that must be dropped: damaged, or unsealed in a sealed file.
  bool usable(const std::string& line) const;
  int64_t runs() const;
  // Failed runs, plus the inconclusive seeds of each scenario over its allowance.
  int64_t failures() const;
  // The header's --max-inconclusive (1 when the header has none), and what it allows a
  // scenario: that percent of its seeds, rounded down.
  double max_inconclusive_percent() const;
  int64_t inconclusive_allowed(const ScenarioAggregate& s) const;
  bool over_inconclusive_allowance(const ScenarioAggregate& s) const {
    return s.inconclusive_total > inconclusive_allowed(s);
  }
  // The runs the sweep asked for (scenarios x the seeds of its shard), from the header; -1
  // without a header.
  int64_t expected_runs() const;
  int64_t missing_runs() const;
};

// Runs of shard `index` of `count` over the seeds first..last (inclusive) for each of
// `scenarios` files: the seeds s with (s - first) % count == index - 1.
int64_t runs_in_shard(uint64_t first, uint64_t last, int index, int count, size_t scenarios);

SweepAggregate aggregate_sweep(std::istream& results_jsonl);

nlohmann::json sweep_json(const SweepAggregate& a);
std::string sweep_markdown(const nlohmann::json& sweep);
std::string sweep_html(const nlohmann::json& sweep, const SweepAggregate& a);

// JUnit XML: <testsuites> / <testsuite> per scenario / <testcase> per seed, <failure> for a
// violated expectation, <error> for a lab error, crash or hang; a sweep with runs missing gets
// a "sweep" suite whose test case "N runs missing" is <skipped>. Reads results.jsonl a second
// time so the test cases stream out without being held in memory.
void write_junit(const SweepAggregate& a, std::istream& results_jsonl, std::ostream& out);

// Reads DIR/results.jsonl and writes DIR/sweep.json, DIR/sweep.html, DIR/summary.md and, when
// `junit` is not empty, that JUnit file. Returns an error message on failure.
std::optional<std::string> write_sweep_reports(const std::filesystem::path& dir, const std::string& junit);

}  // namespace reports
