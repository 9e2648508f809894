// One partition replica on a broker (Kafka's Partition): its log, its role (leader or
// follower) at a leader epoch, and, as leader, the progress of each follower, the ISR and
// the high watermark.
//
// Leader: appends produce batches stamped with its epoch; acks=all waits until the high
// watermark (min log end offset over the ISR) passes the batch; min.insync.replicas is
// checked before the append (NOT_ENOUGH_REPLICAS) and at completion
// (NOT_ENOUGH_REPLICAS_AFTER_APPEND). Followers' fetch offsets move the high watermark and
// their "caught up" times; a follower lagging more than replica.lag.time.max.ms is proposed
// out of the ISR, one caught up to the high watermark is proposed back in (AlterPartition).
// Fetches carry the fetcher's view of the leader epoch and are fenced (KIP-320).
//
// Idempotent producers (producer_state.h): the leader checks each idempotent batch against
// the producer's state before appending; a retried batch is answered with its original
// offsets, a gap with OUT_OF_ORDER_SEQUENCE_NUMBER, an old epoch with INVALID_PRODUCER_EPOCH.
// Every replica updates the state from the batches it appends (followers included), and
// rebuilds it by scanning its log when the state may no longer match the log: after open
// (a restart) and after any truncation. The rebuild is lazy: the first idempotent produce
// on a leader with stale state does it, under the append lock.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "broker_model/broker/producer_state.h"
#include "broker_model/controller/metadata_image.h"
#include "sim/mutex.h"
#include "broker_model/protocol/messages.h"
#include "broker_model/broker/broker_events.h"
#include "broker_model/storage/partition_log.h"
#include "broker_model/txn/txn_index.h"
#include "broker_model/variants.h"

namespace broker_model {

struct PartitionConfig {
  storage::LogConfig log;
  storage::LogDirFailureChannel* log_dir_failure = nullptr;  // the broker's, for the log's directory
  std::string log_dir;  // the log directory's path prefix ("data2/"; "": the only one, the disk's root)
  int32_t min_insync_replicas = 1;
  // KIP-966's broker half: the high watermark only advances while the ISR has at least
  // min.insync.replicas members, so a replica that leaves the ISR below it (an ELR member)
  // holds everything committed.
  bool eligible_leader_replicas = true;
  sim::Duration replica_lag_time_max = sim::milliseconds(30'000);  // replica.lag.time.max.ms
  ProtocolVariants variants;  // the bug zoo (variants.h)
};

// The proposal a leader sends to the controller; the callback gets the committed state.
struct IsrProposal {
  TopicPartition tp;
  LeaderEpoch leader_epoch;
  PartitionEpoch partition_epoch;
  std::vector<BrokerId> new_isr;
};

class Partition {
 public:
  // fetch_waiters() and `activity` (if any) are notified whenever data, the high watermark,
  // the ISR or the role moves (fetch long-polls wait on them; see fetch_waiters()).
  // Role, ISR, truncation and producer-state changes go to the run's observers
  // (broker_events.h).
  Partition(sim::NodeContext& ctx, BrokerId self, TopicPartition tp, PartitionConfig config, sim::WaitQueue* activity);

  ErrorCode open();
  const TopicPartition& tp() const { return tp_; }
  storage::PartitionLog& log() { return log_; }

  // Applies the controller's state. Returns true when this broker's role or epoch changed.
  bool apply(const PartitionRegistration& reg);
  bool is_leader() const { return role_ == Role::kLeader; }
  // No longer a replica of the partition (a reassignment moved it away), log deleted.
  bool deleted() const { return deleted_; }
  // The path prefix of the log directory holding its log ("": the broker's only one).
  const std::string& log_dir() const { return config_.log_dir; }
  // Called once apply() took the replica out (this broker is not in the replica list).
  ErrorCode delete_replica();
  // This replica is one a reassignment is adding (it catches up before joining the ISR).
  bool adding() const { return contains_self(adding_); }
  // Named for this broker in the topic's leader / follower.replication.throttled.replicas.
  void set_throttled(bool leader, bool follower) {
    leader_throttled_ = leader;
    follower_throttled_ = follower;
  }
  bool leader_throttled() const { return leader_throttled_; }
  bool follower_throttled() const { return follower_throttled_; }
  bool in_isr(BrokerId b) const {
    for (BrokerId m : isr_)
      if (m == b) return true;
    return false;
  }
  bool is_follower() const { return role_ == Role::kFollower; }
  BrokerId leader() const { return leader_; }
  LeaderEpoch leader_epoch() const { return leader_epoch_; }
  PartitionEpoch partition_epoch() const { return partition_epoch_; }
  const std::vector<BrokerId>& isr() const { return isr_; }
  const std::vector<BrokerId>& replicas() const { return replicas_; }
  Offset high_watermark() const { return high_watermark_; }

  // Leader side. Blocks for acks=all until replicated, the timeout, or a leadership change.
  ProducePartitionResponse produce(const RecordBatch& batch, int16_t acks, sim::Duration timeout);
  // A fetch by a consumer (replica == kNoBroker, reads below the high watermark) or a
  // follower (reads to the log end, and reports its progress). Does not wait.
  // read_committed (consumers only): reads stop at the last stable offset and the answer
  // lists the aborted transactions among the records returned (KIP-98).
  FetchPartitionResponse fetch(const FetchPartition& req, BrokerId replica, bool read_committed = false);
  // The last stable offset (KIP-98): min(high watermark, first offset of a transaction not
  // decided yet); nullopt while the transaction state is being rebuilt from the log.
  std::optional<Offset> last_stable_offset() const;
  // Transactions on this replica (rebuilt with the producer state).
  const txn::TxnIndex& transactions() const { return txns_; }
  EpochEndOffsetResult end_offset_for(const EpochQuery& q) const;

