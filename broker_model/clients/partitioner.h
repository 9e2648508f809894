// Kafka's default partitioning: murmur2 of the key bytes for keyed records (so a key always
// lands on the same partition), and the sticky partitioner (KIP-480) for null keys: stay on
// one partition until its batch is sent, then pick another at random.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/prng.h"

namespace broker_model {

// Kafka's Utils.murmur2 (seed 0x9747b28c), bit for bit.
int32_t murmur2(std::string_view data);
inline int32_t to_positive(int32_t v) { return v & 0x7fffffff; }

class Partitioner {
 public:
  explicit Partitioner(sim::Prng prng) : prng_(prng) {}
  int32_t partition(const std::optional<std::string>& key, int32_t partitions);
  // Called when the sticky partition's batch was handed to the sender.
  void on_new_batch(int32_t partitions);

 private:
  sim::Prng prng_;
  int32_t sticky_ = -1;
};

}  // namespace broker_model
