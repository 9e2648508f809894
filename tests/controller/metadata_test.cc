// Records, image and the controller's pure decisions: the codec round-trips every record;
// the image follows a log and checks epochs; the PartitionChangeBuilder's leader election
// rules (clean, unclean, offline, ISR shrink on fencing); rack-aware placement.
#include <gtest/gtest.h>

#include "tests/controller/broker_ids.h"

#include <set>

#include "broker_model/controller/cluster_control.h"
#include "broker_model/controller/metadata_image.h"
#include "broker_model/controller/metadata_record_codec.h"
#include "broker_model/controller/partition_change_builder.h"
#include "broker_model/controller/replica_placer.h"
#include "broker_model/controller/replication_control.h"

namespace broker_model {
namespace {

TEST(MetadataRecords, CodecRoundTripsEveryRecordAndRejectsTruncation) {
  MetadataBatch all{
      RegisterBrokerRecord{BrokerId(1), BrokerEpoch(7), 0xabcdef, "rack-a", sim::NodeId{4}},
      FenceBrokerRecord{BrokerId(1), BrokerEpoch(7)},
      UnfenceBrokerRecord{BrokerId(1), BrokerEpoch(7)},
      TopicRecord{"orders", 3, {{"unclean.leader.election.enable", "true"}, {"retention.ms", "1000"}}},
      PartitionRecord{TopicPartition{"orders", 2}, ids({1, 2, 3}), ids({1, 2}), BrokerId(1), LeaderEpoch(4), PartitionEpoch(9)},
      PartitionChangeRecord{TopicPartition{"orders", 2}, BrokerId(2), ids({2}), LeaderEpoch(5), PartitionEpoch(10), true},
      PartitionChangeRecord{TopicPartition{"orders", 2}, std::nullopt, std::nullopt, LeaderEpoch(5), PartitionEpoch(11), false},
      PartitionChangeRecord{TopicPartition{"orders", 2}, std::nullopt, ids({}), LeaderEpoch(5), PartitionEpoch(12), false,
                            ids({1, 3}), ids({2})},  // KIP-966's ELR and last known leader
      LeaderChangeRecord{sim::NodeId{2}},
      NoOpRecord{},
      ProducerIdsRecord{BrokerId(2), BrokerEpoch(7), 3'000},
  };
  std::string bytes = encode_batch(all);
  std::optional<MetadataBatch> back = decode_batch(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, all);
  EXPECT_EQ(batch_bytes(all), bytes.size());
  for (size_t cut = 0; cut < bytes.size(); ++cut) EXPECT_FALSE(decode_batch(bytes.substr(0, cut)).has_value()) << cut;
  EXPECT_NE(batch_digest(all), batch_digest({NoOpRecord{}}));
}

MetadataImage sample_image() {
  MetadataImage img;
  for (int b = 1; b <= 3; ++b) {
    img.apply(RegisterBrokerRecord{BrokerId(b), BrokerEpoch(b), 1, "", sim::NodeId{static_cast<uint32_t>(b)}});
    img.apply(UnfenceBrokerRecord{BrokerId(b), BrokerEpoch(b)});
  }
  img.apply(TopicRecord{"t", 1, {}});
  img.apply(PartitionRecord{TopicPartition{"t", 0}, ids({1, 2, 3}), ids({1, 2, 3}), BrokerId(1), LeaderEpoch(0), PartitionEpoch(0)});
  return img;
}

TEST(MetadataImage, AppliesRecordsInOrder) {
  MetadataImage img = sample_image();
  EXPECT_EQ(img.active_brokers().size(), 3u);
  img.apply(FenceBrokerRecord{BrokerId(2), BrokerEpoch(2)});
  EXPECT_FALSE(img.is_active(BrokerId(2)));
  img.apply(PartitionChangeRecord{TopicPartition{"t", 0}, BrokerId(3), ids({3, 1}), LeaderEpoch(1), PartitionEpoch(1), false});
  const PartitionRegistration* p = img.partition(TopicPartition{"t", 0});
  EXPECT_EQ(p->leader, BrokerId(3));
  EXPECT_EQ(p->isr, ids({3, 1}));
  EXPECT_EQ(p->leader_epoch, LeaderEpoch(1));
  EXPECT_EQ(p->partition_epoch, PartitionEpoch(1));
  img.apply(RegisterBrokerRecord{BrokerId(2), BrokerEpoch(20), 2, "", sim::NodeId{2}});
  EXPECT_EQ(img.broker(BrokerId(2))->epoch, BrokerEpoch(20));
  EXPECT_TRUE(img.broker(BrokerId(2))->fenced);
}

std::optional<PartitionChangeRecord> elect(const PartitionRegistration& p, std::set<int> active, bool unclean) {
  return PartitionChangeBuilder(TopicPartition{"t", 0}, p, [active](BrokerId b) { return active.count(b.value()) != 0; },
                                unclean)
      .build();
}

PartitionRegistration reg(std::vector<BrokerId> replicas, std::vector<BrokerId> isr, int leader) {
  return PartitionRegistration{std::move(replicas), std::move(isr), BrokerId(leader), LeaderEpoch(3), PartitionEpoch(7), false};
}

TEST(PartitionChangeBuilder, FencedLeaderIsReplacedFromTheIsr) {
  auto r = elect(reg(ids({1, 2, 3}), ids({1, 2, 3}), 1), {2, 3}, false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->leader, BrokerId(2));
  EXPECT_EQ(r->isr, ids({2, 3}));
  EXPECT_EQ(r->leader_epoch, LeaderEpoch(4));
  EXPECT_EQ(r->partition_epoch, PartitionEpoch(8));
  EXPECT_FALSE(r->unclean_election);
}

TEST(PartitionChangeBuilder, FencedFollowerLeavesTheIsrLeaderStays) {
  auto r = elect(reg(ids({1, 2, 3}), ids({1, 2, 3}), 1), {1, 3}, false);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->leader.has_value());
  EXPECT_EQ(r->isr, ids({1, 3}));
  EXPECT_EQ(r->leader_epoch, LeaderEpoch(3));
  EXPECT_EQ(r->partition_epoch, PartitionEpoch(8));
}

TEST(PartitionChangeBuilder, NoLiveIsrMemberMeansOfflineUnlessUncleanIsEnabled) {
  PartitionRegistration p = reg(ids({1, 2, 3}), ids({1}), 1);
  auto offline = elect(p, {2, 3}, false);
  ASSERT_TRUE(offline);
  EXPECT_EQ(offline->leader, kNoBroker);
  EXPECT_FALSE(offline->isr.has_value()) << "the last ISR member stays in the ISR";
  auto unclean = elect(p, {3}, true);
  ASSERT_TRUE(unclean);
  EXPECT_EQ(unclean->leader, BrokerId(3));
  EXPECT_EQ(unclean->isr, ids({3}));
  EXPECT_TRUE(unclean->unclean_election);
}

TEST(PartitionChangeBuilder, OfflinePartitionGetsItsIsrMemberBackAsLeader) {
  PartitionRegistration p = reg(ids({1, 2, 3}), ids({2}), -1);
  EXPECT_FALSE(elect(p, {1, 3}, false).has_value()) << "nothing to do while the ISR member is away";
  auto back = elect(p, {1, 2, 3}, false);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->leader, BrokerId(2));
  EXPECT_FALSE(back->unclean_election);
  EXPECT_FALSE(elect(reg(ids({1, 2, 3}), ids({1, 2, 3}), 1), {1, 2, 3}, false).has_value());
}

// KIP-966 with min.insync.replicas=2: `target` is a leader's AlterPartition ISR (nullopt: a
// reconcile), `unclean` a replica that registered again without a clean shutdown.
std::optional<PartitionChangeRecord> elect_elr(const PartitionRegistration& p, std::set<int> active,
                                               std::optional<std::vector<BrokerId>> target = std::nullopt,
                                               BrokerId unclean = kNoBroker) {
  PartitionChangeBuilder b(TopicPartition{"t", 0}, p, [active](BrokerId x) { return active.count(x.value()) != 0; },
                           false);
  b.set_eligible_leader_replicas(true, 2).set_unclean_shutdown_replica(unclean);
  if (target) b.set_target_isr(*target);
  return b.build();
}

// `p` with `r` applied, as MetadataImage applies it.
PartitionRegistration applied(PartitionRegistration p, const PartitionChangeRecord& r) {
  if (r.leader) p.leader = *r.leader;
  if (r.isr) p.isr = *r.isr;
  if (r.elr) p.elr = *r.elr;
  if (r.last_known_elr) p.last_known_elr = *r.last_known_elr;
  p.leader_epoch = r.leader_epoch;
  p.partition_epoch = r.partition_epoch;
  return p;
}

TEST(PartitionChangeBuilder, Kip966TheLastReplicaStandingIsNotElectedAfterAnUncleanShutdown) {
  // The KIP's walk-through: ISR {1,2,3}; 3 then 2 fall out; 1 (the leader) loses power.
  PartitionRegistration p = reg(ids({1, 2, 3}), ids({1, 2, 3}), 1);
  auto r = elect_elr(p, {1, 2, 3}, ids({1, 2}));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->elr.has_value()) << "the ISR is still at min.insync.replicas: no ELR";
  p = applied(p, *r);
  r = elect_elr(p, {1, 2, 3}, ids({1}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->elr, ids({2})) << "2 left while the ISR went below min.insync.replicas";
  p = applied(p, *r);
  // 1 is fenced; 2 and 3 are unreachable too. The ISR empties; 1 joins the ELR and is the
  // last known leader; nobody can lead.
  r = elect_elr(p, {3});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->leader, kNoBroker);
  EXPECT_EQ(r->isr, ids({}));
  EXPECT_EQ(r->elr, ids({1, 2}));
  EXPECT_EQ(r->last_known_elr, ids({1}));
  p = applied(p, *r);
  // 1 registers again without proof of a clean shutdown: it leaves the ELR, and does not
  // lead even once it is active, while 2 (an ELR member) may still come back.
  r = elect_elr(p, {3}, std::nullopt, BrokerId(1));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->elr, ids({2}));
  EXPECT_FALSE(r->last_known_elr.has_value()) << "the last known leader is kept";
  p = applied(p, *r);
  EXPECT_FALSE(elect_elr(p, {1, 3}).has_value()) << "1 is not electable: it is in neither ISR nor ELR";
  // 2 comes back: elected from the ELR, cleanly; it is the ISR.
  r = elect_elr(p, {1, 2, 3});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->leader, BrokerId(2));
  EXPECT_FALSE(r->unclean_election);
  EXPECT_EQ(r->isr, ids({2}));
  EXPECT_EQ(r->elr, ids({}));
  EXPECT_EQ(r->last_known_elr, ids({}));
}

