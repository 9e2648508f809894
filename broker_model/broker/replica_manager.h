// The broker's replicas (Kafka's ReplicaManager): creates a Partition for every partition
// the metadata assigns to this broker, makes it leader or follower as the controller says,
// serves Produce / Fetch / OffsetsForLeaderEpoch, runs one ReplicaFetcher per leader broker
// this broker follows, and keeps ISRs honest (periodic shrink, expand on catch-up) through
// AlterPartition proposals to the controller.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/broker/broker_events.h"
#include "broker_model/broker/fetch_session_cache.h"
#include "broker_model/broker/partition.h"
#include "broker_model/storage/log_dir_failure_channel.h"
#include "broker_model/broker/replica_fetcher.h"
#include "broker_model/broker/replication_quota.h"
#include "broker_model/controller/metadata_image.h"
#include "sim/mutex.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "broker_model/topic_map.h"
#include "broker_model/variants.h"

namespace broker_model {

struct BrokerConfig {
  BrokerId id;
  int32_t min_insync_replicas = 1;                 // min.insync.replicas (broker default)
  bool unclean_leader_election = false;            // unclean.leader.election.enable
  // eligible.leader.replicas.version >= 1 (KIP-966; a cluster feature in Kafka, which brokers
  // learn from the metadata log): the high watermark stops below min.insync.replicas.
  bool eligible_leader_replicas = true;
  int64_t replica_lag_time_max_ms = 30'000;        // replica.lag.time.max.ms
  int32_t replica_fetch_wait_max_ms = 500;         // replica.fetch.wait.max.ms
  int32_t replica_fetch_max_bytes = 1 << 20;       // replica.fetch.max.bytes
  int64_t replica_fetch_backoff_ms = 1'000;        // replica.fetch.backoff.ms
  int32_t max_incremental_fetch_session_cache_slots = 1'000;  // max.incremental.fetch.session.cache.slots (0: no sessions)
  int64_t request_timeout_ms = 30'000;             // replica.socket.timeout.ms: a follower's fetch timeout
  int64_t log_retention_check_interval_ms = 300'000;  // log.retention.check.interval.ms
  int64_t log_flush_scheduler_interval_ms = 1'000;    // how often flush.ms is checked
  int64_t log_cleaner_backoff_ms = 15'000;            // log.cleaner.backoff.ms: the cleaner's pause between rounds
  storage::LogConfig log;                          // log.* defaults for topics
  // log.dirs (JBOD, KIP-112): the broker's log directories, each on its own disk (the lab gives
  // the node's disk one volume per directory, sim::DiskVolume). Empty: one directory, the
  // disk's root, whose failure halts the broker as before.
  std::vector<std::string> log_dirs;
  ProtocolVariants variants;                       // the bug zoo (variants.h); none by default
};

// The path prefix of log directory `name` on the node's disk: "/data/k1" -> "data/k1/".
std::string log_dir_prefix(std::string_view name);

// A log directory went offline while the broker goes on (its other directories are online):
// the directory's name and the replicas that were in it.
using LogDirOfflineFn = std::function<void(const std::string& dir, std::vector<TopicPartition> replicas)>;

// Sends an ISR proposal to the controller; `done` gets the committed partition state or an error.
using AlterPartitionFn =
    std::function<void(const IsrProposal&, std::function<void(ErrorCode, std::optional<PartitionRegistration>)> done)>;

class ReplicaManager {
 public:
  // What its replicas and fetch sessions do goes to the run's observers (broker_events.h).
  ReplicaManager(RpcEndpoint& rpc, BrokerConfig config, AlterPartitionFn alter_partition);
  void start();  // the ISR maintenance and log manager (flush.ms, retention) fibers

  // Reconciles replicas with a new metadata image (blocks while logs open). Takes a copy:
  // the metadata client may apply newer records while this blocks on disk.
  void apply_metadata(MetadataImage image);

