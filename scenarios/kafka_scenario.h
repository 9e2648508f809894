// Runs a ScenarioSpec on a simulated Kafka-style cluster: builds the world (controllers,
// brokers, client nodes), waits for the cluster to be ready (topics created, leaders
// elected), runs the workload with the fault schedule, heals everything, lets it settle,
// then reads every partition to its end, dumps every replica, checks liveness, runs the
// checkers and compares them with the scenario's expectations.
#pragma once

#include "faults/rolling_restart.h"

#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "checkers/checkers.h"
#include "checkers/history.h"
#include "checkers/kinesis_checkers.h"
#include "checkers/pipeline_checkers.h"
#include "checkers/ownership.h"
#include "scenarios/scenario_spec.h"
#include "sim/world/engine.h"
#include "sim/world/fault_points.h"

namespace scenarios {

// Where a run is, for a progress display.
struct RunProgress {
  sim::Instant now;           // simulated time reached
  uint64_t events = 0;        // engine events so far
  sim::Instant expected_end;  // the end of the workload and heal phases (0 until the cluster is ready)
};

// When given to run_scenario, called once per simulated second from inside the run (by a world
// thread that only sleeps and calls it: the run's behaviour and fingerprint stay the same). It
// must not touch the simulation; the CLI prints a progress line from it.
using ProgressHook = std::function<void(const RunProgress&)>;

struct RunOptions {
  uint64_t seed = 1;
  std::ostream* trace_sink = nullptr;
};

struct LatencySummary {
  int64_t count = 0;
  sim::Duration p50, p99, max;
};

struct ExpectationResult {
  std::string check;
  std::string expected;
  std::string actual;
  bool held = true;
  bool safety = true;  // a safety expectation (else liveness)
  // A progress floor (`acknowledged: "> 4000"`, `committed_transactions > 0`): there so the
  // safety checks cannot pass vacuously. When only floors fail the run is inconclusive, not
  // failed: too little happened to judge (Jepsen's checkers answer :valid? :unknown then).
  bool progress = false;
};

struct ScenarioResult {
  std::string scenario;
  uint64_t seed = 0;
  sim::EngineKind engine = sim::EngineKind::kNative;
  sim::RunOutcome outcome;
  uint64_t fingerprint = 0;
  sim::Instant end;
  sim::Instant workload_start;  // the reference of the scenario's fault times (`at:`)
  uint64_t events = 0;
  bool cluster_ready = false;
  checkers::OutcomeCounts counts;
  int64_t acknowledged_verified = 0;  // acknowledged records the durability check held to the final log
  int64_t committed_transactions = 0;  // transactions whose commit was acknowledged (checkers/txn_checkers.h)
  int64_t ctp_verified = 0;            // consume-transform-produce input records verified (checkers/ctp_checkers.h)
  std::vector<checkers::CheckResult> checks;
  bool liveness = false;
  std::string liveness_note;
  std::vector<ExpectationResult> expectations;
  std::vector<std::string> faults_fired;
  std::vector<std::string> drawn;  // what the nemesis / swarm drew from the seed
  // "accepted, no effect: ..." for every config the simulation does not honour (config_notes.h).
  std::vector<std::string> config_notes;
  std::vector<std::string> variants;  // the bug zoo's variants that were on (cluster.variants)
  std::vector<FaultSpec> nemesis_faults;  // what the nemesis drew, as explicit fault entries
  std::vector<sim::FaultPointStats> fault_points;
  int64_t longest_leaderless_ms = 0;  // ClusterFacts::longest_leaderless
  // Per fault that took partition leaders out (ClusterFacts::LeaderOutage): the time from the
  // fault until every partition it left leaderless had a leader again (-1: not by the run's
  // end). The longest of these is longest_leaderless_ms.
  struct LeaderOutage {
    std::string fault;
    double at_s = 0;  // seconds since the workload started
    int64_t partitions = 0;
    int64_t still_leaderless = 0;
    int64_t all_led_again_ms = -1;
  };
  std::vector<LeaderOutage> leader_outages;
  // controlled-restart / rolling-restart steps: how long each broker took to stop and how long
  // under-replicated partitions took to clear after it started again.
  std::vector<faults::RollingRestartStep> restart_steps;
  // Partition reassignment: bytes the new replicas fetched, per 100 ms (seconds since the
  // workload started, bytes in that interval; intervals with none left out), and in all.
  std::vector<std::pair<double, int64_t>> moved_bytes;
  int64_t moved_bytes_total = 0;
  // JBOD (brokers with log.dirs): each log directory's disk usage over time, sampled by the lab
  // (seconds since the workload started, bytes used).
  struct DiskUsageSeries {
    int broker = 0;
    std::string dir;
    int64_t capacity_bytes = 0;
    std::vector<std::pair<double, int64_t>> points;
  };
  std::vector<DiskUsageSeries> disk_usage;
  // Partitions of the scenario's topics each broker leads at the end (every broker listed), and
  // the most minus the fewest.
  std::map<int, int64_t> leaders_per_broker;
  int64_t leader_imbalance = 0;
  int64_t controller_elections = 0;   // controller quorum leaders elected (RaftLeaderElected)
  // Security (checkers/acl_checkers.h): the longest commit-to-broker lag of an ACL record, over
  // how many (record, broker) pairs, which one it was, and the accesses judged.
  int64_t acl_propagation_max_ms = 0;
  int64_t acl_propagation_samples = 0;
  std::string acl_propagation_story;
  int64_t acl_accesses = 0;
  int64_t isr_shrinks = 0;            // committed ISR changes dropping a member (ClusterFacts)
  int64_t isr_expands = 0;            // committed ISR changes adding one
  std::map<std::string, int64_t> produce_error_answers;  // Kafka error name -> produce attempts so answered  // the EDDY_FAULT_POINT sites reached while enabled
  // Throughput and latency are over the measured part of the workload: after `warmup` (when
  // the scenario has one, OMB's way: operations completed between the warm-up's end and the
  // workload's end), else every acknowledged record over `duration`.
  double produce_records_per_s = 0;
  double consume_records_per_s = 0;
  // OMB's maximum-rate search (producers with `rate: max`): the total rate it set at each
  // control period, (seconds since the workload started, messages/s). Empty without one.
  std::vector<std::pair<double, double>> rate_search;
  sim::Duration warmup;  // the scenario's: the statistics above start this long into the workload
  LatencySummary produce_latency;
  checkers::History history;
  // Consumer groups (empty without them): who owned which partition when, for reports (the
  // lag over time is history.groups().lag), and whether the groups caught up after healing.
  std::vector<checkers::OwnershipInterval> rebalance_timeline;
  // Kinesis: throttling per shard (checkers/kinesis_checkers.h); empty without `kinesis:`.
  std::vector<checkers::ShardThrottling> kinesis_throttling;
  std::vector<checkers::KinesisConsumerStats> kinesis_consumers;  // per KCL application
  // The pipeline: device-to-document latency (checkers/pipeline_checkers.h); empty without `pipeline:`.
  checkers::PipelineLatency pipeline_latency;
  std::string groups_note;
  std::vector<std::string> node_names;  // by node id, as the trace numbers them ("broker-0", "controller-0", ...)

  bool expectations_met() const;
  bool safety_failed() const;
  bool liveness_failed() const;
  // Every safety and liveness expectation held but a progress floor did not.
  bool inconclusive() const;
};

ScenarioResult run_scenario(const ScenarioSpec& spec, const RunOptions& options, const ProgressHook& on_progress = {});

// The producers (History indexes, in the order run_scenario numbers them) whose configuration
// promises per-partition send order: enable.idempotence, or max.in.flight.requests.per.connection=1.
std::set<int> producers_promising_order(const ScenarioSpec& spec);

// The built-in default: 3 brokers, 3 controllers, one topic of 12 partitions (RF 3,
// min.insync.replicas 2), acks=all, 10,000 messages/s of 1 KiB, leader crashes and
// isolations; expects no lost writes and no divergence.
ScenarioSpec default_scenario();

// Multi-line human summary (verdicts, throughput, latency, fingerprint).
std::string format_summary(const ScenarioResult& r);

}  // namespace scenarios
