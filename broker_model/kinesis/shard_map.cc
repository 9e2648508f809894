#include "broker_model/kinesis/shard_map.h"

#include <cstdio>

namespace broker_model::kinesis {

std::string shard_id_of(int32_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "shardId-%012d", index);
  return buf;
}

std::vector<ShardRange> even_shards(int32_t shard_count) {
  std::vector<ShardRange> out;
  if (shard_count <= 0) return out;
  const Uint128 max = ~Uint128{0};
  const auto n = static_cast<Uint128>(shard_count);
  // floor(2^128 / n) without 2^128: floor((2^128 - 1) / n), plus one when n divides 2^128.
  Uint128 size = max / n;
  if (max % n == n - 1) size += 1;
  for (int32_t i = 0; i < shard_count; ++i) {
    ShardRange r;
    r.index = i;
    r.shard_id = shard_id_of(i);
    r.starting_hash_key = HashKey{size * static_cast<Uint128>(i)};
    r.ending_hash_key = i + 1 == shard_count ? HashKey::max() : HashKey{size * static_cast<Uint128>(i + 1) - 1};
    out.push_back(r);
  }
  return out;
}

int32_t shard_for(const std::vector<ShardRange>& shards, HashKey k) {
  for (const ShardRange& s : shards)
    if (s.holds(k)) return s.index;
  return -1;
}

std::string stream_topic(const std::string& stream) { return "kinesis." + stream; }

}  // namespace broker_model::kinesis
