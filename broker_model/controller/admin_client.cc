#include "broker_model/controller/admin_client.h"

namespace broker_model {

std::optional<CreateTopicsResponse> create_topics(ControllerChannel& channel, std::vector<CreatableTopic> topics) {
  CreateTopicsRequest req{std::move(topics)};
  uint32_t bytes = create_topics_request_bytes(req);
  return channel.call<CreateTopicsResponse>(kCreateTopicsRpc, bytes, std::move(req));
}

std::optional<AlterPartitionReassignmentsResponse> alter_partition_reassignments(
    ControllerChannel& channel, std::vector<ReassignablePartition> partitions) {
  AlterPartitionReassignmentsRequest req{std::move(partitions)};
  uint32_t bytes = alter_partition_reassignments_request_bytes(req);
  return channel.call<AlterPartitionReassignmentsResponse>(kAlterPartitionReassignmentsRpc, bytes, std::move(req));
}

std::optional<ListPartitionReassignmentsResponse> list_partition_reassignments(ControllerChannel& channel) {
  return channel.call<ListPartitionReassignmentsResponse>(kListPartitionReassignmentsRpc,
                                                          kListPartitionReassignmentsRequestBytes,
                                                          ListPartitionReassignmentsRequest{});
}

std::optional<UnregisterBrokerResponse> unregister_broker(ControllerChannel& channel, BrokerId broker) {
  return channel.call<UnregisterBrokerResponse>(kUnregisterBrokerRpc, kUnregisterBrokerRequestBytes,
                                                UnregisterBrokerRequest{broker});
}

std::optional<IncrementalAlterConfigsResponse> incremental_alter_configs(ControllerChannel& channel,
                                                                         std::vector<ConfigRecord> changes) {
  IncrementalAlterConfigsRequest req{std::move(changes)};
  uint32_t bytes = incremental_alter_configs_request_bytes(req);
  return channel.call<IncrementalAlterConfigsResponse>(kIncrementalAlterConfigsRpc, bytes, std::move(req));
}

}  // namespace broker_model
