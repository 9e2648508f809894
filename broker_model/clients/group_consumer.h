// A consumer in subscribe mode (Kafka's KafkaConsumer with subscribe() and its
// ConsumerCoordinator): it finds the group's coordinator, joins the group (the leader runs
// the assignor), syncs to get its partitions, heartbeats from a background fiber, and hands
// records to the application through poll().
//
// Like Kafka's, it is driven by the application's poll loop: poll() performs rebalances
// (calling the rebalance callbacks), auto-commits, fetches committed offsets for new
// partitions (auto.offset.reset when none), sends fetches and returns up to
// max.poll.records records. The heartbeat fiber only reports: REBALANCE_IN_PROGRESS makes
// the next poll rejoin; ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID mark the
// partitions lost; a poll gap beyond max.poll.interval.ms makes the member leave the group.
// Until the application polls again it still believes it owns its partitions, as a real
// consumer does, which is how zombies happen.
//
// Eager protocol (range, roundrobin): every partition is revoked before rejoining.
// Cooperative (cooperative-sticky): the member rejoins keeping its partitions, revokes only
// those the new assignment takes away, and rejoins once more when it revoked any.
//
// Fetching goes through the path it shares with the assign() consumer (clients/fetcher.h):
// committed offsets seed the positions, auto.offset.reset applies when there is none or it is
// out of range, and positions are validated after a leader change (KIP-320).
//
// The application learns of rebalances and commits through its GroupConsumerListener
// (clients/client_listeners.h); what the member goes through inside (coordinator found or
// lost, joins and syncs failed, fencing, positions) is reported to the run's observers
// (clients/client_events.h).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/clients/client_config.h"
#include "broker_model/clients/client_events.h"
#include "broker_model/clients/client_listeners.h"
#include "broker_model/clients/client_metadata.h"
#include "broker_model/clients/fetcher.h"
#include "broker_model/group/group_messages.h"
#include "broker_model/rpc/rpc_endpoint.h"

namespace broker_model {

class GroupConsumer : private Fetcher::Events {
 public:
  // `listener` (the application; it must outlive the consumer) gets the rebalance callbacks
  // and commit outcomes. `consumer_index` names this member in its events (its client.id).
  GroupConsumer(RpcEndpoint& rpc, ClientMetadata& metadata, ConsumerConfig config, std::vector<std::string> topics,
                GroupConsumerListener& listener, int consumer_index);
  void start();  // the heartbeat fiber

  // Blocks up to about `timeout` (longer while a rebalance is in progress).
  std::vector<ConsumedRecord> poll(sim::Duration timeout);
  // Commits and waits; retries retriable errors a bounded number of times. Returns the error.
  ErrorCode commit_sync(const std::map<TopicPartition, Offset>& offsets);
  void commit_async(const std::map<TopicPartition, Offset>& offsets);
  // Offsets of the next record to hand out, for owned partitions with a position.
  std::map<TopicPartition, Offset> positions() const;
  const std::vector<TopicPartition>& assignment() const { return assigned_; }
  int32_t generation() const { return generation_; }
  const std::string& member_id() const { return member_id_; }
  bool fenced() const { return fatal_; }
  // Forgets the positions of the owned partitions: the next poll fetches the committed offsets
  // again (what a consume-transform-produce application does after aborting a transaction:
  // Kafka's examples seek every partition back to its committed offset).
  void rewind_to_committed();

 private:
  enum class State { kUnjoined, kRebalancing, kStable };

  void heartbeat_loop();
  bool ensure_coordinator();
  void coordinator_unknown(const char* why);
  bool ensure_group(sim::Instant deadline);
  bool join_and_sync();
  std::string subscription_metadata() const;
  std::vector<SyncGroupAssignment> run_assignor(const JoinGroupResponse& join);
  void apply_assignment(std::vector<TopicPartition> assignment);
  void handle_lost();
  void revoke(const std::vector<TopicPartition>& tps);
  void maybe_auto_commit();
  // Positions of new partitions from the committed offsets (OffsetFetch).
  void ensure_positions();
  // Fetcher::Events
  void on_position_reset(const TopicPartition& tp, BrokerId broker, Offset from, Offset to) override;
  void on_no_offset(const TopicPartition& tp) override;
  void on_truncation_detected(const TopicPartition& tp, Offset from, LeaderEpoch epoch, Offset to) override;
  // The member as its events describe it.
  MemberFacts facts() const { return MemberFacts{config_.group_id, index_, generation_, coordinator_.value_or(kNoBroker)}; }
  std::optional<sim::Payload> call_coordinator(sim::Symbol type, uint32_t bytes, sim::Payload body, sim::Duration timeout);
  // Tells the listener a commit request leaves; returns its number for commit_completed.
  uint64_t commit_sent();
  void commit_completed(uint64_t request, bool sync, const std::map<TopicPartition, Offset>& offsets,
                        const std::string& member_id, int32_t generation, CommitOutcome outcome, ErrorCode error);

  RpcEndpoint& rpc_;
  ClientMetadata& metadata_;
  ConsumerConfig config_;
  std::vector<std::string> topics_;
  GroupConsumerListener& listener_;
  int index_;
  uint64_t commit_requests_ = 0;

  std::optional<BrokerId> coordinator_;
  State state_ = State::kUnjoined;
  std::string member_id_;
  int32_t generation_ = kNoGeneration;
  std::string protocol_;
  bool rejoin_needed_ = true;
  bool lost_ = false;           // the heartbeat learned we were fenced
  bool fatal_ = false;          // FENCED_INSTANCE_ID or an inconsistent protocol: stop
  sim::Instant last_poll_;
  sim::Instant next_auto_commit_;
  std::vector<TopicPartition> assigned_;
  std::vector<TopicPartition> previously_owned_;  // eager StickyAssignor: what was revoked before rejoining
  sim::WaitQueue fetched_{"group consumer fetch"};
  Fetcher fetcher_;  // after config_ and fetched_, which it holds references to
};

}  // namespace broker_model
