// The SimGrid engine (sim/simgrid/): the world's threads as S4U actors, time from SimGrid's
// clock, messages through SimGrid's flow model, disk I/O through S4U disks, CPU through host
// speed. Same seed, same run; crash, restart, pause and partitions as on the native engine.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cli/fresh_process.h"
#include "faults/random_faults.h"
#include "sim/crc32c.h"
#include "sim/fault_point.h"
#include "sim/wait_queue.h"
#include "sim/world/world.h"

namespace sim {
namespace {

WorldConfig simgrid_config(uint64_t seed = 1) {
  WorldConfig c;
  c.seed = seed;
  c.engine = EngineKind::kSimgrid;
  c.link.latency = LatencyModel::constant(microseconds(100));
  return c;
}

TEST(SimgridEngine, SleepsLandOnExactNanoseconds) {
  World w(simgrid_config());
  EXPECT_STREQ(w.engine().name(), "simgrid");
  std::vector<int64_t> woke;
  w.spawn("sleeper", [&] {
    for (int64_t d : std::vector<int64_t>{1, 7, 1'000, 123'456'789, 3'000'000'001}) {
      Instant start = this_fiber::now();
      this_fiber::sleep_for(nanoseconds(d));
      woke.push_back((this_fiber::now() - start).ns());
    }
  });
  RunOutcome out = w.run();
  EXPECT_EQ(out.status, RunStatus::kQuiescent) << out.message;
  EXPECT_EQ(woke, (std::vector<int64_t>{1, 7, 1'000, 123'456'789, 3'000'000'001}));
}

TEST(SimgridEngine, WaitQueuesNotifyInOrderAndTimeOut) {
  WaitQueue q;
  World w(simgrid_config());
  std::vector<std::string> log;
  for (int i = 0; i < 3; ++i)
    w.spawn("waiter", [&, i] {
      bool notified = q.wait_until(this_fiber::now() + milliseconds(i == 2 ? 5 : 50));
      log.push_back(std::to_string(i) + (notified ? ":notified@" : ":timeout@") +
                    std::to_string(this_fiber::now().ns() / 1'000'000));
    });
  w.spawn("notifier", [&] {
    this_fiber::sleep_for(milliseconds(10));
    q.notify_all();
  });
  RunOutcome out = w.run();
  EXPECT_EQ(out.status, RunStatus::kQuiescent) << out.message;
  EXPECT_EQ(log, (std::vector<std::string>{"2:timeout@5", "0:notified@10", "1:notified@10"}));
}

TEST(SimgridEngine, ABlockedNonDaemonThreadIsADeadlock) {
  WaitQueue q;  // before the world: its thread unwinds out of q when the world ends
  World w(simgrid_config());
  w.spawn("stuck", [&] { q.wait(); });
  RunOutcome out = w.run();
  EXPECT_EQ(out.status, RunStatus::kDeadlock);
  EXPECT_NE(out.message.find("stuck"), std::string::npos) << out.message;
}

TEST(SimgridEngine, RunUntilStopsThereAndTheNextRunGoesOn) {
  World w(simgrid_config());
  std::vector<int64_t> ticks;
  w.spawn("ticker", [&] {
    for (int i = 0; i < 5; ++i) {
      this_fiber::sleep_for(milliseconds(10));
      ticks.push_back(this_fiber::now().ns() / 1'000'000);
    }
  });
  RunOutcome a = w.run(Instant::epoch() + milliseconds(25));
  EXPECT_EQ(a.status, RunStatus::kReachedUntil) << a.message;
  EXPECT_EQ(ticks, (std::vector<int64_t>{10, 20}));
  EXPECT_EQ(w.now(), Instant::epoch() + milliseconds(25));
  RunOutcome b = w.run();
  EXPECT_EQ(b.status, RunStatus::kQuiescent) << b.message;
  EXPECT_EQ(ticks, (std::vector<int64_t>{10, 20, 30, 40, 50}));
}

struct Tracker {
  int constructed = 0;
  int destroyed = 0;
  int unwound = 0;
};
struct ProcessState {
  explicit ProcessState(Tracker& t) : t(t) { ++t.constructed; }
  ~ProcessState() { ++t.destroyed; }
  Tracker& t;
};
struct Guard {
  explicit Guard(Tracker& t) : t(t) {}
  ~Guard() { ++t.unwound; }
  Tracker& t;
};

TEST(SimgridEngine, CrashUnwindsEveryThreadAndRestartRecoversFromDisk) {
  World w(simgrid_config());
  Tracker t;
  std::vector<std::string> recovered;
  NodeId n = w.add_node("n0", [&](NodeContext& ctx) {
    ctx.make<ProcessState>(t);
    recovered.push_back(ctx.files().read_all("log").data);
    for (int i = 0; i < 3; ++i)
      ctx.spawn("worker", [&] {
        Guard g(t);
        for (;;) ctx.sleep_for(milliseconds(1));
      });
    ctx.files().append("log", "synced;");
    ctx.files().fsync("log");
    ctx.files().append("log", "unsynced;");
    Guard g(t);
    ctx.receive();
  });
  w.start(n);
  w.at(Instant::epoch() + milliseconds(10), [&] { w.crash(n); });
  w.at(Instant::epoch() + milliseconds(20), [&] { w.start(n); });
  w.run(Instant::epoch() + milliseconds(30));
  EXPECT_EQ(t.constructed, 2);
  EXPECT_EQ(t.destroyed, 1);
  EXPECT_EQ(t.unwound, 4);  // main + 3 workers of the first incarnation
  EXPECT_EQ(recovered, (std::vector<std::string>{"", "synced;"}));
  EXPECT_EQ(w.node(n).state(), NodeState::kUp);
}

TEST(SimgridEngine, APausedProcessFreezesWhileTimeMovesOn) {
  World w(simgrid_config());
  std::vector<int64_t> ticks;
  NodeId n = w.add_node("n0", [&](NodeContext& ctx) {
    for (;;) {
      ctx.sleep_for(milliseconds(10));
      ticks.push_back(ctx.true_now().ns() / 1'000'000);
    }
  });
  w.start(n);
  w.at(Instant::epoch() + milliseconds(25), [&] { w.pause(n); });
  w.at(Instant::epoch() + milliseconds(65), [&] { w.resume(n); });
  w.run(Instant::epoch() + milliseconds(90));
  // 30 was due while paused: it runs at the resume (65), then every 10 ms from there.
  EXPECT_EQ(ticks, (std::vector<int64_t>{10, 20, 65, 75, 85}));
}

// Messages: the transfer time comes from SimGrid's flow model, where a node's NIC is shared
// by all of its flows; a partition (eddy's reachability filter) still drops them.
struct Blob {
  int n;
};

std::vector<Instant> fan_out(EngineKind engine, int receivers, uint32_t bytes) {
  WorldConfig c = simgrid_config();
  c.engine = engine;
  c.link.latency = LatencyModel::constant(microseconds(100));
  c.nic_bytes_per_s = 100'000'000;  // 100 MB/s NICs
  World w(c);
  std::vector<Instant> arrivals;
  w.add_node("sender", [&](NodeContext& ctx) {
    for (int r = 1; r <= receivers; ++r) ctx.send_datagram(NodeId{static_cast<uint32_t>(r)}, "blob", bytes, Blob{r});
    ctx.receive();
  });
  for (int r = 1; r <= receivers; ++r)
    w.add_node("receiver-" + std::to_string(r), [&](NodeContext& ctx) {
      for (;;) {
        ctx.receive();
        arrivals.push_back(ctx.true_now());
      }
    });
  for (int i = 0; i <= receivers; ++i) w.start(NodeId{static_cast<uint32_t>(i)});
  w.run(Instant::epoch() + seconds(5));
  return arrivals;
}

TEST(SimgridEngine, ANodesFlowsShareItsNic) {
  constexpr uint32_t kBytes = 10'000'000;  // 100 ms alone on a 100 MB/s NIC
  std::vector<Instant> one = fan_out(EngineKind::kSimgrid, 1, kBytes);
  std::vector<Instant> four = fan_out(EngineKind::kSimgrid, 4, kBytes);
  ASSERT_EQ(one.size(), 1u);
  ASSERT_EQ(four.size(), 4u);
  double alone_ms = static_cast<double>(one[0].ns()) / 1e6;
  // SimGrid's TCP model reaches ~92% of a link's nominal bandwidth by default.
  EXPECT_GT(alone_ms, 100.0);
  EXPECT_LT(alone_ms, 125.0);
  // Four flows at once through one NIC: each gets a quarter, all end together, ~4x later.
  for (Instant a : four) {
    double ms = static_cast<double>(a.ns()) / 1e6;
    EXPECT_GT(ms, 3.8 * alone_ms) << ms;
    EXPECT_LT(ms, 4.2 * alone_ms) << ms;
  }
}

TEST(SimgridEngine, PartitionsStillDropMessages) {
  World w(simgrid_config());
  int received = 0;
  w.add_node("a", [&](NodeContext& ctx) {
    for (int i = 0; i < 10; ++i) {
      ctx.send_datagram(NodeId{1}, "ping", 100, i);
      ctx.sleep_for(milliseconds(10));
    }
  });
  w.add_node("b", [&](NodeContext& ctx) {
    for (;;) {
      ctx.receive();
      ++received;
    }
  });
  w.start(NodeId{0});
  w.start(NodeId{1});
  w.at(Instant::epoch() + milliseconds(25), [&] { w.net().partition(NodeId{0}, NodeId{1}); });
  w.at(Instant::epoch() + milliseconds(65), [&] { w.net().heal(); });
  w.run(Instant::epoch() + seconds(1));
  EXPECT_EQ(received, 6);  // sent at 0, 10, 20 and 70, 80, 90; 30..60 cut
  EXPECT_EQ(w.net().stats().dropped_partition, 4u);
}

TEST(SimgridEngine, DiskWritesAreChargedThroughTheS4uDisk) {
  WorldConfig c = simgrid_config();
  World w(c);
  Duration took;
  NodeOptions no;
  no.disk.bandwidth_bytes_per_s = 100'000'000;
  no.disk.write_latency = Duration::zero();
  w.add_node("n0", [&](NodeContext& ctx) {
    Instant start = ctx.true_now();
    ctx.files().append("log", std::string(10'000'000, 'x'));
    took = ctx.true_now() - start;
  }, no);
  w.start(NodeId{0});
  w.run(Instant::epoch() + seconds(1));
  EXPECT_EQ(took, milliseconds(100));
}

TEST(SimgridEngine, ComputeChargesCpuAtHostSpeed) {
  WorldConfig c = simgrid_config();
  c.cpu_flops = 2e9;
  c.cpu_flops_per_request = 0.5e9;
  c.cpu_flops_per_byte = 1.0;
  World w(c);
  Duration took;
  w.add_node("n0", [&](NodeContext& ctx) {
    Instant start = ctx.true_now();
    ctx.charge_cpu(500'000'000);  // 0.5 Gflop + 0.5 Gflop at 2 Gflop/s
    took = ctx.true_now() - start;
  });
  w.start(NodeId{0});
  w.run(Instant::epoch() + seconds(2));
  EXPECT_EQ(took, milliseconds(500));
}

// The native determinism workload (tests/sim/determinism_test.cc), on SimGrid.
struct Request {
  uint64_t key;
  std::string value;
};

void storage_node(NodeContext& ctx) {
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
    ctx.charge_cpu(rec.size());
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
  WorldConfig c = simgrid_config(seed);
  c.limits.max_events = 2'000'000;
  c.link.latency = LatencyModel::exponential(microseconds(300));
  c.link.loss = 0.02;
  c.link.duplicate = 0.01;
  c.link.reorder = 0.02;
  c.link.bandwidth_bytes_per_s = 50'000'000;
  c.fault_points.enabled = true;
  c.fault_points.overrides["client.burst"] = true;
  c.cpu_flops_per_request = 20'000;
  c.cpu_flops_per_byte = 10;
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

// A run in a process of its own, as eddy's commands give every SimGrid run: SimGrid's clock
// never goes back within a process, and a run that starts at a later SimGrid date may see its
// transfer times differ in their last bits (cli/fresh_process.h).
RunOutput fresh_chaos(uint64_t seed) {
  std::string why;
  auto out = cli::in_fresh_process(
      [seed] {
        RunOutput r = run_chaos(seed);
        return std::to_string(r.fingerprint) + " " + std::to_string(static_cast<int>(r.status)) + "\n" + r.trace;
      },
      why);
  EXPECT_TRUE(out.has_value()) << why;
  RunOutput r{0, "", RunStatus::kLabError};
  if (!out) return r;
  size_t eol = out->find('\n');
  std::istringstream head(out->substr(0, eol));
  int status = 0;
  head >> r.fingerprint >> status;
  r.status = static_cast<RunStatus>(status);
  r.trace = out->substr(eol + 1);
  return r;
}

TEST(SimgridEngine, SameSeedSameRunWithCrashesPausesPartitionsAndDiskFaults) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    RunOutput a = fresh_chaos(seed);
    RunOutput b = fresh_chaos(seed);
    ASSERT_EQ(a.status, RunStatus::kStopped) << "seed " << seed;
    ASSERT_EQ(a.fingerprint, b.fingerprint) << "seed " << seed;
    ASSERT_EQ(a.trace, b.trace) << "seed " << seed;
    ASSERT_GT(a.trace.size(), 1000u);
    for (const char* ev : {"\"ev\":\"net.deliver\"", "\"ev\":\"disk.fsync\""})
      EXPECT_NE(a.trace.find(ev), std::string::npos) << ev;
  }
  EXPECT_NE(fresh_chaos(1).fingerprint, fresh_chaos(2).fingerprint);
}

TEST(SimgridEngine, OneSimgridWorldAtATime) {
  World a(simgrid_config());
  EXPECT_DEATH({ World b(simgrid_config()); }, "one SimGrid world at a time");
}

}  // namespace
}  // namespace sim
