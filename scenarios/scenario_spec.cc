#include "scenarios/scenario_spec.h"

#include <algorithm>

namespace scenarios {

bool CountExpectation::holds(int64_t n) const {
  switch (op) {
    case Op::kEq: return n == value;
    case Op::kGt: return n > value;
    case Op::kGe: return n >= value;
    case Op::kLt: return n < value;
    case Op::kLe: return n <= value;
  }
  return false;
}

std::string CountExpectation::str() const {
  const char* spelling = "==";
  switch (op) {
    case Op::kEq: spelling = "=="; break;
    case Op::kGt: spelling = ">"; break;
    case Op::kGe: spelling = ">="; break;
    case Op::kLt: spelling = "<"; break;
    case Op::kLe: spelling = "<="; break;
  }
  return std::string(spelling) + " " + std::to_string(value);
}

const std::vector<ExpectKey>& expect_keys() {
  static const std::vector<ExpectKey> keys = {
      {"lost_writes", &ExpectSpec::lost_writes, "acknowledged records missing from the final log"},
      {"lost_reads", &ExpectSpec::lost_reads,
       "records a consumer read (committed: below the high watermark), missing from the final log whatever the acks "
       "(default 0)"},
      {"duplicates", &ExpectSpec::duplicates, "a record found at two or more offsets"},
      {"dedup_failures", &ExpectSpec::dedup_failures,
       "duplicates whose every send carried one producer id, epoch and sequence: the broker's idempotence failed "
       "(default 0; a batch the producer re-stamped by an epoch bump, KAFKA-14034, is a duplicate but not this)"},
      {"inconsistent_offsets", &ExpectSpec::inconsistent_offsets,
       "a record at another offset than acknowledged, two records acknowledged at one offset, or in-sync "
       "replicas disagreeing below the high watermark"},
      {"order_violations", &ExpectSpec::order_violations,
       "a consumer seeing offsets go backwards or skipping records below the HW"},
      {"controller_divergence", &ExpectSpec::controller_divergence,
       "two controller leaders in one term, or two different entries committed at one metadata log offset (default 0)"},
      {"hw_violations", &ExpectSpec::hw_violations,
       "a replica's high watermark beyond its own log end, or a leader's going back within its epoch, checked by the "
       "lab on every move (default 0)"},
      {"committed_rewrites", &ExpectSpec::committed_rewrites,
       "an offset below a replica's high watermark held under another leader epoch than the partition committed it "
       "in: committed data rewritten or replicas diverging (default 0; an unclean election restarts the lineage)"},
      {"producer_order", &ExpectSpec::producer_order,
       "acknowledged records of one producer and partition out of send order, where the producer's configuration "
       "promises order (enable.idempotence, or max.in.flight.requests.per.connection=1; default 0)"},
      {"acknowledged", &ExpectSpec::acknowledged, "the count of acknowledged records (e.g. == 0 when nothing may succeed)"},
      {"expired", &ExpectSpec::expired,
       "acknowledged records deleted by retention (retention.ms, retention.bytes): below the final log start, not lost"},
      {"liveness", nullptr, "after healing, every partition takes an acks=all write and reads to its end (true/false)"},
      {"group_exclusivity", &ExpectSpec::group_exclusivity,
       "two members of one generation owning a partition at once (default 0 with groups)"},
      {"zombie_overlaps", &ExpectSpec::zombie_overlaps,
       "a member of an older generation still working on a partition a newer one owns"},
      {"offset_regressions", &ExpectSpec::offset_regressions, "a group's committed offset moving backwards (default 0 with groups)"},
      {"stale_commits", &ExpectSpec::stale_commits, "commits accepted from a stale generation (default 0 with groups)"},
      {"lost_commits", &ExpectSpec::lost_commits,
       "OffsetFetch answered with less than the group had committed (default 0 with groups)"},
      {"unprocessed", &ExpectSpec::unprocessed, "acknowledged records no group member ever processed"},
      {"duplicates_processed", &ExpectSpec::duplicates_processed, "records processed more than once"},
      {"commits_rejected", &ExpectSpec::commits_rejected, "commits the coordinator refused"},
      {"processed_twice", &ExpectSpec::processed_twice,
       "Kinesis: records a KCL application processed more than once (at-least-once across lease changes)"},
      {"processed_skipped", &ExpectSpec::processed_skipped,
       "Kinesis: records at or below a shard's final checkpoint that no worker processed (default 0 with KCL consumers)"},
      {"kinesis_key_order", &ExpectSpec::kinesis_key_order,
       "Kinesis: a partition key's records first processed out of their shard's sequence order (default 0 with KCL "
       "consumers)"},
      {"reshard_key_order", &ExpectSpec::reshard_key_order,
       "Kinesis: a partition key's record of a parent shard first processed after one of its child shards (default 0 "
       "with KCL consumers)"},
      {"throttled_writes", &ExpectSpec::throttled_writes,
       "Kinesis: records refused with ProvisionedThroughputExceededException (per-shard write limits)"},
      {"throttled_reads", &ExpectSpec::throttled_reads,
       "Kinesis: GetRecords calls refused with ProvisionedThroughputExceededException (per-shard read limits)"},
      {"lease_changes", &ExpectSpec::lease_changes, "Kinesis: leases taken over (expired) or stolen by another worker"},
      {"kinesis_expired_unread", &ExpectSpec::kinesis_expired_unread,
       "Kinesis: records retention trimmed before a KCL application read them (a consumer behind by more than the "
       "retention period)"},
      {"latest_values", &ExpectSpec::latest_values,
       "keys of a compacted topic whose latest acknowledged value is not in the final log (default 0 with compaction)"},
      {"aborted_reads", &ExpectSpec::aborted_reads,
       "records of aborted transactions a read_committed consumer read (default 0 with transactions)"},
      {"read_past_lso", &ExpectSpec::read_past_lso,
       "transactional records a read_committed consumer read before their transaction was decided (default 0 with "
       "transactions)"},
      {"torn_transactions", &ExpectSpec::torn_transactions,
       "committed transactions only part of whose records are visible as committed in the final log (default 0 with "
       "transactions)"},
      {"lost_committed_writes", &ExpectSpec::lost_committed_writes,
       "records of committed transactions not visible as committed in the final log (default 0 with transactions)"},
      {"txn_cycles", &ExpectSpec::txn_cycles,
       "cycles of write-read, process-order and one-transactional.id write-write dependencies between committed "
       "transactions (G1c, G0-process; default 0 with transactions)"},
      {"txn_write_cycles", &ExpectSpec::txn_write_cycles,
       "cycles through the interleaved writes of different transactional.ids (G0, G1c): allowed by Kafka's model, "
       "counted"},
      {"committed_transactions", &ExpectSpec::committed_transactions,
       "transactions whose commit was acknowledged: the floor that keeps the transaction checks from passing "
       "vacuously (default > 0 with transactions)"},
      {"ctp_duplicates", &ExpectSpec::ctp_duplicates,
       "consume-transform-produce: input records with more than one committed output (default 0 with transform_to)"},
      {"ctp_lost", &ExpectSpec::ctp_lost,
       "consume-transform-produce: committed input records below the group's committed offset with no committed "
       "output (default 0 with transform_to)"},
      {"ctp_order", &ExpectSpec::ctp_order,
       "consume-transform-produce: committed outputs of one input partition out of input order (default 0 with "
       "transform_to)"},
      {"ctp_aborted_reads", &ExpectSpec::ctp_aborted_reads,
       "consume-transform-produce: committed outputs made from aborted or undecided input records (default 0 with "
       "transform_to)"},
      {"ctp_verified", &ExpectSpec::ctp_verified,
       "consume-transform-produce: committed input records verified (default > 0 with transform_to)"},
      {"pipeline_missing", &ExpectSpec::pipeline_missing,
       "pipeline: QoS 1 readings acknowledged to their device with no document in the store (default 0 with pipeline)"},
      {"pipeline_duplicates", &ExpectSpec::pipeline_duplicates,
       "pipeline: readings held by more than one document in the store, each told with its cause"},
      {"pipeline_unexplained_duplicates", &ExpectSpec::pipeline_unexplained_duplicates,
       "pipeline: duplicate documents no hop's recorded behaviour explains (default 0 with pipeline)"},
      {"pipeline_out_of_order", &ExpectSpec::pipeline_out_of_order,
       "pipeline: store writes that replaced a device's document holding a newer reading (upsert by device)"},
      {"pipeline_qos0_lost", &ExpectSpec::pipeline_qos0_lost, "pipeline: QoS 0 readings with no document (at most once)"},
      {"pipeline_mqtt_redelivered", &ExpectSpec::pipeline_mqtt_redelivered,
       "pipeline: QoS 1 readings sent again with DUP=1, by their device (PUBACK lost) or by the MQTT broker to the rule"},
      {"pipeline_redelivered", &ExpectSpec::pipeline_redelivered, "pipeline: queue messages received more than once"},
      {"pipeline_replayed", &ExpectSpec::pipeline_replayed,
       "pipeline: topic records a sink task wrote to the store more than once (replays from a committed offset)"},
      {"pipeline_dead_lettered", &ExpectSpec::pipeline_dead_lettered,
       "pipeline: malformed records the sink sent to its dead-letter topic (errors.tolerance=all)"},
      {"pipeline_delivered", &ExpectSpec::pipeline_delivered,
       "pipeline: readings that reached the store: the progress floor (default > 0 with pipeline)"},
      {"leaderless_ms", &ExpectSpec::leaderless_ms,
       "the longest time (ms) a partition was without a leader after a fault took its leader out"},
      {"controller_elections", &ExpectSpec::controller_elections,
       "controller quorum leaders elected during the run, the first included (liveness; KIP-996 pre-vote)"},
      {"isr_shrinks", &ExpectSpec::isr_shrinks,
       "committed ISR changes that dropped a member, counted at the leader (liveness: a lagging follower must leave "
       "the ISR)"},
      {"isr_expands", &ExpectSpec::isr_expands, "committed ISR changes that added a member, counted at the leader"},
      {"leader_imbalance", &ExpectSpec::leader_imbalance,
       "at the end: the most partitions of the scenario's topics one broker leads minus the fewest (leader "
       "balance; auto.leader.rebalance.enable brings preferred leaders back)"},
      {"unauthorized_ops", &ExpectSpec::unauthorized_ops,
       "security: produces and fetches a broker accepted that no ACL state within security.propagation_bound "
       "allowed (default 0 with security)"},
      {"deny_overridden", &ExpectSpec::deny_overridden,
       "security: accepted produces and fetches that a matching DENY forbade throughout the propagation bound "
       "(default 0 with security)"},
      {"acl_stale_ops", &ExpectSpec::acl_stale_ops,
       "security: accepted accesses forbidden at their moment but allowed within the bound (the window a "
       "revocation leaves while brokers learn of it)"},
      {"acl_propagation_ms", &ExpectSpec::acl_propagation_ms,
       "security: the longest time (ms) from an ACL record's commit until a broker that was running applied it"},
      {"errors", nullptr,
       "a map from Kafka error name to a count: produce answers with that error (e.g. NOT_ENOUGH_REPLICAS: \"> 0\"); "
       "REQUEST_TIMED_OUT counts requests that timed out"},
  };
  return keys;
}

std::optional<std::string> add_variants(ClusterSpec& cluster, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    auto v = broker_model::variant_from_name(name);
    if (!v) return "--variant: unknown protocol variant '" + name + "'; known: " + broker_model::known_variant_names();
    cluster.variants.set(*v);
  }
  return std::nullopt;
}

