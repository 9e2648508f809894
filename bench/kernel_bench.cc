// Benchmarks for the simulation kernel: the event queue, the kernel's callback path, fiber
// message hops through channels, fibers sleeping in simulated time, and a network hop
// through sim::World.
//
//   ninja -C build bench && ./build/bench/bench --benchmark_min_time=0.5
//
// Targets (on the 2-core dev machine):
//   BM_EventQueue/1000          >= 15 M events/s   (items_per_second)
//   BM_ChannelPingPong          <= 60 ns per hop   (ns_per_hop)
//   BM_SleepingFibers/1000      >= 8 M wake-ups/s  (items_per_second)
// The rest are for information.
//
// Timing. The event-queue benchmarks use Google Benchmark's own timers. The fiber
// benchmarks build a kernel per iteration and time only the part that matters (the run,
// not the kernel's construction, the fiber spawns or the final teardown) with manual
// timing. The manual time is this thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so that a
// concurrent build on the same machine does not count against us, just like Google
// Benchmark's default CPU-time rates; the wall-clock figure of the same region is reported
// next to it (the wall_* counters).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <vector>

#include "sim/channel.h"
#include "sim/native/event_queue.h"
#include "sim/native/kernel.h"
#include "sim/world/network.h"
#include "sim/payload.h"
#include "sim/prng.h"
#include "sim/time.h"
#include "sim/world/world.h"

namespace {

// ------------------------------------------------------------------ helpers

struct Clocks {
  int64_t cpu_ns = 0;
  int64_t wall_ns = 0;

  static Clocks now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);  // determinism-ok: a benchmark measures host time
    Clocks c;
    c.cpu_ns = static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
    c.wall_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())  // determinism-ok
                    .count();
    return c;
  }
};

// Accumulates measured intervals over a benchmark's iterations.
struct Measured {
  int64_t cpu_ns = 0;
  int64_t wall_ns = 0;
  int64_t items = 0;

  // Reports one iteration's interval [from, to) covering `n` items.
  void add(benchmark::State& state, const Clocks& from, const Clocks& to, int64_t n) {
    int64_t cpu = to.cpu_ns - from.cpu_ns;
    cpu_ns += cpu;
    wall_ns += to.wall_ns - from.wall_ns;
    items += n;
    state.SetIterationTime(static_cast<double>(cpu) * 1e-9);
  }

  // items_per_second (from the manual, CPU time), plus ns per item on both clocks.
  void report(benchmark::State& state, const char* per_item) const {
    state.SetItemsProcessed(items);
    if (items == 0) return;
    const double n = static_cast<double>(items);
    state.counters[std::string("ns_per_") + per_item] = static_cast<double>(cpu_ns) / n;
    state.counters[std::string("wall_ns_per_") + per_item] = static_cast<double>(wall_ns) / n;
  }
};

bool check_outcome(benchmark::State& state, const sim::RunOutcome& out) {
  if (out.ok()) return true;
  state.SkipWithError(out.message.c_str());
  return false;
}

// Pseudo-random time increments, drawn before the timed loop. The table fits in L1.
constexpr size_t kIncrements = 4096;
std::vector<int64_t> draw_increments(uint64_t seed, int64_t lo, int64_t hi) {
  sim::Prng prng(seed);
  std::vector<int64_t> v(kIncrements);
  for (auto& x : v) x = prng.int_in_range(lo, hi + 1);
  return v;
}

// ------------------------------------------------------------------ 1. event queue

// The "hold" model: N pending events; each step pops the earliest and schedules its
// successor a random increment later. One step = one event processed.
void BM_EventQueue(benchmark::State& state) {
  const auto pending = static_cast<size_t>(state.range(0));
  const std::vector<int64_t> inc = draw_increments(42, 1, 1'000'000);
  sim::EventQueue q;
  q.reserve(pending + 1);
  uint64_t seq = 1;
  for (size_t i = 0; i < pending; ++i)
    q.push(sim::Event{sim::make_event_key(inc[i % kIncrements], seq++), 0, static_cast<uint32_t>(i),
                      sim::EventKind::kCallback});
  size_t k = 0;
  for (auto _ : state) {
    sim::Event e = q.pop();
    int64_t t = e.time_ns() + inc[k++ & (kIncrements - 1)];
    q.push(sim::Event{sim::make_event_key(t, seq++), e.token, e.target, e.kind});
  }
  benchmark::DoNotOptimize(q.top());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventQueue)->Arg(1'000)->Arg(100'000);

// The same hold model through the whole kernel: kernel.at() callbacks, each of which
// schedules its successor, run by kernel.run(). Items = events the kernel processed.
struct CallbackChain {
  sim::Kernel* kernel;
  const int64_t* inc;
  size_t next = 0;
  int64_t budget = 0;  // successors still to schedule
};

void chain_step(CallbackChain* c) {
  if (c->budget == 0) return;
  --c->budget;
  c->kernel->after(sim::nanoseconds(c->inc[c->next++ & (kIncrements - 1)]), [c] { chain_step(c); });
}

