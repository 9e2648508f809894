// The fault catalogue: every kind has one spelling and one entry, and every kind has its
// effect on a small world (links cut or degraded, disks failing, clocks moved, fault points
// firing) and its undo puts back exactly what it changed. The nemesis and swarm draws are
// reproducible from the seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "faults/fault_catalogue.h"
#include "faults/fault_injector.h"
#include "faults/nemesis.h"
#include "sim/fault_point.h"
#include "sim/world/world.h"

namespace faults {
namespace {

using sim::NodeId;

constexpr int kLastKind = static_cast<int>(FaultKind::kFaultPointsOff);

TEST(FaultCatalogue, EveryKindHasOneEntryAndOneSpelling) {
  std::set<std::string> names;
  for (int k = 0; k <= kLastKind; ++k) {
    const FaultKindInfo& i = info(static_cast<FaultKind>(k));
    EXPECT_EQ(static_cast<int>(i.kind), k);
    EXPECT_TRUE(names.insert(i.name).second) << i.name;
    EXPECT_EQ(fault_kind_from_name(i.name), i.kind);
    EXPECT_EQ((i.required & ~i.params), 0u) << i.name << ": a required parameter must be allowed";
  }
  EXPECT_EQ(fault_catalogue().size(), static_cast<size_t>(kLastKind + 1));
  EXPECT_FALSE(fault_kind_from_name("explode").has_value());
}

// A world of `n` idle nodes, each waiting on its inbox.
struct SmallWorld {
  explicit SmallWorld(int n, uint64_t seed = 1) : world(config(seed)) {
    for (int i = 0; i < n; ++i) {
      nodes.push_back(world.add_node("n" + std::to_string(i), [](sim::NodeContext& ctx) { ctx.receive(); }));
      world.start(nodes.back());
    }
    injector = std::make_unique<FaultInjector>(world, world.fork_prng("test"), nodes);
    injector->capture_link_baseline();
  }
  static sim::WorldConfig config(uint64_t seed) {
    sim::WorldConfig c;
    c.seed = seed;
    return c;
  }
  FaultAction action(FaultKind k, std::vector<NodeId> a = {}, std::vector<NodeId> b = {}) {
    return FaultAction{k, world.now(), std::move(a), std::move(b), {}, {}};
  }
  int cut_pairs() {
    int n = 0;
    for (NodeId a : nodes)
      for (NodeId b : nodes)
        if (a != b && !world.net().reachable(a, b)) ++n;
    return n;
  }
  // Nodes `a` reaches (itself included).
  std::set<uint32_t> reach(NodeId a) {
    std::set<uint32_t> out;
    for (NodeId b : nodes)
      if (a == b || world.net().reachable(a, b)) out.insert(b.value);
    return out;
  }
  sim::World world;
  std::vector<NodeId> nodes;
  std::unique_ptr<FaultInjector> injector;
};

NodeId id(uint32_t n) { return NodeId{n}; }

TEST(FaultEffects, IsolatePartitionOneWayAndTheirUndo) {
  SmallWorld w(4);
  AppliedFault iso = w.injector->apply(w.action(FaultKind::kIsolate, {id(1)}));
  EXPECT_EQ(w.reach(id(1)), (std::set<uint32_t>{1}));
  EXPECT_EQ(w.reach(id(0)), (std::set<uint32_t>{0, 2, 3}));
  EXPECT_NE(w.injector->undo(iso), "");
  EXPECT_EQ(w.cut_pairs(), 0);

  AppliedFault part = w.injector->apply(w.action(FaultKind::kPartition, {id(0)}, {id(1), id(2)}));
  EXPECT_FALSE(w.world.net().reachable(id(0), id(2)));
  EXPECT_FALSE(w.world.net().reachable(id(2), id(0)));
  EXPECT_TRUE(w.world.net().reachable(id(0), id(3)));
  w.injector->undo(part);
  EXPECT_EQ(w.cut_pairs(), 0);

  AppliedFault one = w.injector->apply(w.action(FaultKind::kBlockOneWay, {id(0)}, {id(1)}));
  EXPECT_FALSE(w.world.net().reachable(id(0), id(1)));
  EXPECT_TRUE(w.world.net().reachable(id(1), id(0)));
  w.injector->undo(one);
  EXPECT_EQ(w.cut_pairs(), 0);
}

TEST(FaultEffects, HalvesMajorityMinorityRingAndBridge) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    SmallWorld w(5, seed);
    AppliedFault halves = w.injector->apply(w.action(FaultKind::kSplitHalves));  // default: every server
    std::multiset<size_t> sizes;
    for (NodeId n : w.nodes) sizes.insert(w.reach(n).size());
    EXPECT_EQ(sizes, (std::multiset<size_t>{2, 2, 3, 3, 3})) << halves.what;
    w.injector->undo(halves);
    EXPECT_EQ(w.cut_pairs(), 0);

