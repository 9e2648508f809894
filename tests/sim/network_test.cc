// The network: partitions block exactly the directions they name; loss, duplication,
// bandwidth and FIFO behave as modelled.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "sim/world/world.h"

namespace sim {
namespace {

// Every node sends one message to every other node at t=1ms; returns who heard whom.
std::set<std::pair<uint32_t, uint32_t>> all_pairs_after(const std::function<void(World&)>& cut, uint32_t nodes = 4) {
  WorldConfig c;
  c.link.latency = LatencyModel::constant(microseconds(50));
  World w(c);
  std::set<std::pair<uint32_t, uint32_t>> heard;
  for (uint32_t i = 0; i < nodes; ++i) {
    w.add_node("n" + std::to_string(i), [&, nodes](NodeContext& ctx) {
      ctx.spawn("sender", [&ctx, nodes] {
        ctx.sleep_for(milliseconds(1));
        for (uint32_t j = 0; j < nodes; ++j)
          if (j != ctx.id().value) ctx.send(NodeId{j}, "ping", 8, 0);
      });
      for (;;) {
        auto m = ctx.receive();
        heard.insert({m->from.value, ctx.id().value});
      }
    });
  }
  for (uint32_t i = 0; i < nodes; ++i) w.start(NodeId{i});
  cut(w);
  w.run();
  return heard;
}

TEST(Network, OneWayPartitionBlocksOnlyThatDirection) {
  auto heard = all_pairs_after([](World& w) { w.net().block(NodeId{0}, NodeId{1}); });
  EXPECT_EQ(heard.count({0, 1}), 0u);
  EXPECT_EQ(heard.count({1, 0}), 1u);
  EXPECT_EQ(heard.size(), 11u);
}

TEST(Network, SymmetricPartitionIsolateAndSplit) {
  auto sym = all_pairs_after([](World& w) { w.net().partition(NodeId{2}, NodeId{3}); });
  EXPECT_EQ(sym.count({2, 3}) + sym.count({3, 2}), 0u);
  EXPECT_EQ(sym.size(), 10u);

  auto iso = all_pairs_after([](World& w) { w.net().isolate(NodeId{1}); });
  for (auto [from, to] : iso) {
    EXPECT_NE(from, 1u);
    EXPECT_NE(to, 1u);
  }
  EXPECT_EQ(iso.size(), 6u);

  auto split = all_pairs_after([](World& w) { w.net().split({{NodeId{0}, NodeId{1}}, {NodeId{2}, NodeId{3}}}); });
  EXPECT_EQ(split, (std::set<std::pair<uint32_t, uint32_t>>{{0, 1}, {1, 0}, {2, 3}, {3, 2}}));

  auto healed = all_pairs_after([](World& w) {
    w.net().isolate(NodeId{0});
    w.net().heal();
  });
  EXPECT_EQ(healed.size(), 12u);
}

TEST(Network, MessageInFlightIsDroppedWhenAPartitionStartsBeforeArrival) {
  WorldConfig c;
  c.link.latency = LatencyModel::constant(milliseconds(10));
  World w(c);
  int got = 0;
  NodeId a = w.add_node("a", [&](NodeContext& ctx) { ctx.send(NodeId{1}, "m", 1, 0); });
  NodeId b = w.add_node("b", [&](NodeContext& ctx) {
    for (;;) {
      ctx.receive();
      ++got;
    }
  });
  w.start(a);
  w.start(b);
  w.at(Instant::epoch() + milliseconds(5), [&] { w.net().partition(a, b); });
  w.run();
  EXPECT_EQ(got, 0);
  EXPECT_EQ(w.net().stats().dropped_partition, 1u);
}

struct Received {
  std::vector<int> values;
  std::vector<int64_t> times_ns;
};

Received stream(const LinkModel& link, int count, uint32_t bytes, uint64_t seed = 1) {
  WorldConfig c;
  c.seed = seed;
  c.link = link;
  World w(c);
  Received r;
  NodeId a = w.add_node("a", [&](NodeContext& ctx) {
    for (int i = 0; i < count; ++i) ctx.send(NodeId{1}, "m", bytes, i);
  });
  NodeId b = w.add_node("b", [&](NodeContext& ctx) {
    for (;;) {
      auto m = ctx.receive();
      r.values.push_back(sim::payload_cast<int>(m->payload));
      r.times_ns.push_back(ctx.true_now().ns());
    }
  });
  w.start(a);
  w.start(b);
  w.run();
  return r;
}

TEST(Network, LinksAreFifoWithRandomLatency) {
  LinkModel l;
  l.latency = LatencyModel::uniform(microseconds(100), milliseconds(5));
  Received r = stream(l, 500, 100);
  ASSERT_EQ(r.values.size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(r.values[i], i);
}

TEST(Network, ReorderingLetsSomeMessagesOvertake) {
  LinkModel l;
  l.latency = LatencyModel::constant(microseconds(100));
  l.reorder = 0.3;
  Received r = stream(l, 500, 100);
  ASSERT_EQ(r.values.size(), 500u);
  int inversions = 0;
  for (size_t i = 1; i < r.values.size(); ++i) inversions += r.values[i] < r.values[i - 1];
  EXPECT_GT(inversions, 10);
}

TEST(Network, LossAndDuplicationRates) {
  LinkModel l;
  l.latency = LatencyModel::constant(microseconds(100));
  l.loss = 0.2;
  l.duplicate = 0.1;
  Received r = stream(l, 10'000, 10);
  std::map<int, int> copies;
  for (int v : r.values) copies[v]++;
  int lost = 10'000 - static_cast<int>(copies.size());
  int dups = 0;
  for (auto& [v, n] : copies) dups += n - 1;
  EXPECT_NEAR(lost, 2'000, 200);
  EXPECT_NEAR(dups, 800, 120);  // 10% of the 80% that were sent
}

TEST(Network, BandwidthSerializesAndQueues) {
  LinkModel l;
  l.latency = LatencyModel::constant(milliseconds(1));
  l.bandwidth_bytes_per_s = 1'000'000;  // 1 MB/s: 1,000 bytes take 1 ms on the wire
  Received r = stream(l, 5, 1'000);
  ASSERT_EQ(r.times_ns.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(r.times_ns[i], (i + 1) * 1'000'000 + 1'000'000) << i;
}

TEST(Network, PayloadsAreCopiedValues) {
  WorldConfig c;
  c.link.latency = LatencyModel::constant(microseconds(10));
  c.link.duplicate = 1.0;
  World w(c);
  std::vector<std::string> got;
  NodeId a = w.add_node("a", [&](NodeContext& ctx) {
    std::string s = "original";
    ctx.send(NodeId{1}, "m", 8, s);
    s = "changed";  // the sender's copy changing does not reach the receiver
  });
  NodeId b = w.add_node("b", [&](NodeContext& ctx) {
    for (;;) {
      auto m = ctx.receive();
      auto& v = sim::payload_cast<std::string&>(m->payload);
      got.push_back(v);
      v = "mutated by receiver";  // nor does one copy changing reach the duplicate
    }
  });
  w.start(a);
  w.start(b);
  w.run();
  EXPECT_EQ(got, (std::vector<std::string>{"original", "original"}));
}

}  // namespace
}  // namespace sim