TEST(PartitionChangeBuilder, Kip966LastKnownLeaderLeadsWhenIsrAndElrAreEmpty) {
  PartitionRegistration p = reg(ids({1, 2, 3}), ids({}), -1);
  p.last_known_elr = ids({1});
  auto r = elect_elr(p, {1, 3});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->leader, BrokerId(1));
  EXPECT_TRUE(r->unclean_election) << "Kafka marks it RECOVERING";
  EXPECT_EQ(r->isr, ids({1}));
  EXPECT_EQ(r->last_known_elr, ids({}));
  EXPECT_FALSE(elect_elr(p, {2, 3}).has_value()) << "only the last known leader, and only once it is active";
}

TEST(PartitionChangeBuilder, WithoutElrTheLastIsrMemberLeadsAgainWhateverItLost) {
  // The pre-KIP-966 rule (eligible.leader.replicas.version=0, the pre-kip-966-no-elr variant).
  PartitionRegistration p = reg(ids({1, 2, 3}), ids({1}), 1);
  auto fenced = elect(p, {2, 3}, false);
  ASSERT_TRUE(fenced);
  EXPECT_FALSE(fenced->isr.has_value()) << "the ISR keeps its last member";
  EXPECT_FALSE(fenced->elr.has_value());
  p = applied(p, *fenced);
  auto back = elect(p, {1, 2, 3}, false);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->leader, BrokerId(1));
  EXPECT_FALSE(back->unclean_election);
}