    AppliedFault mm = w.injector->apply(w.action(FaultKind::kMajorityMinority));
    sizes.clear();
    for (NodeId n : w.nodes) sizes.insert(w.reach(n).size());
    EXPECT_EQ(sizes, (std::multiset<size_t>{2, 2, 3, 3, 3})) << mm.what;
    w.injector->undo(mm);

    // Ring: everyone sees a majority (3 of 5), and no two nodes see the same majority.
    AppliedFault ring = w.injector->apply(w.action(FaultKind::kRing));
    std::set<std::set<uint32_t>> views;
    for (NodeId n : w.nodes) {
      EXPECT_EQ(w.reach(n).size(), 3u) << ring.what;
      views.insert(w.reach(n));
    }
    EXPECT_EQ(views.size(), 5u) << ring.what;
    w.injector->undo(ring);
    EXPECT_EQ(w.cut_pairs(), 0);

    // Bridge: one node reaches everyone; the others reach only their half and the bridge.
    AppliedFault bridge = w.injector->apply(w.action(FaultKind::kBridge));
    int full = 0;
    for (NodeId n : w.nodes) {
      if (w.reach(n).size() == 5) ++full;
      else EXPECT_EQ(w.reach(n).size(), 3u) << bridge.what;
    }
    EXPECT_EQ(full, 1) << bridge.what;
    w.injector->undo(bridge);
    EXPECT_EQ(w.cut_pairs(), 0);
  }
}

TEST(FaultEffects, ZoneOutageCutsTheZoneFromEveryoneElse) {
  SmallWorld w(5);
  AppliedFault z = w.injector->apply(w.action(FaultKind::kZoneOutage, {id(0), id(3)}));
  EXPECT_EQ(w.reach(id(0)), (std::set<uint32_t>{0, 3}));  // inside the zone, still connected
  EXPECT_EQ(w.reach(id(1)), (std::set<uint32_t>{1, 2, 4}));
  w.injector->undo(z);
  EXPECT_EQ(w.cut_pairs(), 0);
}

TEST(FaultEffects, LinkFaultsChangeTheLinksAndUndoRestoresThem) {
  SmallWorld w(3);
  sim::LinkModel before = w.world.net().link(id(0), id(1));
  FaultAction loss = w.action(FaultKind::kLinkLoss, {id(0)});
  loss.params.probability = 0.4;
  AppliedFault l = w.injector->apply(loss);
  EXPECT_DOUBLE_EQ(w.world.net().link(id(0), id(1)).loss, 0.4);
  EXPECT_DOUBLE_EQ(w.world.net().link(id(2), id(0)).loss, 0.4);
  EXPECT_DOUBLE_EQ(w.world.net().link(id(1), id(2)).loss, before.loss);  // not touching node 0

  FaultAction dup = w.action(FaultKind::kLinkDuplicate, {id(1)}, {id(2)});
  dup.params.probability = 0.3;
  w.injector->apply(dup);
  EXPECT_DOUBLE_EQ(w.world.net().link(id(1), id(2)).duplicate, 0.3);
  EXPECT_DOUBLE_EQ(w.world.net().link(id(1), id(0)).duplicate, before.duplicate);  // only to other_side

  FaultAction reorder = w.action(FaultKind::kLinkReorder, {id(2)});
  reorder.params.probability = 0.5;
  w.injector->apply(reorder);
  EXPECT_DOUBLE_EQ(w.world.net().link(id(2), id(0)).reorder, 0.5);

  FaultAction spike = w.action(FaultKind::kDelaySpike, {id(1)});
  spike.params.latency = sim::LatencyModel::constant(sim::milliseconds(300));
  w.injector->apply(spike);
  EXPECT_EQ(w.world.net().link(id(1), id(0)).latency.a, sim::milliseconds(300));

  FaultAction throttle = w.action(FaultKind::kThrottle, {id(0)});
  throttle.params.bandwidth_bytes_per_s = 1000;
  w.injector->apply(throttle);
  EXPECT_EQ(w.world.net().link(id(0), id(2)).bandwidth_bytes_per_s, 1000);

  EXPECT_NE(w.injector->undo(l), "");
  EXPECT_DOUBLE_EQ(w.world.net().link(id(0), id(1)).loss, before.loss);
  w.injector->apply(w.action(FaultKind::kHeal));
  EXPECT_DOUBLE_EQ(w.world.net().link(id(1), id(2)).duplicate, before.duplicate);
  EXPECT_EQ(w.world.net().link(id(1), id(0)).latency.a, before.latency.a);
  EXPECT_EQ(w.world.net().link(id(0), id(2)).bandwidth_bytes_per_s, before.bandwidth_bytes_per_s);
}

