// The metadata plane end to end: three controllers, three brokers, an admin client.
// Brokers register and heartbeat; CreateTopics places RF-3 partitions across racks; a
// crashed broker is fenced after broker.session.timeout.ms and its partitions move to
// another ISR member with a higher leader epoch; brokers' images converge to the
// controller's; AlterPartition with stale epochs is rejected; unclean leader election only
// happens where it is enabled; a controller failover keeps the cluster served; producer id
// blocks never overlap.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "broker_model/controller/admin_client.h"
#include "broker_model/controller/producer_id_control.h"
#include "tests/controller/controller_cluster.h"
#include "tests/controller/raft_safety_checker.h"

namespace broker_model::testing {
namespace {

using sim::milliseconds;
using sim::seconds;

std::vector<BrokerId> without(std::vector<BrokerId> v, BrokerId b) {
  v.erase(std::remove(v.begin(), v.end(), b), v.end());
  return v;
}

bool contains(const std::vector<BrokerId>& v, BrokerId b) { return std::find(v.begin(), v.end(), b) != v.end(); }

// Every live broker's image equals the active controller's committed image.
void expect_images_converged(ControllerCluster& c, int brokers) {
  ControllerServer* active = c.active_controller();
  ASSERT_NE(active, nullptr);
  for (int i = 0; i < brokers; ++i) {
    BrokerProcess* b = c.broker(i);
    if (b == nullptr) continue;
    EXPECT_EQ(b->metadata.image(), active->controller().image())
        << "broker " << i << ":\n" << b->metadata.image().dump() << "controller:\n" << active->controller().image().dump();
  }
}

const PartitionRegistration& partition(ControllerCluster& c, const std::string& topic, int32_t p) {
  const PartitionRegistration* r = c.active_controller()->controller().image().partition(TopicPartition{topic, p});
  EDDY_CHECK(r != nullptr);
  return *r;
}

std::optional<CreateTopicsResponse> create(ControllerCluster& c, CreatableTopic t) {
  std::optional<CreateTopicsResponse> out;
  EXPECT_TRUE(c.admin([&out, t](AdminProcess& a) { out = create_topics(a.channel, {t}); }));
  c.run_for(seconds(2));
  return out;
}

class MetadataFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    ClusterOptions o;
    o.racks = {"rack-a", "rack-b", "rack-c"};
    o.checker = &checker_;
    cluster_ = std::make_unique<ControllerCluster>(o);
    cluster_->run_for(seconds(10));
  }
  void TearDown() override { EXPECT_TRUE(checker_.ok()) << checker_.summary(); }

  RaftSafetyChecker checker_;  // outlives the cluster
  std::unique_ptr<ControllerCluster> cluster_;
};

TEST_F(MetadataFlow, BrokersRegisterAndCreateTopicsPlacesReplicasAcrossRacks) {
  ControllerCluster& c = *cluster_;
  ControllerServer* active = c.active_controller();
  ASSERT_NE(active, nullptr);
  const MetadataImage& img = active->controller().image();
  ASSERT_EQ(img.brokers().size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const BrokerRegistration* b = img.broker(c.broker_id(i));
    ASSERT_NE(b, nullptr);
    EXPECT_FALSE(b->fenced);
    EXPECT_EQ(b->endpoint, c.broker_node(i));
    EXPECT_EQ(b->rack, std::string("rack-") + static_cast<char>('a' + i));
    EXPECT_TRUE(c.broker(i)->lifecycle.registered());
    EXPECT_FALSE(c.broker(i)->lifecycle.fenced());
    EXPECT_EQ(c.broker(i)->lifecycle.broker_epoch(), b->epoch);
  }

  auto ok = create(c, CreatableTopic{"orders", 3, 3, {}});
  auto dup = create(c, CreatableTopic{"orders", 1, 1, {}});
  auto wide = create(c, CreatableTopic{"wide", 1, 4, {}});
  auto none = create(c, CreatableTopic{"empty", 0, 1, {}});
  ASSERT_TRUE(ok && dup && wide && none);
  EXPECT_EQ(ok->topics.at(0).error, ErrorCode::kNone);
  EXPECT_EQ(dup->topics.at(0).error, ErrorCode::kTopicAlreadyExists);
  EXPECT_EQ(wide->topics.at(0).error, ErrorCode::kInvalidReplicationFactor);
  EXPECT_EQ(none->topics.at(0).error, ErrorCode::kInvalidPartitions);

  std::set<BrokerId> leaders;
  for (int32_t p = 0; p < 3; ++p) {
    const PartitionRegistration& r = partition(c, "orders", p);
    ASSERT_EQ(r.replicas.size(), 3u);
    std::set<std::string> racks;
    for (BrokerId b : r.replicas) racks.insert(img.broker(b)->rack);
    EXPECT_EQ(racks.size(), 3u) << "replicas must sit in distinct racks";
    EXPECT_EQ(r.isr, r.replicas);
    EXPECT_EQ(r.leader, r.replicas.front());
    EXPECT_EQ(r.leader_epoch, LeaderEpoch(0));
    EXPECT_EQ(r.partition_epoch, PartitionEpoch(0));
    leaders.insert(r.leader);
  }
  EXPECT_EQ(leaders.size(), 3u) << "round-robin placement spreads the leaders";
  EXPECT_EQ(img.topic("wide"), nullptr);
  expect_images_converged(c, 3);
}

