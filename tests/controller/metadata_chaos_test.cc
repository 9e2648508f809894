// The whole metadata plane under faults: 3 controllers and 3 brokers are crashed,
// restarted, paused and cut off while an admin client keeps creating topics; then the
// cluster is healed and must converge: one active controller, every broker registered and
// unfenced, every partition led, and every broker's and controller's image equal to the
// active controller's. The quorum checker watches throughout; the model's own assertions
// (epochs only grow, leaders in the ISR, ...) run in every image on every node.
#include <gtest/gtest.h>

#include "broker_model/controller/admin_client.h"
#include "faults/random_faults.h"
#include "tests/controller/controller_cluster.h"
#include "tests/controller/raft_safety_checker.h"

namespace broker_model::testing {
namespace {

constexpr int kControllers = 3;
constexpr int kBrokers = 3;

void nemesis_step(ControllerCluster& c, sim::Prng& p) {
  int nodes = kControllers + kBrokers;  // the admin node is left alone
  sim::NodeId n{static_cast<uint32_t>(p.below(static_cast<uint64_t>(nodes)))};
  sim::World& w = c.world();
  if (p.below(8) != 0) {
    faults::apply(w, faults::random_node_fault(p, n, w.now()));
  } else if (ControllerServer* active = c.active_controller()) {
    w.crash(active->raft().id());
  }
}

// What must hold once the healed cluster settled; empty when it does.
std::string unconverged(ControllerCluster& c) {
  ControllerServer* active = c.active_controller();
  if (active == nullptr) return "no single active controller";
  const MetadataImage& img = active->controller().image();
  for (int i = 0; i < kBrokers; ++i) {
    BrokerProcess* b = c.broker(i);
    if (b == nullptr || !b->lifecycle.registered() || b->lifecycle.fenced()) return "broker " + std::to_string(i) + " not up";
    if (!img.is_active(c.broker_id(i))) return "broker " + std::to_string(i) + " fenced in the image";
    if (b->metadata.image() != img) return "broker " + std::to_string(i) + " image differs";
  }
  for (int i = 0; i < kControllers; ++i)
    if (c.controller(i) == nullptr || c.controller(i)->controller().image() != img)
      return "controller " + std::to_string(i) + " image differs";
  for (const auto& [tp, p] : img.partitions())
    if (!p.has_leader()) return tp.str() + " has no leader";
  return "";
}

struct ChaosResult {
  std::string problem;  // empty: converged
  std::string violations;
  size_t topics = 0;
  size_t leaders = 0;
};

ChaosResult run_chaos(uint64_t seed, bool fast) {
  RaftSafetyChecker checker;
  ClusterOptions o;
  o.seed = seed;
  if (fast) {
    // Elections in a few hundred ms, sessions of 1.5 s, a lossy network: many failovers.
    o.raft.fetch_timeout_ms = 300;
    o.raft.election_timeout_ms = 150;
    o.raft.heartbeat_interval_ms = 50;
    o.raft.request_timeout_ms = 100;
    o.controller.cluster.broker_session_timeout_ms = 1'500;
    o.broker_heartbeat_interval_ms = 300;
    o.loss = 0.02;
    o.duplicate = 0.01;
  }
  o.checker = &checker;
  o.racks = {"a", "b", "c"};
  ControllerCluster c(o);
  c.run_for(sim::milliseconds(1));  // boot
  bool posted = c.admin([](AdminProcess& a) {
    sim::NodeContext& ctx = a.rpc.context();
    for (int k = 0;; ++k) {
      ctx.sleep_for(sim::milliseconds(ctx.prng().int_in_range(300, 1'500)));
      int16_t rf = static_cast<int16_t>(ctx.prng().int_in_range(1, 4));
      std::map<std::string, std::string> configs;
      if (ctx.prng().chance(0.5)) configs["unclean.leader.election.enable"] = "true";
      create_topics(a.channel, {CreatableTopic{"t" + std::to_string(k), 2, rf, configs}});
    }
  });
  EDDY_CHECK(posted);
  c.world().spawn("nemesis", [&c] {
    sim::Prng p = c.world().fork_prng("nemesis");
    sim::Instant end = c.world().now() + sim::seconds(30);
    while (c.world().now() < end) {
      sim::this_fiber::sleep_for(sim::milliseconds(p.int_in_range(100, 2'000)));
      nemesis_step(c, p);
    }
    c.world().net().heal();
    for (int i = 0; i < kControllers + kBrokers; ++i) {
      c.world().resume(sim::NodeId{static_cast<uint32_t>(i)});
      c.world().start(sim::NodeId{static_cast<uint32_t>(i)});
    }
  });
  c.run_for(sim::seconds(31));
  ChaosResult r;
  constexpr int kPolls = 600;  // 60 s of healed time at most
  for (int i = 0; i < kPolls; ++i) {
    c.run_for(sim::milliseconds(100));
    r.problem = unconverged(c);
    if (r.problem.empty()) break;
  }
  if (ControllerServer* a = c.active_controller()) r.topics = a->controller().image().topics().size();
  r.leaders = checker.leaders_elected();
  if (!checker.ok()) r.violations = checker.summary();
  return r;
}

void chaos_sweep(bool fast, uint64_t first_seed) {
  uint64_t seeds = std::max<uint64_t>(1, seeds_from_env(100) / 5);
  size_t topics = 0;
  size_t leaders = 0;
  for (uint64_t seed = first_seed; seed < first_seed + seeds; ++seed) {
    ChaosResult r = run_chaos(seed, fast);
    ASSERT_EQ(r.violations, "") << "seed " << seed;
    ASSERT_EQ(r.problem, "") << "seed " << seed << " did not converge after healing";
    topics += r.topics;
    leaders += r.leaders;
  }
  EXPECT_GT(topics, seeds * 5);
  std::printf("[ chaos    ] %s timeouts, %llu seeds: %zu topics created, %zu quorum leaders elected\n",
              fast ? "fast" : "Kafka", static_cast<unsigned long long>(seeds), topics, leaders);
}

TEST(MetadataChaos, HealedClusterConvergesAfterFaults) { chaos_sweep(false, 1); }

TEST(MetadataChaos, FastTimeoutsLossyNetworkConverge) { chaos_sweep(true, 500'001); }

}  // namespace
}  // namespace broker_model::testing
