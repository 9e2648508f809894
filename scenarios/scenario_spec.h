// What a scenario file describes, after validation. The YAML form is documented in
// scenarios/README.md; scenario_loader.h turns a file into this (or a located error).
// Kafka configs keep Kafka's names and are carried as text, as in a .properties file; the
// broker and clients parse the keys they know and the loader rejects the ones nobody knows.
#pragma once

#include "sim/world/engine.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/security/acl.h"
#include "broker_model/variants.h"
#include "faults/fault_kind.h"
#include "faults/fault_schedule.h"
#include "faults/nemesis.h"
#include "sim/time.h"

namespace scenarios {

using KafkaConfigs = std::map<std::string, std::string>;

struct LatencySpec {
  enum class Kind { kConstant, kUniform, kNormal, kExponential };
  Kind kind = Kind::kUniform;
  sim::Duration a = sim::microseconds(100);  // constant / min / mean
  sim::Duration b = sim::microseconds(500);  // max / stddev
};

struct NetworkSpec {
  LatencySpec latency;
  // cluster.network: each node's NIC (each direction, shared by all its flows); a link class
  // (same_zone, cross_zone, client): a limit of those paths on top of the NICs, 0 for none.
  int64_t bandwidth_bytes_per_s = 1'250'000'000;
  // Packet faults (connections absorb them as TCP does: retransmission, discard, delay).
  double loss = 0.0;
  double duplicate = 0.0;
  double reorder = 0.0;
  // Message faults that break TCP's promise on purpose (sim/world/network.h).
  double message_drop = 0.0;
  double message_duplicate = 0.0;
  double message_reorder = 0.0;
};

struct DiskSpec {
  sim::Duration write_latency = sim::microseconds(20);
  sim::Duration fsync_latency = sim::milliseconds(1);
  int64_t bandwidth_bytes_per_s = 500'000'000;
  int64_t iops = 0;  // 0: unlimited; an fsync takes one I/O
  std::string crash_mode = "lose-unsynced";  // lose-unsynced | keep-prefix | torn-last-sector
  // The disk's size; with the brokers' log.dirs, each log directory's own disk has this size.
  int64_t capacity_bytes = int64_t{64} << 30;
};

// Log directories a broker's log.dirs may name (each its own disk: sim::Disk::kMaxVolumes).
inline constexpr int64_t kLogDirsMax = 16;
// log.dirs split at its commas (Kafka's list syntax), spaces trimmed; empty when unset.
std::vector<std::string> log_dirs_of(const std::map<std::string, std::string>& broker_configs);

// A node's clock: wall-clock offset from true time (signed) and drift.
struct ClockSpec {
  sim::Duration offset;
  int64_t drift_ppm = 0;
};

// cluster.nodes[i]: one server's own disk and clock models.
struct NodeOverrideSpec {
  std::string node;  // "broker N" or "controller N"
  std::optional<DiskSpec> disk;
  std::optional<ClockSpec> clock;
};

// CPU cost of request handling, charged on both engines (a queue per server for its cores).
struct CpuSpec {
  double speed_flops = 1e9;     // each host's speed, flop/s per core
  int cores = 1;                // each server's cores
  double request_flops = 0;     // per request a broker handles
  double byte_flops = 0;        // per byte of that request
};

struct ClusterSpec {
  int brokers = 3;
  int controllers = 3;
  std::vector<std::string> racks;             // broker.rack per broker (empty: no racks); a rack is a zone
  std::vector<std::string> controller_racks;  // zone of each controller (empty: none)
  // cluster.profile: the bundled machine the servers are (platform_profiles.h), "" for none;
  // its figures are the defaults the file's network, disk and cpu keys override.
  std::string profile;
  NetworkSpec network;
  // cluster.network.client_bandwidth: each client's NIC; -1: the servers' (network.bandwidth).
  int64_t client_nic_bytes_per_s = -1;
  // Link classes (each the whole model for its links): between two servers of one zone,
  // between servers of two zones, and every link with a client at one end.
  std::optional<NetworkSpec> network_same_zone;
  std::optional<NetworkSpec> network_cross_zone;
  std::optional<NetworkSpec> network_client;
  bool network_latency_set = false;           // the file chose a latency (swarm leaves it alone)
  DiskSpec disk;
  CpuSpec cpu;
  ClockSpec clock;                            // every server's clock
  std::vector<NodeOverrideSpec> nodes;
  KafkaConfigs broker_configs;     // e.g. unclean.leader.election.enable, replica.lag.time.max.ms
  // cluster.variants: historical bugs brought back (broker_model/variants.h, docs/bug-zoo.md).
  broker_model::ProtocolVariants variants;
};

// Turns on the named variants (`--variant NAME`); an unknown name is an error that lists the
// known ones.
std::optional<std::string> add_variants(ClusterSpec& cluster, const std::vector<std::string>& names);

struct TopicSpec {
  std::string name;
  int partitions = 1;
  int replication_factor = 1;
  KafkaConfigs configs;  // min.insync.replicas, unclean.leader.election.enable, segment.bytes, flush.messages, ...
};

struct KeySpec {
  enum class Kind { kNone, kUniform, kFixedSet, kZipf };
  Kind kind = Kind::kNone;  // none: null keys (sticky partitioner)
  int count = 0;            // distinct keys for uniform / fixed set / zipf
  double zipf_exponent = 1.0;
};

struct ProducerSpec {
  std::string topic;
  int count = 1;                 // producer instances, each on its own client node
  double messages_per_s = 1000;  // per producer
  // `rate: max`: OpenMessaging Benchmark's maximum-rate search (producerRate 0) sets the rate of
  // every such producer while the run goes (omb_rate_controller.h); messages_per_s is unused.
  bool max_rate = false;
  int message_bytes = 1024;
  KeySpec keys;
  double tombstones = 0;         // share of records sent as tombstones (null values), keyed only
  // With transactional.id in configs (scenarios/txn_workload.h): records per transaction, the
  // share of transactions the application aborts on purpose, and a pause between them.
  int records_per_transaction = 10;
  double abort_ratio = 0;
  sim::Duration transaction_pause = sim::Duration::zero();
  KafkaConfigs configs;          // acks, linger.ms, batch.size, retries, delivery.timeout.ms, ...
  std::string principal{};       // security: the SASL principal its connections carry ("" none)
};

struct ConsumerSpec {
  std::string topic;
  int count = 1;
  KafkaConfigs configs;
  // Consumer groups (configs has group.id): the application's processing model.
  enum class Commit {
    kAuto,                  // enable.auto.commit: poll commits what earlier polls returned
    kSyncAfterProcessing,   // commitSync after processing each poll's records (at-least-once)
    kAsyncAfterProcessing,  // commitAsync after processing
    kSyncBeforeProcessing,  // commitSync right after poll, then process (at-most-once)
    kTransaction,           // consume-transform-produce: offsets go in the output transaction
  };
  Commit commit = Commit::kAuto;
  sim::Duration processing_time = sim::Duration::zero();  // per record
  // Consume-transform-produce (scenarios/ctp_workload.h): each poll's records are written to
  // `transform_to` by a transactional producer with `producer_configs` (a transactional.id),
  // with the consumed offsets committed in the same transaction (sendOffsetsToTransaction).
  std::string transform_to{};
  KafkaConfigs producer_configs{};
  std::string principal{};  // security: the SASL principal its connections carry ("" none); also its group's
  bool in_group() const { return configs.count("group.id") != 0; }
};

// `security:` (broker_model/security/, docs/security.md): SASL principals, ACLs in the metadata
// log, timed ACL changes.
struct AclChangeSpec {
  sim::Duration at;       // from the workload's start
  bool grant = true;      // grant: CreateAcls of `acl`; revoke: DeleteAcls of exactly `acl`
  broker_model::security::AclBinding acl;
  int line = 0;
};
struct SecuritySpec {
  std::string broker_principal = "User:broker";  // what brokers authenticate as
  std::vector<std::string> super_users;           // super.users; [broker_principal] unless given
  bool allow_everyone_if_no_acl_found = false;    // allow.everyone.if.no.acl.found (Kafka's default false)
  // The stated propagation bound the unauthorized_ops check allows after an ACL change.
  sim::Duration propagation_bound = sim::seconds(10);
  std::vector<broker_model::security::AclBinding> acls;  // created before the workload starts
  std::vector<AclChangeSpec> changes;
};
// The lab's own clients (the admin that creates topics and ACLs, the final reader and the
// liveness probe) authenticate as this principal, which is always a super user.
inline constexpr const char* kLabPrincipal = "User:eddy-lab";

// `kinesis:` (scenarios/kinesis_workload.h, docs/kinesis.md): Kinesis Data Streams on the
// cluster. Each stream becomes the topic `kinesis.<name>` (one partition per shard) in `topics`.
struct KinesisStreamSpec {
  std::string name;
  int shards = 1;
  int partitions = 1;  // its topic's: the shards it starts with plus those its reshards create
  int retention_hours = 24;  // RetentionPeriodHours (24 to 8,760), kinesis/stream_frontend.h
};
// A `kinesis.reshard` entry: SplitShard, MergeShards or UpdateShardCount at a time, called by
// the lab's `kinesis-admin` node (kinesis_workload.h). Shards by id ("shardId-000000000001").
struct KinesisReshardSpec {
  // kIncreaseRetention / kDecreaseRetention: Increase/DecreaseStreamRetentionPeriod to
  // retention_hours (the same list: the admin node plays both in time order).
  enum class Action { kSplitShard, kMergeShards, kUpdateShardCount, kIncreaseRetention, kDecreaseRetention };
  sim::Duration at;
  std::string stream;
  Action action = Action::kSplitShard;
  std::string shard;                  // ShardToSplit / ShardToMerge
  std::string adjacent_shard;         // AdjacentShardToMerge
  std::string new_starting_hash_key;  // decimal (the loader fills the parent's midpoint when absent)
  int target_shard_count = 0;
  int retention_hours = 0;
  bool retention() const { return action == Action::kIncreaseRetention || action == Action::kDecreaseRetention; }
  std::string describe() const;       // "SplitShard shardId-000000000000 at 1701..."
};
struct KinesisProducerSpec {
  std::string stream;
  int count = 1;
  double records_per_s = 100;    // per producer
  int record_bytes = 100;        // Data size (8 to 1 MiB)
  KeySpec keys;                  // partition keys; none: one random key per record
  double hot_key_share = 0;      // share of records sent with the partition key "hot"
  bool kpl = false;              // library: kpl (collects for max_buffered) or sdk (sends at once)
  int batch_records = 500;       // records per PutRecords
  sim::Duration max_buffered = sim::milliseconds(100);
  sim::Duration record_ttl = sim::seconds(30);
};
struct KinesisConsumerSpec {
  std::string stream;
  std::string application = "app";
  int workers = 1;
  sim::Duration lease_duration = sim::seconds(10);
  sim::Duration idle_between_reads = sim::seconds(1);
  sim::Duration processing_time = sim::Duration::zero();
  int max_records = 10'000;
  bool checkpoint_before_processing = false;  // checkpoint: before_processing
  // Parent before child (kcl_worker.h): a child shard waits until its parents are at
  // SHARD_END, polled every parent_shard_poll; read_children_early: true skips the wait.
  bool read_children_early = false;
  sim::Duration parent_shard_poll = sim::seconds(10);
  // Enhanced fan-out (kcl_worker.h): the application registers a stream consumer named after
  // it and its workers subscribe to their shards instead of polling GetRecords.
  bool fan_out = false;
};
struct KinesisSpec {
  int frontends = 1;
  std::vector<KinesisStreamSpec> streams;
  std::vector<KinesisProducerSpec> producers;
  std::vector<KinesisConsumerSpec> consumers;
  std::vector<KinesisReshardSpec> reshards;  // by time
  // How long one hour of retention lasts (lab only, `kinesis.retention_hour`; default an hour):
  // a scenario of seconds shortens it to show records expiring. Nothing else is scaled.
  sim::Duration retention_hour = sim::seconds(3'600);
  // Per-shard limits (defaults: AWS's, kinesis/shard_throttle.h).
  int64_t write_bytes_per_s = 1'000'000;
  int64_t write_records_per_s = 1'000;
  int64_t read_bytes_per_s = 2'000'000;
  int64_t read_calls_per_s = 5;
  int producer_count() const {
    int n = 0;
    for (const auto& p : producers) n += p.count;
    return n;
  }
  int worker_count() const {
    int n = 0;
    for (const auto& c : consumers) n += c.workers;
    return n;
  }
};

struct FaultSpec {
  using Kind = faults::FaultKind;  // spellings in faults/fault_catalogue.h
  Kind kind = Kind::kCrash;
  sim::Duration at;
  std::optional<sim::Duration> duration;  // "for": the fault is undone after this long
  // Targets, in the scenario's words: "broker 1", "controller 0", "leader of t/0",
  // "active controller", "random broker". Resolved when the fault fires.
  std::vector<std::string> targets;
  std::vector<std::string> other_side;  // kPartition, one-way, link faults: the second group
  sim::Duration amount;                 // clock-jump, clock-skew (signed)
  faults::FaultParams params;           // probability, latency, bandwidth, factor, drift_ppm, activation
  int line = 0;                         // where it was written, for messages
};

// `operations:` what an operator does to the cluster while the workload runs (not faults):
//   add-brokers   start brokers held back at boot (they register with the controller; new
//                 topics and reassignments can use them)
//   reassign      kafka-reassign-partitions --generate/--execute/--verify: the topics' partitions
//                 placed anew on `brokers` (rack-aware round robin), optionally throttled
//                 (`throttle`, bytes/s), then followed until the controller lists no reassignment
//   decommission  every partition moved off `brokers` (reassigned to the other live brokers),
//                 then each broker stopped (controlled shutdown) and unregistered
struct OperationSpec {
  enum class Kind { kAddBrokers, kReassign, kDecommission };
  Kind kind = Kind::kReassign;
  sim::Duration at;
  std::vector<int> brokers;
  std::vector<std::string> topics;  // reassign: empty = every topic of the scenario
  int64_t throttle_bytes_per_s = -1;  // -1: no throttle
  int line = 0;
};
const char* to_string(OperationSpec::Kind k);

// `nemesis:` random faults of the listed kinds (swarm: the seed picks which are on).
struct NemesisSpec {
  faults::NemesisOptions options;
  // false: the seed still draws the plan and the swarm's knobs, but no fault is injected
  // (`eddy shrink` writes the drawn faults as explicit `faults:` entries instead).
  bool fire = true;
  // Whom its faults hit, resolved when each fires ("followers of orders/0", "isr of orders/0",
  // "busiest leader", ...); empty: any server. Partition-like faults cut these from the rest.
  std::vector<std::string> targets;
  // Each fault healed before the next one starts (Jepsen's one-at-a-time nemesis), instead of
  // faults starting on their own clock and overlapping.
  bool one_at_a_time = false;
  // Swarm aims: where each fault lands, drawn per fault among the aims the seed keeps on
  // ("anywhere", or a target; "TOPIC/*" is one partition of TOPIC drawn per seed, so a seed's
  // faults keep coming back to the same partition's leader, followers and ISR). With
  // `swarm: true` each aim is on with probability 1/2 (at least one); otherwise all are.
  std::vector<std::string> aims;
  // `one_at_a_time: drawn`: the seed decides (probability 1/2).
  bool one_at_a_time_drawn = false;
  // Filled per run from `aims` ("" is anywhere, '*' resolved): what nemesis faults draw from.
  std::vector<std::string> drawn_aims;
  // `chain: true | drawn`: a chaining nemesis (scenarios/chain_nemesis.h) beside the random
  // one: each fault it injects is aimed at the node the previous fault's consequence named
  // (the new leader, the deposed one, the replica that just rejoined the ISR, the follower that
  // just truncated, the new quorum leader), as the lab observes them. `drawn`: the seed decides
  // (probability 1/2).
  bool chain = false;
  bool chain_drawn = false;
  // Filled per run when the chain is on (scenarios/swarm.h draw_nemesis_chain).
  struct Chain {
    enum class Link { kNewLeader, kDeposedLeader, kIsrJoiner, kExpandingLeader, kTruncatedFollower, kNewQuorumLeader, kNewLeadersFollower, kShrinkingLeader };
    bool on = false;
    std::vector<Link> links;           // which consequences it follows
    std::vector<faults::FaultKind> kinds;  // what it injects (kinds of the file that take a node out)
    double probability = 0.5;          // per observed consequence
    sim::Duration delay_max = sim::milliseconds(100);  // the fault lands 0..delay_max after it
    sim::Duration lasts_min, lasts_max;  // how long a chained fault lasts (swarm: the nemesis's, or 2..6 s)
    int faults_max = 8;                // chained faults per run
    // The partitions whose consequences it follows; empty: every partition of the file's topics.
    std::vector<std::pair<std::string, int32_t>> partitions;
  };
  Chain drawn_chain;
  int line = 0;
};
const char* to_string(NemesisSpec::Chain::Link l);
// The kinds a chaining nemesis injects: those that take the node they hit out of service.
bool chain_can_inject(faults::FaultKind k);

// An expectation is a comparison on a counted outcome: "== 0", "> 0", "<= 3".
struct CountExpectation {
  enum class Op { kEq, kGt, kGe, kLt, kLe };
  Op op = Op::kEq;
  int64_t value = 0;
  bool holds(int64_t n) const;
  std::string str() const;
};

struct ExpectSpec {
  std::optional<CountExpectation> lost_writes;
  std::optional<CountExpectation> lost_reads;  // records consumers read, missing from the final log
  std::optional<CountExpectation> duplicates;
  std::optional<CountExpectation> dedup_failures;  // duplicates the broker's idempotence should have prevented
  std::optional<CountExpectation> inconsistent_offsets;
  std::optional<CountExpectation> order_violations;
  std::optional<CountExpectation> controller_divergence;  // default 0: two controller leaders in a term, divergent commits
  // The replicas' always-on invariants (checkers/replica_invariants.h), default 0: a high
  // watermark beyond its replica's log end or a leader's going back within its epoch; a
  // committed offset held under another leader epoch than first committed.
  std::optional<CountExpectation> hw_violations;
  std::optional<CountExpectation> committed_rewrites;
  std::optional<CountExpectation> producer_order;  // acknowledged records out of send order where promised
  std::optional<CountExpectation> acknowledged;  // e.g. "== 0" when nothing may be acknowledged
  std::optional<CountExpectation> expired;       // acknowledged records retention deleted (not lost)
  std::optional<bool> liveness;
  // Consumer groups (checkers/group_checkers.h). With groups in the scenario,
  // group_exclusivity, offset_regressions, stale_commits and lost_commits default to 0.
  std::optional<CountExpectation> group_exclusivity;     // same-generation ownership overlaps
  std::optional<CountExpectation> zombie_overlaps;       // cross-generation ownership overlaps
  std::optional<CountExpectation> offset_regressions;    // committed offsets moving backwards
  std::optional<CountExpectation> stale_commits;         // commits accepted from a stale generation
  std::optional<CountExpectation> lost_commits;          // OffsetFetch answered below a committed offset
  std::optional<CountExpectation> unprocessed;           // acknowledged records never processed
  std::optional<CountExpectation> duplicates_processed;  // records processed more than once
  std::optional<CountExpectation> commits_rejected;      // commits the coordinator refused
  // Compacted topics (checkers/compaction.h): keys whose latest acknowledged value is gone
  // unexplained. Defaults to 0 when a topic has cleanup.policy=compact.
  std::optional<CountExpectation> latest_values;
  // Transactions (checkers/txn_checkers.h). With a transactional producer in the scenario the
  // four safety counts default to 0 and committed_transactions to "> 0".
  std::optional<CountExpectation> aborted_reads;
  std::optional<CountExpectation> read_past_lso;
  std::optional<CountExpectation> torn_transactions;
  std::optional<CountExpectation> lost_committed_writes;
  std::optional<CountExpectation> committed_transactions;
  // Write/read cycles between transactions (checkers/txn_cycles.h): txn_cycles defaults to 0
  // with transactions; txn_write_cycles (allowed by Kafka's model) is counted.
  std::optional<CountExpectation> txn_cycles;
  std::optional<CountExpectation> txn_write_cycles;
  // Kinesis (checkers/kinesis_checkers.h). With KCL consumers, processed_skipped and
  // kinesis_key_order default to 0; the others are counts to state.
  std::optional<CountExpectation> processed_twice;     // records a KCL application processed more than once
  std::optional<CountExpectation> processed_skipped;   // records below a shard's checkpoint never processed
  std::optional<CountExpectation> kinesis_key_order;   // a key's records processed out of sequence order
  std::optional<CountExpectation> reshard_key_order;   // a key's parent-shard record processed after a child's
  std::optional<CountExpectation> throttled_writes;    // PutRecords records refused by a shard's limits
  std::optional<CountExpectation> throttled_reads;     // GetRecords calls refused by a shard's limits
  std::optional<CountExpectation> lease_changes;       // leases taken or stolen from a live owner
  std::optional<CountExpectation> kinesis_expired_unread;  // records retention trimmed before a KCL application read them
  // Consume-transform-produce (checkers/ctp_checkers.h): with a transform_to consumer the four
  // counts default to 0 and ctp_verified to "> 0".
  std::optional<CountExpectation> ctp_duplicates;
  std::optional<CountExpectation> ctp_lost;
  std::optional<CountExpectation> ctp_order;
  std::optional<CountExpectation> ctp_aborted_reads;
  std::optional<CountExpectation> ctp_verified;
  // The pipeline (checkers/pipeline_checkers.h): with `pipeline:` missing readings default to 0
  // and pipeline_delivered to "> 0"; the others are counts to state.
  std::optional<CountExpectation> pipeline_missing;
  std::optional<CountExpectation> pipeline_duplicates;
  std::optional<CountExpectation> pipeline_unexplained_duplicates;  // default 0 with pipeline
  std::optional<CountExpectation> pipeline_out_of_order;
  std::optional<CountExpectation> pipeline_qos0_lost;
  std::optional<CountExpectation> pipeline_mqtt_redelivered;
  std::optional<CountExpectation> pipeline_redelivered;
  std::optional<CountExpectation> pipeline_replayed;
  std::optional<CountExpectation> pipeline_dead_lettered;
  std::optional<CountExpectation> pipeline_delivered;
  // The longest time, in ms, a partition went without a leader after a fault took its leader
  // out (ClusterFacts in scenarios/lab_observer.h says how it is measured).
  std::optional<CountExpectation> leaderless_ms;
  // Controller quorum leaders elected during the run (one per term won), the first included:
  // a liveness measure (KIP-996: a member coming back from isolation must not force another).
  std::optional<CountExpectation> controller_elections;
  // Committed ISR changes that dropped / added a member, counted at the partition's leader
  // (Kafka's IsrShrinksPerSec / IsrExpandsPerSec): liveness measures (e.g. a follower that
  // falls behind must be shrunk out of the ISR within replica.lag.time.max.ms).
  std::optional<CountExpectation> isr_shrinks;
  std::optional<CountExpectation> isr_expands;
  // Leader balance at the end of the run: the most partitions of the scenario's topics one
  // broker leads minus the fewest (0 or 1 when leadership is spread evenly).
  std::optional<CountExpectation> leader_imbalance;
  // Access control (checkers/acl_checkers.h). With `security:` in the scenario,
  // unauthorized_ops and deny_overridden default to 0.
  std::optional<CountExpectation> unauthorized_ops;    // accesses no ACL state within the bound allowed
  std::optional<CountExpectation> deny_overridden;     // accesses a matching DENY forbade throughout the bound
  std::optional<CountExpectation> acl_stale_ops;       // accesses forbidden at their moment, allowed within the bound
  std::optional<CountExpectation> acl_propagation_ms;  // the longest commit-to-broker lag of an ACL record
  // Produce answers with an error, by Kafka error name ("NOT_ENOUGH_REPLICAS"), counted per
  // batch and attempt; a request that timed out counts as REQUEST_TIMED_OUT.
  std::map<std::string, CountExpectation> errors;
};

// Every `expect:` key, in the order `eddy list` shows them: the loader accepts exactly these
// and `eddy list` describes them from here, so the two cannot drift apart.
struct ExpectKey {
  const char* name;
  std::optional<CountExpectation> ExpectSpec::*count;  // nullptr: `liveness` (a boolean) or `errors` (a map)
  const char* meaning;
};
const std::vector<ExpectKey>& expect_keys();

// `pipeline:` (scenarios/pipeline_workload.h, docs/pipeline.md): devices -> MQTT -> rule ->
// queue -> function -> topic -> sink connector -> document store. Defaults are the services'.
struct PipelineSpec {
  // devices
  int devices = 4;
  double readings_per_s = 10;  // per device
  int qos = 1;
  double malformed_share = 0;  // readings the sink's converter rejects
  // MQTT broker (Mosquitto's defaults)
  int mqtt_max_inflight_messages = 20;
  int mqtt_max_queued_messages = 1'000;
  // queue (SQS)
  sim::Duration visibility_timeout = sim::seconds(30);
  int max_receive_count = 0;  // 0: no redrive policy
  // function (Lambda)
  int concurrency = 2;
  int pollers = 5;
  int batch_size = 10;
  sim::Duration function_timeout = sim::seconds(3);
  sim::Duration work_time = sim::milliseconds(5);
  sim::Duration cold_start = sim::milliseconds(200);
  std::string topic;
  KafkaConfigs producer_configs{};
  // sink connector (Kafka Connect)
  int tasks = 1;
  std::string write_mode = "insert";   // insert | upsert
  std::string upsert_key = "reading";  // reading | device
  sim::Duration offset_flush_interval = sim::seconds(60);
  bool errors_tolerance_all = false;
  std::string dead_letter_topic;
  sim::Duration retry_backoff = sim::seconds(1);
};

struct ScenarioSpec {
  std::string file;
  std::string name;
  std::string description;
  ClusterSpec cluster;
  std::vector<TopicSpec> topics;
  std::vector<ProducerSpec> producers;
  std::vector<ConsumerSpec> consumers;
  std::vector<FaultSpec> faults;
  std::vector<OperationSpec> operations;
  // Brokers an `add-brokers` operation starts: not started at boot.
  bool started_later(int broker) const;
  std::optional<NemesisSpec> nemesis;
  std::optional<KinesisSpec> kinesis;
  std::optional<PipelineSpec> pipeline;
  std::optional<SecuritySpec> security;
  sim::Duration duration = sim::seconds(10);       // workload and faults
  // The first part of `duration` whose operations stay out of the throughput and latency
  // statistics (OMB's warm-up: its counters are reset when it ends). 0: none.
  sim::Duration warmup = sim::Duration::zero();
  sim::Duration heal_for = sim::seconds(10);       // quiet healed phase, then the final reads
  sim::Duration liveness_bound = sim::seconds(30); // produce/consume must succeed within this after healing
  ExpectSpec expect;
  uint64_t max_events = 200'000'000;
  // The engine the world runs on (`engine: simgrid` in the file; eddy's --engine overrides).
  sim::EngineKind engine = sim::EngineKind::kNative;
  // What the loader accepted without effect that config_notes() cannot see (an OMB file's
  // properties eddy has no use for); a run reports them with the config notes.
  std::vector<std::string> load_notes;
};

}  // namespace scenarios
