// Strong types for the broker's ids and positions, named as Kafka names them. Each wraps
// one integer, converts only explicitly and compares only with its own kind, so an offset
// can never be passed where an epoch or a producer id is expected.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/symbol.h"

namespace broker_model {

// A position in a partition's log: the index of a record, starting at 0.
class Offset {
 public:
  constexpr Offset() = default;
  constexpr explicit Offset(int64_t value) : value_(value) {}

  constexpr int64_t value() const { return value_; }
  constexpr auto operator<=>(const Offset&) const = default;

  constexpr Offset operator+(int64_t delta) const { return Offset(value_ + delta); }
  constexpr Offset operator-(int64_t delta) const { return Offset(value_ - delta); }
  // Records between two offsets.
  constexpr int64_t operator-(Offset other) const { return value_ - other.value_; }

  std::string str() const { return std::to_string(value_); }

 private:
  int64_t value_ = 0;
};

// An integer id of one kind (the Tag); no arithmetic, only comparison.
template <class Tag, class Rep>
class StrongId {
 public:
  using rep = Rep;
  constexpr StrongId() = default;
  constexpr explicit StrongId(Rep value) : value_(value) {}

  constexpr Rep value() const { return value_; }
  constexpr auto operator<=>(const StrongId&) const = default;

  std::string str() const { return std::to_string(value_); }

 private:
  Rep value_ = 0;
};

struct LeaderEpochTag {};
struct ProducerIdTag {};
struct PartitionIdTag {};

// The epoch of a partition's leadership; bumped by the controller at every leader change.
using LeaderEpoch = StrongId<LeaderEpochTag, int32_t>;
// An idempotent producer's id, assigned by the broker (InitProducerId).
using ProducerId = StrongId<ProducerIdTag, int64_t>;
// A partition's number within its topic.
using PartitionId = StrongId<PartitionIdTag, int32_t>;

// --- Metadata quorum and controller ids (added with broker_model/controller/). ---
struct BrokerIdTag {};
struct TermTag {};
struct BrokerEpochTag {};
struct PartitionEpochTag {};
// node.id of a broker (or of a controller in the metadata quorum).
using BrokerId = StrongId<BrokerIdTag, int32_t>;
// The Raft term of the metadata quorum (KRaft's "epoch" of the quorum leader).
using Term = StrongId<TermTag, int64_t>;
// A broker registration's epoch: the offset of its RegisterBrokerRecord in the metadata log.
using BrokerEpoch = StrongId<BrokerEpochTag, int64_t>;
// The version of a partition's leader/ISR state; bumped by every change (KIP-497).
using PartitionEpoch = StrongId<PartitionEpochTag, int32_t>;
inline constexpr BrokerId kNoBroker{-1};
inline constexpr LeaderEpoch kNoLeaderEpoch{-1};
inline constexpr BrokerEpoch kNoBrokerEpoch{-1};

// Kafka's sentinels (RecordBatch.NO_PARTITION_LEADER_EPOCH, NO_PRODUCER_ID, …).
inline constexpr Offset kUndefinedEpochOffset{-1};
inline constexpr LeaderEpoch kUndefinedEpoch{-1};
inline constexpr LeaderEpoch kNoPartitionLeaderEpoch{-1};
inline constexpr ProducerId kNoProducerId{-1};
inline constexpr int16_t kNoProducerEpoch = -1;
inline constexpr int32_t kNoSequence = -1;
inline constexpr int64_t kNoTimestamp = -1;

// One partition of one topic: "orders-3".
struct TopicPartition {
  // Interned: TopicPartition keys every per-partition map and rides in every request,
  // response, record and history op, so the name is copied and compared by a pointer.
  sim::Symbol topic;
  int32_t partition = 0;

  // The member-wise order (topic by its text, then partition).
  friend std::strong_ordering operator<=>(const TopicPartition& a, const TopicPartition& b) {
    if (a.topic == b.topic) return a.partition <=> b.partition;
    return a.topic <=> b.topic;
  }
  friend bool operator==(const TopicPartition& a, const TopicPartition& b) {
    return a.partition == b.partition && a.topic == b.topic;
  }
  std::string str() const { return topic.str() + "-" + std::to_string(partition); }
};

}  // namespace broker_model
