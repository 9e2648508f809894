// The group coordinator of one broker (Kafka's GroupCoordinator + GroupMetadataManager): it
// serves the groups whose __consumer_offsets partition this broker leads, and moves with
// that leadership. On becoming leader of an offsets partition it replays the partition's log
// (group metadata and offset commits) before answering for those groups
// (COORDINATOR_LOAD_IN_PROGRESS meanwhile); on losing it, it drops them (NOT_COORDINATOR).
//
// Group state machine, as Kafka's: Empty -> PreparingRebalance (members (re)join, until all
// known members did or the rebalance timeout) -> CompletingRebalance (the new generation;
// the leader's SyncGroup brings the assignment, written to the log with acks=all) -> Stable.
// Members that stop heartbeating for session.timeout.ms are removed, which starts a
// rebalance. Stale members are fenced: UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION,
// FENCED_INSTANCE_ID (static membership), REBALANCE_IN_PROGRESS. Offset commits are
// validated against member and generation, then appended with acks=all; only an append
// that reached the high watermark is acknowledged and cached.
//
// Requests run on the broker's per-connection fibers and may block (a join waits for the
// rebalance, a commit for replication); every wait re-reads the group afterwards.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/variants.h"
#include "broker_model/group/group_messages.h"
#include "broker_model/group/group_records.h"
#include "broker_model/group/group_events.h"
#include "broker_model/txn/txn_messages.h"
#include "sim/prng.h"
#include "sim/wait_queue.h"
#include "sim/node_context.h"

namespace broker_model {

class ReplicaManager;

struct GroupCoordinatorConfig {
  int32_t offsets_topic_partitions = 50;             // offsets.topic.num.partitions
  int16_t offsets_topic_replication_factor = 3;      // offsets.topic.replication.factor
  int64_t group_initial_rebalance_delay_ms = 3'000;  // group.initial.rebalance.delay.ms
  int64_t offsets_commit_timeout_ms = 5'000;         // offsets.commit.timeout.ms
  int32_t group_min_session_timeout_ms = 6'000;      // group.min.session.timeout.ms
  int32_t group_max_session_timeout_ms = 1'800'000;  // group.max.session.timeout.ms
  ProtocolVariants variants;                         // the bug zoo (variants.h)
};

class GroupCoordinator {
 public:
  // What happens to its groups goes to the run's observers (group_events.h).
  GroupCoordinator(sim::NodeContext& ctx, ReplicaManager& replicas, BrokerId self, GroupCoordinatorConfig config);
  void start();  // the fiber that follows offsets-partition leadership and expires members

  JoinGroupResponse join(const JoinGroupRequest& req, const std::string& client);
  SyncGroupResponse sync(const SyncGroupRequest& req);
  HeartbeatResponse heartbeat(const HeartbeatRequest& req);
  LeaveGroupResponse leave(const LeaveGroupRequest& req);
  OffsetCommitResponse commit(const OffsetCommitRequest& req);
  OffsetFetchResponse fetch_offsets(const OffsetFetchRequest& req);
  // KIP-98 TxnOffsetCommit: the offsets are appended to the group's __consumer_offsets
  // partition in a transactional batch of the producer, and held pending (Kafka's
  // GroupMetadata.prepareTxnOffsetCommit) until the transaction's marker lands there.
  TxnOffsetCommitResponse txn_commit(const TxnOffsetCommitRequest& req);
  // A COMMIT or ABORT marker of `producer_id` was written to offsets partition `tp` (Kafka's
  // GroupCoordinator.onTransactionCompleted, called from KafkaApis.handleWriteTxnMarkersRequest
  // for __consumer_offsets partitions): its pending offsets become the groups' committed
  // offsets, or are dropped (GroupMetadata.completePendingTxnOffsetCommit).
  void transaction_completed(const TopicPartition& tp, ProducerId producer_id, bool committed);

  const GroupCoordinatorConfig& config() const { return config_; }

