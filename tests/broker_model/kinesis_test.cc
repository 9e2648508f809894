// Kinesis' pieces on their own: MD5 against RFC 1321's test vectors, the hash-key space and
// its even split across shards (the ranges CreateStream gives), the per-shard limits, and the
// lease table's conditional writes.
#include <gtest/gtest.h>

#include <map>

#include "broker_model/kinesis/hash_key.h"
#include "broker_model/kinesis/lease_table.h"
#include "broker_model/kinesis/md5.h"
#include "broker_model/kinesis/shard_map.h"
#include "broker_model/kinesis/shard_throttle.h"

namespace broker_model::kinesis {
namespace {

TEST(KinesisMd5, Rfc1321TestSuite) {
  // RFC 1321, Appendix A.5.
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex("a"), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(md5_hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(md5_hex("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(md5_hex("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
            "d174ab98d277d9f5a5611c2c9f419d9f");
  EXPECT_EQ(md5_hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
            "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(KinesisHashKey, PartitionKeyIsItsMd5AsABigEndianInteger) {
  // MD5("abc") = 0x900150983cd24fb0d6963f7d28e17f72.
  HashKey k = hash_key_of_partition_key("abc");
  EXPECT_EQ(k.str(), "191415658344158766168031473277922803570");
  EXPECT_EQ(parse_hash_key(k.str()), k);
  EXPECT_EQ(parse_hash_key("340282366920938463463374607431768211455"), HashKey::max());
  EXPECT_FALSE(parse_hash_key("340282366920938463463374607431768211456"));  // 2^128
  EXPECT_FALSE(parse_hash_key("-1"));
  EXPECT_FALSE(parse_hash_key(""));
  EXPECT_FALSE(parse_hash_key("12a"));
}

TEST(KinesisShardMap, EvenSplitAsCreateStreamMakesIt) {
  // Two shards: [0, 2^127 - 1] and [2^127, 2^128 - 1], as the AWS console shows them.
  auto two = even_shards(2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].shard_id, "shardId-000000000000");
  EXPECT_EQ(two[0].starting_hash_key.str(), "0");
  EXPECT_EQ(two[0].ending_hash_key.str(), "170141183460469231731687303715884105727");
  EXPECT_EQ(two[1].starting_hash_key.str(), "170141183460469231731687303715884105728");
  EXPECT_EQ(two[1].ending_hash_key, HashKey::max());
  for (int n : {1, 3, 4, 7, 100}) {
    auto shards = even_shards(n);
    ASSERT_EQ(static_cast<int>(shards.size()), n);
    EXPECT_EQ(shards.front().starting_hash_key.str(), "0");
    EXPECT_EQ(shards.back().ending_hash_key, HashKey::max());
    for (size_t i = 1; i < shards.size(); ++i)  // contiguous, no gap and no overlap
      EXPECT_EQ(shards[i].starting_hash_key.value, shards[i - 1].ending_hash_key.value + 1) << n << " " << i;
  }
  EXPECT_EQ(shard_for(two, hash_key_of_partition_key("abc")), 1);  // 0x90... >= 2^127
  EXPECT_EQ(shard_for(two, HashKey{0}), 0);
}

TEST(KinesisThrottle, WriteLimitsPerShard) {
  ShardThrottle t(ShardLimits{});
  const sim::Instant now = sim::Instant::epoch() + sim::seconds(1);
  int admitted = 0;
  for (int i = 0; i < 1'500; ++i) admitted += t.admit_write(0, 100, now) ? 1 : 0;
  EXPECT_EQ(admitted, 1'000);  // 1,000 records/s
  EXPECT_TRUE(t.admit_write(1, 100, now));  // another shard has its own limits
  EXPECT_FALSE(t.admit_write(0, 100, now));
  EXPECT_TRUE(t.admit_write(0, 100, now + sim::milliseconds(2)));  // refilled: 2 records in 2 ms
  // 1 MB/s: ten 100 KB records fill a second's worth.
  ShardThrottle bytes(ShardLimits{});
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(bytes.admit_write(0, 100'000, now));
  EXPECT_FALSE(bytes.admit_write(0, 100'000, now));
}

TEST(KinesisThrottle, FiveReadsPerSecondAndBytesInDebt) {
  ShardThrottle t(ShardLimits{});
  const sim::Instant now = sim::Instant::epoch() + sim::seconds(1);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(t.admit_read(0, now));
  EXPECT_FALSE(t.admit_read(0, now));
  // A 10 MB read puts the shard 8 MB in debt: refused for about 4 s more.
  ShardThrottle big(ShardLimits{});
  ASSERT_TRUE(big.admit_read(0, now));
  big.charge_read(0, 10'000'000, now);
  EXPECT_FALSE(big.admit_read(0, now + sim::seconds(3)));
  EXPECT_TRUE(big.admit_read(0, now + sim::seconds(5)));
}

TEST(KinesisLeaseTable, ConditionalWrites) {
  std::map<int32_t, Lease> table;
  EXPECT_TRUE(LeaseTableServer::apply(table, {LeaseOp::kCreateIfAbsent, 0, "", 0, -1, {}, ""}).ok);
  EXPECT_FALSE(LeaseTableServer::apply(table, {LeaseOp::kCreateIfAbsent, 0, "", 0, -1, {}, ""}).ok);
  EXPECT_TRUE(LeaseTableServer::apply(table, {LeaseOp::kTake, 0, "w1", 0, -1, {}, ""}).ok);      // counter 0 -> 1
  EXPECT_FALSE(LeaseTableServer::apply(table, {LeaseOp::kTake, 0, "w2", 0, -1, {}, ""}).ok);     // stale counter
  EXPECT_TRUE(LeaseTableServer::apply(table, {LeaseOp::kRenew, 0, "w1", 1, -1, {}, ""}).ok);     // -> 2
  EXPECT_FALSE(LeaseTableServer::apply(table, {LeaseOp::kRenew, 0, "w2", 2, -1, {}, ""}).ok);    // not the owner
  EXPECT_TRUE(LeaseTableServer::apply(table, {LeaseOp::kTake, 0, "w2", 2, -1, {}, ""}).ok);      // stolen -> 3
  // The old owner's checkpoint and renewal are refused: its counter is stale.
  LeaseResponse r = LeaseTableServer::apply(table, {LeaseOp::kCheckpoint, 0, "w1", 2, 41, {}, ""});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.leases.at(0).owner, "w2");
  EXPECT_EQ(r.leases.at(0).checkpoint, -1);
  EXPECT_TRUE(LeaseTableServer::apply(table, {LeaseOp::kCheckpoint, 0, "w2", 3, 41, {}, ""}).ok);
  EXPECT_EQ(table.at(0).checkpoint, 41);
}

}  // namespace
}  // namespace broker_model::kinesis