TEST(FaultEffects, DelaySpikeSlowsMessagesDown) {
  // Node 0 pings node 1 every 100 ms; under a 300 ms delay spike the replies come late.
  sim::WorldConfig c;
  sim::World world(c);
  std::vector<sim::Duration> round_trips;
  NodeId b = world.add_node("b", [](sim::NodeContext& ctx) {
    for (;;) {
      auto m = ctx.receive();
      if (!m) return;
      ctx.send_datagram(m->from, "pong", 10, 0);
    }
  });
  NodeId a = world.add_node("a", [&](sim::NodeContext& ctx) {
    for (int i = 0; i < 10; ++i) {
      sim::Instant sent = ctx.true_now();
      ctx.send_datagram(b, "ping", 10, 0);
      if (ctx.receive_for(sim::seconds(5))) round_trips.push_back(ctx.true_now() - sent);
      ctx.sleep_for(sim::milliseconds(100));
    }
  });
  FaultInjector inj(world, world.fork_prng("t"), {a, b});
  inj.capture_link_baseline();
  world.start(a);
  world.start(b);
  FaultAction spike{FaultKind::kDelaySpike, {}, {b}, {}, {}, {}};
  spike.params.latency = sim::LatencyModel::constant(sim::milliseconds(300));
  AppliedFault applied;
  world.at(sim::Instant::epoch() + sim::milliseconds(350), [&] { applied = inj.apply(spike); });
  world.at(sim::Instant::epoch() + sim::milliseconds(1500), [&] { inj.undo(applied); });
  world.run();
  ASSERT_EQ(round_trips.size(), 10u);
  EXPECT_LT(round_trips.front(), sim::milliseconds(2));
  EXPECT_GE(*std::max_element(round_trips.begin(), round_trips.end()), sim::milliseconds(600));
  EXPECT_LT(round_trips.back(), sim::milliseconds(2));
}

TEST(FaultEffects, DiskFaultsFailWritesAndFsyncsAndSlowTheDisk) {
  sim::WorldConfig c;
  sim::World world(c);
  std::vector<sim::IoStatus> fsyncs, writes;
  std::vector<sim::Duration> write_times;
  NodeId n = world.add_node("n", [&](sim::NodeContext& ctx) {
    for (int i = 0; i < 8; ++i) {
      sim::Instant t0 = ctx.true_now();
      writes.push_back(ctx.files().append("log", std::string(100, 'x')));
      write_times.push_back(ctx.true_now() - t0);
      fsyncs.push_back(ctx.files().fsync("log"));
      ctx.sleep_for(sim::seconds(1));
    }
  });
  FaultInjector inj(world, world.fork_prng("t"), {n});
  world.start(n);
  auto at = [&](int64_t ms, std::function<void()> f) { world.at(sim::Instant::epoch() + sim::milliseconds(ms), std::move(f)); };
  AppliedFault fsync_error, full, slow;
  at(1500, [&] { fsync_error = inj.apply(FaultAction{FaultKind::kFsyncError, {}, {n}, {}, {}, {}}); });
  at(2500, [&] { inj.undo(fsync_error); full = inj.apply(FaultAction{FaultKind::kDiskFull, {}, {n}, {}, {}, {}}); });
  at(3500, [&] {
    inj.undo(full);
    FaultAction s{FaultKind::kSlowDisk, {}, {n}, {}, {}, {}};
    s.params.factor = 50;
    slow = inj.apply(s);
  });
  at(4500, [&] { inj.undo(slow); });
  world.run();
  ASSERT_EQ(fsyncs.size(), 8u);
  EXPECT_EQ(fsyncs[0], sim::IoStatus::kOk);
  EXPECT_EQ(fsyncs[2], sim::IoStatus::kIoError);  // probability 1 by default
  EXPECT_EQ(writes[3], sim::IoStatus::kNoSpace);
  EXPECT_EQ(fsyncs[4], sim::IoStatus::kOk);
  EXPECT_GE(write_times[4], write_times[0] * 40);  // slowed 50x
  EXPECT_EQ(write_times[6], write_times[0]);
}

