// Consumer-group protocol pieces without a cluster: the coordinator's partition choice (Java's
// String.hashCode), the offsets-topic record codec, the consumer protocol encoding and the
// assignors (range, round-robin, cooperative sticky's incremental hand-over).
#include <gtest/gtest.h>

#include <set>

#include "broker_model/group/assignors.h"
#include "broker_model/group/consumer_protocol.h"
#include "broker_model/group/group_messages.h"
#include "broker_model/group/group_records.h"

namespace broker_model {
namespace {

TEST(GroupProtocol, CoordinatorPartitionIsKafkasHashOfTheGroupId) {
  // Values of "…".hashCode() in Java.
  EXPECT_EQ(java_string_hash("readers"), 1080410128);
  EXPECT_EQ(java_string_hash("my-group"), -1906497762);
  EXPECT_EQ(offsets_partition_for("my-group", 50), 12);   // Utils.abs(-1906497762) % 50
  EXPECT_EQ(offsets_partition_for("readers", 50), 28);
  EXPECT_EQ(offsets_partition_for("console-consumer-12345", 50), 6);
  EXPECT_EQ(offsets_partition_for("anything", 1), 0);
}

TEST(GroupProtocol, OffsetsTopicRecordsRoundTrip) {
  OffsetCommitRecord o{"g", TopicPartition{"orders", 3}, Offset{42}, 7, "member-1"};
  auto d = decode_group_record(encode_group_record(o, 5));
  ASSERT_TRUE(d.has_value());
  const auto& od = std::get<OffsetCommitRecord>(*d);
  EXPECT_EQ(od.group, "g");
  EXPECT_EQ(od.tp, (TopicPartition{"orders", 3}));
  EXPECT_EQ(od.offset, Offset{42});
  EXPECT_EQ(od.generation, 7);
  EXPECT_EQ(od.member_id, "member-1");

  GroupMetadataRecord g{"g", 4, "range", "m1", {StoredMember{"m1", std::string("static-a"), 6000, 20000, "sub", "asg"},
                                                 StoredMember{"m2", std::nullopt, 6000, 20000, "", ""}}};
  auto gd = decode_group_record(encode_group_record(g, 5));
  ASSERT_TRUE(gd.has_value());
  const auto& gg = std::get<GroupMetadataRecord>(*gd);
  EXPECT_EQ(gg.generation, 4);
  EXPECT_EQ(gg.leader, "m1");
  ASSERT_EQ(gg.members.size(), 2u);
  EXPECT_EQ(gg.members[0].group_instance_id, std::optional<std::string>("static-a"));
  EXPECT_FALSE(gg.members[1].group_instance_id.has_value());
  EXPECT_EQ(gg.members[0].assignment, "asg");

  storage::Record garbage;
  garbage.key = std::string("\x01\xff", 2);
  garbage.value = "x";
  EXPECT_FALSE(decode_group_record(garbage).has_value());
  storage::Record workload;  // a workload record (no key) is not a group record
  workload.value = "12345678";
  EXPECT_FALSE(decode_group_record(workload).has_value());
}

TEST(GroupProtocol, SubscriptionAndAssignmentRoundTrip) {
  ConsumerSubscription s{{"a", "b"}, {TopicPartition{"a", 1}}, 3};
  auto d = decode_subscription(encode_subscription(s));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->topics, s.topics);
  EXPECT_EQ(d->owned_partitions, s.owned_partitions);
  EXPECT_EQ(d->generation, 3);
  EXPECT_FALSE(decode_subscription("xyz").has_value());
  auto a = decode_assignment(encode_assignment(ConsumerAssignment{{TopicPartition{"a", 0}, TopicPartition{"a", 2}}}));
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->partitions.size(), 2u);
  EXPECT_TRUE(decode_assignment("").has_value());
}

AssignorMember member(const std::string& id, std::vector<TopicPartition> owned = {}, int32_t generation = -1) {
  return AssignorMember{id, std::nullopt, ConsumerSubscription{{"t"}, std::move(owned), generation}};
}
std::vector<TopicPartition> tps(std::initializer_list<int> ps) {
  std::vector<TopicPartition> out;
  for (int p : ps) out.push_back(TopicPartition{"t", p});
  return out;
}

TEST(GroupAssignors, RangeGivesContiguousRangesExtraToTheFirst) {
  GroupAssignment a = assign_range({member("b"), member("a"), member("c")}, {{"t", 7}});
  EXPECT_EQ(a["a"], tps({0, 1, 2}));
  EXPECT_EQ(a["b"], tps({3, 4}));
  EXPECT_EQ(a["c"], tps({5, 6}));
}

