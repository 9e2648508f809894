// Admin helpers for a client fiber on any node (Kafka's Admin API, the parts the controller
// serves). Blocking: call them from a fiber of the node that owns the ControllerChannel.
#pragma once

#include <optional>
#include <vector>

#include "broker_model/controller/controller_channel.h"

namespace broker_model {

// CreateTopics through the active controller; nullopt when no controller answered (the
// outcome is then unknown: the topics may or may not exist).
std::optional<CreateTopicsResponse> create_topics(ControllerChannel& channel, std::vector<CreatableTopic> topics);

// Admin.alterPartitionReassignments / listPartitionReassignments (KIP-455).
std::optional<AlterPartitionReassignmentsResponse> alter_partition_reassignments(
    ControllerChannel& channel, std::vector<ReassignablePartition> partitions);
std::optional<ListPartitionReassignmentsResponse> list_partition_reassignments(ControllerChannel& channel);
// Admin.unregisterBroker (KIP-631).
std::optional<UnregisterBrokerResponse> unregister_broker(ControllerChannel& channel, BrokerId broker);
// Admin.incrementalAlterConfigs (the configs the controller keeps).
std::optional<IncrementalAlterConfigsResponse> incremental_alter_configs(ControllerChannel& channel,
                                                                         std::vector<ConfigRecord> changes);

}  // namespace broker_model
