// The kernel: simulated time, the event queue, and simulated processes as Boost.Fiber
// fibers under eddy's own deterministic scheduler.
//
// Exactly one fiber runs at a time. The event heap lives inside the scheduler: when no
// fiber is ready, the scheduler pops the next event, advances time and hands the fiber it
// wakes straight over (one context switch per event). Callbacks (message deliveries,
// scheduled faults) run inside the scheduler and must not block.
//
// Fibers belong to a FiberGroup (a node's process incarnation). Killing a group wakes each
// of its fibers, whose blocking call then throws FiberUnwind so the stack unwinds and its
// memory is released; pausing a group freezes its fibers while time moves on.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/free_slots.h"
#include "sim/native/event_queue.h"
#include "sim/parker.h"
#include "sim/time.h"
#include "sim/world/engine.h"

namespace boost::fibers { class context; }

namespace sim {

class FiberScheduler;

enum class FiberState : uint8_t { kReady, kRunning, kBlocked, kFrozen };

struct Fiber {
  uint64_t id = 0;
  uint32_t slot = 0;
  GroupId group = kWorldGroup;
  bool daemon = false;
  FiberState state = FiberState::kReady;
  WakeReason wake_reason = WakeReason::kNone;
  uint64_t wait_token = 0;  // non-zero while blocked; events carrying another token are stale
  const char* blocked_on = "";
  Instant blocked_since;
  boost::fibers::context* ctx = nullptr;
  std::string name;
  std::function<void()> body;
};

class Kernel final : public Engine {
 public:
  explicit Kernel(RunLimits limits = {});
  // Unwinds every live fiber: whatever they wait on (queues, channels) must still exist,
  // so declare such objects before the kernel, or call shutdown() first.
  ~Kernel() override;
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  // The kernel running on this thread (nullptr outside run()).
  static Kernel* current_kernel();

  const char* name() const override { return "native"; }
  Instant now() const override { return now_; }
  uint64_t events_processed() const override { return events_processed_; }
  // Fiber resumptions from the ready queue (wake-ups by notify, spawns, yields).
  uint64_t dispatches() const { return dispatches_; }
  uint64_t fibers_spawned() const { return next_fiber_id_ - 1; }
  size_t live_fibers() const { return live_fibers_; }
  const RunLimits& limits() const { return limits_; }
  void set_limits(RunLimits l) { limits_ = l; }

  // --- fibers ---------------------------------------------------------------
  uint64_t spawn(std::string name, std::function<void()> body, FiberOptions options = {}) override;
  Fiber* current_fiber() const { return current_; }
  const Fiber* find_fiber(uint64_t id) const;

  // --- groups (a node's process incarnation) ---------------------------------
  GroupId create_group(std::string name) override;
  // Kill: every fiber of the group unwinds (FiberUnwind) at its next scheduling point;
  // `on_empty` runs once the last of them has exited (use it to drop the process memory).
  void kill_group(GroupId g, std::function<void()> on_empty = {}) override;
  void pause_group(GroupId g) override;
  void resume_group(GroupId g) override;
  bool group_killed(GroupId g) const { return groups_[g].killed; }
  bool group_paused(GroupId g) const { return groups_[g].paused; }
  size_t group_size(GroupId g) const { return groups_[g].members.size(); }
  const std::string& group_name(GroupId g) const { return groups_[g].name; }

  // --- events ---------------------------------------------------------------
  TimerHandle at(Instant t, std::function<void()> callback) override;
  TimerHandle after(Duration d, std::function<void()> callback) { return at(now_ + d, std::move(callback)); }
  void cancel(TimerHandle h) override;

