#include "broker_model/kinesis/shard_throttle.h"

#include <algorithm>

namespace broker_model::kinesis {

void TokenBucket::refill(sim::Instant now) {
  if (now <= at_) return;
  const double seconds = static_cast<double>((now - at_).ns()) / 1e9;
  tokens_ = std::min(per_s_, tokens_ + seconds * per_s_);
  at_ = now;
}

bool TokenBucket::take(double n, sim::Instant now) {
  refill(now);
  if (tokens_ < n) return false;
  tokens_ -= n;
  return true;
}

void TokenBucket::charge(double n, sim::Instant now) {
  refill(now);
  tokens_ -= n;
}

bool TokenBucket::positive(sim::Instant now) {
  refill(now);
  return tokens_ > 0;
}

ShardThrottle::Buckets& ShardThrottle::of(int32_t shard, sim::Instant now) {
  auto it = shards_.find(shard);
  if (it == shards_.end()) {
    Buckets b{TokenBucket(static_cast<double>(limits_.write_bytes_per_s), now),
              TokenBucket(static_cast<double>(limits_.write_records_per_s), now),
              TokenBucket(static_cast<double>(limits_.read_bytes_per_s), now),
              TokenBucket(static_cast<double>(limits_.read_calls_per_s), now)};
    it = shards_.emplace(shard, b).first;
  }
  return it->second;
}

bool ShardThrottle::admit_write(int32_t shard, int64_t bytes, sim::Instant now) {
  Buckets& b = of(shard, now);
  // Check both before taking either, so a refused record costs nothing.
  TokenBucket records = b.write_records, data = b.write_bytes;
  if (!records.take(1, now) || !data.take(static_cast<double>(bytes), now)) return false;
  b.write_records = records;
  b.write_bytes = data;
  return true;
}

bool ShardThrottle::admit_read(int32_t shard, sim::Instant now) {
  Buckets& b = of(shard, now);
  if (!b.read_bytes.positive(now)) return false;
  return b.read_calls.take(1, now);
}

void ShardThrottle::charge_read(int32_t shard, int64_t bytes, sim::Instant now) {
  of(shard, now).read_bytes.charge(static_cast<double>(bytes), now);
}

}  // namespace broker_model::kinesis
