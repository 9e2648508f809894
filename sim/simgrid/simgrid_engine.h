// The SimGrid engine: the world's threads run as SimGrid S4U actors, and the platform beneath
// them (hosts, NICs, disks, CPU speed) is SimGrid's flow-level model.
//
// Every simulated thread is an actor on its node's host (world threads on a "world" host); a
// thread parks on a per-thread S4U semaphore and is woken by releasing it. No Boost.Fiber runs
// here (fibers blocking inside actors crash: FIELD-NOTES).
//
// Time and order. eddy's time stays an integer count of nanoseconds. Timed callbacks and the
// deadlines of waits live in one queue ordered by (time, sequence), as on the native engine,
// served by a dispatcher actor that sleeps on SimGrid's clock until the next one is due; the
// clock (double seconds) is converted at that boundary only. SimGrid runs one actor at a time
// in a deterministic order, so a seed gives one run, byte for byte.
//
// What SimGrid models: a message's transfer time (a host-to-host comm through each node's
// full-duplex NIC link, shared fairly by all of a node's flows, with the platform's latency);
// disk I/O time (an S4U disk per host, its bandwidth shared by concurrent I/O); CPU time
// (Engine::compute: an execution at the host's speed). What stays eddy's: the network's fault
// filters and connection semantics (sim/world/network.h) in front of the comm, and the disk's
// crash model (sim/world/disk.h).
//
// One SimGrid simulation per process: SimGrid's engine is a singleton whose clock never
// goes back, so this engine measures time from the clock it found at construction (a second
// world in one process starts at a later SimGrid date; its eddy times are the same).
#pragma once

#include <simgrid/s4u.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "sim/free_slots.h"
#include "sim/parker.h"
#include "sim/time.h"
#include "sim/world/engine.h"

namespace sim {

class SimgridEngine final : public Engine {
 public:
  explicit SimgridEngine(RunLimits limits = {});
  ~SimgridEngine() override;
  SimgridEngine(const SimgridEngine&) = delete;
  SimgridEngine& operator=(const SimgridEngine&) = delete;

  const char* name() const override { return "simgrid"; }
  Instant now() const override { return now_; }
  uint64_t events_processed() const override { return events_processed_; }

  // --- platform ----------------------------------------------------------------
  void configure_platform(const PlatformModel& p) override;
  void add_host(uint32_t node, const HostModel& host) override;
  void bind_group(GroupId g, uint32_t node) override;
  bool transfer(uint32_t from, uint32_t to, uint64_t bytes, std::function<void()> done) override;
  bool disk_io(int64_t bytes, bool write, const char* what) override;
  bool compute(double flops) override;

  // --- timed callbacks ---------------------------------------------------------
  TimerHandle at(Instant t, std::function<void()> callback) override;
  void cancel(TimerHandle h) override;

  // --- threads and groups ------------------------------------------------------
  uint64_t spawn(std::string name, std::function<void()> body, FiberOptions options) override;
  GroupId create_group(std::string name) override;
  void kill_group(GroupId g, std::function<void()> on_empty) override;
  void pause_group(GroupId g) override;
  void resume_group(GroupId g) override;
  GroupId current_group() const override;

  // --- Parker ------------------------------------------------------------------
  uint64_t prepare_wait(const char* what) override;
  uint32_t current_slot() const override;
  void arm_wake_at(Instant deadline, uint64_t token) override;
  WakeReason block() override;
  bool wake(uint32_t slot, uint64_t token, WakeReason reason) override;
  void sleep_until(Instant t, const char* what) override;
  void yield() override;
  void check_alive() const override;

  // --- running -----------------------------------------------------------------
  RunOutcome run(Instant until) override;
  void stop(std::string reason) override;
  void fail(std::string message) override;
  void shutdown() override;

  // Diagnostics: actors created for threads, and the transfer workers.
  uint64_t threads_spawned() const { return next_fiber_id_ - 1; }
  size_t transfer_workers() const { return workers_.size(); }

