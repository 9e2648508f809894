// A stream's shards: each owns a contiguous range of the hash-key space. CreateStream splits
// the space evenly ("the hash key ranges of the shards are evenly distributed"; AWS
// CreateStream): shard i of n starts at floor(i * 2^128 / n) and the last ends at 2^128 - 1.
// Shard ids are Kinesis' ("shardId-000000000000"). Each shard is stored as one partition of
// the stream's internal Kafka topic (shard index = partition): its replicated log is the
// shard's data, and the Kafka offset is the shard's sequence number.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "broker_model/kinesis/hash_key.h"

namespace broker_model::kinesis {

struct ShardRange {
  int32_t index = 0;  // the internal topic's partition
  std::string shard_id;
  HashKey starting_hash_key;
  HashKey ending_hash_key;
  bool holds(HashKey k) const { return starting_hash_key <= k && k <= ending_hash_key; }
};

std::string shard_id_of(int32_t index);
std::vector<ShardRange> even_shards(int32_t shard_count);
// The shard holding `k` (shards cover the whole space), or -1 for an empty map.
int32_t shard_for(const std::vector<ShardRange>& shards, HashKey k);
// The internal Kafka topic that stores stream `stream`'s shards.
std::string stream_topic(const std::string& stream);

}  // namespace broker_model::kinesis