TEST(FaultEffects, TornCrashAndCorruptionDamageTheDisk) {
  sim::WorldConfig c;
  sim::World world(c);
  NodeId n = world.add_node("n", [&](sim::NodeContext& ctx) {
    if (ctx.incarnation() == 1) {
      ctx.files().append("log", std::string(2000, 'a'));
      ctx.files().fsync("log");
      for (int i = 0; i < 4; ++i) ctx.files().append("log", std::string(700, 'b'));
    }
    ctx.receive();
  });
  FaultInjector inj(world, world.fork_prng("t"), {n});
  world.start(n);
  std::string durable_before, after_corrupt;
  world.at(sim::Instant::epoch() + sim::seconds(1), [&] {
    inj.apply(FaultAction{FaultKind::kTornCrash, {}, {n}, {}, {}, {}});
    EXPECT_EQ(world.node(n).state(), sim::NodeState::kDown);
    EXPECT_EQ(world.node(n).disk().model().crash_mode, sim::CrashMode::kLoseUnsynced) << "crash mode restored";
    durable_before = world.node(n).disk().durable_image("log");
    AppliedFault c2 = inj.apply(FaultAction{FaultKind::kCorrupt, {}, {n}, {}, {}, {}});
    after_corrupt = world.node(n).disk().durable_image("log");
    EXPECT_NE(c2.what.find("log at byte"), std::string::npos) << c2.what;
  });
  world.run(sim::Instant::epoch() + sim::seconds(2));
  EXPECT_GE(durable_before.size(), 2000u);
  ASSERT_EQ(after_corrupt.size(), durable_before.size());
  int differing = 0;
  for (size_t i = 0; i < after_corrupt.size(); ++i) differing += after_corrupt[i] != durable_before[i];
  EXPECT_EQ(differing, 1);
}

TEST(FaultEffects, ClockJumpSkewAndDrift) {
  SmallWorld w(2);
  sim::NodeClock& clock = w.world.node(id(0)).clock();
  FaultAction jump = w.action(FaultKind::kClockJump, {id(0)});
  jump.amount = sim::Duration::zero() - sim::seconds(5);
  AppliedFault j = w.injector->apply(jump);
  EXPECT_EQ(clock.wall_offset(), sim::Duration::zero() - sim::seconds(5));
  w.injector->undo(j);
  EXPECT_EQ(clock.wall_offset(), sim::Duration::zero());

  FaultAction skew = w.action(FaultKind::kClockSkew, {id(0)});
  skew.amount = sim::seconds(3);
  AppliedFault s = w.injector->apply(skew);
  AppliedFault s2 = w.injector->apply(skew);  // skew sets, not adds
  EXPECT_EQ(clock.wall_offset(), sim::seconds(3));
  w.injector->undo(s2);
  w.injector->undo(s);
  EXPECT_EQ(clock.wall_offset(), sim::Duration::zero());

  FaultAction drift = w.action(FaultKind::kClockDrift, {id(1)});
  drift.params.drift_ppm = 100'000;  // 10% fast
  w.injector->apply(drift);
  EXPECT_EQ(w.world.node(id(1)).clock().drift_ppm(), 100'000);
  EXPECT_EQ(w.world.node(id(1)).clock().to_sim(sim::milliseconds(110)), sim::milliseconds(100));
}

TEST(FaultEffects, FaultPointsOnFireAndOffStop) {
  sim::WorldConfig c;
  sim::World world(c);
  int fired_on = 0, fired_off = 0;
  NodeId n = world.add_node("n", [&](sim::NodeContext& ctx) {
    for (int i = 0; i < 100; ++i) fired_off += EDDY_FAULT_POINT("test.site") ? 1 : 0;
    ctx.sleep_for(sim::seconds(2));
    for (int i = 0; i < 100; ++i) fired_on += EDDY_FAULT_POINT("test.site") ? 1 : 0;
  });
  FaultInjector inj(world, world.fork_prng("t"), {n});
  world.start(n);
  world.at(sim::Instant::epoch() + sim::seconds(1), [&] {
    FaultAction on{FaultKind::kFaultPointsOn, {}, {}, {}, {}, {}};
    on.params.activation = 1.0;
    on.params.probability = 0.5;
    inj.apply(on);
  });
  world.run();
  EXPECT_EQ(fired_off, 0);
  EXPECT_GT(fired_on, 20);
  EXPECT_LT(fired_on, 80);
  inj.apply(FaultAction{FaultKind::kFaultPointsOff, {}, {}, {}, {}, {}});
  EXPECT_FALSE(world.fault_points().config().enabled);
}

TEST(FaultEffects, ProcessFaultsAndHealAll) {
  SmallWorld w(3);
  w.injector->apply(w.action(FaultKind::kCrash, {id(0)}));
  w.injector->apply(w.action(FaultKind::kPause, {id(1)}));
  w.injector->apply(w.action(FaultKind::kIsolate, {id(2)}));
  FaultAction slow = w.action(FaultKind::kSlowDisk, {id(2)});
  slow.params.factor = 10;
  w.injector->apply(slow);
  EXPECT_EQ(w.world.node(id(0)).state(), sim::NodeState::kDown);
  EXPECT_EQ(w.world.node(id(1)).state(), sim::NodeState::kPaused);
  w.injector->heal_all();
  for (NodeId n : w.nodes) EXPECT_EQ(w.world.node(n).state(), sim::NodeState::kUp);
  EXPECT_EQ(w.cut_pairs(), 0);
  EXPECT_EQ(w.world.node(id(2)).disk().faults().slowdown_factor, 1);
  AppliedFault all = w.injector->apply(w.action(FaultKind::kKillAll));
  for (NodeId n : w.nodes) EXPECT_EQ(w.world.node(n).state(), sim::NodeState::kDown);
  w.injector->undo(all);
  for (NodeId n : w.nodes) EXPECT_EQ(w.world.node(n).state(), sim::NodeState::kUp);
}

TEST(Nemesis, SwarmDrawsAMixFromTheSeedAndSaysWhat) {
  NemesisOptions o;
  o.kinds = {FaultKind::kCrash, FaultKind::kPause, FaultKind::kIsolate, FaultKind::kLinkLoss, FaultKind::kSlowDisk,
             FaultKind::kClockJump};
  o.swarm = true;
  std::set<std::vector<FaultKind>> mixes;
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    sim::Prng p1(seed), p2(seed);
    NemesisPlan a = plan_nemesis(o, p1);
    NemesisPlan b = plan_nemesis(o, p2);
    EXPECT_EQ(a.kinds, b.kinds);
    EXPECT_EQ(a.weights, b.weights);
    EXPECT_EQ(a.interval, b.interval);
    EXPECT_FALSE(a.kinds.empty());
    EXPECT_EQ(a.kinds.size() + a.off.size(), o.kinds.size());
    mixes.insert(a.kinds);
    std::vector<std::string> lines = a.lines();
    ASSERT_GE(lines.size(), 3u);
    EXPECT_NE(lines[0].find("swarm nemesis: "), std::string::npos);
    EXPECT_NE(lines[1].find("off: "), std::string::npos);
  }
  EXPECT_GT(mixes.size(), 10u) << "different seeds switch different kinds off";

  o.swarm = false;
  sim::Prng p(1);
  NemesisPlan plain = plan_nemesis(o, p);
  EXPECT_EQ(plain.kinds, o.kinds);
  EXPECT_TRUE(plain.off.empty());
}

