// Metrics of one run, computed after the run from the recorded History in simulated time:
// per-window throughput, availability, errors and latency percentiles, whole-run latency
// histograms (produce and end-to-end), consumer lag, fault periods and the protocol
// timeline (leaders, ISR, truncations, controller). Reads only the History and the spec.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "reports/histogram.h"
#include "scenarios/kafka_scenario.h"
#include "scenarios/scenario_spec.h"

namespace reports {

inline constexpr double kPercentiles[] = {50, 75, 95, 99, 99.9, 99.99};
inline constexpr const char* kPercentileNames[] = {"p50", "p75", "p95", "p99", "p99_9", "p99_99"};
inline constexpr size_t kWindowsMax = 150;           // windows per run (the window widens to fit)
inline constexpr size_t kLatencyPointsMax = 4'000;   // raw latency points drawn in report.html

struct LatencyStats {
  int64_t count = 0;
  double mean_ns = 0;
  int64_t min_ns = 0, max_ns = 0;
  int64_t pct_ns[std::size(kPercentiles)] = {};  // in kPercentiles order
  static LatencyStats of(const LogLinearHistogram& h);
};

struct Window {
  int64_t start_ns = 0, end_ns = 0;
  int64_t produced = 0, produced_bytes = 0;  // acknowledged in this window
  int64_t consumed = 0, consumed_bytes = 0;
  int64_t completed = 0;                     // produce operations that reached an outcome
  int64_t failed = 0, unknown = 0;
  std::map<std::string, int64_t> errors;     // Kafka error name (or "unknown") -> count
  LatencyStats produce, end_to_end;
  std::map<std::string, int64_t> lag;        // consumer (or group) -> records behind, at window end
  double availability() const { return completed == 0 ? -1.0 : static_cast<double>(produced) / static_cast<double>(completed); }
};

struct FaultPeriod {
  int64_t start_ns = 0, end_ns = 0;
  bool ended = false;      // false: lasted until the final heal
  std::string kind;        // "crash", "partition", ...
  std::string target;      // "broker-1", "broker-1 | broker-0,broker-2"
  std::string what;        // the full description
};

// One protocol event, categorised for the timelines.
struct TimelineRow {
  int64_t at_ns = 0;
  std::string category;  // "fault", "leader", "isr", "truncate", "controller", "consumer", "group", "other"
  std::string kind;      // the History's kind
  std::string partition; // "orders-0", or empty
  int broker = -1;
  std::string detail;
};

// Who led a partition from start to end, as the brokers saw it.
struct LeaderSpan {
  std::string partition;
  int broker = -1;
  int64_t epoch = -1;
  int64_t start_ns = 0, end_ns = 0;
  bool unclean = false;
};

// A consumer group member's ownership of a partition, from the groups' history.
struct OwnershipSpan {
  std::string group;
  int consumer = 0;
  int32_t generation = -1;
  std::string partition;
  int64_t from_ns = 0, to_ns = 0;
  std::string end_reason;
};

struct GroupLagPoint {
  int64_t at_ns = 0;
  std::string group;
  int64_t lag = 0;  // log end minus committed offset, summed over the group's partitions
};

struct LatencyPoint {
  int64_t at_ns = 0;   // completion (produce) or consumption (end-to-end)
  int64_t latency_ns = 0;
};

struct RunMetrics {
  int64_t window_ns = 0;
  int64_t start_ns = 0, end_ns = 0;  // workload start (first send) and end of run
  int64_t workload_end_ns = 0;       // last send
  // The scenario's warm-up (OMB's): the totals and whole-run histograms count only operations
  // completed in [measure_from_ns, measure_to_ns], the workload after its warm-up; the windows
  // keep everything. 0: no warm-up, every operation counts.
  int64_t warmup_ns = 0;
  int64_t measure_from_ns = 0, measure_to_ns = 0;
  std::vector<Window> windows;
  LogLinearHistogram produce_hist, end_to_end_hist;
  int64_t produced = 0, produced_bytes = 0, consumed = 0, consumed_bytes = 0;
  int64_t completed = 0, failed = 0, unknown = 0;
  std::map<std::string, int64_t> errors;
  std::vector<FaultPeriod> faults;
  std::vector<TimelineRow> timeline;
  std::vector<LeaderSpan> leaders;
  std::vector<OwnershipSpan> ownership;   // consumer groups (empty without them)
  std::vector<GroupLagPoint> group_lag;
  std::vector<LatencyPoint> produce_points, end_to_end_points;  // deterministic samples

  double workload_seconds() const;
  double availability() const { return completed == 0 ? -1.0 : static_cast<double>(produced) / static_cast<double>(completed); }
};

RunMetrics compute_metrics(const scenarios::ScenarioResult& result, const scenarios::ScenarioSpec& spec);

// Picks a window width from a list of round values so a span fits in at most kWindowsMax.
int64_t pick_window_ns(int64_t span_ns);

std::string format_ms(int64_t ns);  // "12.345"

}  // namespace reports
