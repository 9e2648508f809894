// What a group coordinator reports to the run's observers (sim/event_bus.h): groups loaded
// and unloaded, rebalances, generations that became stable with their assignment, members
// removed, offset commits accepted and rejected. Each names the group, the coordinating
// broker and the group's generation when it happened.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "broker_model/errors.h"
#include "broker_model/types.h"
#include "sim/time.h"

namespace broker_model {

struct GroupFacts {
  std::string group;
  BrokerId coordinator;
  int32_t generation = -1;
};

// The coordinator took over the group (it leads the group's __consumer_offsets partition)
// and replayed its state from that partition.
struct GroupCoordinatorLoaded {
  GroupFacts g;
  std::string state;  // "Empty", "Stable", ...
  int64_t members = 0;
  int64_t committed_offsets = 0;
  int64_t records_replayed = 0;
  TopicPartition offsets_partition;
  LeaderEpoch leader_epoch;
};

struct GroupCoordinatorUnloaded {
  GroupFacts g;
  std::string reason;
};

// The group goes into PreparingRebalance after generation g.generation.
struct GroupRebalancePrepared {
  GroupFacts g;
  std::string reason;
};

// Every member left: generation g.generation has none.
struct GroupEmptied {
  GroupFacts g;
};

// JoinGroup completed: generation g.generation with its protocol, leader and members.
struct GroupJoinCompleted {
  GroupFacts g;
  std::string protocol;
  std::string leader;
  std::vector<std::string> members;
};

struct GroupMemberRemoved {
  GroupFacts g;
  std::string member_id;
  std::string reason;
};

// A static member (group.instance.id) rejoined under a new member id; the old one is fenced.
struct GroupStaticMemberReplaced {
  GroupFacts g;
  std::string instance_id;
  std::string old_member_id;
  std::string new_member_id;
};

// Writing the group's assignment to the offsets log failed.
struct GroupSyncFailed {
  GroupFacts g;
  ErrorCode error = ErrorCode::kNone;
};

// Generation g.generation became stable (its assignment written to `offsets_partition`).
struct GroupGenerationStable {
  GroupFacts g;
  std::string protocol;
  std::string leader;
  TopicPartition offsets_partition;
  std::vector<std::pair<std::string, std::vector<TopicPartition>>> assignment;  // member id -> partitions
};

// An OffsetCommit refused (unknown member, stale generation, rebalance in progress).
struct OffsetCommitRejected {
  GroupFacts g;  // g.generation: the group's (-1 when the group is unknown)
  ErrorCode error = ErrorCode::kNone;
  std::string member_id;
  int32_t commit_generation = -1;
  int64_t partitions = 0;
};

// An OffsetCommit appended to the offsets log and committed; answered now.
struct OffsetCommitAccepted {
  GroupFacts g;  // g.generation: the commit's
  std::string member_id;
  sim::Instant validated;  // true time at which member and generation were checked
  std::vector<std::pair<TopicPartition, Offset>> offsets;  // now the group's committed offsets
  // Accepted too, but a commit appended later in the log completed first: the committed
  // offset stays that later one's.
  std::vector<std::pair<TopicPartition, Offset>> superseded;
  LeaderEpoch epoch = kNoLeaderEpoch;  // the offsets partition's leader epoch the coordinator loaded
};

// Offsets about to be appended to the offsets log (OffsetCommit, or TxnOffsetCommit with
// `transactional`). The append may fail and its records still survive in the log, so a later
// coordinator can load them without any commit having been answered: what a fetched offset
// may be is judged against these too.
struct OffsetCommitAppending {
  GroupFacts g;
  std::vector<std::pair<TopicPartition, Offset>> offsets;
  bool transactional = false;
};

// The coordinator answered an OffsetFetch: each partition's committed offset (-1: none).
// Partitions answered with an error (UNSTABLE_OFFSET_COMMIT) are left out.
struct OffsetFetchAnswered {
  GroupFacts g;
  LeaderEpoch epoch = kNoLeaderEpoch;  // the offsets partition's leader epoch the coordinator loaded
  std::vector<std::pair<TopicPartition, Offset>> offsets;
};

}  // namespace broker_model
