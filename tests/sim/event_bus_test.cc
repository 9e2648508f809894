// The observers' event bus: events reach the subscribers of their type only, in subscription
// order, with where and when they happened; an event nobody subscribed to goes nowhere; and
// watching a run does not change it (same fingerprint with and without observers).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/event_bus.h"
#include "sim/world/world.h"

namespace sim {
namespace {

struct Ping {
  int n = 0;
};
struct Pong {
  std::string text;
};
struct NobodyListens {
  int n = 0;
};

TEST(EventBus, DeliversEachTypeToItsSubscribersInOrder) {
  EventBus bus;
  std::vector<std::string> seen;
  bus.subscribe<Ping>([&](const EventOrigin&, const Ping& p) { seen.push_back("first ping " + std::to_string(p.n)); });
  bus.subscribe<Pong>([&](const EventOrigin&, const Pong& p) { seen.push_back("pong " + p.text); });
  bus.subscribe<Ping>([&](const EventOrigin& o, const Ping& p) {
    seen.push_back("second ping " + std::to_string(p.n) + " from " + o.node.str());
  });
  EXPECT_TRUE(bus.observed<Ping>());
  EXPECT_TRUE(bus.observed<Pong>());
  EXPECT_FALSE(bus.observed<NobodyListens>());

  EventOrigin origin{Instant::epoch() + milliseconds(5), NodeId{3}, 1};
  bus.publish(origin, Ping{7});
  bus.publish(origin, Pong{"x"});
  bus.publish(origin, NobodyListens{1});  // goes nowhere
  EXPECT_EQ(seen, (std::vector<std::string>{"first ping 7", "second ping 7 from n3", "pong x"}));
}

TEST(EventBus, BuildsTheOriginOnlyForAnEventSomeoneReads) {
  EventBus bus;
  int origins = 0;
  bus.subscribe<Ping>([](const EventOrigin&, const Ping&) {});
  auto origin = [&] {
    ++origins;
    return EventOrigin{};
  };
  bus.publish_with(NobodyListens{}, origin);
  EXPECT_EQ(origins, 0);
  bus.publish_with(Ping{}, origin);
  EXPECT_EQ(origins, 1);
}

TEST(EventBusDeathTest, SubscribingFromAHandlerIsRefused) {
  EventBus bus;
  bus.subscribe<Ping>([&](const EventOrigin&, const Ping&) { bus.subscribe<Pong>([](const EventOrigin&, const Pong&) {}); });
  EXPECT_DEATH(bus.publish(EventOrigin{}, Ping{}), "subscribing from an event handler");
}

// A node that emits a Ping every 10 ms and traces what it does, so the trace hash covers its work.
void pinger(NodeContext& ctx) {
  for (int i = 0;; ++i) {
    ctx.trace("pinger.tick", {{"i", i}});
    if (ctx.observed<Ping>()) ctx.emit(Ping{i});  // skips nothing the trace sees
    ctx.emit(Pong{"tick"});
    ctx.sleep_for(milliseconds(10));
  }
}

TEST(EventBus, NodesEmitWithTheirTimeNodeAndIncarnation) {
  WorldConfig c;
  c.seed = 3;
  std::vector<EventOrigin> origins;  // outlive the world that calls into them
  std::vector<int> values;
  World w(c);
  w.events().subscribe<Ping>([&](const EventOrigin& o, const Ping& p) {
    origins.push_back(o);
    values.push_back(p.n);
  });
  w.add_node("idle", [](NodeContext&) {});
  NodeId n = w.add_node("pinger", pinger);
  w.start(n);
  w.at(Instant::epoch() + milliseconds(25), [&] { w.restart(n); });
  w.run(Instant::epoch() + milliseconds(40));
  ASSERT_EQ(values, (std::vector<int>{0, 1, 2, 0, 1}));
  for (const EventOrigin& o : origins) EXPECT_EQ(o.node, n);
  EXPECT_EQ(origins[0].at, Instant::epoch());
  EXPECT_EQ(origins[2].at, Instant::epoch() + milliseconds(20));
  EXPECT_EQ(origins[2].incarnation, 1u);
  EXPECT_EQ(origins[3].at, Instant::epoch() + milliseconds(25));  // the restarted process
  EXPECT_EQ(origins[3].incarnation, 2u);
}

uint64_t pinger_fingerprint(bool observe) {
  WorldConfig c;
  c.seed = 11;
  int pings = 0;
  World w(c);
  if (observe) {
    w.events().subscribe<Ping>([&](const EventOrigin&, const Ping&) { ++pings; });
    w.events().subscribe<Pong>([](const EventOrigin&, const Pong&) {});
  }
  NodeId n = w.add_node("pinger", pinger);
  w.start(n);
  w.run(Instant::epoch() + milliseconds(995));
  EXPECT_EQ(pings, observe ? 100 : 0);
  return w.fingerprint();
}

TEST(EventBus, WatchingARunDoesNotChangeIt) { EXPECT_EQ(pinger_fingerprint(true), pinger_fingerprint(false)); }

}  // namespace
}  // namespace sim
