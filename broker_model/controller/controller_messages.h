// Requests the controller serves, named after Kafka's: BrokerRegistration, BrokerHeartbeat,
// CreateTopics, AlterPartition, and MetadataFetch (how a broker reads the committed
// metadata log; KRaft brokers do this with a Fetch on __cluster_metadata). Every response
// starts with ControllerResponseHeader: an error, and when it is NOT_CONTROLLER, the quorum
// leader as far as the answering controller knows.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/controller/metadata_records.h"
#include "broker_model/controller/raft_log.h"
#include "broker_model/errors.h"
#include "broker_model/security/acl.h"
#include "broker_model/types.h"
#include "sim/ids.h"

namespace broker_model {

inline const sim::Symbol kBrokerRegistrationRpc{"BrokerRegistration"};
inline const sim::Symbol kBrokerHeartbeatRpc{"BrokerHeartbeat"};
inline const sim::Symbol kCreateTopicsRpc{"CreateTopics"};
inline const sim::Symbol kAlterPartitionRpc{"AlterPartition"};
inline const sim::Symbol kMetadataFetchRpc{"MetadataFetch"};
inline const sim::Symbol kAllocateProducerIdsRpc{"AllocateProducerIds"};
inline const sim::Symbol kCreateAclsRpc{"CreateAcls"};
inline const sim::Symbol kDeleteAclsRpc{"DeleteAcls"};
inline const sim::Symbol kAlterPartitionReassignmentsRpc{"AlterPartitionReassignments"};
inline const sim::Symbol kListPartitionReassignmentsRpc{"ListPartitionReassignments"};
inline const sim::Symbol kUnregisterBrokerRpc{"UnregisterBroker"};
inline const sim::Symbol kIncrementalAlterConfigsRpc{"IncrementalAlterConfigs"};

struct ControllerResponseHeader {
  ErrorCode error = ErrorCode::kNone;
  std::optional<sim::NodeId> leader_hint;  // with NOT_CONTROLLER
};

struct BrokerRegistrationRequest {
  BrokerId broker_id;
  uint64_t incarnation_id = 0;  // new for every start of the broker process
  std::string rack;             // broker.rack
  sim::NodeId endpoint;
};
struct BrokerRegistrationResponse : ControllerResponseHeader {
  BrokerEpoch broker_epoch = kNoBrokerEpoch;
};

// A log directory the broker reports offline (KIP-858's OfflineLogDirs; eddy names the
// replicas it held instead of a directory id: see BrokerLogDirOfflineRecord).
struct OfflineLogDir {
  std::string dir;
  std::vector<TopicPartition> replicas;
};

struct BrokerHeartbeatRequest {
  BrokerId broker_id;
  BrokerEpoch broker_epoch;
  Offset current_metadata_offset;  // the broker has applied the metadata log below this
  bool want_fence = false;
  // KIP-631: the broker is shutting down and asks the controller to move its leaderships
  // away first (Kafka's BrokerLifecycleManager in PENDING_CONTROLLED_SHUTDOWN).
  bool want_shut_down = false;
  // Log directories that failed while the broker goes on (Kafka 3.7+: OfflineLogDirs); sent
  // in every heartbeat until the broker registers again.
  std::vector<OfflineLogDir> offline_log_dirs = {};
};
struct BrokerHeartbeatResponse : ControllerResponseHeader {
  bool is_caught_up = false;
  bool is_fenced = true;
  bool in_controlled_shutdown = false;
  // The controller lets the broker stop: it leads nothing and every active broker has
  // applied the metadata that moved its leaderships away.
  bool should_shut_down = false;
};

struct CreatableTopic {
  std::string name;
  int32_t num_partitions = 1;
  int16_t replication_factor = 1;
  std::map<std::string, std::string> configs;
};
struct CreateTopicsRequest {
  std::vector<CreatableTopic> topics;
};
struct CreatableTopicResult {
  std::string name;
  ErrorCode error = ErrorCode::kNone;
  std::string error_message;
};
struct CreateTopicsResponse : ControllerResponseHeader {
  std::vector<CreatableTopicResult> topics;
};

struct AlterPartitionRequest {
  BrokerId broker_id;  // the partition leader asking
  BrokerEpoch broker_epoch;
  TopicPartition tp;
  LeaderEpoch leader_epoch;
  PartitionEpoch partition_epoch;
  std::vector<BrokerId> new_isr;
};
struct AlterPartitionResponse : ControllerResponseHeader {
  TopicPartition tp;
  BrokerId leader = kNoBroker;
  LeaderEpoch leader_epoch = kNoLeaderEpoch;
  std::vector<BrokerId> isr;
  PartitionEpoch partition_epoch{-1};
};

struct MetadataFetchRequest {
  BrokerId broker_id;
  Offset fetch_offset;  // the first entry wanted
  uint32_t max_entries = 256;
};
struct MetadataFetchResponse : ControllerResponseHeader {
  std::vector<LogEntry> entries;  // committed entries from fetch_offset
  Offset high_watermark;
};

// A broker asks for a block of producer ids to hand out in InitProducerId (KIP-730).
struct AllocateProducerIdsRequest {
  BrokerId broker_id;
  BrokerEpoch broker_epoch;
};
struct AllocateProducerIdsResponse : ControllerResponseHeader {
  int64_t producer_id_start = -1;
  int32_t producer_id_len = 0;
};

// CreateAcls / DeleteAcls (KIP-140), served by the active controller (Kafka's brokers forward
// them there, KIP-590; an admin may also send them to a controller directly, KIP-919).
struct CreateAclsRequest {
  std::vector<security::AclBinding> creations;
};
struct AclCreationResult {
  ErrorCode error = ErrorCode::kNone;
  std::string error_message;
};
struct CreateAclsResponse : ControllerResponseHeader {
  std::vector<AclCreationResult> results;  // one per creation, in order
};
struct DeleteAclsRequest {
  std::vector<security::AclBindingFilter> filters;
};
struct DeleteAclsFilterResult {
  ErrorCode error = ErrorCode::kNone;
  std::vector<security::AclBinding> deleted;
};
struct DeleteAclsResponse : ControllerResponseHeader {
  std::vector<DeleteAclsFilterResult> results;  // one per filter, in order
};
uint32_t create_acls_request_bytes(const CreateAclsRequest& r);
uint32_t delete_acls_request_bytes(const DeleteAclsRequest& r);
inline constexpr uint32_t kAclResponseBytesPerEntry = 64;

// KIP-455's AlterPartitionReassignments: per partition, the target replicas, or nullopt to
// cancel the reassignment in progress.
struct ReassignablePartition {
  TopicPartition tp;
  std::optional<std::vector<BrokerId>> replicas;
};
struct AlterPartitionReassignmentsRequest {
  std::vector<ReassignablePartition> partitions;
};
struct ReassignablePartitionResult {
  TopicPartition tp;
  ErrorCode error = ErrorCode::kNone;
  std::string error_message;
};
struct AlterPartitionReassignmentsResponse : ControllerResponseHeader {
  std::vector<ReassignablePartitionResult> partitions;
};

// KIP-455's ListPartitionReassignments: every partition being reassigned.
struct ListPartitionReassignmentsRequest {};
struct OngoingPartitionReassignment {
  TopicPartition tp;
  std::vector<BrokerId> replicas, adding_replicas, removing_replicas;
};
struct ListPartitionReassignmentsResponse : ControllerResponseHeader {
  std::vector<OngoingPartitionReassignment> reassignments;
};

// KIP-631's UnregisterBroker (`kafka-cluster.sh unregister`).
struct UnregisterBrokerRequest {
  BrokerId broker_id;
};
struct UnregisterBrokerResponse : ControllerResponseHeader {
  std::string error_message;
};

// IncrementalAlterConfigs (KIP-339) for the configs the controller keeps: each change is a
// ConfigRecord (value nullopt deletes). One error for the request (Kafka answers per
// resource).
struct IncrementalAlterConfigsRequest {
  std::vector<ConfigRecord> changes;
};
struct IncrementalAlterConfigsResponse : ControllerResponseHeader {
  std::string error_message;
};

// Wire sizes.
inline constexpr uint32_t kBrokerRegistrationRequestBytes = 64;
inline constexpr uint32_t kBrokerHeartbeatBytes = 48;
uint32_t broker_heartbeat_request_bytes(const BrokerHeartbeatRequest& r);
inline constexpr uint32_t kControllerResponseBytes = 32;
uint32_t create_topics_request_bytes(const CreateTopicsRequest& r);
uint32_t create_topics_response_bytes(const CreateTopicsResponse& r);
uint32_t alter_partition_request_bytes(const AlterPartitionRequest& r);
uint32_t alter_partition_response_bytes(const AlterPartitionResponse& r);
uint32_t metadata_fetch_response_bytes(const MetadataFetchResponse& r);
inline constexpr uint32_t kMetadataFetchRequestBytes = 32;
inline constexpr uint32_t kAllocateProducerIdsRequestBytes = 24;
inline constexpr uint32_t kAllocateProducerIdsResponseBytes = kControllerResponseBytes + 12;
uint32_t alter_partition_reassignments_request_bytes(const AlterPartitionReassignmentsRequest& r);
uint32_t alter_partition_reassignments_response_bytes(const AlterPartitionReassignmentsResponse& r);
uint32_t list_partition_reassignments_response_bytes(const ListPartitionReassignmentsResponse& r);
uint32_t incremental_alter_configs_request_bytes(const IncrementalAlterConfigsRequest& r);
inline constexpr uint32_t kListPartitionReassignmentsRequestBytes = 24;
inline constexpr uint32_t kUnregisterBrokerRequestBytes = 24;

}  // namespace broker_model