  // Follower side: the fetcher's appends and high watermark updates.
  ErrorCode append_as_follower(const std::vector<RecordBatch>& batches, Offset leader_high_watermark);
  ErrorCode truncate_to(Offset offset, const char* why);
  // The follower's log start moved past its log end (OFFSET_OUT_OF_RANGE below the start).
  ErrorCode truncate_fully_and_start_at(Offset offset, const char* why);

  // The idempotent producers' state as this replica has it (rebuilt first if stale).
  const ProducerStateTable& producer_state();
  bool producer_state_stale() const { return producer_state_stale_; }

  // Periodic ISR maintenance (leader): the proposal to send, if any.
  std::optional<IsrProposal> maybe_shrink_isr(sim::Instant now);
  std::optional<IsrProposal> maybe_expand_isr(BrokerId follower);
  // An ISR change sent to the controller whose outcome this leader does not know yet. Until
  // the controller's answer or a newer registration settles it, the high watermark counts the
  // union of the committed and the proposed ISR (Kafka's "maximal ISR", KIP-497): the
  // controller may already have committed the proposal, and a replica it counts as in sync
  // can be elected leader without an unclean election.
  bool alter_in_flight() const { return pending_alter_.has_value(); }
  bool alter_pending(const IsrProposal& p) const;
  void alter_sent(const IsrProposal& p);
  // The controller answered this proposal definitively (committed, or explicitly not applied).
  void alter_settled(const IsrProposal& p);
  // Committed ISR plus the pending proposal's members.
  std::vector<BrokerId> maximal_isr() const;

  ReplicaDump dump();

  // Fetches waiting for this partition to move (long-polls). A follower's fetch reads to the
  // log end and a consumer's to the high watermark, so new data can only answer the first and
  // a high-watermark move only the second; each waits on its own queue and is not woken to
  // re-read for nothing (that was ~2 wasted evaluations per fetch). A change of role, epoch or
  // ISR wakes both.
  sim::WaitQueue& fetch_waiters(bool follower) { return follower ? follower_fetch_waiters_ : consumer_fetch_waiters_; }

 private:
  enum class Role { kNone, kLeader, kFollower };
  struct FollowerProgress {
    Offset log_end_offset{-1};
    sim::Instant last_caught_up;
    sim::Instant last_fetch;
    Offset leader_end_at_last_fetch{-1};
  };
  void become_leader(const PartitionRegistration& reg);
  void sync_followers();
  bool contains_self(const std::vector<BrokerId>& v) const {
    for (BrokerId b : v)
      if (b == self_) return true;
    return false;
  }
  void become_follower(const PartitionRegistration& reg);
  void update_follower(BrokerId replica, Offset fetch_offset, sim::Instant now);
  void maybe_advance_high_watermark();
  // Reports a move of the high watermark from `from` (HighWatermarkUpdated), if observed.
  void high_watermark_moved(Offset from);
  ErrorCode check_fetch_epoch(LeaderEpoch requested) const;
  void notify_activity();      // role, epoch or ISR changed: every waiter re-checks
  void notify_appended();      // the leader's log grew: follower fetches
  void notify_high_watermark();  // the high watermark moved: acks=all produces, consumer fetches
  // Rebuilds the producer state from the log when it is stale. Blocks on disk.
  ErrorCode ensure_producer_state();
  void producer_state_invalidated();
  // Applies an appended batch to the producer state and the transaction index.
  void apply_producer_batch(const RecordBatch& batch);
  // Validates and appends (or finds the duplicate of) a leader's batch, under append_mutex_.
  storage::LogAppendInfo append_checked(const RecordBatch& batch, LeaderEpoch epoch, bool& duplicate);
  sim::Duration validation_cost(RecordBatch& batch) const;

  sim::NodeContext& ctx_;
  BrokerId self_;
  TopicPartition tp_;
  PartitionConfig config_;
  storage::PartitionLog log_;
  Role role_ = Role::kNone;
  BrokerId leader_ = kNoBroker;
  LeaderEpoch leader_epoch_ = kNoLeaderEpoch;
  PartitionEpoch partition_epoch_{-1};
  std::vector<BrokerId> replicas_;
  std::vector<BrokerId> adding_;  // replicas a reassignment is adding
  bool deleted_ = false;
  bool leader_throttled_ = false;
  bool follower_throttled_ = false;
  std::vector<BrokerId> isr_;
  std::map<BrokerId, FollowerProgress> followers_;
  Offset high_watermark_{0};
  std::optional<IsrProposal> pending_alter_;
  sim::WaitQueue high_watermark_moved_{"high watermark"};
  sim::WaitQueue follower_fetch_waiters_{"follower fetch long-poll"};
  sim::WaitQueue consumer_fetch_waiters_{"consumer fetch long-poll"};
  sim::WaitQueue* activity_;
  ProducerStateTable producer_state_;
  txn::TxnIndex txns_;  // open and aborted transactions; stale with the producer state
  bool rebuild_scheduled_ = false;  // a read_committed fetch asked for the state to be rebuilt
  bool producer_state_stale_ = true;  // rebuild from the log before trusting it
  uint64_t log_rewrites_ = 0;         // truncations so far: a rebuild racing one starts again
  sim::Mutex append_mutex_{"partition append"};
};

}  // namespace broker_model
