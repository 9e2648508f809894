// Nodes: crash unwinds fibers and drops memory, restart recovers from disk, pause freezes.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "sim/fault_point.h"
#include "sim/native/kernel.h"
#include "sim/world/world.h"

namespace sim {
namespace {

WorldConfig quiet_config(uint64_t seed = 1) {
  WorldConfig c;
  c.seed = seed;
  c.link.latency = LatencyModel::constant(microseconds(100));
  return c;
}

struct Tracker {
  int constructed = 0;
  int destroyed = 0;
  int guards_unwound = 0;
};

struct ProcessState {
  explicit ProcessState(Tracker& t) : t(t) { ++t.constructed; }
  ~ProcessState() { ++t.destroyed; }
  Tracker& t;
};

struct Guard {
  explicit Guard(Tracker& t) : t(t) {}
  ~Guard() { ++t.guards_unwound; }
  Tracker& t;
};

TEST(Node, CrashUnwindsEveryFiberThenDropsProcessMemory) {
  World w(quiet_config());
  Tracker t;
  NodeId n = w.add_node("n0", [&](NodeContext& ctx) {
    ctx.make<ProcessState>(t);
    for (int i = 0; i < 3; ++i)
      ctx.spawn("worker", [&] {
        Guard g(t);
        for (;;) ctx.sleep_for(milliseconds(1));
      });
    Guard g(t);
    ctx.receive();  // the main fiber blocks on its inbox
  });
  w.start(n);
  w.at(Instant::epoch() + milliseconds(10), [&] { w.crash(n); });
  w.run(Instant::epoch() + milliseconds(20));
  EXPECT_EQ(t.constructed, 1);
  EXPECT_EQ(t.guards_unwound, 4);  // main + 3 workers
  EXPECT_EQ(t.destroyed, 1);
  EXPECT_EQ(w.node(n).state(), NodeState::kDown);
  EXPECT_EQ(static_cast<sim::Kernel&>(w.engine()).live_fibers(), 0u);
}

// A process that halts itself (Kafka's Exit.halt) ends at once: every thread unwinds, the
// memory goes, the machine stays up (the page cache keeps an unsynced write) and its peers'
// connections are reset.
TEST(Node, AProcessThatHaltsEndsAtOnceOnAMachineThatStaysUp) {
  World w(quiet_config());
  Tracker t;
  bool after_halt = false;
  std::vector<CloseReason> peer_heard;
  NodeId n = w.add_node("n0", [&](NodeContext& ctx) {
    ctx.make<ProcessState>(t);
    for (int i = 0; i < 2; ++i)
      ctx.spawn("worker", [&] {
        Guard g(t);
        for (;;) ctx.sleep_for(milliseconds(1));
      });
    ctx.files().append("log", "unsynced");
    ctx.sleep_for(milliseconds(10));
    Guard g(t);
    ctx.halt("test");
    after_halt = true;  // never reached
  });
  NodeId peer = w.add_node("peer", [&](NodeContext& ctx) {
    ConnectionId c = ctx.connect(n);
    ctx.send(c, "hello", 10, 0);
    for (;;) {
      auto m = ctx.receive();
      if (m && m->header.kind == kConnectionClosedKind) peer_heard.push_back(m->payload.get<ConnectionClosed>()->reason);
    }
  });
  w.start(n);
  w.start(peer);
  w.run(Instant::epoch() + milliseconds(50));
  EXPECT_FALSE(after_halt);
  EXPECT_EQ(t.guards_unwound, 3);  // the halting thread + 2 workers
  EXPECT_EQ(t.destroyed, 1);
  EXPECT_EQ(w.node(n).state(), NodeState::kDown);
  EXPECT_TRUE(w.node(n).powered());
  EXPECT_EQ(peer_heard, (std::vector<CloseReason>{CloseReason::kReset}));
  w.start(n);  // the same machine: the page cache kept the write
  EXPECT_EQ(w.node(n).disk().durable_image("log").size() + w.node(n).disk().unsynced_bytes("log"), 8u);
}

TEST(Node, RestartBootsAFreshProcessThatRecoversFromDisk) {
  World w(quiet_config());
  std::vector<std::string> boots;
  NodeId n = w.add_node("n0", [&](NodeContext& ctx) {
    ReadResult r = ctx.files().read_all("state");
    boots.push_back("inc" + std::to_string(ctx.incarnation()) + ":" + r.data);
    ctx.files().append("state", "x");
    ctx.files().fsync("state");
    ctx.files().append("state", "u");  // never synced: lost in the crash
    ctx.receive();
  });
  w.start(n);
  w.at(Instant::epoch() + milliseconds(10), [&] { w.restart(n); });
  w.at(Instant::epoch() + milliseconds(20), [&] { w.restart(n); });
  w.run(Instant::epoch() + milliseconds(30));
  EXPECT_EQ(boots, (std::vector<std::string>{"inc1:", "inc2:x", "inc3:xx"}));
}

TEST(Node, PausedNodesTimersFireLateAndMessagesWait) {
  World w(quiet_config());
  std::vector<int64_t> ticks_ms;
  std::vector<int64_t> received_ms;
  NodeId a = w.add_node("a", [&](NodeContext& ctx) {
    ctx.spawn("ticker", [&] {
      for (int i = 0; i < 6; ++i) {
        ctx.sleep_for(milliseconds(10));
        ticks_ms.push_back(ctx.true_now().ns() / 1'000'000);
      }
    });
    for (;;) {
      auto m = ctx.receive();
      received_ms.push_back(ctx.true_now().ns() / 1'000'000);
    }
  });
  NodeId b = w.add_node("b", [&](NodeContext& ctx) {
    ctx.sleep_for(milliseconds(25));
    ctx.send_datagram(a, "hello", 10, 1);
  });
  w.start(a);
  w.start(b);
  w.at(Instant::epoch() + milliseconds(15), [&] { w.pause(a); });
  w.at(Instant::epoch() + milliseconds(47), [&] { w.resume(a); });
  w.run(Instant::epoch() + milliseconds(200));
  // Ticks at 10, then the one due at 20 fires late at 47 (resume), then every 10 ms.
  EXPECT_EQ(ticks_ms, (std::vector<int64_t>{10, 47, 57, 67, 77, 87}));
  EXPECT_EQ(received_ms, (std::vector<int64_t>{47}));
}

// A process can take its messages at delivery (a server sorting requests into its own
// queues) instead of through the inbox; what it leaves goes to the inbox. While it is paused
// nothing is taken (a paused process handles nothing: the messages wait in the inbox), and
// nothing is taken ahead of a message already waiting there.
TEST(Node, RoutedDeliveriesSkipTheInboxWithoutOvertakingIt) {
  World w(quiet_config());
  std::vector<std::string> handled;  // "routed 1 @1100": how, what, when (microseconds)
  auto note = [&handled](const char* how, Envelope& env, Instant at) {
    handled.push_back(std::string(how) + " " + std::to_string(*payload_cast<int>(&env.payload)) + " @" +
                      std::to_string(at.ns() / 1'000));
  };
  NodeId a = w.add_node("a", [&](NodeContext& ctx) {
    const Symbol kRouted("routed");
    ctx.route_deliveries([&ctx, &note, kRouted](Envelope& env) {
      if (env.type != kRouted) return false;
      note("routed", env, ctx.true_now());
      return true;
    });
    for (;;) {
      auto m = ctx.receive();
      if (m) note("inbox", *m, ctx.true_now());
      ctx.sleep_for(milliseconds(1));  // busy: what arrives meanwhile waits in the inbox
    }
  });
  auto send = [&w](NodeId from, NodeId to, const char* type, int value) {
    Envelope e;
    e.from = from;
    e.to = to;
    e.bytes = 10;
    e.type = type;
    e.payload = value;
    w.net().send(std::move(e));
  };
  NodeId b = w.add_node("b", [](NodeContext&) {});
  auto at_us = [&w](int64_t us, std::function<void()> fn) { w.at(Instant::epoch() + microseconds(us), std::move(fn)); };
  at_us(1'000, [&] { send(b, a, "routed", 1); send(b, a, "plain", 2); send(b, a, "plain", 3); });
  at_us(1'500, [&] { send(b, a, "routed", 4); });   // 3 still waits in the inbox: queued behind it
  at_us(5'000, [&] { w.pause(a); });
  at_us(6'000, [&] { send(b, a, "routed", 5); });   // paused: to the inbox
  at_us(7'000, [&] { send(b, a, "routed", 6); });
  at_us(10'000, [&] { w.resume(a); });
  at_us(9'900, [&] { send(b, a, "routed", 7); });   // arrives as a resumes, 6 still waiting
  at_us(14'000, [&] { send(b, a, "routed", 8); });  // inbox empty again: taken
  w.start(a);
  w.start(b);
  w.run(Instant::epoch() + milliseconds(20));
  EXPECT_EQ(handled, (std::vector<std::string>{"routed 1 @1100", "inbox 2 @1100", "inbox 3 @2100", "inbox 4 @3100",
                                               "inbox 5 @10000", "inbox 6 @11000", "inbox 7 @12000", "routed 8 @14100"}));
}

TEST(Node, MessagesToACrashedNodeAreDropped) {
  World w(quiet_config());
  int received = 0;
  NodeId a = w.add_node("a", [&](NodeContext& ctx) {
    for (;;) {
      ctx.receive();
      ++received;
    }
  });
  NodeId b = w.add_node("b", [&](NodeContext& ctx) {
    for (int i = 0; i < 10; ++i) {
      ctx.send_datagram(a, "m", 10, i);
      ctx.sleep_for(milliseconds(1));
    }
  });
  w.start(a);
  w.start(b);
  w.at(Instant::epoch() + microseconds(4'500), [&] { w.crash(a); });
  w.run();
  EXPECT_EQ(received, 5);  // sent at 0..4 ms, arriving 0.1 ms later
  EXPECT_EQ(w.net().stats().dropped_down, 5u);
}

TEST(Node, CleanShutdownKeepsUnsyncedData) {
  World w(quiet_config());
  std::string seen;
  NodeId n = w.add_node("n", [&](NodeContext& ctx) {
    seen = ctx.files().read_all("f").data;
    ctx.files().append("f", "data");
    ctx.receive();
  });
  w.start(n);
  w.at(Instant::epoch() + milliseconds(5), [&] { w.shutdown(n); });
  w.at(Instant::epoch() + milliseconds(6), [&] { w.start(n); });
  w.run(Instant::epoch() + milliseconds(10));
  EXPECT_EQ(seen, "data");
}

TEST(Node, FaultPointsFireDeterministicallyAndAreTraced) {
  auto run = [](uint64_t seed, bool enabled) {
    WorldConfig c = quiet_config(seed);
    c.fault_points.enabled = enabled;
    c.fault_points.site_activation = 1.0;
    c.fault_points.fire_probability = 0.3;
    World w(c);
    std::ostringstream trace;
    w.trace().set_sink(&trace);
    int fired = 0;
    NodeId n = w.add_node("n", [&](NodeContext& ctx) {
      for (int i = 0; i < 100; ++i) {
        if (EDDY_FAULT_POINT("test.site")) ++fired;
        ctx.sleep_for(microseconds(10));
      }
    });
    w.start(n);
    w.run();
    return std::make_pair(fired, trace.str());
  };
  auto [fired_a, trace_a] = run(5, true);
  auto [fired_b, trace_b] = run(5, true);
  EXPECT_GT(fired_a, 10);
  EXPECT_LT(fired_a, 60);
  EXPECT_EQ(fired_a, fired_b);
  EXPECT_EQ(trace_a, trace_b);
  EXPECT_NE(trace_a.find("\"ev\":\"fault_point\",\"name\":\"test.site\""), std::string::npos);
  EXPECT_EQ(run(5, false).first, 0);
}

}  // namespace
}  // namespace sim
