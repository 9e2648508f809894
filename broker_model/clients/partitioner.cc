#include "broker_model/clients/partitioner.h"

#include <string>

#include "sim/check.h"

namespace broker_model {

int32_t murmur2(std::string_view data) {
  // Java int arithmetic: 32-bit wrap-around and logical shifts (>>>), done in uint32_t.
  const uint32_t length = static_cast<uint32_t>(data.size());
  const uint32_t m = 0x5bd1e995;
  const int r = 24;
  uint32_t h = 0x9747b28c ^ length;
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(data[i])); };
  const uint32_t length4 = length / 4;
  for (uint32_t i = 0; i < length4; ++i) {
    const size_t i4 = size_t{i} * 4;
    uint32_t k = byte(i4) + (byte(i4 + 1) << 8) + (byte(i4 + 2) << 16) + (byte(i4 + 3) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const size_t tail = length & ~3u;
  switch (length % 4) {
    case 3: h ^= byte(tail + 2) << 16; [[fallthrough]];
    case 2: h ^= byte(tail + 1) << 8; [[fallthrough]];
    case 1:
      h ^= byte(tail);
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

int32_t Partitioner::partition(const std::optional<std::string>& key, int32_t partitions) {
  EDDY_CHECK(partitions > 0);
  if (kind_ == PartitionerKind::kRoundRobin) return static_cast<int32_t>(round_robin_++ % static_cast<uint64_t>(partitions));
  if (key && kind_ == PartitionerKind::kBuiltIn && !ignore_keys_) return to_positive(murmur2(*key)) % partitions;
  if (sticky_ < 0 || sticky_ >= partitions) on_new_batch(partitions);
  return sticky_;
}

void Partitioner::on_new_batch(int32_t partitions) {
  if (kind_ == PartitionerKind::kRoundRobin) return;
  if (partitions <= 1) {
    sticky_ = 0;
    return;
  }
  int32_t next = static_cast<int32_t>(prng_.below(static_cast<uint64_t>(partitions - 1)));
  sticky_ = (sticky_ >= 0 && next >= sticky_) ? next + 1 : next;
}

}  // namespace broker_model
