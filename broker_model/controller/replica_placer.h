// Replica placement for new partitions: round-robin over the active brokers, starting at a
// rotating index so leaders spread out; rack-aware when brokers set broker.rack (each
// partition's replicas take distinct racks while there are racks left, as Kafka's
// rack-aware assignment does).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/types.h"

namespace broker_model {

struct PlacementBroker {
  BrokerId id;
  std::string rack;  // empty: no rack
};

// Replica lists for `partitions` partitions of `replication_factor` replicas each, or
// nullopt when there are fewer brokers than the replication factor. `brokers` in id order.
std::optional<std::vector<std::vector<BrokerId>>> place_replicas(const std::vector<PlacementBroker>& brokers,
                                                                  int32_t partitions, int32_t replication_factor,
                                                                  uint64_t start_index);

}  // namespace broker_model
