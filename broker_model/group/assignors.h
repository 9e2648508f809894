// Partition assignors, run by the group leader's consumer (as in Kafka, the coordinator only
// relays): range and round-robin for the eager protocol, cooperative-sticky for the
// incremental (two-round) protocol.
//
// cooperative-sticky keeps every partition with its current owner as far as balance allows,
// then withholds any partition that would change owner: its owner revokes it after this
// round and rejoins, and the next round hands it to the new owner. So a partition that stays
// is never revoked, and no partition has two owners in the same generation.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/group/consumer_protocol.h"

namespace broker_model {

struct AssignorMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  ConsumerSubscription subscription;
};

// member id -> partitions
using GroupAssignment = std::map<std::string, std::vector<TopicPartition>>;

// Kafka's assignor names (ConsumerPartitionAssignor.name()).
inline constexpr const char* kRangeAssignor = "range";
inline constexpr const char* kRoundRobinAssignor = "roundrobin";
inline constexpr const char* kCooperativeStickyAssignor = "cooperative-sticky";
inline constexpr const char* kStickyAssignor = "sticky";  // eager: everything revoked, then the sticky plan

// "range" for org.apache.kafka.clients.consumer.RangeAssignor, ...; nullopt if unknown.
std::optional<std::string> assignor_name_of_class(const std::string& class_name);
bool is_cooperative(const std::string& assignor);

// `partitions`: topic -> partition count (topics unknown to the metadata are skipped).
GroupAssignment assign(const std::string& assignor, const std::vector<AssignorMember>& members,
                       const std::map<std::string, int32_t>& partitions);

GroupAssignment assign_range(const std::vector<AssignorMember>& members, const std::map<std::string, int32_t>& partitions);
GroupAssignment assign_round_robin(const std::vector<AssignorMember>& members,
                                   const std::map<std::string, int32_t>& partitions);
GroupAssignment assign_cooperative_sticky(const std::vector<AssignorMember>& members,
                                          const std::map<std::string, int32_t>& partitions);
// The same plan without withholding moving partitions (the eager StickyAssignor).
GroupAssignment assign_sticky(const std::vector<AssignorMember>& members, const std::map<std::string, int32_t>& partitions);

}  // namespace broker_model