TEST(ReplicaPlacer, RoundRobinAndRackAware) {
  std::vector<PlacementBroker> brokers{{BrokerId(1), "a"}, {BrokerId(2), "a"}, {BrokerId(3), "b"}, {BrokerId(4), "b"},
                                       {BrokerId(5), "c"}, {BrokerId(6), "c"}};
  auto placed = place_replicas(brokers, 6, 3, 0);
  ASSERT_TRUE(placed);
  std::set<BrokerId> leaders;
  for (const auto& replicas : *placed) {
    ASSERT_EQ(replicas.size(), 3u);
    std::set<std::string> racks;
    for (BrokerId b : replicas) racks.insert(brokers[static_cast<size_t>(b.value() - 1)].rack);
    EXPECT_EQ(racks.size(), 3u);
    leaders.insert(replicas.front());
  }
  EXPECT_EQ(leaders.size(), 6u);
  EXPECT_FALSE(place_replicas(brokers, 1, 7, 0).has_value());
  auto no_racks = place_replicas({{BrokerId(1), ""}, {BrokerId(2), ""}}, 2, 2, 1);
  ASSERT_TRUE(no_racks);
  EXPECT_EQ((*no_racks)[0], ids({2, 1}));
  EXPECT_EQ((*no_racks)[1], ids({1, 2}));
}

