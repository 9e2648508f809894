// The lab's record of consumer groups (part of the History): what members owned and when,
// what they processed, their commits as the client saw them and as the coordinator accepted
// them, the generations that became stable, and group events (joins, rebalances, members
// removed, commits rejected). Checkers (group_checkers.h) read it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checkers/ids.h"
#include "sim/time.h"

namespace checkers {

// A member's ownership of a partition starts (assigned) or ends (revoked, lost, crashed) at
// an instant, as the member's application sees it (rebalance callbacks).
struct OwnershipChange {
  sim::Instant at;
  std::string group;
  int consumer = 0;         // the workload consumer's index (its node is "consumer-N")
  std::string member_id;
  int32_t generation = -1;
  TopicPartition tp;
  bool owned = false;       // true: starts owning; false: stops
  std::string reason;       // "assigned", "revoked", "lost", "crashed", "end of run"
};

// A record handed to the application and processed (after its processing time).
struct ProcessOp {
  sim::Instant at;
  std::string group;
  int consumer = 0;
  int32_t generation = -1;
  TopicPartition tp;
  Offset offset;
  uint64_t record_id = 0;
};

// A commit as the client saw it.
struct CommitOp {
  sim::Instant invoked;
  sim::Instant completed;
  std::string group;
  int consumer = 0;
  std::string member_id;
  int32_t generation = -1;
  bool sync = true;
  std::vector<std::pair<TopicPartition, Offset>> offsets;
  std::string outcome;      // "ok", an error name ("ILLEGAL_GENERATION", ...), or "unknown" (timeout)
};

// A commit the coordinator accepted (appended, and committed to the offsets log).
struct AcceptedCommit {
  sim::Instant validated;   // when the coordinator checked member and generation
  sim::Instant at;          // when the append was committed and the commit answered
  std::string group;
  BrokerId coordinator = kNoBroker;
  std::string member_id;
  int32_t generation = -1;  // the commit's generation (the group's at validation)
  TopicPartition tp;
  Offset offset;
  int32_t epoch = -1;       // the offsets partition's leader epoch the coordinator had loaded
};

// Offsets a coordinator was about to append to the offsets log (OffsetCommit, or a
// transaction's TxnOffsetCommit). Whether or not the append was answered, its record may
// survive in the log and be loaded by a later coordinator.
struct AppendingCommit {
  sim::Instant at;
  std::string group;
  BrokerId coordinator = kNoBroker;
  TopicPartition tp;
  Offset offset;
  bool transactional = false;
};

// A coordinator's OffsetFetch answer for one partition: the group's committed offset (-1:
// none), as the coordinator that had loaded the offsets partition at `epoch` knew it.
struct FetchedOffset {
  sim::Instant at;
  std::string group;
  BrokerId coordinator = kNoBroker;
  int32_t epoch = -1;
  TopicPartition tp;
  Offset offset;
};

// A generation that became stable on a coordinator: every member and its assignment.
struct StableGeneration {
  sim::Instant at;
  std::string group;
  BrokerId coordinator = kNoBroker;
  int32_t generation = -1;
  std::string protocol;
  std::string leader;
  std::vector<std::pair<std::string, std::vector<TopicPartition>>> assignment;  // member id -> partitions
};

struct GroupEvent {
  sim::Instant at;
  std::string group;
  std::string kind;         // "coordinator-loaded", "rebalance", "member-removed", "commit-rejected", ...
  BrokerId broker = kNoBroker;
  int consumer = -1;        // -1: coordinator side
  int32_t generation = -1;
  std::string detail;
};

// Consumer lag of a group (log end minus committed offset, summed over partitions), sampled
// by the lab.
struct GroupLagSample {
  sim::Instant at;
  std::string group;
  int64_t total_lag = 0;
  std::vector<std::pair<TopicPartition, int64_t>> partitions;
};

struct GroupHistory {
  std::vector<OwnershipChange> ownership;
  std::vector<ProcessOp> processed;
  std::vector<CommitOp> commits;
  std::vector<AcceptedCommit> accepted_commits;
  std::vector<AppendingCommit> appending_commits;
  std::vector<FetchedOffset> fetched_offsets;
  std::vector<StableGeneration> generations;
  std::vector<GroupEvent> events;
  std::vector<GroupLagSample> lag;
};

}  // namespace checkers