std::string KinesisReshardSpec::describe() const {
  switch (action) {
    case Action::kSplitShard: return "SplitShard " + shard + " at NewStartingHashKey " + new_starting_hash_key;
    case Action::kMergeShards: return "MergeShards " + shard + " with " + adjacent_shard;
    case Action::kUpdateShardCount: return "UpdateShardCount to " + std::to_string(target_shard_count) + " (UNIFORM_SCALING)";
    case Action::kIncreaseRetention: return "IncreaseStreamRetentionPeriod to " + std::to_string(retention_hours) + " hours";
    case Action::kDecreaseRetention: return "DecreaseStreamRetentionPeriod to " + std::to_string(retention_hours) + " hours";
  }
  return "?";
}

bool chain_can_inject(faults::FaultKind k) {
  using K = faults::FaultKind;
  return k == K::kCrash || k == K::kTornCrash || k == K::kKill || k == K::kShutdown || k == K::kPause ||
         k == K::kIsolate || k == K::kPartition;
}

const char* to_string(NemesisSpec::Chain::Link l) {
  using L = NemesisSpec::Chain::Link;
  switch (l) {
    case L::kNewLeader: return "new leader";
    case L::kDeposedLeader: return "deposed leader";
    case L::kIsrJoiner: return "replica that rejoined the ISR";
    case L::kExpandingLeader: return "leader that expands the ISR";
    case L::kTruncatedFollower: return "follower that truncated";
    case L::kNewQuorumLeader: return "new quorum leader";
    case L::kNewLeadersFollower: return "follower of a new leader";
    case L::kShrinkingLeader: return "leader that shrank the ISR";
  }
  return "?";
}

const char* to_string(OperationSpec::Kind k) {
  switch (k) {
    case OperationSpec::Kind::kAddBrokers: return "add-brokers";
    case OperationSpec::Kind::kReassign: return "reassign";
    case OperationSpec::Kind::kDecommission: return "decommission";
  }
  return "?";
}

bool ScenarioSpec::started_later(int broker) const {
  for (const OperationSpec& o : operations)
    if (o.kind == OperationSpec::Kind::kAddBrokers &&
        std::find(o.brokers.begin(), o.brokers.end(), broker) != o.brokers.end())
      return true;
  return false;
}

}  // namespace scenarios

namespace scenarios {

std::vector<std::string> log_dirs_of(const std::map<std::string, std::string>& broker_configs) {
  std::vector<std::string> out;
  auto it = broker_configs.find("log.dirs");
  if (it == broker_configs.end()) return out;
  const std::string& list = it->second;
  size_t at = 0;
  while (at <= list.size()) {
    size_t comma = std::min(list.find(',', at), list.size());
    std::string item = list.substr(at, comma - at);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    out.push_back(item);
    at = comma + 1;
  }
  return out;
}

}  // namespace scenarios