TEST(ClusterControl, SessionsExpireAndCaughtUpBrokersAreUnfenced) {
  ClusterControl cc(ClusterControlConfig{9'000});
  MetadataImage img;
  sim::Instant t0 = sim::Instant::epoch();
  auto reg1 = cc.register_broker(img, BrokerRegistrationRequest{BrokerId(1), 11, "", sim::NodeId{5}}, Offset(4), t0);
  ASSERT_EQ(reg1.records.size(), 1u);
  EXPECT_EQ(reg1.response.broker_epoch, BrokerEpoch(4));
  img.apply(reg1.records);
  auto early = cc.heartbeat(img, BrokerHeartbeatRequest{BrokerId(1), BrokerEpoch(4), Offset(4), false}, Offset(5), t0);
  EXPECT_TRUE(early.records.empty()) << "not caught up with its own registration yet";
  EXPECT_TRUE(early.response.is_fenced);
  auto caught = cc.heartbeat(img, BrokerHeartbeatRequest{BrokerId(1), BrokerEpoch(4), Offset(5), false}, Offset(5), t0);
  ASSERT_EQ(caught.records.size(), 1u);
  EXPECT_FALSE(caught.response.is_fenced);
  img.apply(caught.records);
  auto stale = cc.heartbeat(img, BrokerHeartbeatRequest{BrokerId(1), BrokerEpoch(3), Offset(5), false}, Offset(5), t0);
  EXPECT_EQ(stale.response.error, ErrorCode::kStaleBrokerEpoch);
  auto dup = cc.register_broker(img, BrokerRegistrationRequest{BrokerId(1), 12, "", sim::NodeId{5}}, Offset(9), t0);
  EXPECT_EQ(dup.response.error, ErrorCode::kDuplicateBrokerRegistration);
  EXPECT_TRUE(cc.fence_expired(img, t0 + sim::milliseconds(9'000)).empty());
  EXPECT_EQ(cc.fence_expired(img, t0 + sim::milliseconds(9'001)).size(), 1u);
}

// KIP-631 controlled shutdown (Kafka's BrokerHeartbeatManager.calculateNextBrokerState): a
// broker that leads asks to shut down; the controller puts it in controlled shutdown, which
// (through reconcile, as QuorumController writes it in the same batch) moves its leaderships
// to other ISR members and takes it out of every ISR; it may stop only once it leads nothing
// and every active broker has applied that batch.
TEST(ClusterControl, ControlledShutdownMovesLeadersAwayBeforeItIsGranted) {
  ClusterControl cc(ClusterControlConfig{9'000});
  ReplicationControl rc(ReplicationControlConfig{});
  MetadataImage img;
  sim::Instant t0 = sim::Instant::epoch();
  for (int b = 1; b <= 3; ++b) {
    img.apply(RegisterBrokerRecord{BrokerId(b), BrokerEpoch(b), 100u + static_cast<uint64_t>(b), "", sim::NodeId{static_cast<uint32_t>(b)}});
    img.apply(UnfenceBrokerRecord{BrokerId(b), BrokerEpoch(b)});
  }
  img.apply(TopicRecord{"t", 2, {}});
  img.apply(PartitionRecord{TopicPartition{"t", 0}, ids({1, 2, 3}), ids({1, 2, 3}), BrokerId(1), LeaderEpoch(0), PartitionEpoch(0)});
  img.apply(PartitionRecord{TopicPartition{"t", 1}, ids({2, 1, 3}), ids({2, 1, 3}), BrokerId(2), LeaderEpoch(0), PartitionEpoch(0)});
  // Everyone has applied up to offset 10.
  for (int b = 2; b <= 3; ++b) cc.heartbeat(img, BrokerHeartbeatRequest{BrokerId(b), BrokerEpoch(b), Offset(10), false}, Offset(10), t0);

  BrokerHeartbeatRequest ask{BrokerId(1), BrokerEpoch(1), Offset(10), false, true};
  auto first = cc.heartbeat(img, ask, Offset(10), t0);
  ASSERT_EQ(first.records.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<BrokerRegistrationChangeRecord>(first.records[0]));
  EXPECT_TRUE(first.response.in_controlled_shutdown);
  EXPECT_FALSE(first.response.should_shut_down) << "it still leads t/0";
  img.apply(first.records);
  EXPECT_FALSE(img.is_active(BrokerId(1)));
  MetadataBatch moves = rc.reconcile(img, 100);
  ASSERT_EQ(moves.size(), 2u) << "t/0 gets a new leader, t/1 drops broker 1 from its ISR";
  img.apply(moves);
  EXPECT_EQ(img.partition({"t", 0})->leader, BrokerId(2)) << "elected from the ISR";
  EXPECT_FALSE(img.partition({"t", 0})->in_isr(BrokerId(1)));
  EXPECT_FALSE(img.partition({"t", 1})->in_isr(BrokerId(1)));
  // An ISR expansion naming it is refused while it shuts down ("shutting down" in Kafka).
  AlterPartitionRequest expand{BrokerId(2), BrokerEpoch(2), TopicPartition{"t", 1}, img.partition({"t", 1})->leader_epoch,
                               img.partition({"t", 1})->partition_epoch, ids({2, 3, 1})};
  EXPECT_EQ(rc.alter_partition(img, expand).response.error, ErrorCode::kIneligibleReplica);

  // Leads nothing now, but broker 3 has not applied the batch at offset 10 yet.
  auto early = cc.heartbeat(img, ask, Offset(11), t0);
  EXPECT_TRUE(early.records.empty());
  EXPECT_FALSE(early.response.should_shut_down) << "a new leader has not learned it leads";
  cc.heartbeat(img, BrokerHeartbeatRequest{BrokerId(2), BrokerEpoch(2), Offset(11), false}, Offset(11), t0);
  cc.heartbeat(img, BrokerHeartbeatRequest{BrokerId(3), BrokerEpoch(3), Offset(11), false}, Offset(11), t0);
  auto granted = cc.heartbeat(img, ask, Offset(11), t0);
  EXPECT_TRUE(granted.response.should_shut_down);
  ASSERT_EQ(granted.records.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<FenceBrokerRecord>(granted.records[0]));
  img.apply(granted.records);
  // A new registration of it starts out of controlled shutdown.
  img.apply(RegisterBrokerRecord{BrokerId(1), BrokerEpoch(12), 200, "", sim::NodeId{1}});
  EXPECT_FALSE(img.broker(BrokerId(1))->in_controlled_shutdown);
}

TEST(ClusterControl, ABrokerThatLeadsNothingIsLetGoAtOnce) {
  ClusterControl cc(ClusterControlConfig{9'000});
  MetadataImage img;
  img.apply(RegisterBrokerRecord{BrokerId(1), BrokerEpoch(1), 1, "", sim::NodeId{1}});
  img.apply(UnfenceBrokerRecord{BrokerId(1), BrokerEpoch(1)});
  auto r = cc.heartbeat(img, BrokerHeartbeatRequest{BrokerId(1), BrokerEpoch(1), Offset(3), false, true}, Offset(3),
                        sim::Instant::epoch());
  EXPECT_TRUE(r.response.should_shut_down);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<FenceBrokerRecord>(r.records[0]));
}

TEST(MetadataCodec, BrokerRegistrationChangeRoundTrips) {
  MetadataBatch b{BrokerRegistrationChangeRecord{BrokerId(4), BrokerEpoch(9), true}};
  auto back = decode_batch(encode_batch(b));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, b);
  EXPECT_EQ(std::string(record_type_name(b[0])), "BrokerRegistrationChangeRecord");
}

// auto.leader.rebalance.enable: the preferred (first) replica leads again when it is active and
// in the ISR, and only for a broker whose imbalance exceeds leader.imbalance.per.broker.percentage.
TEST(ReplicationControl, PreferredLeadersAreElectedBackPastTheImbalanceThreshold) {
  ReplicationControl rc(ReplicationControlConfig{});
  MetadataImage img;
  for (int b = 1; b <= 3; ++b) {
    img.apply(RegisterBrokerRecord{BrokerId(b), BrokerEpoch(b), 1, "", sim::NodeId{static_cast<uint32_t>(b)}});
    img.apply(UnfenceBrokerRecord{BrokerId(b), BrokerEpoch(b)});
  }
  img.apply(TopicRecord{"t", 4, {}});
  // Broker 1 is preferred for p0..p2 but leads only p0; p3's preferred broker 2 leads it.
  img.apply(PartitionRecord{TopicPartition{"t", 0}, ids({1, 2, 3}), ids({1, 2, 3}), BrokerId(1), LeaderEpoch(0), PartitionEpoch(0)});
  img.apply(PartitionRecord{TopicPartition{"t", 1}, ids({1, 2, 3}), ids({1, 2, 3}), BrokerId(2), LeaderEpoch(3), PartitionEpoch(5)});
  img.apply(PartitionRecord{TopicPartition{"t", 2}, ids({1, 3, 2}), ids({3, 2}), BrokerId(3), LeaderEpoch(1), PartitionEpoch(1)});
  img.apply(PartitionRecord{TopicPartition{"t", 3}, ids({2, 1, 3}), ids({2, 1, 3}), BrokerId(2), LeaderEpoch(0), PartitionEpoch(0)});
  MetadataBatch b = rc.balance_leaders(img, 10, 100);
  ASSERT_EQ(b.size(), 1u) << "p2's preferred replica is out of the ISR: not electable";
  const auto& rec = std::get<PartitionChangeRecord>(b[0]);
  EXPECT_EQ(rec.tp, (TopicPartition{"t", 1}));
  EXPECT_EQ(rec.leader, BrokerId(1));
  EXPECT_EQ(rec.leader_epoch, LeaderEpoch(4));
  EXPECT_EQ(rec.partition_epoch, PartitionEpoch(6));
  EXPECT_TRUE(rc.balance_leaders(img, 67, 100).empty()) << "2 of 3 not led is 66%: under the threshold";
  img.apply(b);
  EXPECT_EQ(img.partition({"t", 1})->leader, BrokerId(1));
  img.apply(FenceBrokerRecord{BrokerId(1), BrokerEpoch(1)});
  EXPECT_TRUE(rc.balance_leaders(img, 0, 100).empty()) << "a fenced preferred replica is not elected";
}

}  // namespace
}  // namespace broker_model
