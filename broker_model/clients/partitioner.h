// Kafka's partitioners. The built-in one (partitioner.class unset): murmur2 of the key bytes
// for keyed records (so a key always lands on the same partition), and the sticky
// partitioner (KIP-480) for null keys: stay on one partition until its batch is sent, then
// pick another at random. partitioner.ignore.keys=true (KIP-794) makes it treat every record
// as keyless. The named classes (partitioner.class), with Kafka's behaviour:
// - org.apache.kafka.clients.producer.RoundRobinPartitioner: record after record to the next
//   partition in turn, keys ignored (Kafka counts per topic; an eddy producer writes one
//   topic, so one counter per producer is the same);
// - org.apache.kafka.clients.producer.UniformStickyPartitioner: sticky for every record,
//   keys ignored;
// - org.apache.kafka.clients.producer.internals.DefaultPartitioner: the built-in behaviour.
// partitioner.ignore.keys has no effect with a partitioner.class set, as in Kafka.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/prng.h"

namespace broker_model {

// Kafka's Utils.murmur2 (seed 0x9747b28c), bit for bit.
int32_t murmur2(std::string_view data);
inline int32_t to_positive(int32_t v) { return v & 0x7fffffff; }

enum class PartitionerKind { kBuiltIn, kRoundRobin, kUniformSticky };

class Partitioner {
 public:
  explicit Partitioner(sim::Prng prng, PartitionerKind kind = PartitionerKind::kBuiltIn, bool ignore_keys = false)
      : prng_(prng), kind_(kind), ignore_keys_(ignore_keys && kind == PartitionerKind::kBuiltIn) {}
  int32_t partition(const std::optional<std::string>& key, int32_t partitions);
  // Called when the sticky partition's batch was handed to the sender.
  void on_new_batch(int32_t partitions);

 private:
  sim::Prng prng_;
  PartitionerKind kind_;
  bool ignore_keys_;
  int32_t sticky_ = -1;
  uint64_t round_robin_ = 0;
};

}  // namespace broker_model
