// Kafka's partitioner: murmur2 bit for bit (vectors from Kafka's UtilsTest), sticky for null keys.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "broker_model/clients/partitioner.h"

namespace broker_model {
namespace {

TEST(Murmur2, MatchesKafka) {
  EXPECT_EQ(murmur2("21"), -973932308);
  EXPECT_EQ(murmur2("foobar"), -790332482);
  EXPECT_EQ(murmur2("a-little-bit-long-string"), -985981536);
  EXPECT_EQ(murmur2("a-little-bit-longer-string"), -1486304829);
  EXPECT_EQ(murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
  EXPECT_EQ(murmur2("abc"), 479470107);
}

TEST(Partitioner, KeysAlwaysMapToTheSamePartition) {
  Partitioner p(sim::Prng(1));
  std::map<std::string, int32_t> seen;
  for (int round = 0; round < 3; ++round)
    for (int k = 0; k < 100; ++k) {
      std::string key = "key-" + std::to_string(k);
      int32_t part = p.partition(key, 12);
      auto [it, fresh] = seen.emplace(key, part);
      EXPECT_EQ(it->second, part);
      EXPECT_EQ(part, to_positive(murmur2(key)) % 12);
    }
  std::set<int32_t> used;
  for (auto& [k, v] : seen) used.insert(v);
  EXPECT_EQ(used.size(), 12u);
}

TEST(Partitioner, NullKeysStickUntilANewBatch) {
  Partitioner p(sim::Prng(2));
  int32_t first = p.partition(std::nullopt, 6);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(p.partition(std::nullopt, 6), first);
  p.on_new_batch(6);
  EXPECT_NE(p.partition(std::nullopt, 6), first);
}

TEST(Partitioner, RoundRobinVisitsEveryPartitionInTurnWhateverTheKey) {
  Partitioner p(sim::Prng(3), PartitionerKind::kRoundRobin);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(p.partition("same-key", 4), i % 4);
    p.on_new_batch(4);  // a new batch does not move the turn
  }
}

TEST(Partitioner, UniformStickyIgnoresKeys) {
  Partitioner p(sim::Prng(4), PartitionerKind::kUniformSticky);
  int32_t first = p.partition("key-1", 6);
  for (int k = 0; k < 20; ++k) EXPECT_EQ(p.partition("key-" + std::to_string(k), 6), first);
  p.on_new_batch(6);
  EXPECT_NE(p.partition("key-1", 6), first);
}

TEST(Partitioner, IgnoreKeysMakesTheBuiltInOneStickyForKeyedRecords) {
  Partitioner p(sim::Prng(5), PartitionerKind::kBuiltIn, /*ignore_keys=*/true);
  std::set<int32_t> used;
  for (int k = 0; k < 50; ++k) used.insert(p.partition("key-" + std::to_string(k), 12));
  EXPECT_EQ(used.size(), 1u) << "every record on the sticky partition until a new batch";
  // ignore.keys applies to the built-in partitioner only (KIP-794).
  Partitioner rr(sim::Prng(5), PartitionerKind::kRoundRobin, /*ignore_keys=*/true);
  EXPECT_EQ(rr.partition("k", 3), 0);
  EXPECT_EQ(rr.partition("k", 3), 1);
}

}  // namespace
}  // namespace broker_model