 private:
  enum class State : uint8_t {
    kReady,    // runnable (spawned, woken, or running): counted in ready_
    kBlocked,  // parked in a wait of its own (WaitQueue, sleep)
    kFrozen,   // its process is paused
    kGated,    // the run ended while it was runnable: it waits for the next run
  };
  struct Fiber {
    uint64_t id = 0;
    uint32_t slot = 0;
    GroupId group = kWorldGroup;
    bool daemon = false;
    State state = State::kReady;
    WakeReason wake_reason = WakeReason::kNone;
    uint64_t wait_token = 0;
    TimerHandle timer;  // the armed deadline of the current wait
    const char* blocked_on = "";
    Instant blocked_since;
    std::string name;
    std::function<void()> body;
    simgrid::s4u::SemaphorePtr sem;
  };
  struct Group {
    std::string name;
    int node = -1;  // the host it runs on (-1: the world host)
    bool paused = false;
    bool killed = false;
    std::vector<uint32_t> members;  // fiber slots in spawn order
    std::function<void()> on_empty;
  };
  struct Timer {
    std::function<void()> fn;
    uint64_t token = 0;
    int64_t t = 0;
    uint64_t sequence = 0;
  };
  struct Job {
    uint32_t from = 0, to = 0;
    uint64_t bytes = 0;
    std::function<void()> done;
  };
  struct Worker {
    simgrid::s4u::SemaphorePtr sem;
    Job job;
    bool has_job = false;
  };

  // Clock conversion at the boundary with SimGrid.
  Instant to_instant(double clock) const;
  double to_clock(Instant t) const;
  void sync_now();
  Fiber* current() const;

  void build_platform();
  void start_actor(uint32_t slot);
  void fiber_main(uint32_t slot);
  void on_fiber_exit(uint32_t slot);
  // The current thread parks in `state` until someone makes it ready.
  void park(Fiber* f, State state);
  void resumed(Fiber* f);
  // After any resumption: a paused process freezes, an ended run gates, a killed one unwinds.
  void settle(Fiber* f);
  void make_ready(Fiber* f);
  [[noreturn]] void throw_unwind() const;

  void dispatcher_main();
  void dispatcher_wait(Instant deadline);
  void kick_dispatcher();
  void maybe_quiet();
  void finish(RunStatus status, std::string message);
  // World-side actors (dispatcher, transfer workers) wait here while the run is over.
  void world_gate();
  void release_gates();
  void worker_main(Worker* w);
  std::string describe_blocked() const;

  RunLimits limits_;
  PlatformModel platform_;
  std::unique_ptr<simgrid::s4u::Engine> sg_;
  double base_ = 0;  // SimGrid's clock at eddy's time zero
  Instant now_;
  Instant run_until_ = Instant::max();
  uint64_t events_processed_ = 0;
  uint64_t dispatches_ = 0;
  uint64_t next_token_ = 1;
  uint64_t next_sequence_ = 1;
  uint64_t next_fiber_id_ = 1;

  std::vector<HostModel> host_models_;  // by node
  std::vector<simgrid::s4u::Host*> hosts_;
  std::vector<simgrid::s4u::Disk*> disks_;
  simgrid::s4u::Host* world_host_ = nullptr;
  bool platform_built_ = false;
  std::vector<uint32_t> pending_starts_;  // threads spawned before the platform existed

  std::vector<std::unique_ptr<Fiber>> fibers_;
  FreeSlots free_fiber_slots_;
  std::vector<Group> groups_;
  size_t live_fibers_ = 0;
  size_t ready_ = 0;  // threads runnable now
  size_t busy_ = 0;   // transfers in flight

  std::vector<Timer> timers_;
  FreeSlots free_timer_slots_;
  std::set<std::tuple<int64_t, uint64_t, uint32_t>> queue_;  // (time, sequence, timer slot)

  simgrid::s4u::SemaphorePtr dispatcher_sem_;
  bool dispatcher_waiting_ = false;
  bool dispatcher_kicked_ = false;
  Instant dispatcher_deadline_ = Instant::max();
  bool dispatcher_alive_ = false;

  // What the running actor will tell SimGrid when it next blocks (flush()).
  struct Op {
    enum Kind : uint8_t { kRelease, kStartFiber, kStartWorker } kind;
    simgrid::s4u::SemaphorePtr sem;
    uint32_t slot;
    Worker* worker;
  };
  std::deque<Op> outbox_;
  void flush();

  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<Worker*> idle_workers_;
  size_t world_actors_ = 0;  // dispatcher and workers alive
  simgrid::s4u::SemaphorePtr gate_sem_;
  size_t gated_world_actors_ = 0;

  bool running_ = false;
  bool finished_ = false;
  bool shutting_down_ = false;
  RunOutcome outcome_;
  bool outcome_set_ = false;
};

}  // namespace sim
