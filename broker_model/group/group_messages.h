// The consumer-group protocol between consumers and the group coordinator, named after Kafka's
// requests: FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit,
// OffsetFetch. The coordinator treats protocol metadata and assignments as opaque bytes, as
// Kafka does; the consumer's own encoding of them is in consumer_protocol.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/errors.h"
#include "broker_model/types.h"

namespace broker_model {

// Kafka's internal offsets topic and its group-metadata record keys.
inline const sim::Symbol kConsumerOffsetsTopic{"__consumer_offsets"};
inline constexpr int32_t kNoGeneration = -1;

// Kafka's Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions, with Java's
// String.hashCode (over UTF-16 code units; group ids here are ASCII or UTF-8 bytes).
int32_t offsets_partition_for(const std::string& group_id, int32_t offsets_partitions);
int32_t java_string_hash(const std::string& s);

// FindCoordinator's key types (Kafka's CoordinatorType).
inline constexpr int8_t kGroupCoordinatorKey = 0;
inline constexpr int8_t kTransactionCoordinatorKey = 1;
struct FindCoordinatorRequest {
  std::string key;  // the group id, or the transactional.id
  int8_t key_type = kGroupCoordinatorKey;
};
struct FindCoordinatorResponse {
  ErrorCode error = ErrorCode::kNone;
  BrokerId node_id = kNoBroker;
};

struct JoinGroupProtocol {
  std::string name;      // assignor: "range", "roundrobin", "cooperative-sticky"
  std::string metadata;  // the member's subscription, opaque to the coordinator
};
struct JoinGroupRequest {
  std::string group_id;
  int32_t session_timeout_ms = 45'000;
  int32_t rebalance_timeout_ms = 300'000;
  std::string member_id;  // empty on the first join
  std::optional<std::string> group_instance_id;
  std::string protocol_type = "consumer";
  std::vector<JoinGroupProtocol> protocols;
};
struct JoinGroupMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string metadata;
};
struct JoinGroupResponse {
  ErrorCode error = ErrorCode::kNone;
  int32_t generation_id = kNoGeneration;
  std::string protocol_name;
  std::string leader;
  std::string member_id;
  std::vector<JoinGroupMember> members;  // only for the leader (empty when it must skip assignment)
};

struct SyncGroupAssignment {
  std::string member_id;
  std::string assignment;
};
struct SyncGroupRequest {
  std::string group_id;
  int32_t generation_id = kNoGeneration;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<SyncGroupAssignment> assignments;  // the leader's; empty from followers
};
struct SyncGroupResponse {
  ErrorCode error = ErrorCode::kNone;
  std::string assignment;
};

struct HeartbeatRequest {
  std::string group_id;
  int32_t generation_id = kNoGeneration;
  std::string member_id;
  std::optional<std::string> group_instance_id;
};
struct HeartbeatResponse {
  ErrorCode error = ErrorCode::kNone;
};

struct LeaveGroupRequest {
  std::string group_id;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string reason;
};
struct LeaveGroupResponse {
  ErrorCode error = ErrorCode::kNone;
};

struct OffsetCommitPartition {
  TopicPartition tp;
  Offset offset{-1};
};
struct OffsetCommitRequest {
  std::string group_id;
  int32_t generation_id = kNoGeneration;  // -1: a commit outside group management
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<OffsetCommitPartition> partitions;
};
struct OffsetCommitPartitionResponse {
  TopicPartition tp;
  ErrorCode error = ErrorCode::kNone;
};
struct OffsetCommitResponse {
  std::vector<OffsetCommitPartitionResponse> partitions;
  ErrorCode first_error() const;
};

struct OffsetFetchRequest {
  std::string group_id;
  std::vector<TopicPartition> partitions;
  // KIP-447 (OffsetFetch v7): a partition with transactional offsets still pending (their
  // transaction's marker not yet on __consumer_offsets) answers UNSTABLE_OFFSET_COMMIT instead
  // of its last stable offset. Kafka's consumer sets it with isolation.level=read_committed.
  bool require_stable = false;
};
struct OffsetFetchPartition {
  TopicPartition tp;
  Offset offset{-1};  // -1: nothing committed
  ErrorCode error = ErrorCode::kNone;  // UNSTABLE_OFFSET_COMMIT (require_stable)
};
struct OffsetFetchResponse {
  ErrorCode error = ErrorCode::kNone;
  std::vector<OffsetFetchPartition> partitions;
};

inline const sim::Symbol kFindCoordinatorRpc{"FindCoordinator"};
inline const sim::Symbol kJoinGroupRpc{"JoinGroup"};
inline const sim::Symbol kSyncGroupRpc{"SyncGroup"};
inline const sim::Symbol kHeartbeatRpc{"Heartbeat"};
inline const sim::Symbol kLeaveGroupRpc{"LeaveGroup"};
inline const sim::Symbol kOffsetCommitRpc{"OffsetCommit"};
inline const sim::Symbol kOffsetFetchRpc{"OffsetFetch"};

uint32_t wire_bytes(const FindCoordinatorRequest& r);
uint32_t wire_bytes(const FindCoordinatorResponse& r);
uint32_t wire_bytes(const JoinGroupRequest& r);
uint32_t wire_bytes(const JoinGroupResponse& r);
uint32_t wire_bytes(const SyncGroupRequest& r);
uint32_t wire_bytes(const SyncGroupResponse& r);
uint32_t wire_bytes(const HeartbeatRequest& r);
uint32_t wire_bytes(const HeartbeatResponse& r);
uint32_t wire_bytes(const LeaveGroupRequest& r);
uint32_t wire_bytes(const LeaveGroupResponse& r);
uint32_t wire_bytes(const OffsetCommitRequest& r);
uint32_t wire_bytes(const OffsetCommitResponse& r);
uint32_t wire_bytes(const OffsetFetchRequest& r);
uint32_t wire_bytes(const OffsetFetchResponse& r);

}  // namespace broker_model
