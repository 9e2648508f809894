// A consumer worker in the manner of the Kinesis Client Library (KCL): workers of one
// application share a stream through leases, one per shard, in the lease table
// (lease_table.h). Each worker
// - creates the missing leases (the KCL's shard sync), with each shard's parents, at start,
//   every lease_duration and when one of its shard consumers reached a closed shard's end;
// - renews the leases it holds every lease_duration / 3 (KCL: failoverTimeMillis, default
//   10 s; the renewer runs every failoverTimeMillis / 3), a conditional write on the lease
//   counter; a failed renewal means another worker took the lease: it is dropped;
// - takes leases every lease_duration: a lease whose counter has not moved for
//   lease_duration (on this worker's clock) is expired and may be taken; a worker holding
//   fewer than its share (ceil(leases / workers)) steals one lease from the most loaded
//   worker (the KCL's LeaseTaker: "steal" at most one per pass by default);
// - runs a shard consumer per held lease: from the lease's checkpoint (AFTER_SEQUENCE_NUMBER,
//   or TRIM_HORIZON), GetRecords every idle_between_reads, process each record, then
//   checkpoint the batch's last sequence number (conditional on still holding the lease);
//   at the end of a closed shard (no NextShardIterator) it checkpoints SHARD_END and lets the
//   lease go; a child shard's consumer first waits until its parents are at SHARD_END;
// - leaves leases at SHARD_END alone (they are neither taken nor counted for balance).
// A worker paused past lease_duration finds its lease taken when it wakes up: until its next
// renewal or checkpoint fails it goes on processing, and the new owner starts from the last
// checkpoint, so records are processed twice (at-least-once, as AWS documents for the KCL).
// `checkpoint_before_processing` checkpoints a batch before processing it (an application
// bug the lab shows: a lease change then skips the records between).
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "broker_model/kinesis/kinesis_client.h"
#include "broker_model/kinesis/lease_table.h"

namespace broker_model::kinesis {

struct KclConfig {
  std::string stream;
  std::string worker_id;
  sim::NodeId lease_table;
  sim::Duration lease_duration = sim::seconds(10);     // failoverTimeMillis
  sim::Duration idle_between_reads = sim::seconds(1);  // idleTimeBetweenReadsInMillis
  int32_t max_records = 10'000;                        // maxRecords per GetRecords
  sim::Duration processing_time = sim::Duration::zero();  // per record
  bool checkpoint_before_processing = false;
  // Parent before child (KCL's BlockOnParentShardTask): a child shard's consumer starts only
  // when every parent's lease is checkpointed at SHARD_END, polled every parent_shard_poll
  // (parentShardPollIntervalMillis, default 10 s). read_children_early is the lab's variant
  // that skips the wait, as a consumer without the KCL might.
  bool read_children_early = false;
  sim::Duration parent_shard_poll = sim::seconds(10);
  sim::Duration request_timeout = sim::seconds(3);
  // Enhanced fan-out (KCL 2.x's default retrieval): the application registers a stream
  // consumer named `consumer_name` and each shard consumer subscribes to its shard
  // (SubscribeToShard), processing each push, instead of polling GetRecords.
  bool fan_out = false;
  // The application's name: its lease table's and its registered consumer's.
  std::string consumer_name;
};

// What the worker tells its application (the lab records it).
class KclListener {
 public:
  virtual ~KclListener() = default;
  // A record processed; `first_after_lease`: the first one since this worker took the lease.
  virtual void on_record(int32_t shard, const KinesisRecord& r, bool first_after_lease) = 0;
  // "taken", "stolen", "renewal failed", "checkpoint failed", "created", "shard end".
  virtual void on_lease(int32_t shard, const std::string& what, const std::string& previous_owner, int64_t counter) = 0;
  // `sequence` is kShardEnd for the SHARD_END checkpoint.
  virtual void on_checkpoint(int32_t shard, int64_t sequence, bool ok) = 0;
  virtual void on_read_throttled(int32_t shard) = 0;
};

class KclWorker {
 public:
  KclWorker(sim::NodeContext& ctx, RpcEndpoint& rpc, KinesisClient& client, KclConfig config, KclListener& listener);
  void start();

 private:
  struct Held {
    int64_t counter = 0;
    int64_t checkpoint = -1;
    uint64_t generation = 0;  // which taking of the lease a shard consumer belongs to
    std::vector<int32_t> parents;
  };
  struct Seen {
    int64_t counter = -1;
    sim::Instant since;  // local clock: when the counter was last seen to change
  };
  void coordinator_loop();
  bool sync_shards();  // creates the leases of shards not seen yet; false: not all done
  // Blocks until the shard's parents are finished (or the lease is lost: false).
  bool wait_for_parents(int32_t shard, uint64_t generation);
  void renew_all();
  void take_leases();
  void shard_consumer(int32_t shard, uint64_t generation);
  // The fan-out shard consumer: subscribes from the checkpoint, processes each push and
  // checkpoints it, subscribes again when a subscription ends. False when the lease was lost.
  void fan_out_consumer(int32_t shard, uint64_t generation);
  bool register_consumer();  // sets consumer_arn_; false: no answer yet
  bool still_holds(int32_t shard, uint64_t generation) const;
  std::optional<LeaseResponse> lease_call(LeaseRequest req);
  bool checkpoint(int32_t shard, uint64_t generation, int64_t sequence);
  void drop(int32_t shard, const std::string& why, int64_t counter);

  sim::NodeContext& ctx_;
  RpcEndpoint& rpc_;
  KinesisClient& client_;
  KclConfig config_;
  KclListener& listener_;
  std::map<int32_t, Held> held_;
  std::map<int32_t, Seen> seen_;
  uint64_t next_generation_ = 1;
  bool shards_synced_ = false;
  bool sync_requested_ = false;
  std::set<int32_t> leases_known_;  // shards whose lease this worker has seen created
  std::string consumer_arn_;        // fan-out: the registered consumer's ARN
};

}  // namespace broker_model::kinesis
