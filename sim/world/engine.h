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

enum class EngineKind : uint8_t { kNative };
const char* to_string(EngineKind k);
std::optional<EngineKind> engine_kind_from_name(std::string_view name);

// A fresh engine of that kind (defined beside the engines: sim/engines.cc).
std::unique_ptr<Engine> make_engine(EngineKind kind, RunLimits limits);

}  // namespace sim
