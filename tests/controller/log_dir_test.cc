// JBOD in KRaft (KIP-858): a broker's heartbeat names a failed log directory and the replicas it
// held; the controller writes it down (BrokerLogDirOfflineRecord) and the partition changes that
// follow take those replicas out of their ISRs and move the leaderships they held, while the
// broker stays active for its other replicas.
#include <gtest/gtest.h>

#include "broker_model/controller/cluster_control.h"
#include "broker_model/controller/metadata_image.h"
#include "broker_model/controller/metadata_record_codec.h"
#include "broker_model/controller/replication_control.h"
#include "tests/controller/broker_ids.h"

namespace broker_model {
namespace {

MetadataImage three_brokers_two_partitions() {
  MetadataImage img;
  for (int b = 1; b <= 3; ++b) {
    img.apply(RegisterBrokerRecord{BrokerId(b), BrokerEpoch(b), 100u + static_cast<uint64_t>(b), "",
                                   sim::NodeId{static_cast<uint32_t>(b)}});
    img.apply(UnfenceBrokerRecord{BrokerId(b), BrokerEpoch(b)});
  }
  img.apply(TopicRecord{"t", 3, {}});
  img.apply(PartitionRecord{TopicPartition{"t", 0}, ids({1, 2, 3}), ids({1, 2, 3}), BrokerId(1), LeaderEpoch(0), PartitionEpoch(0)});
  img.apply(PartitionRecord{TopicPartition{"t", 1}, ids({1, 2, 3}), ids({1, 2, 3}), BrokerId(1), LeaderEpoch(0), PartitionEpoch(0)});
  img.apply(PartitionRecord{TopicPartition{"t", 2}, ids({2, 1, 3}), ids({2, 1, 3}), BrokerId(2), LeaderEpoch(0), PartitionEpoch(0)});
  return img;
}

TEST(LogDirs, AnOfflineDirectoryMovesItsLeadersAndLeavesTheBrokerActive) {
  ClusterControl cc(ClusterControlConfig{9'000});
  ReplicationControl rc(ReplicationControlConfig{});
  MetadataImage img = three_brokers_two_partitions();
  // Broker 1's /d1 held t-0 (which it leads) and t-2 (a follower); t-1 is in its healthy /d0.
  BrokerHeartbeatRequest hb{BrokerId(1), BrokerEpoch(1), Offset(10), false, false,
                            {OfflineLogDir{"/d1", {TopicPartition{"t", 0}, TopicPartition{"t", 2}}}}};
  auto r = cc.heartbeat(img, hb, Offset(10), sim::Instant::epoch());
  ASSERT_EQ(r.records.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<BrokerLogDirOfflineRecord>(r.records[0]));
  EXPECT_FALSE(r.response.is_fenced);
  img.apply(r.records);
  EXPECT_TRUE(img.is_active(BrokerId(1)));
  EXPECT_FALSE(img.is_active_replica(BrokerId(1), TopicPartition{"t", 0}));
  EXPECT_TRUE(img.is_active_replica(BrokerId(1), TopicPartition{"t", 1}));

  MetadataBatch moves = rc.reconcile(img, 100);
  ASSERT_EQ(moves.size(), 2u) << "t-0 gets a new leader, t-2 drops broker 1 from its ISR; t-1 is untouched";
  img.apply(moves);
  EXPECT_EQ(img.partition({"t", 0})->leader, BrokerId(2));
  EXPECT_FALSE(img.partition({"t", 0})->in_isr(BrokerId(1)));
  EXPECT_EQ(img.partition({"t", 1})->leader, BrokerId(1)) << "its healthy directory's partition stays led by it";
  EXPECT_TRUE(img.partition({"t", 1})->in_isr(BrokerId(1)));
  EXPECT_FALSE(img.partition({"t", 2})->in_isr(BrokerId(1)));
  // The leader of t-2 may not take the offline replica back into the ISR.
  AlterPartitionRequest expand{BrokerId(2), BrokerEpoch(2), TopicPartition{"t", 2}, img.partition({"t", 2})->leader_epoch,
                               img.partition({"t", 2})->partition_epoch, ids({2, 3, 1})};
  EXPECT_EQ(rc.alter_partition(img, expand).response.error, ErrorCode::kIneligibleReplica);

  // The next heartbeat names the same directory: nothing new to write.
  EXPECT_TRUE(cc.heartbeat(img, hb, Offset(11), sim::Instant::epoch()).records.empty());
  // A replica created in the directory later is added.
  hb.offline_log_dirs[0].replicas.push_back(TopicPartition{"t", 1});
  auto more = cc.heartbeat(img, hb, Offset(12), sim::Instant::epoch());
  ASSERT_EQ(more.records.size(), 1u);
  EXPECT_EQ(std::get<BrokerLogDirOfflineRecord>(more.records[0]).replicas, (std::vector<TopicPartition>{{"t", 1}}));

  // Registering again (a restart) brings its directories back online.
  img.apply(RegisterBrokerRecord{BrokerId(1), BrokerEpoch(20), 300, "", sim::NodeId{1}});
  EXPECT_TRUE(img.broker(BrokerId(1))->offline_replicas.empty());
}

TEST(LogDirs, TheLastIsrMemberInAnOfflineDirectoryIsNotElected) {
  ReplicationControl rc(ReplicationControlConfig{});
  MetadataImage img = three_brokers_two_partitions();
  img.apply(PartitionChangeRecord{TopicPartition{"t", 0}, std::nullopt, ids({1}), LeaderEpoch(0), PartitionEpoch(1), false});
  img.apply(BrokerLogDirOfflineRecord{BrokerId(1), BrokerEpoch(1), "/d1", {TopicPartition{"t", 0}}});
  img.apply(rc.reconcile(img, 100));
  EXPECT_FALSE(img.partition({"t", 0})->has_leader()) << "offline: no other replica holds what was committed";
  EXPECT_TRUE(rc.reconcile(img, 100).empty()) << "and broker 1, still active, is not elected again";
}

TEST(LogDirs, TheRecordRoundTrips) {
  MetadataBatch b{BrokerLogDirOfflineRecord{BrokerId(4), BrokerEpoch(9), "/data1", {{"a", 0}, {"b", 7}}}};
  std::string bytes = encode_batch(b);
  auto back = decode_batch(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, b);
  EXPECT_EQ(batch_bytes(b), bytes.size());
  for (size_t cut = 0; cut < bytes.size(); ++cut) EXPECT_FALSE(decode_batch(bytes.substr(0, cut)).has_value()) << cut;
  EXPECT_EQ(std::string(record_type_name(b[0])), "BrokerLogDirOfflineRecord");
}

}  // namespace
}  // namespace broker_model