  // --- blocking, for eddy's primitives (wait queues, channels, sleep) ---------
  // prepare_wait marks the current fiber as about to block and returns its wait token;
  // arm_wake_at makes it wake with kTimeout at `deadline`; block() parks it.
  uint64_t prepare_wait(const char* what) override;
  uint32_t current_slot() const override { return current_->slot; }
  GroupId current_group() const override { return current_ != nullptr ? current_->group : kWorldGroup; }
  void arm_wake_at(Instant deadline, uint64_t token) override;
  WakeReason block() override;
  // The current fiber sleeps until `t` (prepare_wait + arm_wake_at + block). When nothing
  // can run before `t` (no fiber ready, no event due at or before it, no limit or stop in
  // the way), its wake-up would be the next event popped and it the next fiber run: the
  // clock moves to `t` and the event is counted as that pop would, without parking the fiber
  // and resuming it through the scheduler. Same order, same counts, same fingerprint.
  void sleep_until(Instant t, const char* what) override;
  // Wake fiber `slot` if it is still blocked in the wait identified by `token`.
  bool wake(uint32_t slot, uint64_t token, WakeReason reason) override;
  // Give other ready fibers a turn at the same instant.
  void yield() override;
  // Throws FiberUnwind if the current fiber's process is dead or the run is ending. Inline:
  // every send, disk call and wait asks (~5 times per event).
  void check_alive() const override {
    if (current_ == nullptr) return;
    if (shutting_down_ || groups_[current_->group].killed) [[unlikely]]
      throw_unwind();
  }

  // --- running -------------------------------------------------------------
  // Runs from the host (main) context until quiet, stopped, `until`, or a limit.
  RunOutcome run(Instant until = Instant::max()) override;
  void stop(std::string reason) override;
  // Unwinds every live fiber (end of the simulation). Called by the destructor too.
  void shutdown() override;
  // Records an error that ends the run as kLabError (a fiber threw something unexpected).
  void fail(std::string message) override;

  // Called by the scheduler (on this thread only).
  boost::fibers::context* next_context(boost::fibers::context* active);
  void adopt_spawned(boost::fibers::context* ctx);
  bool has_ready() const { return ready_count_ > 0; }

 private:
  [[noreturn]] void throw_unwind() const;
  struct FiberGroup {
    std::string name;
    bool paused = false;
    bool killed = false;
    std::vector<uint32_t> members;  // fiber slots in spawn order
    std::vector<uint32_t> frozen;   // ready while paused, in wake order
    std::function<void()> on_empty;
  };

  void push_ready(uint32_t slot);
  uint32_t pop_ready();
  boost::fibers::context* run_fiber(Fiber* f, boost::fibers::context* active);
  boost::fibers::context* finish(boost::fibers::context* active);
  bool stale(const Event& e) const;
  // A stale event dropped from the queue: the slot of a callback nobody holds any more is
  // free again (a cancelled timer's slot waits for its event, so no new callback reuses it
  // while that event is queued).
  void release_dropped(const Event& e) {
    if (e.kind == EventKind::kCallback && callbacks_[e.target] == nullptr && callback_tokens_[e.target] == 0)
      free_callback_slots_.release(e.target);
  }
  void maybe_compact_events();
  void on_fiber_exit(uint32_t slot);
  void fiber_main(uint32_t slot);
  std::string describe_blocked() const;
  void enter_host_wait();

  RunLimits limits_;
  Instant now_;
  Instant run_until_ = Instant::max();
  uint64_t events_processed_ = 0;
  uint64_t dispatches_ = 0;
  uint64_t next_sequence_ = 1;
  uint64_t next_token_ = 1;
  uint64_t next_fiber_id_ = 1;
  size_t live_fibers_ = 0;

  EventQueue events_;
  static constexpr size_t kCompactEventsMin = 1024;
  size_t compact_at_ = kCompactEventsMin;  // sweep stale events when the heap reaches this
  std::vector<std::unique_ptr<Fiber>> fibers_;  // by slot
  FreeSlots free_fiber_slots_;
  std::vector<std::function<void()>> callbacks_;  // by slot
  std::vector<uint64_t> callback_tokens_;
  FreeSlots free_callback_slots_;
  std::vector<FiberGroup> groups_;

  // Ready queue: a ring of fiber slots (FIFO keeps scheduling order deterministic).
  std::vector<uint32_t> ready_ring_;
  size_t ready_head_ = 0;
  size_t ready_count_ = 0;

  Fiber* current_ = nullptr;
  Fiber* spawning_ = nullptr;
  Fiber* resume_self_ = nullptr;
  FiberScheduler* scheduler_ = nullptr;
  boost::fibers::context* host_ctx_ = nullptr;
  bool running_ = false;
  bool shutting_down_ = false;
  bool finished_ = false;
  uint64_t exits_since_cleanup_ = 0;
  RunOutcome outcome_;
  bool outcome_set_ = false;
};

}  // namespace sim