TEST(GroupAssignors, RoundRobinDealsPartitionsInTurn) {
  GroupAssignment a = assign_round_robin({member("b"), member("a")}, {{"t", 5}});
  EXPECT_EQ(a["a"], tps({0, 2, 4}));
  EXPECT_EQ(a["b"], tps({1, 3}));
}

TEST(GroupAssignors, EveryPartitionOnceWithMembersComingAndGoing) {
  for (const char* name : {kRangeAssignor, kRoundRobinAssignor, kCooperativeStickyAssignor}) {
    for (int n = 1; n <= 5; ++n) {
      std::vector<AssignorMember> ms;
      for (int i = 0; i < n; ++i) ms.push_back(member("m" + std::to_string(i)));
      GroupAssignment a = assign(name, ms, {{"t", 12}});
      std::set<int> seen;
      size_t min = 99, max = 0;
      for (const auto& [m, ps] : a) {
        for (const auto& tp : ps) EXPECT_TRUE(seen.insert(tp.partition).second) << name << ": partition twice";
        min = std::min(min, ps.size());
        max = std::max(max, ps.size());
      }
      EXPECT_EQ(seen.size(), 12u) << name;
      EXPECT_LE(max - min, 1u) << name << " with " << n << " members";
    }
  }
}

// Demonstration 5 at the assignor level: a third member joins two that own 3 partitions each.
// Round 1 keeps every partition that stays with its owner and withholds the two that move;
// round 2 (after the owners revoked them) hands them to the new member.
TEST(GroupAssignors, CooperativeStickyMovesOnlyWhatChangesOwnerInTwoRounds) {
  std::vector<AssignorMember> round1 = {member("a", tps({0, 1, 2}), 1), member("b", tps({3, 4, 5}), 1), member("c")};
  GroupAssignment r1 = assign_cooperative_sticky(round1, {{"t", 6}});
  EXPECT_EQ(r1["a"].size(), 2u);
  EXPECT_EQ(r1["b"].size(), 2u);
  EXPECT_TRUE(r1["c"].empty()) << "a moving partition is withheld in the first round";
  for (const auto& tp : r1["a"]) EXPECT_LE(tp.partition, 2) << "a keeps only partitions it owned";
  for (const auto& tp : r1["b"]) EXPECT_GE(tp.partition, 3) << "b keeps only partitions it owned";
  // The members revoke what they lost and rejoin.
  std::vector<AssignorMember> round2 = {member("a", r1["a"], 2), member("b", r1["b"], 2), member("c", {}, 2)};
  GroupAssignment r2 = assign_cooperative_sticky(round2, {{"t", 6}});
  EXPECT_EQ(r2["a"], r1["a"]);
  EXPECT_EQ(r2["b"], r1["b"]);
  EXPECT_EQ(r2["c"].size(), 2u);
  // Eager range reassigns from scratch: partitions change owner that did not need to.
  GroupAssignment eager = assign_range(round1, {{"t", 6}});
  EXPECT_EQ(eager["b"], tps({2, 3})) << "range moves orders-2 from a to b and 4, 5 from b to c";
}

TEST(GroupAssignors, EagerStickyMovesTheSamePartitionsAtOnce) {
  GroupAssignment r = assign_sticky({member("a", tps({0, 1, 2}), 1), member("b", tps({3, 4, 5}), 1), member("c")}, {{"t", 6}});
  EXPECT_EQ(r["a"].size(), 2u);
  EXPECT_EQ(r["b"].size(), 2u);
  EXPECT_EQ(r["c"].size(), 2u) << "no second round in the eager protocol";
  EXPECT_EQ(assignor_name_of_class("org.apache.kafka.clients.consumer.StickyAssignor"), std::optional<std::string>("sticky"));
}

TEST(GroupAssignors, CooperativeStickyGivesAContestedPartitionToTheNewestGeneration) {
  // A zombie still claims partition 0 from generation 1; its owner in generation 2 keeps it.
  GroupAssignment r = assign_cooperative_sticky({member("zombie", tps({0}), 1), member("owner", tps({0, 1}), 2)}, {{"t", 2}});
  EXPECT_TRUE(std::find(r["owner"].begin(), r["owner"].end(), TopicPartition{"t", 0}) != r["owner"].end());
  EXPECT_TRUE(std::find(r["zombie"].begin(), r["zombie"].end(), TopicPartition{"t", 0}) == r["zombie"].end());
}

}  // namespace
}  // namespace broker_model
