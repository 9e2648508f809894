// Strong id and unit types shared by the broker, the controller and the clients, with
// Kafka's names. Distinct types so an offset can never be passed where an epoch is meant.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace broker_model {

#define EDDY_STRONG_INT(Name, Rep)                                    \
  struct Name {                                                       \
    Rep value = 0;                                                    \
    constexpr Name() = default;                                       \
    constexpr explicit Name(Rep v) : value(v) {}                      \
    constexpr auto operator<=>(const Name&) const = default;          \
    std::string str() const { return std::to_string(value); }         \
  }

EDDY_STRONG_INT(Offset, int64_t);       // position of a record in a partition log
EDDY_STRONG_INT(LeaderEpoch, int32_t);  // partition leader epoch (KIP-101)
EDDY_STRONG_INT(ProducerId, int64_t);
EDDY_STRONG_INT(BrokerId, int32_t);     // node.id of a broker or controller
EDDY_STRONG_INT(Term, int64_t);         // Raft term of the metadata quorum (KRaft "epoch")

#undef EDDY_STRONG_INT

inline constexpr LeaderEpoch kNoLeaderEpoch{-1};
inline constexpr BrokerId kNoBroker{-1};

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
  std::string str() const { return topic + "-" + std::to_string(partition); }
};

}  // namespace broker_model
