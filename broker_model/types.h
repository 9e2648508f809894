// Strong types for the broker's ids and positions, named as Kafka names them. Each wraps
// one integer, converts only explicitly and compares only with its own kind, so an offset
// can never be passed where an epoch or a producer id is expected.
#pragma once

#include <compare>
#include <cstdint>
#include <cstring>
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

namespace detail {
// Whether n bytes (sizeof(Word) <= n <= 2 * sizeof(Word)) are equal, by comparing the first
// and the last sizeof(Word) of them (the two loads overlap when n < 2 * sizeof(Word)).
template <class Word>
inline bool equal_by_two_loads(const char* x, const char* y, size_t n) {
  Word x0, y0, x1, y1;
  std::memcpy(&x0, x, sizeof(Word));
  std::memcpy(&y0, y, sizeof(Word));
  std::memcpy(&x1, x + n - sizeof(Word), sizeof(Word));
  std::memcpy(&y1, y + n - sizeof(Word), sizeof(Word));
  return ((x0 ^ y0) | (x1 ^ y1)) == 0;
}
}  // namespace detail

// Topic names are short and, where it matters, nearly always equal: a length check and two
// overlapping fixed-size loads per side instead of a call to memcmp or a byte loop.
inline bool same_topic(std::string_view a, std::string_view b) {
  size_t n = a.size();
  if (n != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  if (n >= 8 && n <= 16) return detail::equal_by_two_loads<uint64_t>(x, y, n);
  if (n >= 4) return n < 8 ? detail::equal_by_two_loads<uint32_t>(x, y, n) : std::memcmp(x, y, n) == 0;
  for (size_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return false;
  return true;
}

// One partition of one topic: "orders-3".
struct TopicPartition {
  std::string topic;
  int32_t partition = 0;

  // The member-wise order (topic, then partition). Spelled out because TopicPartition keys
  // every per-partition map and the defaulted form calls memcmp for topic names that are
  // short and nearly always equal: an inline byte loop is several times cheaper there.
  friend std::strong_ordering operator<=>(const TopicPartition& a, const TopicPartition& b) {
    if (same_topic(a.topic, b.topic)) return a.partition <=> b.partition;
    size_t n = a.topic.size() < b.topic.size() ? a.topic.size() : b.topic.size();
    const char* x = a.topic.data();
    const char* y = b.topic.data();
    for (size_t i = 0; i < n; ++i)
      if (x[i] != y[i]) return static_cast<unsigned char>(x[i]) <=> static_cast<unsigned char>(y[i]);
    if (a.topic.size() != b.topic.size()) return a.topic.size() <=> b.topic.size();
    return a.partition <=> b.partition;
  }
  friend bool operator==(const TopicPartition& a, const TopicPartition& b) {
    return a.partition == b.partition && same_topic(a.topic, b.topic);
  }
  std::string str() const { return topic + "-" + std::to_string(partition); }
};

}  // namespace broker_model
