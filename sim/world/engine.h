// The engine beneath a World: simulated time, timed callbacks, simulated threads in groups
// (a node's process incarnation: killed, paused and resumed together), parking and waking
// (Parker), and running until quiet. The native engine (sim/native/kernel.h) runs threads as
// Boost.Fiber fibers under its own deterministic scheduler; a SimGrid engine runs them as
// actors. The world model (nodes, network filters, disks, clocks, trace) is the same on every
// engine and reaches the engine only through this interface.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sim/parker.h"
#include "sim/time.h"

namespace sim {

using GroupId = uint32_t;
inline constexpr GroupId kWorldGroup = 0;

struct FiberOptions {
  GroupId group = kWorldGroup;
  // A daemon thread may stay blocked forever (a server loop waiting for requests) without
  // that counting as a deadlock when the run goes quiet.
  bool daemon = false;
};

struct TimerHandle {
  uint32_t slot = 0;
  uint64_t token = 0;
};

struct RunLimits {
  // Engine events plus thread dispatches; bounds livelocks that never advance time too.
  uint64_t max_events = 500'000'000;
  Instant max_time = Instant::max();
};

enum class RunStatus : uint8_t {
  kQuiescent,    // nothing left to do: no ready thread, no event, no blocked non-daemon thread
  kStopped,      // stop() was called
  kReachedUntil, // run(until) reached its instant
  kDeadlock,     // no event can ever wake the blocked non-daemon threads
  kEventLimit,
  kTimeLimit,
  kLabError,     // a thread threw something other than FiberUnwind
};
const char* to_string(RunStatus s);

struct RunOutcome {
  RunStatus status = RunStatus::kQuiescent;
  std::string message;  // why the run ended; for a deadlock, the blocked threads
  bool ok() const {
    return status == RunStatus::kQuiescent || status == RunStatus::kStopped || status == RunStatus::kReachedUntil;
  }
};

// The hardware beneath the world, for an engine that models it (SimGrid builds its platform
// from this); the native engine models the NICs, disks and CPUs in the world itself
// (sim/world/network.h, sim/world/disk.h, World's CPU queues) and ignores it.
struct PlatformModel {
  // One-way latency between two nodes on the wire (the link model's floor; the network adds
  // the sampled jitter above it).
  Duration latency = microseconds(100);
  // The speed of the host world threads run on, flop/s.
  double cpu_flops = 1e9;
};

// One machine of the platform.
struct HostModel {
  std::string name;
  int64_t nic_bytes_per_s = 1'250'000'000;  // each direction, shared by the node's flows; 0: unlimited
  int64_t disk_bytes_per_s = 500'000'000;   // 0: unlimited
  double cpu_flops = 1e9;                   // per core
  int cores = 1;
};

class Engine : public Parker {
 public:
  virtual ~Engine() = default;
  virtual const char* name() const = 0;

  // --- timed callbacks (run outside any thread; must not block) ---------------
  virtual TimerHandle at(Instant t, std::function<void()> callback) = 0;
  virtual void cancel(TimerHandle h) = 0;

  // --- threads and groups ----------------------------------------------------
  virtual uint64_t spawn(std::string name, std::function<void()> body, FiberOptions options) = 0;
  virtual GroupId create_group(std::string name) = 0;
  // Kill: every thread of the group unwinds (FiberUnwind) at its next scheduling point;
  // `on_empty` runs once the last of them has exited (use it to drop the process memory).
  virtual void kill_group(GroupId g, std::function<void()> on_empty) = 0;
  virtual void pause_group(GroupId g) = 0;
  virtual void resume_group(GroupId g) = 0;
  // The group of the running thread (kWorldGroup outside a thread or for world threads).
  virtual GroupId current_group() const = 0;

  // --- platform (engines with a physical model; the native engine ignores these) ---
  virtual void configure_platform(const PlatformModel&) {}
  // Node `node` is this machine. Called for every node before the first run.
  virtual void add_host(uint32_t /*node*/, const HostModel& /*host*/) {}
  // Group `g` (a process incarnation) runs on node `node`'s host.
  virtual void bind_group(GroupId /*g*/, uint32_t /*node*/) {}
  // Moves `bytes` from node `from` to node `to` through the engine's network model and calls
  // `done` (outside any thread; it must not block) when the last byte arrived, the platform's
  // latency included. False: the engine has no network model (the world serializes the
  // message on its own link model).
  virtual bool transfer(uint32_t /*from*/, uint32_t /*to*/, uint64_t /*bytes*/, std::function<void()> /*done*/) {
    return false;
  }
  // Charges an I/O of `bytes` on the current thread's node's disk to the current thread (it
  // blocks for as long as the disk model says). False: no disk model here.
  virtual bool disk_io(int64_t /*bytes*/, bool /*write*/, const char* /*what*/) { return false; }
  // Charges `flops` of CPU work at the current thread's host speed. False: no CPU model here.
  virtual bool compute(double /*flops*/) { return false; }

  // --- running ---------------------------------------------------------------
  // Runs until quiet, stopped, `until`, or a limit.
  virtual RunOutcome run(Instant until) = 0;
  virtual void stop(std::string reason) = 0;
  // Records an error that ends the run as kLabError.
  virtual void fail(std::string message) = 0;
  // Unwinds every live thread (end of the simulation).
  virtual void shutdown() = 0;

  // --- diagnostics (never part of a fingerprint: they differ between engines) ---
  virtual uint64_t events_processed() const = 0;
  void set_seed_for_diagnostics(uint64_t seed) { seed_ = seed; }
  uint64_t seed() const { return seed_; }

 protected:
  Engine() = default;

 private:
  uint64_t seed_ = 0;
};

enum class EngineKind : uint8_t { kNative, kSimgrid };
const char* to_string(EngineKind k);
std::optional<EngineKind> engine_kind_from_name(std::string_view name);
// "native, simgrid": for error messages.
const char* engine_names();

// A fresh engine of that kind (defined beside the engines: sim/engines.cc).
std::unique_ptr<Engine> make_engine(EngineKind kind, RunLimits limits);

}  // namespace sim
