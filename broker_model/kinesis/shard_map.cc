#include "broker_model/kinesis/shard_map.h"

#include <algorithm>
#include <cstdio>

#include "broker_model/kinesis/kinesis_messages.h"

namespace broker_model::kinesis {

std::string shard_id_of(int32_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "shardId-%012d", index);
  return buf;
}

std::optional<int32_t> shard_index_of(std::string_view shard_id) {
  constexpr std::string_view kPrefix = "shardId-";
  std::string_view digits = shard_id;
  if (digits.substr(0, kPrefix.size()) == kPrefix) {
    digits.remove_prefix(kPrefix.size());
    if (digits.size() != 12) return std::nullopt;
  }
  if (digits.empty() || digits.size() > 12) return std::nullopt;
  int64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(v);
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
    if (!s.closed && s.holds(k)) return s.index;
  return -1;
}

std::string stream_topic(const std::string& stream) { return "kinesis." + stream; }

std::vector<int32_t> ShardMap::open_shards() const {
  std::vector<int32_t> out;
  for (const ShardRange& s : shards_)
    if (!s.closed) out.push_back(s.index);
  std::sort(out.begin(), out.end(), [&](int32_t a, int32_t b) { return at(a).starting_hash_key < at(b).starting_hash_key; });
  return out;
}

int32_t ShardMap::route(HashKey k) const { return shard_for(shards_, k); }

std::vector<int32_t> ShardMap::children_of(int32_t shard) const {
  std::vector<int32_t> out;
  for (const ShardRange& s : shards_)
    if (s.child_of(shard)) out.push_back(s.index);
  return out;
}

HashKey ShardMap::midpoint(const ShardRange& s) {
  const Uint128 width = s.ending_hash_key.value - s.starting_hash_key.value;
  return HashKey{s.starting_hash_key.value + width / 2 + 1};
}

ShardRange& ShardMap::add_child(HashKey start, HashKey end, int32_t parent, int32_t adjacent_parent) {
  ShardRange r;
  r.index = size();
  r.shard_id = shard_id_of(r.index);
  r.starting_hash_key = start;
  r.ending_hash_key = end;
  r.parent = parent;
  r.adjacent_parent = adjacent_parent;
  shards_.push_back(r);
  return shards_.back();
}

std::string ShardMap::open_error(int32_t shard) const {
  if (shard < 0 || shard >= size()) return "shard " + shard_id_of(shard) + " does not exist";
  if (at(shard).closed) return "shard " + shard_id_of(shard) + " is closed (a reshard already replaced it)";
  return "";
}

ReshardResult ShardMap::split(int32_t shard, HashKey new_starting_hash_key) {
  ReshardResult r;
  if (std::string e = open_error(shard); !e.empty()) {
    r.error_code = shard < 0 || shard >= size() ? kResourceNotFound : kInvalidArgument;
    r.message = "SplitShard: " + e;
    return r;
  }
  const ShardRange parent = at(shard);
  // The lower child must own at least the parent's StartingHashKey, the upper one
  // NewStartingHashKey itself.
  if (new_starting_hash_key <= parent.starting_hash_key || new_starting_hash_key > parent.ending_hash_key) {
    r.error_code = kInvalidArgument;
    r.message = "SplitShard: NewStartingHashKey " + new_starting_hash_key.str() + " is not inside " + parent.shard_id +
                "'s hash key range (" + parent.starting_hash_key.str() + " exclusive to " + parent.ending_hash_key.str() + ")";
    return r;
  }
  at(shard).closed = true;
  r.closed.push_back(shard);
  r.created.push_back(add_child(parent.starting_hash_key, HashKey{new_starting_hash_key.value - 1}, shard, -1).index);
  r.created.push_back(add_child(new_starting_hash_key, parent.ending_hash_key, shard, -1).index);
  return r;
}

ReshardResult ShardMap::merge(int32_t shard, int32_t adjacent_shard) {
  ReshardResult r;
  for (int32_t s : {shard, adjacent_shard}) {
    if (std::string e = open_error(s); !e.empty()) {
      r.error_code = s < 0 || s >= size() ? kResourceNotFound : kInvalidArgument;
      r.message = "MergeShards: " + e;
      return r;
    }
  }
  const ShardRange a = at(shard);
  const ShardRange b = at(adjacent_shard);
  const bool a_below = a.ending_hash_key.value != ~Uint128{0} && a.ending_hash_key.value + 1 == b.starting_hash_key.value;
  const bool b_below = b.ending_hash_key.value != ~Uint128{0} && b.ending_hash_key.value + 1 == a.starting_hash_key.value;
  if (shard == adjacent_shard || (!a_below && !b_below)) {
    r.error_code = kInvalidArgument;
    r.message = "MergeShards: " + a.shard_id + " and " + b.shard_id +
                " are not adjacent (the union of their hash key ranges must be contiguous)";
    return r;
  }
  at(shard).closed = true;
  at(adjacent_shard).closed = true;
  r.closed = {shard, adjacent_shard};
  const HashKey start = a_below ? a.starting_hash_key : b.starting_hash_key;
  const HashKey end = a_below ? b.ending_hash_key : a.ending_hash_key;
  r.created.push_back(add_child(start, end, shard, adjacent_shard).index);
  return r;
}

ReshardResult ShardMap::update_shard_count(int32_t target) {
  ReshardResult r;
  const auto open = static_cast<int32_t>(open_shards().size());
  if (target < 1 || static_cast<int64_t>(target) > 2 * static_cast<int64_t>(open) || 2 * static_cast<int64_t>(target) < open) {
    r.error_code = target < 1 ? kInvalidArgument : kLimitExceeded;
    r.message = "UpdateShardCount: TargetShardCount " + std::to_string(target) + " is not within half to double the " +
                std::to_string(open) + " open shard(s)";
    return r;
  }
  const std::vector<ShardRange> goal = even_shards(target);
  auto add = [&](const ReshardResult& step) {
    r.closed.insert(r.closed.end(), step.closed.begin(), step.closed.end());
    r.created.insert(r.created.end(), step.created.begin(), step.created.end());
  };
  // First split every open shard that a boundary of the uniform layout falls inside, at it.
  for (size_t g = 1; g < goal.size(); ++g) {
    const HashKey boundary = goal[g].starting_hash_key;
    const int32_t s = route(boundary);
    if (at(s).starting_hash_key != boundary) add(split(s, boundary));
  }
  // Then each goal range is covered by whole open shards: merge them from the lowest up.
  for (const ShardRange& want : goal) {
    for (;;) {
      std::vector<int32_t> inside;
      for (int32_t s : open_shards())
        if (want.holds(at(s).starting_hash_key)) inside.push_back(s);
      if (inside.size() < 2) break;
      add(merge(inside[0], inside[1]));
    }
  }
  // Short-lived shards (created and closed by this call) are both in created and closed.
  return r;
}

}  // namespace broker_model::kinesis
