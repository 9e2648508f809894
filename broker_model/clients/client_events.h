// What clients report to the run's observers (sim/event_bus.h) about their own workings —
// facts their caller does not see through the client API (clients/client_listeners.h): each
// send of a batch that had to be resent, a consumer's position reset, what a group member
// went through (coordinator found or lost, joins and syncs failed, fencing, positions).
// `producer` and `consumer` are the client's index (its client.id in the lab).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "broker_model/errors.h"
#include "broker_model/types.h"
#include "sim/time.h"

namespace broker_model {

// ---- producer ----------------------------------------------------------------------------

enum class AttemptAnswer : uint8_t {
  kNone,              // no answer recorded
  kAcknowledged,      // at `offset`
  kError,             // `error`
  kNoResponse,        // request.timeout.ms passed: it may have been appended
  kPartitionMissing,  // the response did not mention the partition
};

// One send of a produce batch that was sent more than once, reported when the batch
// completes, one per attempt in order: the retries that, without idempotence, put one record
// at two offsets.
struct ProduceBatchAttempt {
  int producer = 0;
  TopicPartition tp;
  int attempt = 0;        // 1: the first send
  sim::Instant sent;      // true time
  sim::Instant answered;  // true time of the response or timeout
  BrokerId broker = kNoBroker;
  AttemptAnswer answer = AttemptAnswer::kNone;
  Offset offset{-1};
  ErrorCode error = ErrorCode::kNone;
  ProducerId producer_id = kNoProducerId;  // kNoProducerId: not idempotent
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  std::vector<uint64_t> tokens;  // the batch's records (the send() tokens), on the first attempt only
};

// A produce attempt answered with an error for `tp` (kRequestTimedOut: no answer within
// request.timeout.ms), whatever becomes of the batch after (a retry may still succeed).
struct ProduceErrorAnswered {
  int producer = 0;
  TopicPartition tp;
  BrokerId broker = kNoBroker;
  ErrorCode error = ErrorCode::kNone;
};

// ---- consumer (assign mode) ------------------------------------------------------------------

// A fetch at `position` was OFFSET_OUT_OF_RANGE: the position moves per auto.offset.reset.
struct ConsumerOffsetReset {
  int consumer = 0;
  TopicPartition tp;
  BrokerId broker;
  Offset position;
  Offset reset_to;  // the log start (earliest) or the high watermark (latest)
};

// OFFSET_OUT_OF_RANGE with auto.offset.reset=none: the partition is not consumed any more.
struct ConsumerNoOffset {
  int consumer = 0;
  TopicPartition tp;
};

// OffsetsForLeaderEpoch showed the log it read was truncated under it (KIP-320): it goes back
// to `end_offset`, where the leader's epoch `leader_epoch` ends.
struct ConsumerTruncationDetected {
  int consumer = 0;
  TopicPartition tp;
  Offset position;
  LeaderEpoch leader_epoch;
  Offset end_offset;
};

// ---- group member (subscribe mode) -------------------------------------------------------------

// The member when it reports: its group, its client index, the generation it is in and the
// coordinator it knows (kNoBroker: none).
struct MemberFacts {
  std::string group;
  int consumer = 0;
  int32_t generation = -1;
  BrokerId coordinator = kNoBroker;
};

struct MemberCoordinatorFound {  // m.coordinator: the one found
  MemberFacts m;
};
struct MemberCoordinatorLost {  // m.coordinator: the one lost
  MemberFacts m;
  std::string reason;
};
// No poll within max.poll.interval.ms: the member leaves the group.
struct MemberPollTimeout {
  MemberFacts m;
  int64_t max_poll_interval_ms = 0;
};
// A heartbeat answered ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID.
struct MemberHeartbeatFenced {
  MemberFacts m;
  ErrorCode error = ErrorCode::kNone;
  std::string member_id;
};
struct MemberPartitionsLost {
  MemberFacts m;
  std::vector<TopicPartition> partitions;
};
// JoinGroup failed: the member starts over as a new member, or (fatal) stops.
struct MemberJoinFailed {
  MemberFacts m;
  ErrorCode error = ErrorCode::kNone;
  bool fatal = false;
};
struct MemberSyncFailed {
  MemberFacts m;
  ErrorCode error = ErrorCode::kNone;
  int32_t joined_generation = -1;
};
// SyncGroup gave the member its assignment for generation m.generation.
struct MemberAssigned {
  MemberFacts m;
  std::string protocol;
  std::vector<TopicPartition> assignment;
};
// A synchronous commit was rejected for good: this member's generation is over.
struct MemberCommitFailed {
  MemberFacts m;
  ErrorCode error = ErrorCode::kNone;
  std::string member_id;
  int32_t commit_generation = -1;
};
// OffsetFetch told where to start a new partition: its committed offset, or none (-1).
struct MemberPositionFetched {
  MemberFacts m;
  TopicPartition tp;
  Offset committed;
  std::string auto_offset_reset;
};
// OFFSET_OUT_OF_RANGE with auto.offset.reset=none: the partition is not consumed.
struct MemberNoOffset {
  MemberFacts m;
  TopicPartition tp;
};
// OFFSET_OUT_OF_RANGE: the position moves per auto.offset.reset.
struct MemberOffsetReset {
  MemberFacts m;
  TopicPartition tp;
  Offset from;
  Offset to;
};

// OffsetsForLeaderEpoch showed the log the member read was truncated under it (KIP-320): its
// position goes back to where the logs agree.
struct MemberTruncationDetected {
  MemberFacts m;
  TopicPartition tp;
  Offset from;
  LeaderEpoch leader_epoch;
  Offset to;
};

}  // namespace broker_model