TEST_F(MetadataFlow, CrashedBrokerIsFencedAfterTheSessionTimeoutAndItsPartitionsMove) {
  ControllerCluster& c = *cluster_;
  ASSERT_EQ(create(c, CreatableTopic{"orders", 3, 3, {}})->topics.at(0).error, ErrorCode::kNone);
  const PartitionRegistration before = partition(c, "orders", 0);
  BrokerId victim = before.leader;
  c.world().crash(c.broker_node(c.broker_index(victim)));

  // Its last heartbeat was at most broker.heartbeat.interval.ms (2 s) before the crash.
  c.run_for(milliseconds(6'900));
  EXPECT_TRUE(c.active_controller()->controller().image().is_active(victim)) << "fenced before its session expired";
  c.run_for(milliseconds(2'300));
  const MetadataImage& img = c.active_controller()->controller().image();
  EXPECT_FALSE(img.is_active(victim)) << "not fenced after broker.session.timeout.ms";

  const PartitionRegistration& after = partition(c, "orders", 0);
  EXPECT_NE(after.leader, victim);
  EXPECT_TRUE(contains(before.isr, after.leader));
  EXPECT_EQ(after.leader_epoch, LeaderEpoch(before.leader_epoch.value() + 1));
  EXPECT_EQ(after.partition_epoch, PartitionEpoch(before.partition_epoch.value() + 1));
  EXPECT_EQ(after.isr, without(before.isr, victim));
  EXPECT_FALSE(after.last_election_unclean);
  for (const auto& [tp, p] : img.partitions()) {
    EXPECT_NE(p.leader, victim) << tp.str();
    EXPECT_FALSE(p.in_isr(victim)) << tp.str();
  }
  c.run_for(milliseconds(500));
  expect_images_converged(c, 3);

  // The restarted broker registers again with a new epoch, catches up and is unfenced.
  BrokerEpoch old_epoch = img.broker(victim)->epoch;
  c.world().start(c.broker_node(c.broker_index(victim)));
  c.run_for(seconds(3));
  const BrokerRegistration* back = c.active_controller()->controller().image().broker(victim);
  EXPECT_GT(back->epoch, old_epoch);
  EXPECT_FALSE(back->fenced);
  EXPECT_FALSE(c.broker(c.broker_index(victim))->lifecycle.fenced());
}

TEST_F(MetadataFlow, AlterPartitionChecksTheLeaderAndTheEpochs) {
  ControllerCluster& c = *cluster_;
  ASSERT_EQ(create(c, CreatableTopic{"orders", 1, 3, {}})->topics.at(0).error, ErrorCode::kNone);
  const PartitionRegistration p = partition(c, "orders", 0);
  TopicPartition tp{"orders", 0};
  int leader = c.broker_index(p.leader);
  int follower = c.broker_index(p.replicas.at(1));
  std::map<std::string, std::optional<AlterPartitionResponse>> got;
  auto alter = [&](const std::string& name, int broker, LeaderEpoch le, PartitionEpoch pe, std::vector<BrokerId> isr) {
    EXPECT_TRUE(c.on_broker(broker, [&got, name, tp, le, pe, isr](BrokerProcess& b) {
      b.lifecycle.alter_partition(tp, le, pe, isr, [&got, name](std::optional<AlterPartitionResponse> r) { got[name] = r; });
    }));
    c.run_for(seconds(1));
  };
  alter("stale partition epoch", leader, p.leader_epoch, PartitionEpoch(p.partition_epoch.value() - 1), {p.leader});
  alter("stale leader epoch", leader, LeaderEpoch(p.leader_epoch.value() - 1), p.partition_epoch, {p.leader});
  alter("not the leader", follower, p.leader_epoch, p.partition_epoch, {p.replicas.at(1), p.leader});
  alter("leader left out", leader, p.leader_epoch, p.partition_epoch, {p.replicas.at(1)});
  alter("shrink", leader, p.leader_epoch, p.partition_epoch, {p.leader});
  for (const auto& [name, r] : got) ASSERT_TRUE(r.has_value()) << name;
  EXPECT_EQ(got["stale partition epoch"]->error, ErrorCode::kInvalidUpdateVersion);
  EXPECT_EQ(got["stale leader epoch"]->error, ErrorCode::kFencedLeaderEpoch);
  EXPECT_EQ(got["not the leader"]->error, ErrorCode::kInvalidRequest);
  EXPECT_EQ(got["leader left out"]->error, ErrorCode::kInvalidRequest);
  ASSERT_EQ(got["shrink"]->error, ErrorCode::kNone);
  EXPECT_EQ(got["shrink"]->isr, std::vector<BrokerId>{p.leader});
  EXPECT_EQ(got["shrink"]->partition_epoch, PartitionEpoch(p.partition_epoch.value() + 1));
  EXPECT_EQ(got["shrink"]->leader_epoch, p.leader_epoch);
  EXPECT_EQ(partition(c, "orders", 0).isr, std::vector<BrokerId>{p.leader});

  // The old epoch is stale now; the new one works (the ISR grows back).
  PartitionEpoch next(p.partition_epoch.value() + 1);
  alter("replayed", leader, p.leader_epoch, p.partition_epoch, p.replicas);
  alter("expand", leader, p.leader_epoch, next, p.replicas);
  EXPECT_EQ(got["replayed"]->error, ErrorCode::kInvalidUpdateVersion);
  EXPECT_EQ(got["expand"]->error, ErrorCode::kNone);
  EXPECT_EQ(partition(c, "orders", 0).isr, p.replicas);
  expect_images_converged(c, 3);
}

TEST_F(MetadataFlow, UncleanLeaderElectionOnlyWhereEnabled) {
  ControllerCluster& c = *cluster_;
  ASSERT_EQ(create(c, CreatableTopic{"clean", 1, 3, {}})->topics.at(0).error, ErrorCode::kNone);
  ASSERT_EQ(create(c, CreatableTopic{"dirty", 1, 3, {{"unclean.leader.election.enable", "true"}}})->topics.at(0).error,
            ErrorCode::kNone);
  // Each leader shrinks its ISR to itself (its followers fell behind), then dies.
  std::set<BrokerId> dead;
  for (const char* topic : {"clean", "dirty"}) {
    const PartitionRegistration p = partition(c, topic, 0);
    EXPECT_TRUE(c.on_broker(c.broker_index(p.leader), [p, topic](BrokerProcess& b) {
      b.lifecycle.alter_partition(TopicPartition{topic, 0}, p.leader_epoch, p.partition_epoch, {p.leader}, [](auto) {});
    }));
    c.run_for(seconds(1));
    ASSERT_EQ(partition(c, topic, 0).isr, std::vector<BrokerId>{p.leader});
    dead.insert(p.leader);
  }
  BrokerId clean_leader = partition(c, "clean", 0).leader;
  for (BrokerId b : dead) c.world().crash(c.broker_node(c.broker_index(b)));
  c.run_for(seconds(12));

  const PartitionRegistration& clean = partition(c, "clean", 0);
  EXPECT_EQ(clean.leader, kNoBroker) << "no live ISR member and unclean election disabled: offline";
  // KIP-966 (eligible leader replicas, on by default): the ISR empties, the last member is an
  // eligible leader (min.insync.replicas 1: nobody else left the ISR below it) and the last
  // known leader.
  EXPECT_TRUE(clean.isr.empty());
  EXPECT_EQ(clean.elr, std::vector<BrokerId>{clean_leader});
  EXPECT_EQ(clean.last_known_elr, std::vector<BrokerId>{clean_leader});
  const PartitionRegistration& dirty = partition(c, "dirty", 0);
  ASSERT_NE(dirty.leader, kNoBroker);
  EXPECT_EQ(dead.count(dirty.leader), 0u);
  EXPECT_TRUE(dirty.last_election_unclean);
  EXPECT_EQ(dirty.isr, std::vector<BrokerId>{dirty.leader});

  // Brokers saw an unclean election for "dirty" and none for "clean".
  for (int i = 0; i < 3; ++i) {
    BrokerProcess* b = c.broker(i);
    if (b == nullptr) continue;
    int unclean_dirty = 0;
    for (const auto& [o, r] : b->applied) {
      const auto* change = std::get_if<PartitionChangeRecord>(&r);
      if (change == nullptr || !change->unclean_election) continue;
      EXPECT_EQ(change->tp.topic, "dirty");
      ++unclean_dirty;
    }
    EXPECT_EQ(unclean_dirty, 1);
  }

  // The clean partition's last ISR member comes back. Its registration carries no proof of a
  // clean shutdown, so it leaves the ELR; ISR and ELR are then empty and it leads again as the
  // last known leader, which Kafka counts as an unclean election (LeaderRecoveryState
  // RECOVERING): nobody else could have had more.
  LeaderEpoch offline_epoch = clean.leader_epoch;
  c.world().start(c.broker_node(c.broker_index(clean_leader)));
  c.run_for(seconds(4));
  const PartitionRegistration& back = partition(c, "clean", 0);
  EXPECT_EQ(back.leader, clean_leader);
  EXPECT_EQ(back.leader_epoch, LeaderEpoch(offline_epoch.value() + 1));
  EXPECT_TRUE(back.last_election_unclean);
  EXPECT_EQ(back.isr, std::vector<BrokerId>{clean_leader});
  EXPECT_TRUE(back.elr.empty());
  EXPECT_TRUE(back.last_known_elr.empty());
  expect_images_converged(c, 3);
}

TEST_F(MetadataFlow, NonActiveControllersAnswerNotControllerWithTheLeader) {
  ControllerCluster& c = *cluster_;
  ControllerServer* active = c.active_controller();
  ASSERT_NE(active, nullptr);
  sim::NodeId leader = active->raft().id();
  std::vector<std::optional<sim::Payload>> answers(3);
  EXPECT_TRUE(c.admin([&](AdminProcess& a) {
    for (int i = 0; i < 3; ++i)
      answers[static_cast<size_t>(i)] = a.rpc.call(c.controller_node(i), kCreateTopicsRpc, 64,
                                                   CreateTopicsRequest{{CreatableTopic{"t" + std::to_string(i), 1, 1, {}}}},
                                                   seconds(1));
  }));
  c.run_for(seconds(2));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(answers[static_cast<size_t>(i)].has_value());
    const auto& r = sim::payload_cast<const CreateTopicsResponse&>(*answers[static_cast<size_t>(i)]);
    if (c.controller_node(i) == leader) {
      EXPECT_EQ(r.error, ErrorCode::kNone);
    } else {
      EXPECT_EQ(r.error, ErrorCode::kNotController);
      EXPECT_EQ(r.leader_hint, leader);
    }
  }
}

TEST_F(MetadataFlow, ControllerFailoverKeepsBrokersRegisteredAndServed) {
  ControllerCluster& c = *cluster_;
  ASSERT_EQ(create(c, CreatableTopic{"before", 2, 3, {}})->topics.at(0).error, ErrorCode::kNone);
  ControllerServer* old = c.active_controller();
  ASSERT_NE(old, nullptr);
  sim::NodeId old_node = old->raft().id();
  c.world().crash(old_node);
  c.run_for(seconds(6));
  ControllerServer* now = c.active_controller();
  ASSERT_NE(now, nullptr);
  EXPECT_NE(now->raft().id(), old_node);
  // Sessions restarted with the new controller: nobody was fenced.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(now->controller().image().is_active(c.broker_id(i)));
  auto after = create(c, CreatableTopic{"after", 2, 3, {}});
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->topics.at(0).error, ErrorCode::kNone);
  EXPECT_NE(now->controller().image().topic("before"), nullptr);
  c.world().start(old_node);
  c.run_for(seconds(3));
  expect_images_converged(c, 3);
  EXPECT_EQ(c.controller(static_cast<int>(old_node.value))->controller().image(), now->controller().image());
}

// AllocateProducerIds: blocks come from the metadata log, so they never overlap, not across
// brokers, not across a controller failover, and a stale broker epoch gets none.
TEST_F(MetadataFlow, ProducerIdBlocksAreUniqueAcrossBrokersAndControllerFailover) {
  ControllerCluster& c = *cluster_;
  std::vector<std::pair<int64_t, int64_t>> blocks;  // [start, end)
  auto allocate = [&](int broker, BrokerEpoch epoch) {
    std::optional<AllocateProducerIdsResponse> resp;
    EXPECT_TRUE(c.on_broker(broker, [&](BrokerProcess& b) {
      resp = b.channel.call<AllocateProducerIdsResponse>(
          kAllocateProducerIdsRpc, kAllocateProducerIdsRequestBytes,
          AllocateProducerIdsRequest{c.broker_id(broker), epoch});
    }));
    c.run_for(seconds(2));
    return resp;
  };
  auto current_epoch = [&](int broker) { return c.broker(broker)->lifecycle.broker_epoch(); };
  for (int round = 0; round < 2; ++round) {
    for (int b = 0; b < 3; ++b) {
      auto r = allocate(b, current_epoch(b));
      ASSERT_TRUE(r.has_value());
      ASSERT_EQ(r->error, ErrorCode::kNone);
      EXPECT_EQ(r->producer_id_len, ProducerIdControl::kBlockSize);
      blocks.emplace_back(r->producer_id_start, r->producer_id_start + r->producer_id_len);
    }
    if (round == 0) {  // the active controller dies; its successor continues from the log
      ControllerServer* old = c.active_controller();
      ASSERT_NE(old, nullptr);
      c.world().crash(old->raft().id());
      c.run_for(seconds(6));
      ASSERT_NE(c.active_controller(), nullptr);
    }
  }
  std::sort(blocks.begin(), blocks.end());
  for (size_t i = 1; i < blocks.size(); ++i) EXPECT_LE(blocks[i - 1].second, blocks[i].first) << "overlap at " << i;
  EXPECT_EQ(c.active_controller()->controller().image().next_producer_id(), blocks.back().second);
  auto stale = allocate(0, BrokerEpoch(current_epoch(0).value() - 1));
  ASSERT_TRUE(stale.has_value());
  EXPECT_EQ(stale->error, ErrorCode::kStaleBrokerEpoch);
  EXPECT_EQ(stale->producer_id_len, 0);
}

TEST_F(MetadataFlow, RestartedBrokerWaitsForItsOldSessionBeforeRegisteringAgain) {
  ControllerCluster& c = *cluster_;
  BrokerEpoch first = c.broker(0)->lifecycle.broker_epoch();
  c.world().restart(c.broker_node(0));
  c.run_for(seconds(3));
  // The old incarnation's session is still alive: DUPLICATE_BROKER_REGISTRATION, retried.
  EXPECT_FALSE(c.broker(0)->lifecycle.registered());
  c.run_for(seconds(9));
  ASSERT_TRUE(c.broker(0)->lifecycle.registered());
  EXPECT_GT(c.broker(0)->lifecycle.broker_epoch(), first);
  EXPECT_FALSE(c.broker(0)->lifecycle.fenced());
  EXPECT_TRUE(c.active_controller()->controller().image().is_active(c.broker_id(0)));
}

}  // namespace
}  // namespace broker_model::testing
