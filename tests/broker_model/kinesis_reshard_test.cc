// Kinesis resharding arithmetic (broker_model/kinesis/shard_map.h) and the KCL's parent-before-
// child rule (lease_table.h): SplitShard's children split the parent's range at
// NewStartingHashKey, MergeShards' child is the union of two adjacent ranges, UpdateShardCount
// reaches the uniform layout through splits and merges, bad requests are refused with AWS's
// error codes, and a child lease waits for every parent at SHARD_END.
#include <gtest/gtest.h>

#include <set>

#include "broker_model/kinesis/kinesis_messages.h"
#include "broker_model/kinesis/lease_table.h"
#include "broker_model/kinesis/shard_map.h"

namespace broker_model::kinesis {
namespace {

// The open shards cover the whole hash-key space, without gaps or overlaps.
void expect_open_shards_tile_the_space(const ShardMap& m) {
  std::vector<int32_t> open = m.open_shards();
  ASSERT_FALSE(open.empty());
  EXPECT_EQ(m.at(open.front()).starting_hash_key, HashKey{});
  EXPECT_EQ(m.at(open.back()).ending_hash_key, HashKey::max());
  for (size_t i = 1; i < open.size(); ++i)
    EXPECT_EQ(m.at(open[i - 1]).ending_hash_key.value + 1, m.at(open[i]).starting_hash_key.value) << "between " << i - 1 << " and " << i;
}

TEST(KinesisReshard, SplitClosesTheParentAndSplitsItsRangeAtNewStartingHashKey) {
  ShardMap m(2);
  const ShardRange parent = m.at(1);
  const HashKey at = ShardMap::midpoint(parent);
  ReshardResult r = m.split(1, at);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.closed, (std::vector<int32_t>{1}));
  EXPECT_EQ(r.created, (std::vector<int32_t>{2, 3}));
  EXPECT_TRUE(m.at(1).closed);
  EXPECT_EQ(m.at(2).shard_id, "shardId-000000000002");
  EXPECT_EQ(m.at(2).starting_hash_key, parent.starting_hash_key);
  EXPECT_EQ(m.at(2).ending_hash_key.value, at.value - 1);
  EXPECT_EQ(m.at(3).starting_hash_key, at);
  EXPECT_EQ(m.at(3).ending_hash_key, HashKey::max());
  EXPECT_EQ(m.at(2).parent, 1);
  EXPECT_EQ(m.at(3).parent, 1);
  EXPECT_EQ(m.at(3).adjacent_parent, -1);
  EXPECT_EQ(m.children_of(1), (std::vector<int32_t>{2, 3}));
  // New records for a key go to the child owning its hash key, never to the closed parent.
  EXPECT_EQ(m.route(at), 3);
  EXPECT_EQ(m.route(HashKey{at.value - 1}), 2);
  EXPECT_EQ(m.route(HashKey{}), 0);
  expect_open_shards_tile_the_space(m);
}

TEST(KinesisReshard, SplitRefusesAKeyOutsideTheShardAndClosedOrUnknownShards) {
  ShardMap m(2);
  EXPECT_EQ(m.split(0, m.at(0).starting_hash_key).error_code, kInvalidArgument);  // the lower child would be empty
  EXPECT_EQ(m.split(0, m.at(1).starting_hash_key).error_code, kInvalidArgument);  // beyond the shard
  EXPECT_EQ(m.split(7, HashKey{1}).error_code, kResourceNotFound);
  ASSERT_TRUE(m.split(0, ShardMap::midpoint(m.at(0))).ok());
  ReshardResult again = m.split(0, ShardMap::midpoint(m.at(0)));
  EXPECT_EQ(again.error_code, kInvalidArgument);
  EXPECT_NE(again.message.find("closed"), std::string::npos) << again.message;
  EXPECT_EQ(m.size(), 4);  // a refused split creates nothing
}

TEST(KinesisReshard, MergeOfAdjacentShardsIsTheUnionAndNamesBothParents) {
  ShardMap m(3);
  const ShardRange a = m.at(1), b = m.at(2);
  // Given in either order: the child's range is the union.
  ReshardResult r = m.merge(2, 1);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.closed, (std::vector<int32_t>{2, 1}));
  ASSERT_EQ(r.created, (std::vector<int32_t>{3}));
  EXPECT_EQ(m.at(3).starting_hash_key, a.starting_hash_key);
  EXPECT_EQ(m.at(3).ending_hash_key, b.ending_hash_key);
  EXPECT_EQ(m.at(3).parent, 2);
  EXPECT_EQ(m.at(3).adjacent_parent, 1);
  EXPECT_TRUE(m.at(3).child_of(1));
  EXPECT_TRUE(m.at(3).child_of(2));
  expect_open_shards_tile_the_space(m);
}

TEST(KinesisReshard, MergeRefusesShardsThatAreNotAdjacent) {
  ShardMap m(3);
  ReshardResult r = m.merge(0, 2);
  EXPECT_EQ(r.error_code, kInvalidArgument);
  EXPECT_NE(r.message.find("not adjacent"), std::string::npos) << r.message;
  EXPECT_EQ(m.merge(1, 1).error_code, kInvalidArgument);
  EXPECT_EQ(m.merge(0, 9).error_code, kResourceNotFound);
  EXPECT_EQ(m.open_shards().size(), 3u);
}

