#include "scenarios/kafka_scenario.h"

#include <algorithm>
#include <sstream>

#include "broker_model/broker/broker_server.h"
#include "broker_model/clients/client_config.h"
#include "broker_model/clients/producer.h"
#include "broker_model/controller/controller_server.h"
#include "checkers/acl_checkers.h"
#include "checkers/compaction.h"
#include "checkers/controller_checkers.h"
#include "checkers/group_checkers.h"
#include "checkers/kinesis_checkers.h"
#include "checkers/pipeline_checkers.h"
#include "checkers/ctp_checkers.h"
#include "checkers/reassignment_checkers.h"
#include "checkers/txn_checkers.h"
#include "checkers/txn_cycles.h"
#include "scenarios/client_processes.h"
#include "scenarios/cluster_operations.h"
#include "scenarios/config_notes.h"
#include "scenarios/chain_nemesis.h"
#include "scenarios/fault_targets.h"
#include "scenarios/group_workload.h"
#include "scenarios/kinesis_workload.h"
#include "scenarios/pipeline_workload.h"
#include "scenarios/lab_observer.h"
#include "scenarios/omb_rate_controller.h"
#include "scenarios/swarm.h"
#include "scenarios/txn_workload.h"
#include "sim/world/world.h"

namespace scenarios {

using namespace broker_model;
using namespace checkers;

namespace {

sim::CrashMode crash_mode_of(const std::string& s) {
  if (s == "keep-prefix") return sim::CrashMode::kKeepPrefix;
  if (s == "torn-last-sector") return sim::CrashMode::kTornLastSector;
  return sim::CrashMode::kLoseUnsynced;
}

sim::LinkModel link_of(const NetworkSpec& n) {
  sim::LinkModel l;
  using K = LatencySpec::Kind;
  switch (n.latency.kind) {
    case K::kConstant: l.latency = sim::LatencyModel::constant(n.latency.a); break;
    case K::kUniform: l.latency = sim::LatencyModel::uniform(n.latency.a, n.latency.b); break;
    case K::kNormal: l.latency = sim::LatencyModel::normal(n.latency.a, n.latency.b); break;
    case K::kExponential: l.latency = sim::LatencyModel::exponential(n.latency.a); break;
  }
  l.bandwidth_bytes_per_s = n.bandwidth_bytes_per_s;
  l.loss = n.loss;
  l.duplicate = n.duplicate;
  l.reorder = n.reorder;
  l.message_drop = n.message_drop;
  l.message_duplicate = n.message_duplicate;
  l.message_reorder = n.message_reorder;
  return l;
}

sim::DiskModel disk_model_of(const DiskSpec& d) {
  sim::DiskModel m;
  m.write_latency = d.write_latency;
  m.fsync_latency = d.fsync_latency;
  m.bandwidth_bytes_per_s = d.bandwidth_bytes_per_s;
  m.iops = d.iops;
  m.crash_mode = crash_mode_of(d.crash_mode);
  m.capacity_bytes = d.capacity_bytes;
  return m;
}

// A server's disk and clock: the cluster's, or its own from cluster.nodes.
sim::NodeOptions server_options(const ScenarioSpec& spec, const std::string& node) {
  DiskSpec disk = spec.cluster.disk;
  ClockSpec clock = spec.cluster.clock;
  for (const NodeOverrideSpec& o : spec.cluster.nodes) {
    if (o.node != node) continue;
    if (o.disk) disk = *o.disk;
    if (o.clock) clock = *o.clock;
  }
  sim::NodeOptions opt;
  opt.nic_bytes_per_s = spec.cluster.network.bandwidth_bytes_per_s;
  opt.cpu_flops = spec.cluster.cpu.speed_flops;
  opt.cores = spec.cluster.cpu.cores;
  opt.disk = disk_model_of(disk);
  opt.clock.offset = clock.offset;
  opt.clock.drift_ppm = clock.drift_ppm;
  return opt;
}

// Link classes: same zone, cross zone, client (cluster.network.same_zone / cross_zone / client).
void configure_link_classes(const ScenarioSpec& spec, sim::World& world) {
  const ClusterSpec& c = spec.cluster;
  if (!c.network_same_zone && !c.network_cross_zone && !c.network_client) return;
  const uint32_t servers = static_cast<uint32_t>(c.brokers + c.controllers);
  auto zone_of = [&](uint32_t n) -> std::string {
    if (n < static_cast<uint32_t>(c.brokers)) return n < c.racks.size() ? c.racks[n] : "";
    uint32_t k = n - static_cast<uint32_t>(c.brokers);
    return k < c.controller_racks.size() ? c.controller_racks[k] : "";
  };
  for (uint32_t a = 0; a < world.node_count(); ++a) {
    // Clients talk to servers only: a link between two clients never carries a message, and
    // setting one would hold the square of the client count (thousands of clients at scale).
    for (uint32_t b = 0; b < (a < servers ? world.node_count() : servers); ++b) {
      if (a == b) continue;
      const NetworkSpec* m = nullptr;
      if (a >= servers || b >= servers) {
        if (c.network_client) m = &*c.network_client;
      } else {
        std::string za = zone_of(a), zb = zone_of(b);
        if (!za.empty() && !zb.empty()) m = za == zb ? (c.network_same_zone ? &*c.network_same_zone : nullptr)
                                                     : (c.network_cross_zone ? &*c.network_cross_zone : nullptr);
      }
      if (m != nullptr) world.net().set_link(sim::NodeId{a}, sim::NodeId{b}, link_of(*m));
    }
  }
}

BrokerConfig broker_config_of(const ScenarioSpec& spec, int id) {
  BrokerConfig c;
  c.id = BrokerId{id};
  for (const auto& [key, value] : spec.cluster.broker_configs) {
    auto v = parse_int(value);
    auto b = parse_bool(value);
    if (key == "min.insync.replicas" && v) c.min_insync_replicas = static_cast<int32_t>(*v);
    else if (key == "unclean.leader.election.enable" && b) c.unclean_leader_election = *b;
    else if (key == "eligible.leader.replicas.version" && v) c.eligible_leader_replicas = *v >= 1;
    else if (key == "replica.lag.time.max.ms" && v) c.replica_lag_time_max_ms = *v;
    else if (key == "replica.fetch.wait.max.ms" && v) c.replica_fetch_wait_max_ms = static_cast<int32_t>(*v);
    else if (key == "replica.fetch.max.bytes" && v) c.replica_fetch_max_bytes = static_cast<int32_t>(*v);
    else if (key == "replica.socket.timeout.ms" && v) c.request_timeout_ms = *v;
    else if (key == "replica.fetch.backoff.ms" && v) c.replica_fetch_backoff_ms = *v;
    else if (key == "max.incremental.fetch.session.cache.slots" && v)
      c.max_incremental_fetch_session_cache_slots = static_cast<int32_t>(*v);
    else if (key == "log.segment.bytes" && v) c.log.set("segment.bytes", *v);
    else if (key == "message.max.bytes" && v) c.log.set("max.message.bytes", *v);
    else if (key == "log.retention.ms" && v) c.log.set("retention.ms", *v);
    else if (key == "log.retention.bytes" && v) c.log.set("retention.bytes", *v);
    else if (key == "log.flush.interval.messages" && v) c.log.set("flush.messages", *v);
    else if (key == "log.flush.interval.ms" && v) c.log.set("flush.ms", *v);
    else if (key == "log.retention.check.interval.ms" && v) c.log_retention_check_interval_ms = *v;
    else if (key == "log.cleaner.backoff.ms" && v) c.log_cleaner_backoff_ms = *v;
  }
  c.log_dirs = log_dirs_of(spec.cluster.broker_configs);
  c.variants = spec.cluster.variants;
  return c;
}

int64_t broker_config_int(const ScenarioSpec& spec, const std::string& key, int64_t fallback) {
  auto it = spec.cluster.broker_configs.find(key);
  if (it == spec.cluster.broker_configs.end()) return fallback;
  return parse_int(it->second).value_or(fallback);
}

sim::Duration max_delivery_timeout(const ScenarioSpec& spec) {
  sim::Duration longest = sim::Duration::zero();
  for (const auto& p : spec.producers) {
    ProducerConfig c;
    ProducerConfig::parse(p.configs, c);
    // A transactional producer ends its last transaction after its records: EndTxn may take
    // up to max.block.ms more.
    longest = std::max(longest, sim::milliseconds(c.delivery_timeout_ms + (c.transactional_id ? c.max_block_ms : 0)));
  }
  // A Kinesis producer gives a record up after its record_ttl (plus a last call's timeout).
  if (spec.kinesis)
    for (const auto& p : spec.kinesis->producers) longest = std::max(longest, p.record_ttl + sim::seconds(6));
  return longest;
}

// Acknowledged produces completed within [from, to] (every one when `to` is Instant::max()).
LatencySummary latency_of(const History& h, sim::Instant from, sim::Instant to) {
  std::vector<int64_t> ns;
  for (const auto& p : h.produces())
    if (p.outcome == OpOutcome::kOk && p.completed >= from && p.completed <= to) ns.push_back((p.completed - p.invoked).ns());
  LatencySummary s;
  s.count = static_cast<int64_t>(ns.size());
  if (ns.empty()) return s;
  // Three order statistics, not a sort of every acknowledgement (600,000 in a default run).
  auto rank = [&](double f) { return std::min(ns.size() - 1, static_cast<size_t>(f * static_cast<double>(ns.size()))); };
  auto at = [&](size_t i) { return ns.begin() + static_cast<std::ptrdiff_t>(i); };
  size_t i50 = rank(0.5), i99 = rank(0.99);
  std::nth_element(ns.begin(), at(i50), ns.end());
  s.p50 = sim::nanoseconds(ns[i50]);
  if (i99 > i50) std::nth_element(at(i50 + 1), at(i99), ns.end());  // all after i50 are >= it
  s.p99 = sim::nanoseconds(ns[i99]);
  s.max = sim::nanoseconds(*std::max_element(at(i99), ns.end()));
  return s;
}

// The brokers' authorizer: the scenario's super users and the lab's own principal (its admin,
// final reader and liveness probe must see everything).
security::AuthorizerConfig authorizer_config_of(const SecuritySpec& s) {
  security::AuthorizerConfig c;
  c.enabled = true;
  c.super_users = s.super_users;
  if (std::find(c.super_users.begin(), c.super_users.end(), kLabPrincipal) == c.super_users.end())
    c.super_users.push_back(kLabPrincipal);
  c.allow_everyone_if_no_acl_found = s.allow_everyone_if_no_acl_found;
  return c;
}

int record_producer(uint64_t record_id) { return static_cast<int>(record_id >> 40); }  // make_record_id

// OMB's findMaximumSustainableRate, as a world thread: every control period, the totals of
// messages the max-rate producers got acknowledged and of messages consumed go through OMB's
// RateController, and the new rate is shared among those producers.
void run_rate_search(sim::World& world, LabState& lab, const ScenarioSpec& spec, int producers, sim::Instant start,
                     std::vector<std::pair<double, double>>& out) {
  std::vector<bool> searching;  // by producer index
  for (const auto& p : spec.producers)
    for (int k = 0; k < p.count; ++k) searching.push_back(p.max_rate);
  OmbRateController controller;
  double rate = OmbRateController::kInitialRate;
  sim::Instant last = world.now();
  const sim::Instant end = start + spec.duration;
  while (!lab.workload_stopped && world.now() + OmbRateController::kControlPeriod <= end) {
    world.sleep_for(OmbRateController::kControlPeriod);
    const History& h = lab.history;
    int64_t published = 0, received = 0;
    for (const auto& p : h.produces())
      if (p.outcome == OpOutcome::kOk && p.producer >= 0 && static_cast<size_t>(p.producer) < searching.size() &&
          searching[static_cast<size_t>(p.producer)])
        ++published;
    for (const auto& c : h.consumes())
      if (record_producer(c.record_id) != kLivenessProbeProducer) ++received;
    for (const auto& g : h.groups().processed)
      if (record_producer(g.record_id) != kLivenessProbeProducer) ++received;
    rate = controller.next_rate(rate, world.now() - last, published, received);
    last = world.now();
    lab.max_rate_per_producer = rate / producers;
    out.emplace_back(static_cast<double>((world.now() - start).ns()) / 1e9, rate);
  }
}

}  // namespace

std::set<int> producers_promising_order(const ScenarioSpec& spec) {
  std::set<int> out;
  int index = 0;
  for (const auto& p : spec.producers) {
    ProducerConfig c;
    ProducerConfig::parse(p.configs, c);
    // Kafka keeps a producer's records of a partition in send order with idempotence (the
    // broker takes sequences in order) or with one request in flight (no retry can pass
    // another); with neither, a retried batch can land behind a later one.
    bool ordered = c.enable_idempotence || c.max_in_flight == 1;
    for (int k = 0; k < p.count; ++k, ++index)
      if (ordered) out.insert(index);
  }
  return out;
}

namespace {

// `safety` false: a failed expectation is a liveness verdict (exit code 3), as for how long a
// partition went without a leader or which errors the producers saw.
void add_expectation(ScenarioResult& r, const std::string& check, const std::optional<CountExpectation>& e, int64_t actual,
                     bool safety = true) {
  if (!e) return;
  r.expectations.push_back(ExpectationResult{check, e->str(), std::to_string(actual), e->holds(actual), safety});
}

// A floor on how much the run did. A seed whose faults left the workload no room (every send
// stuck behind a request to a broker that lost power, which waits request.timeout.ms as
// Kafka's NetworkClient does) makes its floor fail without any guarantee broken: the verdict is
// inconclusive, and a sweep fails when more than --max-inconclusive of a scenario's seeds are.
// Only a lower bound is a floor: `acknowledged: 0` (nothing may succeed) stays a safety check.
void add_progress_floor(ScenarioResult& r, const std::string& check, const std::optional<CountExpectation>& e,
                        int64_t actual) {
  if (!e) return;
  bool floor = e->op == CountExpectation::Op::kGt || e->op == CountExpectation::Op::kGe;
  r.expectations.push_back(ExpectationResult{check, e->str(), std::to_string(actual), e->holds(actual), true, floor});
}

bool has_groups(const ScenarioSpec& spec) {
  return std::any_of(spec.consumers.begin(), spec.consumers.end(), [](const ConsumerSpec& c) { return c.in_group(); });
}

template <class CountOf>
void judge_groups(const ScenarioSpec& spec, ScenarioResult& r, CountOf count_of) {
  if (!has_groups(spec)) return;
  // Safety of the group protocol defaults to "never"; what processing guarantees a scenario
  // expects (at-least-once, at-most-once) it states.
  CountExpectation zero{CountExpectation::Op::kEq, 0};
  const ExpectSpec& e = spec.expect;
  add_expectation(r, "group_exclusivity", e.group_exclusivity.value_or(zero), count_of("group_exclusivity"));
  add_expectation(r, "offset_regressions", e.offset_regressions.value_or(zero), count_of("offset_regressions"));
  add_expectation(r, "stale_commits", e.stale_commits.value_or(zero), count_of("stale_commits"));
  add_expectation(r, "lost_commits", e.lost_commits.value_or(zero), count_of("lost_commits"));
  add_expectation(r, "zombie_overlaps", e.zombie_overlaps, count_of("zombie_overlaps"));
  add_expectation(r, "unprocessed", e.unprocessed, count_of("unprocessed"));
  add_expectation(r, "duplicates_processed", e.duplicates_processed, count_of("duplicates_processed"));
  add_expectation(r, "commits_rejected", e.commits_rejected, count_of("commits_rejected"));
}

bool has_ctp(const ScenarioSpec& spec) {
  return std::any_of(spec.consumers.begin(), spec.consumers.end(), [](const ConsumerSpec& c) { return !c.transform_to.empty(); });
}

bool has_transactions(const ScenarioSpec& spec) {
  return has_ctp(spec) ||
         std::any_of(spec.producers.begin(), spec.producers.end(), [](const ProducerSpec& p) { return is_transactional(p); });
}

// Consume-transform-produce (checkers/ctp_checkers.h): exactly once, in order, nothing aborted
// made durable; and not vacuously: some committed input verified.
void judge_ctp(const ScenarioSpec& spec, ScenarioResult& r, const std::function<int64_t(const char*)>& count_of) {
  if (!has_ctp(spec)) return;
  CountExpectation zero{CountExpectation::Op::kEq, 0};
  const ExpectSpec& e = spec.expect;
  add_expectation(r, "ctp_duplicates", e.ctp_duplicates.value_or(zero), count_of("ctp_duplicates"));
  add_expectation(r, "ctp_lost", e.ctp_lost.value_or(zero), count_of("ctp_lost"));
  add_expectation(r, "ctp_order", e.ctp_order.value_or(zero), count_of("ctp_order"));
  add_expectation(r, "ctp_aborted_reads", e.ctp_aborted_reads.value_or(zero), count_of("ctp_aborted_reads"));
  add_progress_floor(r, "ctp_verified", e.ctp_verified.value_or(CountExpectation{CountExpectation::Op::kGt, 0}), r.ctp_verified);
}

// Transactions (checkers/txn_checkers.h): the four safety checks default to 0, and "none
// torn" must not pass vacuously: at least one transaction committed unless the scenario says.
void judge_transactions(const ScenarioSpec& spec, ScenarioResult& r, const std::function<int64_t(const char*)>& count_of) {
  if (!has_transactions(spec)) return;
  CountExpectation zero{CountExpectation::Op::kEq, 0};
  const ExpectSpec& e = spec.expect;
  add_expectation(r, "aborted_reads", e.aborted_reads.value_or(zero), count_of("aborted_reads"));
  add_expectation(r, "read_past_lso", e.read_past_lso.value_or(zero), count_of("read_past_lso"));
  add_expectation(r, "torn_transactions", e.torn_transactions.value_or(zero), count_of("torn_transactions"));
  add_expectation(r, "lost_committed_writes", e.lost_committed_writes.value_or(zero), count_of("lost_committed_writes"));
  add_expectation(r, "txn_cycles", e.txn_cycles.value_or(zero), count_of("txn_cycles"));
  if (e.txn_write_cycles) add_expectation(r, "txn_write_cycles", *e.txn_write_cycles, count_of("txn_write_cycles"));
  add_progress_floor(r, "committed_transactions",
                     e.committed_transactions.value_or(CountExpectation{CountExpectation::Op::kGt, 0}), r.committed_transactions);
}

// A reassign or decommission operation: the reassignment checker judges it (no key needed:
// partitions that do not converge are never what a scenario wants).
bool has_moving_operation(const ScenarioSpec& spec) {
  return std::any_of(spec.operations.begin(), spec.operations.end(),
                     [](const OperationSpec& o) { return o.kind != OperationSpec::Kind::kAddBrokers; });
}

bool has_compacted_topic(const ScenarioSpec& spec) {
  for (const auto& t : spec.topics) {
    auto it = t.configs.find("cleanup.policy");
    if (it != t.configs.end() && it->second.find("compact") != std::string::npos) return true;
  }
  return false;
}

// Kinesis' expectations (checkers/kinesis_checkers.h): with KCL consumers the skipped and
// key-order counts default to 0; processed_twice is at-least-once working and, like
// duplicates and throttling, only checked where the scenario states it.
void judge_kinesis(const ScenarioSpec& spec, ScenarioResult& r) {
  auto count_of = [&](const char* name) {
    for (const auto& c : r.checks)
      if (c.check == name) return c.count;
    return int64_t{0};
  };
  const ExpectSpec& e = spec.expect;
  const bool kcl = !spec.kinesis->consumers.empty();
  const std::optional<CountExpectation> zero_if_kcl =
      kcl ? std::optional<CountExpectation>(CountExpectation{CountExpectation::Op::kEq, 0}) : std::nullopt;
  add_expectation(r, "processed_twice", e.processed_twice, count_of("processed_twice"));
  add_expectation(r, "processed_skipped", e.processed_skipped ? e.processed_skipped : zero_if_kcl, count_of("processed_skipped"));
  add_expectation(r, "kinesis_key_order", e.kinesis_key_order ? e.kinesis_key_order : zero_if_kcl, count_of("kinesis_key_order"));
  add_expectation(r, "reshard_key_order", e.reshard_key_order ? e.reshard_key_order : zero_if_kcl, count_of("reshard_key_order"));
  add_expectation(r, "throttled_writes", e.throttled_writes, count_of("throttled_writes"));
  add_expectation(r, "throttled_reads", e.throttled_reads, count_of("throttled_reads"));
  add_expectation(r, "lease_changes", e.lease_changes, count_of("lease_changes"));
  add_expectation(r, "kinesis_expired_unread", e.kinesis_expired_unread, count_of("kinesis_expired_unread"));
}

void judge(const ScenarioSpec& spec, ScenarioResult& r) {
  auto count_of = [&](const char* name) {
    for (const auto& c : r.checks)
      if (c.check == name) return c.count;
    return int64_t{0};
  };
  // Safety checks default to "none" when the scenario says nothing.
  CountExpectation zero{CountExpectation::Op::kEq, 0};
  add_expectation(r, "lost_writes", spec.expect.lost_writes.value_or(zero), count_of("lost_writes"));
  // "No acknowledged write lost" says nothing when nothing acknowledged was verified. A
  // scenario that means it (nothing may succeed) states `acknowledged`; otherwise "0 of 0
  // verified" fails the run instead of passing it.
  const CountExpectation lost = spec.expect.lost_writes.value_or(zero);
  if (lost.op == CountExpectation::Op::kEq && lost.value == 0 && !spec.expect.acknowledged && r.acknowledged_verified == 0)
    // Nothing acknowledged is a run with nothing to judge (inconclusive); records acknowledged
    // and none verified is the check itself gone blind, which is a failure.
    r.expectations.push_back(ExpectationResult{"acknowledged_verified", "> 0 (lost_writes == 0 must not pass vacuously)",
                                               "0 of " + std::to_string(r.counts.acknowledged) + " verified", false, true,
                                               r.counts.acknowledged == 0});
  add_expectation(r, "lost_reads", spec.expect.lost_reads.value_or(zero), count_of("lost_reads"));
  add_expectation(r, "duplicates", spec.expect.duplicates, count_of("duplicates"));
  add_expectation(r, "dedup_failures", spec.expect.dedup_failures.value_or(zero), count_of("dedup_failures"));
  add_expectation(r, "inconsistent_offsets", spec.expect.inconsistent_offsets.value_or(zero), count_of("inconsistent_offsets"));
  add_expectation(r, "order_violations", spec.expect.order_violations.value_or(zero), count_of("order_violations"));
  add_expectation(r, "controller_divergence", spec.expect.controller_divergence.value_or(zero), count_of("controller_divergence"));
  add_expectation(r, "hw_violations", spec.expect.hw_violations.value_or(zero), count_of("hw_violations"));
  add_expectation(r, "committed_rewrites", spec.expect.committed_rewrites.value_or(zero), count_of("committed_rewrites"));
  add_expectation(r, "producer_order", spec.expect.producer_order.value_or(zero), count_of("producer_order"));
  add_progress_floor(r, "acknowledged", spec.expect.acknowledged, r.counts.acknowledged);
  add_expectation(r, "expired", spec.expect.expired, count_of("expired"));
  // How the cluster behaved under the faults (not safety: a slow failover is no data loss).
  add_expectation(r, "leaderless_ms", spec.expect.leaderless_ms, r.longest_leaderless_ms, false);
  add_expectation(r, "controller_elections", spec.expect.controller_elections, r.controller_elections, false);
  add_expectation(r, "leader_imbalance", spec.expect.leader_imbalance, r.leader_imbalance, false);
  add_expectation(r, "isr_shrinks", spec.expect.isr_shrinks, r.isr_shrinks, false);
  add_expectation(r, "isr_expands", spec.expect.isr_expands, r.isr_expands, false);
  for (const auto& [name, want] : spec.expect.errors) {
    auto it = r.produce_error_answers.find(name);
    add_expectation(r, "errors." + name, want, it == r.produce_error_answers.end() ? 0 : it->second, false);
  }
  judge_groups(spec, r, count_of);
  judge_transactions(spec, r, count_of);
  if (spec.kinesis) judge_kinesis(spec, r);
  if (spec.pipeline) {
    // The pipeline (checkers/pipeline_checkers.h): nothing acknowledged may go missing unless
    // the scenario says otherwise, and something must have arrived; the rest are stated.
    const ExpectSpec& e = spec.expect;
    add_expectation(r, "pipeline_missing", e.pipeline_missing.value_or(zero), count_of("pipeline_missing"));
    add_expectation(r, "pipeline_duplicates", e.pipeline_duplicates, count_of("pipeline_duplicates"));
    add_expectation(r, "pipeline_unexplained_duplicates", e.pipeline_unexplained_duplicates.value_or(zero),
                    count_of("pipeline_unexplained_duplicates"));
    add_expectation(r, "pipeline_out_of_order", e.pipeline_out_of_order, count_of("pipeline_out_of_order"));
    add_expectation(r, "pipeline_qos0_lost", e.pipeline_qos0_lost, count_of("pipeline_qos0_lost"));
    add_expectation(r, "pipeline_mqtt_redelivered", e.pipeline_mqtt_redelivered, count_of("pipeline_mqtt_redelivered"));
    add_expectation(r, "pipeline_redelivered", e.pipeline_redelivered, count_of("pipeline_redelivered"));
    add_expectation(r, "pipeline_replayed", e.pipeline_replayed, count_of("pipeline_replayed"));
    add_expectation(r, "pipeline_dead_lettered", e.pipeline_dead_lettered, count_of("pipeline_dead_lettered"));
    add_progress_floor(r, "pipeline_delivered", e.pipeline_delivered.value_or(CountExpectation{CountExpectation::Op::kGt, 0}),
                       r.pipeline_latency.count);
  }
  judge_ctp(spec, r, count_of);
  if (spec.security) {
    add_expectation(r, "unauthorized_ops", spec.expect.unauthorized_ops.value_or(zero), count_of("unauthorized_ops"));
    add_expectation(r, "deny_overridden", spec.expect.deny_overridden.value_or(zero), count_of("deny_overridden"));
    add_expectation(r, "acl_stale_ops", spec.expect.acl_stale_ops, count_of("acl_stale_ops"), false);
    add_expectation(r, "acl_propagation_ms", spec.expect.acl_propagation_ms, r.acl_propagation_max_ms, false);
  }
  if (has_moving_operation(spec)) add_expectation(r, "reassignment_unconverged", zero, count_of("reassignment_unconverged"));
  if (has_compacted_topic(spec))
    add_expectation(r, "latest_values", spec.expect.latest_values.value_or(zero), count_of("latest_values"));
  bool want_live = spec.expect.liveness.value_or(true);
  r.expectations.push_back(ExpectationResult{"liveness", want_live ? "true" : "false", r.liveness ? "true" : "false",
                                             r.liveness == want_live, false});
}

}  // namespace

bool ScenarioResult::expectations_met() const {
  return std::all_of(expectations.begin(), expectations.end(), [](const auto& e) { return e.held; });
}
bool ScenarioResult::safety_failed() const {
  return std::any_of(expectations.begin(), expectations.end(),
                     [](const auto& e) { return e.safety && !e.progress && !e.held; });
}
bool ScenarioResult::liveness_failed() const {
  return std::any_of(expectations.begin(), expectations.end(), [](const auto& e) { return !e.safety && !e.held; });
}
bool ScenarioResult::inconclusive() const {
  return !safety_failed() && !liveness_failed() &&
         std::any_of(expectations.begin(), expectations.end(), [](const auto& e) { return e.progress && !e.held; });
}

ScenarioResult run_scenario(const ScenarioSpec& file_spec, const RunOptions& options, const ProgressHook& on_progress) {
  // Swarm: the seed picks the knobs the file leaves open, and the nemesis mix.
  ScenarioSpec spec = file_spec;
  std::vector<std::string> drawn;
  faults::NemesisPlan nemesis_plan;
  if (spec.nemesis) {
    sim::Prng swarm_prng = sim::Prng(options.seed).fork("swarm");
    if (spec.nemesis->options.swarm) drawn = draw_swarm_knobs(spec, swarm_prng.fork("knobs"));
    sim::Prng plan_prng = swarm_prng.fork("nemesis-plan");
    nemesis_plan = faults::plan_nemesis(spec.nemesis->options, plan_prng);
    for (const std::string& line : nemesis_plan.lines()) drawn.push_back(line);
    for (const std::string& line : draw_nemesis_aims(spec, swarm_prng.fork("nemesis-aims"))) drawn.push_back(line);
    for (const std::string& line : draw_nemesis_chain(spec, swarm_prng.fork("nemesis-chain"))) drawn.push_back(line);
  }
  sim::WorldConfig wc;
  wc.seed = options.seed;
  wc.engine = spec.engine;
  wc.cpu_flops = spec.cluster.cpu.speed_flops;
  wc.cpu_flops_per_request = spec.cluster.cpu.request_flops;
  wc.cpu_flops_per_byte = spec.cluster.cpu.byte_flops;
  wc.limits.max_events = spec.max_events;
  // Setup, workload, the producers' drain (bounded by delivery.timeout.ms), healing, final
  // phase and a margin: a run that goes past it is stuck.
  wc.limits.max_time = sim::Instant::epoch() + sim::seconds(60) + spec.duration + max_delivery_timeout(spec) +
                       sim::seconds(1) + spec.heal_for + spec.liveness_bound * 3;
  // cluster.network.bandwidth is each server's NIC (server_options); the clients' NIC is
  // client_bandwidth when given; paths have no limit of their own unless a link class says so.
  wc.link = link_of(spec.cluster.network);
  wc.link.bandwidth_bytes_per_s = 0;
  wc.nic_bytes_per_s = spec.cluster.client_nic_bytes_per_s >= 0 ? spec.cluster.client_nic_bytes_per_s
                                                                 : spec.cluster.network.bandwidth_bytes_per_s;
  // The lab's state outlives the world: fibers still waiting on it at the end are unwound
  // when the world is destroyed.
  auto lab = std::make_unique<LabState>();
  {
    // Expected records (a default run records 600,000 produces and 1.2 M consumes), capped so
    // that a scenario with an absurd rate reserves nothing it will not reach quickly.
    double produced = 0, consumed = 0;
    const double seconds = static_cast<double>(spec.duration.ns()) / 1e9;
    for (const auto& p : spec.producers) {
      double records = p.messages_per_s * p.count * seconds;
      produced += records;
      for (const auto& c : spec.consumers)
        if (c.topic == p.topic) consumed += records;  // the spec's instances share the partitions
    }
    constexpr double kReserveMax = 4'000'000;
    lab->history.reserve(static_cast<size_t>(std::min(produced * 1.05, kReserveMax)),
                         static_cast<size_t>(std::min(consumed * 1.05, kReserveMax)));
  }
  sim::World world(wc);
  // What the cluster reports becomes the History's timeline and the lab's view of who leads.
  lab->observer = std::make_unique<LabObserver>(world, lab->history, lab->cluster);
  if (spec.security) {
    lab->observer->observe_security();
    checkers::AclHistory& acl = lab->history.acl();
    acl.enabled = true;
    acl.super_users = authorizer_config_of(*spec.security).super_users;
    acl.allow_everyone_if_no_acl_found = spec.security->allow_everyone_if_no_acl_found;
    acl.propagation_bound = spec.security->propagation_bound;
  }
  for (const auto& t : spec.topics) {
    broker_model::storage::LogConfig log;
    for (const auto& [key, value] : t.configs) log.set_text(key, value);
    if (log.cleanup_compact) lab->history.compacted_topic(t.name, sim::milliseconds(log.delete_retention_ms));
  }
  if (options.trace_sink != nullptr) world.trace().set_sink(options.trace_sink);

  const int brokers = spec.cluster.brokers;
  const int controllers = spec.cluster.controllers;
  // JBOD: every broker log directory's volume, for the disk-usage series.
  struct JbodDir {
    sim::NodeId node;
    size_t volume;
    ScenarioResult::DiskUsageSeries series;
  };
  std::vector<JbodDir> jbod_dirs;
  for (int i = 0; i < brokers; ++i) {
    lab->all_brokers.push_back(BrokerId{i});
    if (!spec.started_later(i)) lab->brokers.push_back(BrokerId{i});
  }
  for (int i = 0; i < controllers; ++i) lab->controllers.push_back(sim::NodeId{static_cast<uint32_t>(brokers + i)});


  for (int i = 0; i < brokers; ++i) {
    BrokerProcessConfig bc;
    bc.broker = broker_config_of(spec, i);
    bc.rack = i < static_cast<int>(spec.cluster.racks.size()) ? spec.cluster.racks[static_cast<size_t>(i)] : "";
    bc.controllers = lab->controllers;
    bc.broker_heartbeat_interval_ms = broker_config_int(spec, "broker.heartbeat.interval.ms", 2'000);
    auto cs = spec.cluster.broker_configs.find("controlled.shutdown.enable");
    if (cs != spec.cluster.broker_configs.end()) bc.controlled_shutdown_enable = parse_bool(cs->second).value_or(true);
    bc.group = group_coordinator_config(spec);
    bc.transactions = transaction_coordinator_config(spec);
    if (spec.security) {
      bc.authorizer = authorizer_config_of(*spec.security);
      bc.principal = spec.security->broker_principal;
    }
    sim::NodeOptions node_options = server_options(spec, "broker " + std::to_string(i));
    // JBOD (log.dirs): each log directory on its own disk of the configured size, as volumes
    // of the node's disk (sim::DiskVolume); the node's own limit is their sum.
    const int64_t dir_bytes = node_options.disk.capacity_bytes;
    if (!bc.broker.log_dirs.empty()) node_options.disk.capacity_bytes = dir_bytes * static_cast<int64_t>(bc.broker.log_dirs.size());
    sim::NodeId node = world.add_node("broker-" + std::to_string(i), make_broker_boot(bc), node_options);
    for (size_t k = 0; k < bc.broker.log_dirs.size(); ++k) {
      world.node(node).disk().add_volume(log_dir_prefix(bc.broker.log_dirs[k]), dir_bytes);
      jbod_dirs.push_back({node, k, ScenarioResult::DiskUsageSeries{i, bc.broker.log_dirs[k], dir_bytes, {}}});
    }
  }
  for (int i = 0; i < controllers; ++i) {
    ControllerServerConfig cc;
    cc.voters = lab->controllers;
    cc.controller.cluster.broker_session_timeout_ms = broker_config_int(spec, "broker.session.timeout.ms", 9'000);
    const BrokerConfig defaults = broker_config_of(spec, 0);
    cc.controller.replication.unclean_leader_election_enable = defaults.unclean_leader_election;
    cc.controller.replication.min_insync_replicas = defaults.min_insync_replicas;
    cc.controller.replication.eligible_leader_replicas_enabled =
        defaults.eligible_leader_replicas && !spec.cluster.variants.has(Variant::kPreKip966NoElr);
    cc.raft.variants = spec.cluster.variants;
    if (auto it = spec.cluster.broker_configs.find("auto.leader.rebalance.enable"); it != spec.cluster.broker_configs.end())
      cc.controller.auto_leader_rebalance_enable = parse_bool(it->second).value_or(true);
    cc.controller.leader_imbalance_check_interval_ms =
        broker_config_int(spec, "leader.imbalance.check.interval.seconds", 300) * 1'000;
    cc.controller.leader_imbalance_per_broker_percentage =
        static_cast<int32_t>(broker_config_int(spec, "leader.imbalance.per.broker.percentage", 10));
    world.add_node("controller-" + std::to_string(i), make_controller_server_boot(cc),
                   server_options(spec, "controller " + std::to_string(i)));
  }
  // Kinesis (kinesis_workload.h): the lease table and the stream frontends are servers too.
  std::vector<sim::NodeId> server_nodes;
  for (uint32_t i = 0; i < static_cast<uint32_t>(brokers + controllers); ++i) server_nodes.push_back(sim::NodeId{i});
  KinesisNodes kinesis_nodes;
  if (spec.kinesis) {
    kinesis_nodes = add_kinesis_servers(world, spec, *lab);
    server_nodes.push_back(kinesis_nodes.lease_table);
    for (sim::NodeId n : kinesis_nodes.frontends) server_nodes.push_back(n);
  }
  std::vector<sim::NodeId> workload_nodes;
  sim::NodeId admin = world.add_node("admin", make_admin_boot(spec, *lab));
  int producer_index = 0;
  for (const auto& p : spec.producers) {
    for (int k = 0; k < p.count; ++k) {
      sim::BootFn boot = is_transactional(p) ? make_transactional_producer_boot(spec, p, producer_index, k, *lab)
                                             : make_producer_boot(spec, p, producer_index, *lab);
      workload_nodes.push_back(world.add_node("producer-" + std::to_string(producer_index), std::move(boot)));
      lab->producer_nodes.push_back(workload_nodes.back());
      ++producer_index;
    }
  }
  if (spec.kinesis) {
    for (const auto& p : spec.kinesis->producers) {
      for (int k = 0; k < p.count; ++k) {
        workload_nodes.push_back(world.add_node("kinesis-producer-" + std::to_string(producer_index),
                                                make_kinesis_producer_boot(spec, p, producer_index, kinesis_nodes, *lab)));
        lab->producer_nodes.push_back(workload_nodes.back());
        ++producer_index;
      }
    }
  }
  int consumer_index = 0;
  GroupLab groups(world, *lab, spec);
  for (const auto& c : spec.consumers) {
    if (c.in_group()) {
      groups.add_members(workload_nodes, consumer_index, c);
      continue;
    }
    for (int k = 0; k < c.count; ++k) {
      const int index = consumer_index++;
      workload_nodes.push_back(
          world.add_node("consumer-" + std::to_string(index), make_consumer_boot(spec, c, index, k, c.count, *lab)));
    }
  }
  sim::NodeId pipeline_reader;
  if (spec.pipeline) pipeline_reader = add_pipeline(world, spec, *lab, server_nodes, workload_nodes, producer_index);
  if (spec.kinesis) {
    int worker = 0;
    for (const auto& c : spec.kinesis->consumers) {
      for (int k = 0; k < c.workers; ++k, ++worker) {
        const int index = consumer_index++;
        workload_nodes.push_back(world.add_node("kcl-worker-" + std::to_string(worker),
                                                make_kcl_worker_boot(spec, c, index, worker, kinesis_nodes, *lab)));
        lab->kcl_worker_nodes.push_back(workload_nodes.back());
      }
    }
  }
  if (spec.kinesis && !spec.kinesis->reshards.empty())
    workload_nodes.push_back(world.add_node("kinesis-admin", make_kinesis_admin_boot(spec, kinesis_nodes, *lab)));
  sim::NodeId final_reader = world.add_node("final-reader", make_final_reader_boot(spec, *lab));

  for (sim::NodeId n : server_nodes)
    if (n.value >= static_cast<uint32_t>(brokers) || !spec.started_later(static_cast<int>(n.value))) world.start(n);
  world.start(admin);
  for (auto n : workload_nodes) world.start(n);

  configure_link_classes(spec, world);
  ScenarioResult result;
  result.scenario = spec.name;
  result.seed = options.seed;
  result.engine = spec.engine;
  result.drawn = drawn;
  result.config_notes = spec.load_notes;
  for (std::string& n : config_notes(spec)) result.config_notes.push_back(std::move(n));
  result.variants = spec.cluster.variants.names();
  FaultTargets targets(world, *lab, spec);
  targets.capture_baseline();
  targets.record_nemesis_faults(&result.nemesis_faults);
  targets.set_group_lab(&groups);
  targets.coordinator_of = [&groups](const std::string& group) { return groups.coordinator_of(group); };
  // The chaining nemesis (off unless the file asks; never when shrink materialised its faults).
  NemesisSpec::Chain no_chain;
  const bool chain_fires = spec.nemesis && spec.nemesis->fire;
  ChainNemesis chain(world, targets, spec, chain_fires ? spec.nemesis->drawn_chain : no_chain, nemesis_plan);
  ClusterOperations operations(world, *lab, spec, targets.injector());
  int max_rate_producers = 0;
  for (const auto& p : spec.producers)
    if (p.max_rate) max_rate_producers += p.count;
  if (max_rate_producers > 0) lab->max_rate_per_producer = OmbRateController::kInitialRate / max_rate_producers;
  world.spawn("scenario-driver", [&] {
    sim::Instant setup_deadline = world.now() + sim::seconds(60);
    while (!lab->ready && world.now() < setup_deadline) lab->changed.wait_until(setup_deadline);
    if (!lab->ready) {
      world.stop("the cluster did not become ready within 60 s (topics created, leaders elected)");
      return;
    }
    result.cluster_ready = true;
    sim::Instant start = world.now();
    lab->workload_start = start;
    result.workload_start = start;
    groups.start_lag_sampler();
    if (max_rate_producers > 0) {
      world.spawn("omb-rate-controller", [&, start] {
        run_rate_search(world, *lab, spec, max_rate_producers, start, result.rate_search);
      });
    }
    for (const auto& f : spec.faults) targets.schedule(f, start, result.faults_fired);
    operations.schedule(start, result.faults_fired);
    if (!spec.nemesis || spec.nemesis->fire)
      targets.schedule_nemesis(nemesis_plan, start, start + spec.duration, result.faults_fired);
    if (chain_fires) chain.start(start, start + spec.duration, result.faults_fired);
    sim::this_fiber::sleep_until(start + spec.duration);
    lab->workload_stopped = true;
    // Let every produced record reach its outcome before healing (Jepsen's "stop the
    // clients, then heal"): what was acknowledged was acknowledged under the faults.
    sim::Instant drain_deadline = world.now() + max_delivery_timeout(spec) + sim::seconds(1);
    while (lab->producers_drained < producer_index && world.now() < drain_deadline)
      lab->changed.wait_until(drain_deadline);
    targets.heal_everything(result.faults_fired);
    groups.heal(result.faults_fired);
    sim::this_fiber::sleep_for(spec.heal_for);
    if (groups.active()) groups.wait_caught_up(world.now() + spec.liveness_bound, result.groups_note);
    if (spec.pipeline) {
      // The pipeline drains (queue empty), then its store is read (pipeline_workload.h).
      world.start(pipeline_reader);
      const sim::Instant pipeline_deadline = world.now() + spec.liveness_bound + sim::seconds(30);
      while (!lab->pipeline_read_done && world.now() < pipeline_deadline) lab->changed.wait_until(pipeline_deadline);
    }
    world.start(final_reader);
    sim::Instant final_deadline = world.now() + spec.liveness_bound * 3;
    while (!lab->final_phase_done && world.now() < final_deadline) lab->changed.wait_until(final_deadline);
    world.stop(lab->final_phase_done ? "final phase done" : "final phase did not finish");
  });

  if (!jbod_dirs.empty()) {
    // Reads the world's disks (no effect on the run): a sample every kDiskSampleInterval, at
    // most kDiskSamplesMax per directory.
    constexpr sim::Duration kDiskSampleInterval = sim::milliseconds(200);
    constexpr size_t kDiskSamplesMax = 2'000;
    world.spawn("disk-usage", [&] {
      for (size_t n = 0; n < kDiskSamplesMax; ++n) {
        for (JbodDir& d : jbod_dirs)
          d.series.points.emplace_back(static_cast<double>((world.now() - sim::Instant::epoch()).ns()) / 1e9,
                                       world.node(d.node).disk().volume(d.volume).used_bytes);
        world.sleep_for(kDiskSampleInterval);
      }
    });
  }
  if (on_progress) {
    world.spawn("progress", [&] {
      for (;;) {
        world.sleep_for(sim::seconds(1));
        sim::Instant end = result.cluster_ready ? lab->workload_start + spec.duration + spec.heal_for : sim::Instant{};
        on_progress(RunProgress{world.now(), world.engine().events_processed(), end});
      }
    });
  }
  result.outcome = world.run();
  result.end = world.now();
  result.events = world.engine().events_processed();
  result.history = std::move(lab->history);
  result.history.set_end(result.end);
  const History& h = result.history;
  Durability durability = check_durability(h);
  result.acknowledged_verified = durability.verified;
  Duplicates duplicates = check_duplicates(h);
  result.checks = {std::move(durability.lost_writes), std::move(duplicates.duplicates), std::move(duplicates.dedup_failures),
                   check_inconsistent_offsets(h), check_order(h),
                   check_lost_reads(h), check_producer_order(h, producers_promising_order(spec)),
                   std::move(durability.expired), check_controller(h), h.replica_invariants().hw_violations(),
                   h.replica_invariants().committed_rewrites()};
  if (has_compacted_topic(spec)) result.checks.push_back(check_latest_values(h));
  if (!h.reassignments().targets.empty() || has_moving_operation(spec)) result.checks.push_back(check_reassignments(h));
  if (has_transactions(spec)) {
    TransactionChecks t = check_transactions(h);
    result.committed_transactions = t.committed;
    for (CheckResult* c : {&t.aborted_reads, &t.read_past_lso, &t.torn_transactions, &t.lost_committed_writes})
      result.checks.push_back(std::move(*c));
    TxnCycleChecks cycles = check_txn_cycles(h);
    for (CheckResult* c : {&cycles.cycles, &cycles.write_cycles}) result.checks.push_back(std::move(*c));
  }
  if (spec.kinesis) {
    KinesisChecks k = check_kinesis(h);
    result.kinesis_throttling = std::move(k.throttling);
    result.kinesis_consumers = std::move(k.consumers);
    for (CheckResult* c : {&k.processed_twice, &k.processed_skipped, &k.key_order, &k.reshard_key_order, &k.reshards,
                           &k.throttled_writes, &k.throttled_reads, &k.lease_changes, &k.expired_unread})
      result.checks.push_back(std::move(*c));
  }
  if (spec.pipeline) {
    PipelineChecks pc = check_pipeline(h);
    result.pipeline_latency = std::move(pc.latency);
    for (CheckResult* c : {&pc.missing, &pc.duplicates, &pc.unexplained_duplicates, &pc.mqtt_redelivered, &pc.out_of_order, &pc.qos0_lost, &pc.redelivered, &pc.replayed,
                           &pc.dead_lettered})
      result.checks.push_back(std::move(*c));
  }
  if (spec.security) {
    AclChecks acl = check_acls(h.acl());
    result.acl_propagation_max_ms = acl.max_propagation_ms;
    result.acl_propagation_samples = acl.propagation_samples;
    result.acl_propagation_story = acl.propagation_story;
    result.acl_accesses = static_cast<int64_t>(h.acl().accesses.size());
    for (CheckResult* c : {&acl.unauthorized_ops, &acl.deny_overridden, &acl.stale_ops}) result.checks.push_back(std::move(*c));
  }
  if (has_ctp(spec)) {
    CtpChecks ctp = check_ctp(h);
    result.ctp_verified = ctp.verified;
    for (CheckResult* c : {&ctp.duplicates, &ctp.lost, &ctp.order, &ctp.aborted_reads}) result.checks.push_back(std::move(*c));
  }
  if (groups.active()) {
    result.rebalance_timeline = ownership_intervals(h, result.end);
    GroupTopics group_topics;
    for (const auto& c : spec.consumers)
      if (c.in_group()) group_topics[c.configs.at("group.id")] = c.topic;
    for (auto& c : check_groups(h, result.rebalance_timeline, group_topics)) result.checks.push_back(std::move(c));
  }
  result.counts = count_outcomes(h);
  result.liveness = lab->final_phase_done && lab->liveness;
  result.liveness_note = lab->final_phase_done ? lab->liveness_note : "the final phase did not finish";
  for (const auto& fr : h.final_reads())
    if (!fr.complete) {
      result.liveness = false;
      result.liveness_note += "; " + fr.tp.str() + " could not be read to its end";
    }
  result.warmup = spec.warmup;
  if (spec.warmup > sim::Duration::zero()) {
    // OMB resets its counters when the warm-up ends and reports what completes afterwards.
    const sim::Instant from = result.workload_start + spec.warmup, to = result.workload_start + spec.duration;
    const double seconds = static_cast<double>((spec.duration - spec.warmup).ns()) / 1e9;
    int64_t produced = 0, consumed = 0;
    for (const auto& p : h.produces())
      if (p.outcome == OpOutcome::kOk && p.producer != kLivenessProbeProducer && p.completed >= from && p.completed <= to)
        ++produced;
    for (const auto& c : h.consumes())
      if (record_producer(c.record_id) != kLivenessProbeProducer && c.at >= from && c.at <= to) ++consumed;
    for (const auto& g : h.groups().processed)
      if (record_producer(g.record_id) != kLivenessProbeProducer && g.at >= from && g.at <= to) ++consumed;
    result.produce_records_per_s = static_cast<double>(produced) / seconds;
    result.consume_records_per_s = static_cast<double>(consumed) / seconds;
    result.produce_latency = latency_of(h, from, to);
  } else {
    const double seconds = static_cast<double>(spec.duration.ns()) / 1e9;
    result.produce_records_per_s = static_cast<double>(result.counts.acknowledged) / seconds;
    result.consume_records_per_s = static_cast<double>(result.counts.consumed) / seconds;
    result.produce_latency = latency_of(h, sim::Instant::epoch(), sim::Instant::max());
  }
  result.fault_points = world.fault_points().stats();
  lab->cluster.close_leaderless(result.end);
  result.longest_leaderless_ms = lab->cluster.longest_leaderless().ms();
  for (const ClusterFacts::LeaderOutage& o : lab->cluster.outages())
    result.leader_outages.push_back({o.fault, static_cast<double>((o.at - result.workload_start).ns()) / 1e9, o.partitions,
                                     o.still_leaderless, o.still_leaderless == 0 ? (o.all_led_again - o.at).ms() : -1});
  result.controller_elections = static_cast<int64_t>(h.controller().elections.size());
  result.isr_shrinks = lab->cluster.isr_shrinks;
  result.isr_expands = lab->cluster.isr_expands;
  result.restart_steps = targets.restart_steps();
  for (const std::string& line : lab->security_lines) result.faults_fired.push_back(line);
  for (JbodDir& d : jbod_dirs) {  // times since the workload started, as moved_bytes
    const double start_s = static_cast<double>((result.workload_start - sim::Instant::epoch()).ns()) / 1e9;
    for (auto& point : d.series.points) point.first -= start_s;
    result.disk_usage.push_back(std::move(d.series));
  }
  result.moved_bytes_total = h.reassignments().moved_bytes_total;
  for (const auto& [interval, bytes] : h.reassignments().moved_bytes) {
    const sim::Instant at = sim::Instant::epoch() + ReassignmentHistory::kMovedBytesInterval * interval;
    result.moved_bytes.emplace_back(static_cast<double>((at - result.workload_start).ns()) / 1e9, bytes);
  }
  for (int b = 0; b < spec.cluster.brokers; ++b)
    if (!operations.decommissioned(b)) result.leaders_per_broker[b] = 0;
  for (const TopicSpec& t : spec.topics)
    for (int p = 0; p < t.partitions; ++p)
      if (auto leader = lab->cluster.partition_leader(broker_model::TopicPartition{t.name, p}))
        ++result.leaders_per_broker[leader->value()];
  if (!result.leaders_per_broker.empty()) {
    int64_t most = 0, fewest = INT64_MAX;
    for (const auto& [b, n] : result.leaders_per_broker) {
      most = std::max(most, n);
      fewest = std::min(fewest, n);
    }
    result.leader_imbalance = most - fewest;
  }
  result.produce_error_answers = lab->cluster.produce_error_answers;
  judge(spec, result);
  result.fingerprint = world.fingerprint();
  for (size_t i = 0; i < world.node_count(); ++i) {
    result.node_names.push_back(world.node(sim::NodeId{static_cast<uint32_t>(i)}).name());
  }
  return result;
}

}  // namespace scenarios