void BM_KernelCallbacks(benchmark::State& state) {
  const auto pending = static_cast<size_t>(state.range(0));
  const int64_t events_per_run = state.range(1);
  const std::vector<int64_t> inc = draw_increments(43, 1, 1'000'000);
  Measured m;
  for (auto _ : state) {
    sim::Kernel kernel;
    CallbackChain chain{&kernel, inc.data(), 0, events_per_run - static_cast<int64_t>(pending)};
    for (size_t i = 0; i < pending; ++i)
      kernel.at(sim::Instant::from_ns(inc[i % kIncrements]), [c = &chain] { chain_step(c); });
    Clocks t0 = Clocks::now();
    sim::RunOutcome out = kernel.run();
    Clocks t1 = Clocks::now();
    if (!check_outcome(state, out)) break;
    m.add(state, t0, t1, static_cast<int64_t>(kernel.events_processed()));
  }
  m.report(state, "event");
}
BENCHMARK(BM_KernelCallbacks)->Args({1'000, 1'000'000})->UseManualTime()->Unit(benchmark::kMillisecond);

// ------------------------------------------------------------------ 2. message hop

// Two fibers ping-pong an integer through two channels. A hop is one message delivered to
// the other fiber and that fiber resumed; a round trip is two hops.
void BM_ChannelPingPong(benchmark::State& state) {
  const int64_t round_trips = state.range(0);
  Measured m;
  for (auto _ : state) {
    // The channels outlive the kernel: shutdown may unwind fibers blocked on them.
    sim::Channel<int> ping(16, "ping");
    sim::Channel<int> pong(16, "pong");
    int64_t checksum = 0;
    sim::Kernel kernel;
    kernel.spawn("a", [&] {
      for (int64_t i = 0; i < round_trips; ++i) {
        ping.send(static_cast<int>(i));
        checksum += *pong.receive();
      }
    });
    kernel.spawn("b", [&] {
      for (int64_t i = 0; i < round_trips; ++i) pong.send(*ping.receive() + 1);
    });
    Clocks t0 = Clocks::now();
    sim::RunOutcome out = kernel.run();
    Clocks t1 = Clocks::now();
    if (!check_outcome(state, out)) break;
    benchmark::DoNotOptimize(checksum);
    m.add(state, t0, t1, 2 * round_trips);
    kernel.shutdown();
  }
  m.report(state, "hop");
}
BENCHMARK(BM_ChannelPingPong)->Arg(100'000)->UseManualTime()->Unit(benchmark::kMillisecond);

// ------------------------------------------------------------------ 3. sleeping fibers

// N fibers each sleep K times for a slightly different duration (1000 + i ns), so the
// heap holds N pending wake-ups throughout. A warm-up run (every fiber runs once, touching
// its stack, and sleeps until t = 1 ns) is not timed.
void BM_SleepingFibers(benchmark::State& state) {
  const auto fibers = static_cast<int>(state.range(0));
  const int64_t sleeps = state.range(1);
  Measured m;
  for (auto _ : state) {
    sim::Kernel kernel;
    for (int i = 0; i < fibers; ++i) {
      kernel.spawn("sleeper", [i, sleeps] {
        sim::this_fiber::sleep_until(sim::Instant::from_ns(1));
        const sim::Duration d = sim::nanoseconds(1000 + i);
        for (int64_t k = 0; k < sleeps; ++k) sim::this_fiber::sleep_for(d);
      });
    }
    sim::RunOutcome warm = kernel.run(sim::Instant::epoch());
    if (warm.status != sim::RunStatus::kReachedUntil) {
      state.SkipWithError(("warm-up: " + warm.message).c_str());
      break;
    }
    const uint64_t before = kernel.events_processed();
    Clocks t0 = Clocks::now();
    sim::RunOutcome out = kernel.run();
    Clocks t1 = Clocks::now();
    if (!check_outcome(state, out)) break;
    // Every timer event processed here woke one fiber: fibers * (sleeps + 1).
    m.add(state, t0, t1, static_cast<int64_t>(kernel.events_processed() - before));
  }
  m.report(state, "wakeup");
}
BENCHMARK(BM_SleepingFibers)->Args({1'000, 1'000})->UseManualTime()->Unit(benchmark::kMillisecond);

// ------------------------------------------------------------------ 4. network hop

// Two nodes of a World ping-pong through NodeContext::send/receive over a link with
// constant latency and unlimited bandwidth. One message = send, delivery callback, inbox,
// receiver resumed. The pinger times its own loop.
struct NetPingPong {
  sim::NodeId ponger;
  int64_t round_trips = 0;
  Clocks start, end;
  int64_t checksum = 0;
};

void BM_WorldNetworkHop(benchmark::State& state) {
  const int64_t round_trips = state.range(0);
  Measured m;
  for (auto _ : state) {
    NetPingPong p;
    p.round_trips = round_trips;
    sim::WorldConfig wc;
    wc.seed = 7;
    wc.link.latency = sim::LatencyModel::constant(sim::microseconds(10));
    wc.link.bandwidth_bytes_per_s = 0;  // unlimited
    sim::World world(wc);
    sim::NodeId pinger = world.add_node("pinger", [&p](sim::NodeContext& ctx) {
      p.start = Clocks::now();
      for (int64_t i = 0; i < p.round_trips; ++i) {
        ctx.send_datagram(p.ponger, "ping", 8, static_cast<int>(i));
        std::optional<sim::Envelope> reply = ctx.receive();
        p.checksum += sim::payload_cast<int>(reply->payload);
      }
      p.end = Clocks::now();
    });
    p.ponger = world.add_node("ponger", [](sim::NodeContext& ctx) {
      for (;;) {
        std::optional<sim::Envelope> msg = ctx.receive();
        ctx.send_datagram(msg->from, "pong", 8, sim::payload_cast<int>(msg->payload) + 1);
      }
    });
    world.start(pinger);
    world.start(p.ponger);
    sim::RunOutcome out = world.run();
    if (!check_outcome(state, out)) break;
    benchmark::DoNotOptimize(p.checksum);
    m.add(state, p.start, p.end, 2 * round_trips);
  }
  m.report(state, "msg");
}
BENCHMARK(BM_WorldNetworkHop)->Arg(50'000)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