 private:
  enum class State { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable };
  static const char* state_name(State s);
  struct Member {
    std::string id;
    std::optional<std::string> instance_id;
    int32_t session_timeout_ms = 0;
    int32_t rebalance_timeout_ms = 0;
    std::vector<JoinGroupProtocol> protocols;
    std::string assignment;
    sim::Instant last_seen;
    bool awaiting_join = false;
    bool synced = false;  // sent SyncGroup in the current generation
  };
  struct Group {
    std::string id;
    int32_t partition = 0;
    State state = State::kEmpty;
    int32_t generation = 0;
    std::string protocol;
    std::string leader;
    std::map<std::string, Member> members;
    std::map<std::string, std::string> static_members;  // group.instance.id -> member id
    std::map<TopicPartition, Offset> offsets;
    // Where in __consumer_offsets the commit behind each offset was appended (commits made
    // since this coordinator loaded the group): a commit completing after a later one in the
    // log does not replace it (Kafka's GroupMetadata.onOffsetCommitAppend).
    std::map<TopicPartition, Offset> offsets_appended_at;
    // Transactional offsets awaiting their transaction's marker, per producer id (Kafka's
    // GroupMetadata.pendingTransactionalOffsetCommits).
    struct PendingOffset {
      Offset offset{-1};
      Offset appended_at{-1};
      int32_t generation = -1;
      std::string member_id;
      sim::Instant validated;
    };
    std::map<ProducerId, std::map<TopicPartition, PendingOffset>> pending_txn_offsets;
    sim::Instant rebalance_deadline;
    sim::Instant initial_delay_until;
    sim::Instant sync_deadline;
    std::map<std::string, JoinGroupResponse> join_results;  // answers for waiting joins
    std::map<std::string, SyncGroupResponse> sync_results;  // answers for waiting syncs
  };
  struct Loaded {
    LeaderEpoch epoch;
    bool loading = true;
  };

  void tick_loop();
  LeaderEpoch loaded_epoch(int32_t partition) const;  // kNoLeaderEpoch: not loaded here
  void follow_leadership();
  void load(int32_t partition, LeaderEpoch epoch);
  void unload(int32_t partition, const char* why);
  void expire_members();

  TopicPartition offsets_tp(int32_t partition) const { return TopicPartition{kConsumerOffsetsTopic, partition}; }
  ErrorCode coordinator_error(const std::string& group_id) const;
  Group* find(const std::string& group_id);
  // FENCED_INSTANCE_ID or UNKNOWN_MEMBER_ID for a member id the group does not know.
  static ErrorCode unknown_member_error(const Group& g, const std::string& member_id,
                                        const std::optional<std::string>& instance_id);
  std::string new_member_id(const std::string& client, const std::optional<std::string>& instance_id);

  void prepare_rebalance(Group& g, const std::string& reason);
  void maybe_complete_join(Group& g);
  void complete_join(Group& g);
  void remove_member(Group& g, const std::string& member_id, const std::string& reason);
  std::string select_protocol(const Group& g) const;
  bool supports_protocols(const Group& g, const std::vector<JoinGroupProtocol>& protocols) const;
  GroupMetadataRecord snapshot(const Group& g) const;
  void persist(const Group& g);  // best effort: a failed write is re-done by the next rebalance
  // Appends with acks=all to the group's offsets partition; blocks until committed or failed.
  // Appends with acks=all; `appended_at` (when given) gets the batch's offset in the log.
  ErrorCode append(int32_t partition, std::vector<storage::Record> records, Offset* appended_at = nullptr);
  GroupFacts facts(const Group& g) const { return GroupFacts{g.id, self_, g.generation}; }
  void report_stable(const Group& g);
  // Applies `pid`'s pending offsets of `g` (commit) or drops them (abort).
  void complete_pending(Group& g, ProducerId pid, bool committed, bool emit);

  sim::NodeContext& ctx_;
  ReplicaManager& replicas_;
  BrokerId self_;
  GroupCoordinatorConfig config_;
  sim::Prng prng_;
  std::map<std::string, Group> groups_;
  std::map<int32_t, Loaded> loaded_;
  sim::WaitQueue changed_{"group coordinator"};
};

}  // namespace broker_model
