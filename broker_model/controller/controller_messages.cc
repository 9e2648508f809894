#include "broker_model/controller/controller_messages.h"

namespace broker_model {

uint32_t create_topics_request_bytes(const CreateTopicsRequest& r) {
  uint32_t n = 16;
  for (const CreatableTopic& t : r.topics) {
    n += 16 + static_cast<uint32_t>(t.name.size());
    for (const auto& [k, v] : t.configs) n += 8 + static_cast<uint32_t>(k.size() + v.size());
  }
  return n;
}

uint32_t create_topics_response_bytes(const CreateTopicsResponse& r) {
  uint32_t n = kControllerResponseBytes;
  for (const CreatableTopicResult& t : r.topics)
    n += 8 + static_cast<uint32_t>(t.name.size() + t.error_message.size());
  return n;
}

uint32_t alter_partition_request_bytes(const AlterPartitionRequest& r) {
  return 48 + static_cast<uint32_t>(r.tp.topic.size() + 4 * r.new_isr.size());
}

uint32_t broker_heartbeat_request_bytes(const BrokerHeartbeatRequest& r) {
  // Kafka sends directory ids (16 bytes each); eddy's names and replicas cost their encoding.
  size_t bytes = kBrokerHeartbeatBytes;
  for (const OfflineLogDir& d : r.offline_log_dirs) {
    bytes += 16 + d.dir.size();
    for (const TopicPartition& tp : d.replicas) bytes += 6 + tp.topic.size();
  }
  return static_cast<uint32_t>(bytes);
}

uint32_t alter_partition_response_bytes(const AlterPartitionResponse& r) {
  return kControllerResponseBytes + 24 + static_cast<uint32_t>(r.tp.topic.size() + 4 * r.isr.size());
}

uint32_t metadata_fetch_response_bytes(const MetadataFetchResponse& r) {
  uint32_t n = kControllerResponseBytes + 16;
  for (const LogEntry& e : r.entries) n += log_entry_bytes(e);
  return n;
}

uint32_t create_acls_request_bytes(const CreateAclsRequest& r) {
  uint32_t n = 16;
  for (const auto& b : r.creations)
    n += 16 + static_cast<uint32_t>(b.resource_name.size() + b.principal.size() + b.host.size());
  return n;
}

uint32_t delete_acls_request_bytes(const DeleteAclsRequest& r) { return 16 + 96 * static_cast<uint32_t>(r.filters.size()); }
uint32_t alter_partition_reassignments_request_bytes(const AlterPartitionReassignmentsRequest& r) {
  uint32_t n = 16;
  for (const ReassignablePartition& p : r.partitions)
    n += 12 + static_cast<uint32_t>(p.tp.topic.size() + 4 * (p.replicas ? p.replicas->size() : 0));
  return n;
}

uint32_t alter_partition_reassignments_response_bytes(const AlterPartitionReassignmentsResponse& r) {
  uint32_t n = kControllerResponseBytes;
  for (const ReassignablePartitionResult& p : r.partitions)
    n += 10 + static_cast<uint32_t>(p.tp.topic.size() + p.error_message.size());
  return n;
}

uint32_t list_partition_reassignments_response_bytes(const ListPartitionReassignmentsResponse& r) {
  uint32_t n = kControllerResponseBytes;
  for (const OngoingPartitionReassignment& p : r.reassignments)
    n += 16 + static_cast<uint32_t>(p.tp.topic.size() +
                                    4 * (p.replicas.size() + p.adding_replicas.size() + p.removing_replicas.size()));
  return n;
}

uint32_t incremental_alter_configs_request_bytes(const IncrementalAlterConfigsRequest& r) {
  uint32_t n = 16;
  for (const ConfigRecord& c : r.changes)
    n += 8 + static_cast<uint32_t>(c.resource_name.size() + c.name.size() + (c.value ? c.value->size() : 0));
  return n;
}

}  // namespace broker_model
