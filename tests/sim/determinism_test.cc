// Same seed, same run: a randomized multi-node workload with crashes, restarts, pauses,
// partitions, lossy links, disk faults, clock jumps and fault points, run twice per seed;
// the fingerprints and the full JSONL traces must be identical, and different seeds must
// give different runs.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>

#include "faults/random_faults.h"
#include "sim/crc32c.h"
#include "sim/fault_point.h"
#include "sim/world/world.h"

namespace sim {
namespace {

struct Request {
  uint64_t key;
  std::string value;
};

void storage_node(NodeContext& ctx) {
  // Recovery: count the intact records of the log.
  std::string log = ctx.files().read_all("kv.log").data;
  ctx.trace("recovered", {{"bytes", log.size()}, {"crc", crc32c(log)}});
  ctx.spawn("flusher", [&ctx] {
    for (;;) {
      ctx.sleep_for(milliseconds(5 + ctx.prng().below(20)));
      IoStatus s = ctx.files().fsync("kv.log");
      ctx.trace("flushed", {{"status", to_string(s)}});
    }
  });
  ctx.spawn("client", [&ctx] {
    for (;;) {
      ctx.sleep_for(microseconds(200 + ctx.prng().below(3'000)));
      uint32_t peer = static_cast<uint32_t>(ctx.prng().below(4));
      if (peer == ctx.id().value) continue;
      Request r{ctx.prng().next_u64(), std::string(ctx.prng().below(200), 'v')};
      ctx.send_datagram(NodeId{peer}, "put", static_cast<uint32_t>(16 + r.value.size()), r);
      if (EDDY_FAULT_POINT("client.burst")) {
        for (int i = 0; i < 5; ++i) ctx.send_datagram(NodeId{peer}, "put", 16, Request{ctx.prng().next_u64(), "b"});
      }
    }
  });
  for (;;) {
    auto m = ctx.receive_for(milliseconds(50));
    if (!m) {
      ctx.trace("idle", {});
      continue;
    }
    const auto* r = sim::payload_cast<Request>(&m->payload);
    if (r == nullptr) continue;
    std::string rec = std::to_string(r->key) + "=" + r->value + ";";
    if (EDDY_FAULT_POINT("server.slow_write")) ctx.sleep_for(milliseconds(2));
    IoStatus s = ctx.files().append("kv.log", rec);
    if (s == IoStatus::kOk) ctx.send_datagram(m->from, "ack", 16, r->key);
  }
}

struct RunOutput {
  uint64_t fingerprint;
  std::string trace;
  RunStatus status;
};

RunOutput run_chaos(uint64_t seed) {
  WorldConfig c;
  c.seed = seed;
  c.limits.max_events = 2'000'000;
  c.link.latency = LatencyModel::exponential(microseconds(300));
  c.link.loss = 0.02;
  c.link.duplicate = 0.01;
  c.link.reorder = 0.02;
  c.link.bandwidth_bytes_per_s = 50'000'000;
  c.fault_points.enabled = true;
  c.fault_points.overrides["client.burst"] = true;
  World w(c);
  std::ostringstream trace;
  w.trace().set_sink(&trace);
  Prng model = w.fork_prng("models");
  for (int i = 0; i < 4; ++i) {
    NodeOptions no;
    no.disk.crash_mode = static_cast<CrashMode>(model.below(3));
    no.clock.drift_ppm = model.int_in_range(-300, 301);
    w.add_node("n" + std::to_string(i), storage_node, no);
    w.start(NodeId{static_cast<uint32_t>(i)});
  }
  // The nemesis: a world fiber drawing faults from its own stream.
  w.spawn("nemesis", [&w] {
    Prng p = w.fork_prng("nemesis");
    for (int step = 0; step < 40; ++step) {
      this_fiber::sleep_for(milliseconds(5 + p.below(40)));
      NodeId n{static_cast<uint32_t>(p.below(4))};
      switch (p.below(3)) {
        case 0: w.node(n).disk().faults().fail_next_fsyncs = 1; w.node(n).disk().corrupt("kv.log"); break;
        case 1: w.node(n).clock().jump(milliseconds(p.int_in_range(-1'000, 1'000))); break;
        default: faults::apply(w, faults::random_node_fault(p, n, w.now())); break;
      }
    }
    faults::heal_everything(w, 4);
    this_fiber::sleep_for(milliseconds(50));
    w.stop("workload done");
  });
  RunOutcome out = w.run();
  return {w.fingerprint(), trace.str(), out.status};
}

TEST(Determinism, TwoRunsPerSeedAgreeOverManySeeds) {
  constexpr uint64_t kSeeds = 200;
  std::set<uint64_t> distinct;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    RunOutput a = run_chaos(seed);
    RunOutput b = run_chaos(seed);
    ASSERT_EQ(a.status, RunStatus::kStopped) << "seed " << seed;
    ASSERT_EQ(a.fingerprint, b.fingerprint) << "seed " << seed;
    ASSERT_EQ(a.trace, b.trace) << "seed " << seed;
    ASSERT_GT(a.trace.size(), 1000u);
    distinct.insert(a.fingerprint);
  }
  EXPECT_EQ(distinct.size(), kSeeds) << "different seeds must give different runs";
}

TEST(Determinism, TheWorkloadReallyExercisesTheFaults) {
  // A few seeds between them (each run draws 40 faults) must hit every kind of fault.
  RunOutput a{};
  for (uint64_t seed : {3, 4, 5}) a.trace += run_chaos(seed).trace;
  for (const char* ev : {"node.crash", "node.start", "net.drop", "net.duplicate", "disk.fsync", "disk.corrupt",
                         "fault_point", "node.pause", "fault"}) {
    EXPECT_NE(a.trace.find(std::string("\"ev\":\"") + ev + "\""), std::string::npos) << ev;
  }
}

}  // namespace
}  // namespace sim