  ProduceResponse handle_produce(const ProduceRequest& req);
  FetchResponse handle_fetch(const FetchRequest& req);
  OffsetsForLeaderEpochResponse handle_offsets_for_leader_epoch(const OffsetsForLeaderEpochRequest& req);
  DumpReplicasResponse handle_dump();

  Partition* partition(const TopicPartition& tp);
  const BrokerConfig& config() const { return config_; }
  // The end of a clean shutdown (Kafka's LogManager.shutdown): every log flushed and closed.
  void close_logs();
  // Where a failed log directory is reported while the broker goes on (the BrokerLifecycle's
  // heartbeat carries it to the controller).
  void set_log_dir_offline_listener(LogDirOfflineFn f) { on_log_dir_offline_ = std::move(f); }
  // Index in log.dirs of the directory holding tp's log (0 with one directory).
  size_t log_dir_of(const Partition& p) const;
  size_t log_dir_count() const { return log_dirs_.size(); }
  bool log_dir_offline(size_t k) const { return log_dirs_[k].failure->has_failed(); }
  // Its log directory failed and was taken offline (with one directory the broker halted).
  bool in_failed_dir(const Partition& p) const { return log_dirs_[log_dir_of(p)].handled; }

 private:
  Partition* create_partition(const TopicPartition& tp, const MetadataImage& image);
  PartitionConfig partition_config(const TopicPartition& tp, const MetadataImage& image);
  void assign_fetcher(Partition* p);
  // The replication throttles (KIP-73) as the metadata image now says: the two rates, and
  // which of this broker's replicas each applies to.
  void apply_throttles(const MetadataImage& image);
  void propose(const IsrProposal& proposal);
  void send_alter(const IsrProposal& proposal);
  void isr_maintenance_loop();
  void log_manager_loop();
  void log_cleaner_loop();
  // Kafka's LogDirFailureHandler: takes a failed directory's replicas offline and reports it;
  // halts the broker once no directory is left online.
  void log_dir_failure_loop();
  void handle_log_dir_failure(size_t k);
  // The directory a new replica's log goes to (Kafka's LogManager.nextLogDirs).
  size_t place_log(const TopicPartition& tp);
  // Calls f on every partition in TopicPartition order. By index, not iterator: f may block
  // (disk, RPC) while apply_metadata adds partitions and grows a topic's vector.
  template <class F>
  void for_each_partition(F&& f) {
    for (auto& [topic, by_number] : partitions_)
      for (size_t i = 0; i < by_number.size(); ++i)
        if (by_number[i] != nullptr) f(*by_number[i]);
  }

  RpcEndpoint& rpc_;
  BrokerConfig config_;
  AlterPartitionFn alter_partition_;
  FetchSessionCache fetch_sessions_;
  ReplicationQuota leader_quota_;    // leader.replication.throttled.rate
  ReplicationQuota follower_quota_;  // follower.replication.throttled.rate
  struct LogDir {
    std::string name;    // as log.dirs spells it ("" for the disk's root)
    std::string prefix;  // its files' path prefix on the node's disk
    std::unique_ptr<storage::LogDirFailureChannel> failure;
    std::string failure_reason;
    bool handled = false;    // its failure has been handled
    int32_t partitions = 0;  // logs placed in it
  };
  std::vector<LogDir> log_dirs_;
  LogDirOfflineFn on_log_dir_offline_;
  sim::WaitQueue log_dir_failed_{"log dir failure"};
  // The replicas this broker holds, by topic and then partition number (the order
  // TopicPartition sorts in): every fetch evaluation looks up each partition it asks for, and
  // a lookup in one map keyed by TopicPartition compared topic names at every level (5% of a
  // run). Partitions are never removed; unassigned numbers stay null.
  TopicMap<std::vector<std::unique_ptr<Partition>>> partitions_;
  std::map<BrokerId, std::unique_ptr<ReplicaFetcher>> fetchers_;
  sim::Mutex apply_mutex_{"apply metadata"};
};

}  // namespace broker_model
