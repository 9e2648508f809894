// Partition reassignment on the controller (KIP-455): the state machine of
// ReplicationControl / PartitionChangeBuilder (adding replicas, completion once the ISR holds
// the target, leadership moving off a removed leader, cancellation), bad input, the throttle
// configs, and the records' codec.
#include <gtest/gtest.h>

#include "tests/controller/broker_ids.h"

#include "broker_model/controller/metadata_image.h"
#include "broker_model/controller/metadata_record_codec.h"
#include "broker_model/controller/replication_control.h"

namespace broker_model {
namespace {

const TopicPartition kTp{"t", 0};

// Brokers 1..6 active; t-0 on [1,2,3], ISR all, led by 1.
MetadataImage image() {
  MetadataImage img;
  for (int b = 1; b <= 6; ++b) {
    img.apply(RegisterBrokerRecord{BrokerId(b), BrokerEpoch(b), 1, "", sim::NodeId{static_cast<uint32_t>(b)}});
    img.apply(UnfenceBrokerRecord{BrokerId(b), BrokerEpoch(b)});
  }
  img.apply(TopicRecord{"t", 2, {}});
  img.apply(PartitionRecord{kTp, ids({1, 2, 3}), ids({1, 2, 3}), BrokerId(1), LeaderEpoch(0), PartitionEpoch(0)});
  img.apply(PartitionRecord{TopicPartition{"t", 1}, ids({2, 3, 1}), ids({2, 3, 1}), BrokerId(2), LeaderEpoch(0),
                            PartitionEpoch(0)});
  return img;
}

ReplicationControl control() { return ReplicationControl(ReplicationControlConfig{}); }

// Writes the records of `result` into `img`; the response's per-partition errors.
template <class R>
void apply(MetadataImage& img, const ControllerResult<R>& result) {
  img.apply(result.records);
}

ControllerResult<AlterPartitionReassignmentsResponse> reassign(MetadataImage& img, std::vector<BrokerId> target) {
  auto r = control().alter_partition_reassignments(img, AlterPartitionReassignmentsRequest{{{kTp, std::move(target)}}});
  apply(img, r);
  return r;
}

// The partition's leader asks for `isr` (AlterPartition).
ControllerResult<AlterPartitionResponse> alter_isr(MetadataImage& img, std::vector<BrokerId> isr) {
  const PartitionRegistration& p = *img.partition(kTp);
  AlterPartitionRequest req{p.leader, img.broker(p.leader)->epoch, kTp, p.leader_epoch, p.partition_epoch, std::move(isr)};
  auto r = control().alter_partition(img, req);
  apply(img, r);
  return r;
}

TEST(Reassignment, AddsTargetReplicasThenCompletesWhenTheyJoinTheIsr) {
  MetadataImage img = image();
  auto r = reassign(img, ids({4, 5, 6}));
  ASSERT_EQ(r.response.partitions.size(), 1u);
  EXPECT_EQ(r.response.partitions[0].error, ErrorCode::kNone);
  const PartitionRegistration* p = img.partition(kTp);
  // PartitionReassignmentReplicas: target first, then the replicas leaving.
  EXPECT_EQ(p->replicas, ids({4, 5, 6, 1, 2, 3}));
  EXPECT_EQ(p->adding_replicas, ids({4, 5, 6}));
  EXPECT_EQ(p->removing_replicas, ids({1, 2, 3}));
  EXPECT_EQ(p->leader, BrokerId(1)) << "the leader stays while the new replicas catch up";
  EXPECT_EQ(p->leader_epoch, LeaderEpoch(0)) << "adding replicas bumps no leader epoch";
  EXPECT_EQ(control().list_partition_reassignments(img).reassignments.size(), 1u);

  // Two of three new replicas in sync: not complete yet.
  alter_isr(img, ids({1, 2, 3, 4, 5}));
  EXPECT_TRUE(img.partition(kTp)->reassigning());
  EXPECT_EQ(img.partition(kTp)->isr, ids({1, 2, 3, 4, 5}));

  // The last one joins: the removing replicas leave the list and the ISR, and leadership
  // moves to the first target replica in the ISR under a new leader epoch.
  auto done = alter_isr(img, ids({1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(done.response.error, ErrorCode::kNone);
  p = img.partition(kTp);
  EXPECT_FALSE(p->reassigning());
  EXPECT_EQ(p->replicas, ids({4, 5, 6}));
  EXPECT_EQ(p->isr, ids({4, 5, 6}));
  EXPECT_EQ(p->leader, BrokerId(4));
  EXPECT_EQ(p->leader_epoch, LeaderEpoch(1));
  EXPECT_EQ(done.response.leader, BrokerId(4));
  EXPECT_EQ(done.response.leader_epoch, LeaderEpoch(1));
  EXPECT_TRUE(control().list_partition_reassignments(img).reassignments.empty());
  // The other partition was not touched.
  EXPECT_EQ(img.partition(TopicPartition{"t", 1})->replicas, ids({2, 3, 1}));
}

TEST(Reassignment, LeaderThatStaysKeepsLeadingButItsEpochMovesWhenReplicasLeave) {
  MetadataImage img = image();
  reassign(img, ids({1, 2, 4}));
  EXPECT_EQ(img.partition(kTp)->replicas, ids({1, 2, 4, 3}));
  alter_isr(img, ids({1, 2, 3, 4}));
  const PartitionRegistration* p = img.partition(kTp);
  EXPECT_EQ(p->replicas, ids({1, 2, 4}));
  EXPECT_EQ(p->isr, ids({1, 2, 4}));
  EXPECT_EQ(p->leader, BrokerId(1));
  // triggerLeaderEpochBumpForReplicaReassignmentIfNeeded: broker 3's fetches are fenced.
  EXPECT_EQ(p->leader_epoch, LeaderEpoch(1));
}

TEST(Reassignment, ReorderingOrShrinkingCompletesAtOnce) {
  MetadataImage img = image();
  reassign(img, ids({3, 1}));
  const PartitionRegistration* p = img.partition(kTp);
  EXPECT_FALSE(p->reassigning());
  EXPECT_EQ(p->replicas, ids({3, 1}));
  EXPECT_EQ(p->isr, ids({1, 3}));
  EXPECT_EQ(p->leader, BrokerId(1)) << "a valid leader stays (not a preferred election)";
}

TEST(Reassignment, DoesNotCompleteWhileAStayingReplicaIsOutOfTheIsr) {
  MetadataImage img = image();
  alter_isr(img, ids({1, 3}));  // broker 2 fell behind
  reassign(img, ids({2, 4}));
  alter_isr(img, ids({1, 3, 4}));
  EXPECT_TRUE(img.partition(kTp)->reassigning()) << "2 stays but is not in sync";
  alter_isr(img, ids({1, 3, 4, 2}));
  const PartitionRegistration* p = img.partition(kTp);
  EXPECT_FALSE(p->reassigning());
  EXPECT_EQ(p->replicas, ids({2, 4}));
  EXPECT_EQ(p->leader, BrokerId(2)) << "the first target replica in the ISR";
}

TEST(Reassignment, FencedNewReplicaNeverCompletesIt) {
  MetadataImage img = image();
  reassign(img, ids({4, 5, 6}));
  img.apply(FenceBrokerRecord{BrokerId(6), BrokerEpoch(6)});
  auto r = alter_isr(img, ids({1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(r.response.error, ErrorCode::kIneligibleReplica);
  EXPECT_TRUE(img.partition(kTp)->reassigning());
  // And a reconcile pass (what fencing writes) does not complete it either.
  EXPECT_TRUE(control().reconcile(img, 100).empty());
}

TEST(Reassignment, CancelRevertsToTheOriginalReplicas) {
  MetadataImage img = image();
  reassign(img, ids({4, 5, 6}));
  alter_isr(img, ids({1, 2, 3, 4}));
  auto r = control().alter_partition_reassignments(img, AlterPartitionReassignmentsRequest{{{kTp, std::nullopt}}});
  EXPECT_EQ(r.response.partitions[0].error, ErrorCode::kNone);
  apply(img, r);
  const PartitionRegistration* p = img.partition(kTp);
  EXPECT_FALSE(p->reassigning());
  EXPECT_EQ(p->replicas, ids({1, 2, 3}));
  EXPECT_EQ(p->isr, ids({1, 2, 3}));
  EXPECT_EQ(p->leader, BrokerId(1));
  auto again = control().alter_partition_reassignments(img, AlterPartitionReassignmentsRequest{{{kTp, std::nullopt}}});
  EXPECT_EQ(again.response.partitions[0].error, ErrorCode::kNoReassignmentInProgress);
  EXPECT_TRUE(again.records.empty());
}

TEST(Reassignment, BadInputGetsItsOwnErrorAndTheRestProceeds) {
  MetadataImage img = image();
  AlterPartitionReassignmentsRequest req{{
      {TopicPartition{"t", 1}, ids({2, 3, 4})},
      {TopicPartition{"nope", 0}, ids({1})},
      {TopicPartition{"t", 7}, ids({1})},
  }};
  auto r = control().alter_partition_reassignments(img, req);
  ASSERT_EQ(r.response.partitions.size(), 3u);
  EXPECT_EQ(r.response.partitions[0].error, ErrorCode::kNone);
  EXPECT_EQ(r.response.partitions[1].error, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(r.response.partitions[2].error, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(r.records.size(), 1u);
  for (auto bad : {ids({}), ids({1, 1, 2}), ids({1, 9})}) {
    auto b = control().alter_partition_reassignments(img, AlterPartitionReassignmentsRequest{{{kTp, bad}}});
    EXPECT_EQ(b.response.partitions[0].error, ErrorCode::kInvalidReplicaAssignment);
    EXPECT_FALSE(b.response.partitions[0].error_message.empty());
    EXPECT_TRUE(b.records.empty());
  }
  auto twice = control().alter_partition_reassignments(
      img, AlterPartitionReassignmentsRequest{{{kTp, ids({1, 2, 4})}, {kTp, ids({1, 2, 5})}}});
  EXPECT_EQ(twice.response.partitions[0].error, ErrorCode::kInvalidRequest);
  EXPECT_TRUE(twice.records.empty());
}

TEST(Reassignment, ThrottleConfigsAreValidatedAndReachTheImage) {
  MetadataImage img = image();
  using R = ConfigRecord::Resource;
  IncrementalAlterConfigsRequest ok{{
      ConfigRecord{R::kBroker, "", kLeaderThrottledRateConfig, "1000000"},
      ConfigRecord{R::kBroker, "4", kFollowerThrottledRateConfig, "2000"},
      ConfigRecord{R::kTopic, "t", kFollowerThrottledReplicasConfig, "0:4,0:5,1:6"},
      ConfigRecord{R::kTopic, "t", kLeaderThrottledReplicasConfig, "*"},
  }};
  auto r = control().alter_configs(img, ok);
  EXPECT_EQ(r.response.error, ErrorCode::kNone);
  apply(img, r);
  EXPECT_EQ(img.broker_config(BrokerId(1), kLeaderThrottledRateConfig, "-"), "1000000");
  EXPECT_EQ(img.broker_config(BrokerId(4), kFollowerThrottledRateConfig, "-"), "2000");
  EXPECT_EQ(img.broker_config(BrokerId(5), kFollowerThrottledRateConfig, "-"), "-");
  EXPECT_EQ(img.topic_config("t", kFollowerThrottledReplicasConfig, ""), "0:4,0:5,1:6");
  // Deleting a key (the throttle removed once the reassignment is verified).
  apply(img, control().alter_configs(img, {{ConfigRecord{R::kBroker, "", kLeaderThrottledRateConfig, std::nullopt}}}));
  EXPECT_EQ(img.broker_config(BrokerId(1), kLeaderThrottledRateConfig, "-"), "-");
  for (const ConfigRecord& bad : {ConfigRecord{R::kBroker, "", "num.io.threads", "8"},
                                  ConfigRecord{R::kBroker, "", kLeaderThrottledRateConfig, "fast"},
                                  ConfigRecord{R::kTopic, "t", kLeaderThrottledReplicasConfig, "0-4"},
                                  ConfigRecord{R::kTopic, "t", "retention.ms", "1"}}) {
    auto b = control().alter_configs(img, {{bad}});
    EXPECT_EQ(b.response.error, ErrorCode::kInvalidConfig) << bad.name;
    EXPECT_FALSE(b.response.error_message.empty());
    EXPECT_TRUE(b.records.empty());
  }
  EXPECT_EQ(control().alter_configs(img, {{ConfigRecord{R::kTopic, "nope", kLeaderThrottledReplicasConfig, "*"}}})
                .response.error,
            ErrorCode::kUnknownTopicOrPartition);
}

TEST(Reassignment, RecordsRoundTripAndTheImageChecksThem) {
  MetadataBatch all{
      PartitionChangeRecord{kTp, std::nullopt, std::nullopt, LeaderEpoch(0), PartitionEpoch(1), false, std::nullopt,
                            std::nullopt, ids({4, 1, 2, 3}), ids({4}), ids({3})},
      UnregisterBrokerRecord{BrokerId(6), BrokerEpoch(6)},
      ConfigRecord{ConfigRecord::Resource::kTopic, "t", kLeaderThrottledReplicasConfig, "*"},
      ConfigRecord{ConfigRecord::Resource::kBroker, "", kLeaderThrottledRateConfig, std::nullopt},
  };
  std::string bytes = encode_batch(all);
  std::optional<MetadataBatch> back = decode_batch(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, all);
  for (size_t cut = 0; cut < bytes.size(); ++cut) EXPECT_FALSE(decode_batch(bytes.substr(0, cut)).has_value()) << cut;
  MetadataImage img = image();
  img.apply(all);
  EXPECT_EQ(img.partition(kTp)->target_replicas(), ids({4, 1, 2}));
  EXPECT_EQ(img.broker(BrokerId(6)), nullptr);
  // A leader field bumps the epoch even for the same leader; without it the epoch may not move.
  EXPECT_DEATH(img.apply(PartitionChangeRecord{kTp, BrokerId(1), std::nullopt, LeaderEpoch(0), PartitionEpoch(2), false}),
               "leader epoch");
}

}  // namespace
}  // namespace broker_model
