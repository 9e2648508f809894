// The consumer's embedded protocol (Kafka's ConsumerProtocol): what a member puts in its
// JoinGroup metadata (the topics it subscribes to, the partitions it owns and the generation
// it owned them in, for the cooperative protocol) and what the leader hands each member in
// SyncGroup (its partitions). The coordinator never looks inside.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "broker_model/types.h"

namespace broker_model {

struct ConsumerSubscription {
  std::vector<std::string> topics;
  std::vector<TopicPartition> owned_partitions;
  int32_t generation = -1;
};

struct ConsumerAssignment {
  std::vector<TopicPartition> partitions;
};

std::string encode_subscription(const ConsumerSubscription& s);
std::optional<ConsumerSubscription> decode_subscription(const std::string& bytes);
std::string encode_assignment(const ConsumerAssignment& a);
std::optional<ConsumerAssignment> decode_assignment(const std::string& bytes);

// "[orders-0,orders-3]"
std::string format_partitions(const std::vector<TopicPartition>& tps);

}  // namespace broker_model
