// A stream's shards: each owns a contiguous range of the hash-key space. CreateStream splits
// the space evenly ("the hash key ranges of the shards are evenly distributed"; AWS
// CreateStream): shard i of n starts at floor(i * 2^128 / n) and the last ends at 2^128 - 1.
// Shard ids are Kinesis' ("shardId-000000000000"). Each shard is stored as one partition of
// the stream's internal Kafka topic (shard index = partition): its replicated log is the
// shard's data, and the Kafka offset is the shard's sequence number.
//
// Resharding (ShardMap), with the AWS API Reference's semantics:
// - SplitShard(ShardToSplit, NewStartingHashKey): "The NewStartingHashKey hash key value and
//   all higher hash key values in hash key range are distributed to one of the child shards.
//   All the lower hash key values in the range are distributed to the other child shard";
//   NewStartingHashKey "must be in the range of hash keys being mapped into the shard" (here:
//   above its StartingHashKey, so that both children own at least one key). The parent is
//   closed; both children name it as ParentShardId.
// - MergeShards(ShardToMerge, AdjacentShardToMerge): "Two shards are considered adjacent if
//   the union of the hash key ranges for the two shards form a contiguous set with no gaps";
//   "the single child shard receives data for all hash key values covered by the two parent
//   shards" (ParentShardId = ShardToMerge, AdjacentParentShardId = AdjacentShardToMerge).
// - UpdateShardCount(TargetShardCount, UNIFORM_SCALING): "Kinesis Data Streams performs
//   splits or merges on individual shards. This can cause short-lived shards to be created, in
//   addition to the final shards"; "Uniform scaling creates shards of equal size". Refused
//   (LimitExceededException) above double or below half the open shard count.
// New shards take the next indexes (ids) in order, as Kinesis numbers them. A closed shard
// keeps its records (readable until retention); its EndingSequenceNumber is set once every
// write that was in flight to it has finished (stream_frontend.h). Only the open shards, which
// "as a group always span the entire range of MD5 hash key values" (Developer Guide, "Merge
// two shards"), take new records.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker_model/kinesis/hash_key.h"

namespace broker_model::kinesis {

struct ShardRange {
  int32_t index = 0;  // the internal topic's partition
  std::string shard_id;
  HashKey starting_hash_key;
  HashKey ending_hash_key;
  int32_t parent = -1;           // ParentShardId (-1: none)
  int32_t adjacent_parent = -1;  // AdjacentParentShardId: a merge's second parent
  bool closed = false;           // a reshard closed it: it takes no new records
  // SequenceNumberRange.EndingSequenceNumber: set when a closed shard's last write is known
  // (-1: it holds no record). Open shards have none.
  std::optional<int64_t> ending_sequence_number;
  bool holds(HashKey k) const { return starting_hash_key <= k && k <= ending_hash_key; }
  bool child_of(int32_t shard) const { return parent == shard || adjacent_parent == shard; }
};

std::string shard_id_of(int32_t index);
// "shardId-000000000007" (or "7") -> 7; nullopt for anything else.
std::optional<int32_t> shard_index_of(std::string_view shard_id);
std::vector<ShardRange> even_shards(int32_t shard_count);
// The shard holding `k` (shards cover the whole space), or -1 for an empty map.
int32_t shard_for(const std::vector<ShardRange>& shards, HashKey k);
// The internal Kafka topic that stores stream `stream`'s shards.
std::string stream_topic(const std::string& stream);

// The outcome of a reshard: an AWS error code and a message, or the shards it closed and the
// ones it created (in creation order).
struct ReshardResult {
  std::string error_code;  // "" on success
  std::string message;
  std::vector<int32_t> closed;
  std::vector<int32_t> created;
  bool ok() const { return error_code.empty(); }
};

class ShardMap {
 public:
  ShardMap() = default;
  explicit ShardMap(int32_t shard_count) : shards_(even_shards(shard_count)) {}
  const std::vector<ShardRange>& shards() const { return shards_; }
  ShardRange& at(int32_t index) { return shards_.at(static_cast<size_t>(index)); }
  const ShardRange& at(int32_t index) const { return shards_.at(static_cast<size_t>(index)); }
  int32_t size() const { return static_cast<int32_t>(shards_.size()); }
  // The open shards, by starting hash key.
  std::vector<int32_t> open_shards() const;
  // The open shard holding `k` (-1 only for an empty map).
  int32_t route(HashKey k) const;
  // The shards created from `shard` (its children), by index.
  std::vector<int32_t> children_of(int32_t shard) const;

  ReshardResult split(int32_t shard, HashKey new_starting_hash_key);
  ReshardResult merge(int32_t shard, int32_t adjacent_shard);
  ReshardResult update_shard_count(int32_t target_shard_count);
  // Half way through the shard's range: the NewStartingHashKey AWS's example computes.
  static HashKey midpoint(const ShardRange& s);

 private:
  ShardRange& add_child(HashKey start, HashKey end, int32_t parent, int32_t adjacent_parent);
  std::string open_error(int32_t shard) const;
  std::vector<ShardRange> shards_;
};

}  // namespace broker_model::kinesis