TEST(Nemesis, DrawnFaultsHaveTargetsAndParameters) {
  NemesisPlan plan;
  plan.kinds = {FaultKind::kPartition, FaultKind::kLinkLoss, FaultKind::kCorrupt, FaultKind::kClockDrift};
  plan.weights = {1, 1, 1, 1};
  plan.lasts_min = sim::seconds(1);
  plan.lasts_max = sim::seconds(2);
  std::vector<NodeId> brokers = {id(0), id(1), id(2)};
  std::vector<NodeId> servers = {id(0), id(1), id(2), id(3)};
  sim::Prng prng(7);
  std::set<FaultKind> seen;
  for (int i = 0; i < 200; ++i) {
    sim::Duration lasts;
    FaultAction a = draw_nemesis_fault(plan, prng, brokers, servers, sim::Instant::epoch(), lasts);
    seen.insert(a.kind);
    EXPECT_GE(lasts, sim::seconds(1));
    EXPECT_LE(lasts, sim::seconds(2));
    switch (a.kind) {
      case FaultKind::kPartition:
        EXPECT_FALSE(a.nodes.empty());
        EXPECT_FALSE(a.other_group.empty());
        EXPECT_EQ(a.nodes.size() + a.other_group.size(), servers.size());
        break;
      case FaultKind::kLinkLoss: EXPECT_GT(a.params.probability, 0.0); break;
      case FaultKind::kCorrupt: EXPECT_LT(a.nodes.at(0).value, 3u); break;
      case FaultKind::kClockDrift: EXPECT_EQ(a.nodes.size(), 1u); break;
      default: ADD_FAILURE() << to_string(a.kind);
    }
  }
  EXPECT_EQ(seen.size(), 4u);
}

}  // namespace
}  // namespace faults
