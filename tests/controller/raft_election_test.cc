// Elections of the controller quorum with Kafka's timeouts: three controllers elect exactly
// one leader; when it crashes another takes over in a higher term; a restarted member
// recovers its term, vote and log from its disk before it hears from anyone.
#include <gtest/gtest.h>

#include "tests/controller/controller_cluster.h"
#include "tests/controller/raft_safety_checker.h"

namespace broker_model::testing {
namespace {

struct QuorumView {
  int leaders = 0;
  std::optional<sim::NodeId> leader;
  Term term{0};
  bool agree = true;  // every live member has the same term and leader
};

QuorumView view(ControllerCluster& c, int controllers) {
  QuorumView v;
  bool first = true;
  for (int i = 0; i < controllers; ++i) {
    ControllerServer* s = c.controller(i);
    if (s == nullptr) continue;
    if (s->raft().is_leader()) ++v.leaders;
    if (first) {
      v.leader = s->raft().leader();
      v.term = s->raft().term();
      first = false;
    } else if (s->raft().leader() != v.leader || s->raft().term() != v.term) {
      v.agree = false;
    }
  }
  return v;
}

TEST(RaftElection, ThreeControllersElectOneLeaderThenFailOverAndRecoverFromDisk) {
  RaftSafetyChecker checker;
  ClusterOptions o;
  o.checker = &checker;  // three brokers register and heartbeat: the log has real records
  ControllerCluster c(o);
  c.run_for(sim::seconds(6));
  QuorumView v1 = view(c, 3);
  ASSERT_EQ(v1.leaders, 1);
  ASSERT_TRUE(v1.agree);
  ASSERT_TRUE(v1.leader.has_value());
  ASSERT_EQ(c.active_controller_count(), 1);
  int old = static_cast<int>(v1.leader->value);

  // What the old leader has on disk when it dies.
  RaftNode& r = c.controller(old)->raft();
  ElectionState before{r.term(), r.voted_for()};
  Offset durable = r.durable_end_offset();
  std::vector<LogEntry> durable_entries;
  for (Offset o2{0}; o2 < durable; o2 = o2 + 1) durable_entries.push_back(r.log().entry(o2));
  ASSERT_GT(durable.value(), 3);
  c.world().crash(c.controller_node(old));

  c.run_for(sim::seconds(8));
  QuorumView v2 = view(c, 3);
  ASSERT_EQ(v2.leaders, 1);
  ASSERT_TRUE(v2.agree);
  EXPECT_NE(v2.leader, v1.leader);
  EXPECT_GT(v2.term, v1.term);
  ASSERT_EQ(c.active_controller_count(), 1);

  // Restart the old leader cut off from everyone: what it has comes from its disk alone.
  c.world().net().isolate(c.controller_node(old));
  c.world().start(c.controller_node(old));
  c.run_for(sim::milliseconds(50));
  ControllerServer* restarted = c.controller(old);
  ASSERT_NE(restarted, nullptr);
  ASSERT_TRUE(restarted->raft().recovered());
  EXPECT_EQ(restarted->raft().term(), before.term);
  EXPECT_EQ(restarted->raft().voted_for(), before.voted_for);
  ASSERT_GE(restarted->raft().log_end_offset(), durable);
  for (const LogEntry& e : durable_entries) EXPECT_EQ(restarted->raft().log().entry(e.offset), e);

  // Healed, it follows the new leader and catches up.
  c.world().net().heal();
  c.run_for(sim::seconds(5));
  QuorumView v3 = view(c, 3);
  EXPECT_EQ(v3.leaders, 1);
  EXPECT_TRUE(v3.agree);
  EXPECT_EQ(restarted->raft().leader(), v3.leader);
  ControllerServer* leader = c.controller(static_cast<int>(v3.leader->value));
  EXPECT_EQ(restarted->raft().high_watermark(), leader->raft().high_watermark());
  // The new active controller rebuilt its image from the log: the brokers are all there.
  EXPECT_EQ(leader->controller().image().brokers().size(), 3u);
  EXPECT_EQ(restarted->controller().image(), leader->controller().image());
  EXPECT_TRUE(checker.ok()) << checker.summary();
  std::printf("[ election ] leader n%u term %lld -> n%u term %lld; restarted member recovered term %lld, %lld entries\n",
              v1.leader->value, static_cast<long long>(v1.term.value()), v3.leader->value,
              static_cast<long long>(v3.term.value()), static_cast<long long>(before.term.value()),
              static_cast<long long>(durable.value()));
}

TEST(RaftElection, SingleVoterLeadsAloneAndRecoversItsLog) {
  RaftSafetyChecker checker;
  ClusterOptions o;
  o.controllers = 1;
  o.brokers = 1;
  o.checker = &checker;
  ControllerCluster c(o);
  c.run_for(sim::seconds(3));
  ASSERT_NE(c.active_controller(), nullptr);
  ASSERT_TRUE(c.broker(0)->lifecycle.registered());
  Offset hw = c.controller(0)->raft().high_watermark();
  c.world().restart(c.controller_node(0));
  c.run_for(sim::seconds(3));
  ControllerServer* s = c.active_controller();
  ASSERT_NE(s, nullptr);
  EXPECT_GT(s->raft().high_watermark(), hw);  // the old log plus a new term's entries
  EXPECT_EQ(s->controller().image().brokers().size(), 1u);
  EXPECT_TRUE(checker.ok()) << checker.summary();
}

}  // namespace
}  // namespace broker_model::testing

namespace broker_model::testing {
namespace {

// A state machine's writer proposes on the leader and blocks until its offset commits.
TEST(RaftElection, ProposerWaitsForItsOffsetToCommit) {
  struct Member {
    Member(sim::NodeContext& ctx, const std::vector<sim::NodeId>& voters)
        : rpc(ctx), raft(ctx, rpc, voters, RaftConfig{}) {}
    RpcEndpoint rpc;
    RaftNode raft;
  };
  struct Waited {
    Offset offset;
    bool committed;
    Offset high_watermark;
  };
  std::vector<Waited> waited;
  sim::World w(sim::WorldConfig{});
  std::vector<sim::NodeId> voters{sim::NodeId{0}, sim::NodeId{1}, sim::NodeId{2}};
  for (sim::NodeId n : voters) {
    w.add_node(n.str(), [&voters, &waited](sim::NodeContext& ctx) {
      Member& m = ctx.make<Member>(ctx, voters);
      m.raft.start();
      m.rpc.start([&m](const RequestInfo& info, sim::Payload&& body) { m.raft.handle(info, body); });
      for (int i = 0; i < 50 && waited.size() < 5; ++i) {
        ctx.sleep_for(sim::milliseconds(200));
        std::optional<Offset> o = m.raft.propose(NoOpRecord{});
        if (!o) continue;
        bool committed = m.raft.wait_for_commit(*o, sim::seconds(1));
        waited.push_back(Waited{*o, committed, m.raft.high_watermark()});
      }
    });
    w.start(n);
  }
  w.run(sim::Instant::epoch() + sim::seconds(15));
  ASSERT_EQ(waited.size(), 5u);
  for (const Waited& x : waited) {
    EXPECT_TRUE(x.committed);
    EXPECT_GT(x.high_watermark, x.offset);
  }
}

}  // namespace
}  // namespace broker_model::testing
