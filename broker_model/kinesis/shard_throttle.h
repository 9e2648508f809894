// Per-shard provisioned throughput, as AWS documents it (Kinesis Data Streams Developer
// Guide, "Quotas and limits"):
//   writes: "Each shard can support up to 1,000 records per second for writes, up to a
//            maximum total data write rate of 1 MB per second";
//   reads:  "Each shard can support up to five read transactions per second" and "up to a
//            maximum total data read rate of 2 MB per second" ("If a call returns 10 MB,
//            subsequent calls made within the next 5 seconds throw an exception").
// Beyond them a write (one record of a PutRecords) or a GetRecords call is answered with
// ProvisionedThroughputExceededException. Each limit is a token bucket holding one second of
// capacity, refilled continuously; the read-bytes bucket may go into debt (a large read is
// served whole and the next calls are refused until it is paid back), as the 10 MB rule says.
#pragma once

#include <cstdint>
#include <map>

#include "sim/time.h"

namespace broker_model::kinesis {

struct ShardLimits {
  int64_t write_bytes_per_s = 1'000'000;  // "1 MB per second"
  int64_t write_records_per_s = 1'000;
  int64_t read_bytes_per_s = 2'000'000;   // "2 MB per second"
  int64_t read_calls_per_s = 5;
};

class TokenBucket {
 public:
  TokenBucket() = default;
  TokenBucket(double per_s, sim::Instant now) : per_s_(per_s), tokens_(per_s), at_(now) {}
  // Takes `n` if that many are there; else takes nothing and returns false.
  bool take(double n, sim::Instant now);
  // Takes `n` whatever is there (the balance may go negative).
  void charge(double n, sim::Instant now);
  bool positive(sim::Instant now);

 private:
  void refill(sim::Instant now);
  double per_s_ = 0;
  double tokens_ = 0;
  sim::Instant at_;
};

class ShardThrottle {
 public:
  explicit ShardThrottle(ShardLimits limits) : limits_(limits) {}
  // One record of `bytes` (Data plus partition key) written now: admitted or throttled.
  bool admit_write(int32_t shard, int64_t bytes, sim::Instant now);
  // A GetRecords call now: admitted (then charge_read its bytes) or throttled.
  bool admit_read(int32_t shard, sim::Instant now);
  void charge_read(int32_t shard, int64_t bytes, sim::Instant now);
  const ShardLimits& limits() const { return limits_; }

 private:
  struct Buckets {
    TokenBucket write_bytes, write_records, read_bytes, read_calls;
  };
  Buckets& of(int32_t shard, sim::Instant now);
  ShardLimits limits_;
  std::map<int32_t, Buckets> shards_;
};

}  // namespace broker_model::kinesis