TEST(KinesisReshard, UpdateShardCountReachesTheUniformLayout) {
  for (auto [from, to] : std::vector<std::pair<int32_t, int32_t>>{{2, 4}, {2, 3}, {4, 2}, {3, 5}, {5, 3}, {4, 4}, {1, 2}, {6, 11}}) {
    ShardMap m(from);
    ReshardResult r = m.update_shard_count(to);
    ASSERT_TRUE(r.ok()) << from << " -> " << to << ": " << r.message;
    std::vector<int32_t> open = m.open_shards();
    const std::vector<ShardRange> goal = even_shards(to);
    ASSERT_EQ(open.size(), goal.size()) << from << " -> " << to;
    for (size_t i = 0; i < goal.size(); ++i) {
      EXPECT_EQ(m.at(open[i]).starting_hash_key, goal[i].starting_hash_key) << from << " -> " << to << " shard " << i;
      EXPECT_EQ(m.at(open[i]).ending_hash_key, goal[i].ending_hash_key) << from << " -> " << to << " shard " << i;
    }
    expect_open_shards_tile_the_space(m);
    // Every closed shard has a child; every created shard has a parent.
    for (const ShardRange& s : m.shards()) {
      if (s.closed) {
        EXPECT_FALSE(m.children_of(s.index).empty()) << s.shard_id;
      }
      if (s.index >= from) {
        EXPECT_GE(s.parent, 0) << s.shard_id;
      }
    }
  }
  // Doubling splits each shard once: no short-lived shards.
  ShardMap twice(2);
  EXPECT_EQ(twice.update_shard_count(4).created.size(), 4u);
  // 2 -> 3 needs short-lived shards (split both, merge the middle two).
  ShardMap three(2);
  ReshardResult r = three.update_shard_count(3);
  EXPECT_EQ(r.created.size(), 5u);
  EXPECT_EQ(r.closed.size(), 4u);
}

TEST(KinesisReshard, UpdateShardCountLimitsAreHalfToDouble) {
  ShardMap m(4);
  EXPECT_EQ(m.update_shard_count(9).error_code, kLimitExceeded);
  EXPECT_EQ(m.update_shard_count(1).error_code, kLimitExceeded);
  EXPECT_EQ(m.update_shard_count(0).error_code, kInvalidArgument);
  EXPECT_TRUE(m.update_shard_count(8).ok());
}

TEST(KinesisReshard, ShardIdsParse) {
  EXPECT_EQ(shard_index_of("shardId-000000000012"), 12);
  EXPECT_EQ(shard_index_of("3"), 3);
  EXPECT_EQ(shard_index_of("shardId-12"), std::nullopt);
  EXPECT_EQ(shard_index_of("shard"), std::nullopt);
  EXPECT_EQ(shard_index_of(""), std::nullopt);
}

// KCL's BlockOnParentShardTask: a child starts only when every parent lease is at SHARD_END;
// a parent whose lease is gone is taken as trimmed.
TEST(KinesisLeaseOrder, ChildWaitsForEveryParentAtShardEnd) {
  std::vector<Lease> table = {Lease{0, "w0", 3, 41, {}}, Lease{1, "w1", 2, kShardEnd, {}}, Lease{2, "", 0, -1, {0, 1}},
                              Lease{3, "", 0, -1, {1}}};
  EXPECT_FALSE(parents_finished(table[2], table));  // parent 0 still being read
  EXPECT_TRUE(parents_finished(table[3], table));   // parent 1 at SHARD_END
  EXPECT_TRUE(parents_finished(table[0], table));   // no parents
  table[0].checkpoint = kShardEnd;
  EXPECT_TRUE(parents_finished(table[2], table));
  EXPECT_TRUE(parents_finished(Lease{4, "", 0, -1, {9}}, table));  // parent lease gone: trimmed
  EXPECT_TRUE(table[1].finished());
  EXPECT_FALSE(table[3].finished());
}

TEST(KinesisLeaseOrder, LeaseTableKeepsParentsAndShardEnd) {
  std::map<int32_t, Lease> t;
  LeaseResponse c = LeaseTableServer::apply(t, LeaseRequest{LeaseOp::kCreateIfAbsent, 2, "", 0, -1, {0, 1}, ""});
  ASSERT_TRUE(c.ok);
  EXPECT_EQ(c.leases.at(0).parents, (std::vector<int32_t>{0, 1}));
  ASSERT_TRUE(LeaseTableServer::apply(t, LeaseRequest{LeaseOp::kTake, 2, "w0", 0, -1, {}, ""}).ok);
  ASSERT_TRUE(LeaseTableServer::apply(t, LeaseRequest{LeaseOp::kCheckpoint, 2, "w0", 1, kShardEnd, {}, ""}).ok);
  EXPECT_TRUE(t.at(2).finished());
}

}  // namespace
}  // namespace broker_model::kinesis
