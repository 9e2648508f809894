#include "sim/native/kernel.h"

#include <boost/fiber/all.hpp>
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "sim/check.h"
#include "sim/native/fiber_scheduler.h"

namespace sim {

namespace {
thread_local Kernel* t_kernel = nullptr;
// Fiber stacks: generous enough for sanitizer builds and formatting-heavy broker code.
constexpr size_t kFiberStackBytes = 256 * 1024;
// Finished fibers are freed by Boost's dispatcher; run it after this many exits at most.
constexpr uint64_t kExitsBeforeCleanup = 64;
}  // namespace

Kernel::Kernel(RunLimits limits) : limits_(limits) {
  groups_.push_back(FiberGroup{"world", false, false, {}, {}, {}});
  ready_ring_.resize(64);  // a power of two: indices wrap with a mask
  events_.reserve(1024);
}

Kernel::~Kernel() { shutdown(); }

Kernel* Kernel::current_kernel() { return t_kernel; }

const Fiber* Kernel::find_fiber(uint64_t id) const {
  for (const auto& f : fibers_)
    if (f && f->id == id) return f.get();
  return nullptr;
}

// ---------------------------------------------------------------- ready queue

void Kernel::push_ready(uint32_t slot) {
  if (ready_count_ == ready_ring_.size()) {
    std::vector<uint32_t> bigger(ready_ring_.size() * 2);
    for (size_t i = 0; i < ready_count_; ++i) bigger[i] = ready_ring_[(ready_head_ + i) & (ready_ring_.size() - 1)];
    ready_ring_ = std::move(bigger);
    ready_head_ = 0;
  }
  ready_ring_[(ready_head_ + ready_count_) & (ready_ring_.size() - 1)] = slot;
  ++ready_count_;
}

uint32_t Kernel::pop_ready() {
  uint32_t slot = ready_ring_[ready_head_];
  ready_head_ = (ready_head_ + 1) & (ready_ring_.size() - 1);
  --ready_count_;
  return slot;
}

// ---------------------------------------------------------------- fibers

uint64_t Kernel::spawn(std::string name, std::function<void()> body, FiberOptions options) {
  EDDY_CHECK(options.group < groups_.size());
  EDDY_CHECK_MSG(!groups_[options.group].killed, "spawning into a killed process");
  uint32_t slot = free_fiber_slots_.take(fibers_.size());
  if (slot == fibers_.size()) fibers_.emplace_back();
  auto f = std::make_unique<Fiber>();
  f->id = next_fiber_id_++;
  f->slot = slot;
  f->group = options.group;
  f->daemon = options.daemon;
  f->name = std::move(name);
  f->body = std::move(body);
  Fiber* raw = f.get();
  fibers_[slot] = std::move(f);
  groups_[options.group].members.push_back(slot);
  ++live_fibers_;

  // Constructing a Boost fiber with launch::post calls our scheduler's awakened(), which
  // hands the new context to adopt_spawned(); spawning_ says whose context it is.
  FiberScheduler::for_this_thread().bind(this);
  spawning_ = raw;
  boost::fibers::fiber bf(boost::fibers::launch::post, std::allocator_arg,
                          boost::fibers::fixedsize_stack(kFiberStackBytes), [this, slot] { fiber_main(slot); });
  bf.detach();
  spawning_ = nullptr;
  EDDY_CHECK(raw->ctx != nullptr);
  if (!running_) FiberScheduler::for_this_thread().bind(t_kernel);
  return raw->id;
}

void Kernel::adopt_spawned(boost::fibers::context* ctx) {
  if (spawning_ != nullptr) {
    spawning_->ctx = ctx;
    spawning_->state = FiberState::kReady;
    push_ready(spawning_->slot);
    return;
  }
  // Boost made a running fiber ready (boost::this_fiber::yield from simulated code).
  EDDY_CHECK_MSG(current_ != nullptr && current_->ctx == ctx, "unexpected Boost wake-up");
  current_->state = FiberState::kReady;
  push_ready(current_->slot);
}

void Kernel::fiber_main(uint32_t slot) {
  Fiber* f = fibers_[slot].get();
  if (!shutting_down_ && !groups_[f->group].killed) {
    try {
      f->body();
    } catch (const FiberUnwind&) {
      // The process died or the run ended; the stack has unwound.
    } catch (const std::exception& e) {
      fail("fiber '" + f->name + "' threw: " + e.what());
    } catch (...) {  // any other exception ends the run as a lab error (then unwinds)
      fail("fiber '" + f->name + "' threw a non-standard exception");
    }
  }
  f->body = nullptr;  // release what the body captured while the fiber still exists
  on_fiber_exit(slot);
}

void Kernel::on_fiber_exit(uint32_t slot) {
  Fiber* f = fibers_[slot].get();
  FiberGroup& g = groups_[f->group];
  for (size_t i = 0; i < g.members.size(); ++i) {
    if (g.members[i] == slot) {
      g.members.erase(g.members.begin() + static_cast<ptrdiff_t>(i));
      break;
    }
  }
  if (current_ == f) current_ = nullptr;
  fibers_[slot].reset();
  free_fiber_slots_.release(slot);
  --live_fibers_;
  ++exits_since_cleanup_;
  if (g.killed && g.members.empty() && g.on_empty) {
    auto done = std::move(g.on_empty);
    g.on_empty = nullptr;
    done();
  }
}

// ---------------------------------------------------------------- groups

GroupId Kernel::create_group(std::string name) {
  groups_.push_back(FiberGroup{std::move(name), false, false, {}, {}, {}});
  return static_cast<GroupId>(groups_.size() - 1);
}

void Kernel::kill_group(GroupId g, std::function<void()> on_empty) {
  EDDY_CHECK(g != kWorldGroup);
  FiberGroup& grp = groups_[g];
  if (grp.killed) return;
  grp.killed = true;
  grp.paused = false;
  grp.on_empty = std::move(on_empty);
  for (uint32_t slot : grp.frozen) {
    Fiber* f = fibers_[slot].get();
    if (f != nullptr && f->state == FiberState::kFrozen) {
      f->state = FiberState::kReady;
      push_ready(slot);
    }
  }
  grp.frozen.clear();
  for (uint32_t slot : grp.members) {
    Fiber* f = fibers_[slot].get();
    if (f->state == FiberState::kBlocked) wake(slot, f->wait_token, WakeReason::kKilled);
  }
  if (grp.members.empty() && grp.on_empty) {
    auto done = std::move(grp.on_empty);
    grp.on_empty = nullptr;
    done();
  }
}

void Kernel::pause_group(GroupId g) {
  EDDY_CHECK(g != kWorldGroup);
  if (!groups_[g].killed) groups_[g].paused = true;
}

void Kernel::resume_group(GroupId g) {
  FiberGroup& grp = groups_[g];
  if (!grp.paused) return;
  grp.paused = false;
  for (uint32_t slot : grp.frozen) {
    Fiber* f = fibers_[slot].get();
    f->state = FiberState::kReady;
    push_ready(slot);
  }
  grp.frozen.clear();
}

// ---------------------------------------------------------------- events

TimerHandle Kernel::at(Instant t, std::function<void()> callback) {
  EDDY_CHECK_MSG(t >= now_, "scheduling an event in the past");
  uint32_t slot = free_callback_slots_.take(callbacks_.size());
  if (slot == callbacks_.size()) {
    callbacks_.emplace_back();
    callback_tokens_.push_back(0);
  }
  uint64_t token = next_token_++;
  maybe_compact_events();
  callbacks_[slot] = std::move(callback);
  callback_tokens_[slot] = token;
  events_.push(Event{make_event_key(t.ns(), next_sequence_++), token, slot, EventKind::kCallback});
  return TimerHandle{slot, token};
}

void Kernel::cancel(TimerHandle h) {
  if (h.token == 0 || h.slot >= callbacks_.size() || callback_tokens_[h.slot] != h.token) return;
  // The heap entry stays and is skipped as stale; the slot is freed when it is popped.
  callbacks_[h.slot] = nullptr;
  callback_tokens_[h.slot] = 0;
}

// A wait that is notified before its deadline, or a cancelled timer, leaves its event in
// the heap until the deadline (a fetch long-poll, an acks=all produce waiting seconds for the
// high watermark): with thousands of those per simulated second most of the heap would be
// dead weight and every pop would pay for it in cache misses. When the heap has doubled
// since the last sweep, drop the stale events. Live events keep their keys, so the order in
// which events fire is exactly the same with or without sweeps.
void Kernel::maybe_compact_events() {
  if (events_.size() < compact_at_) return;
  events_.remove_if([this](const Event& e) {
    if (!stale(e)) return false;
    release_dropped(e);
    return true;
  });
  compact_at_ = std::max(kCompactEventsMin, 2 * events_.size());
}

bool Kernel::stale(const Event& e) const {
  if (e.kind == EventKind::kCallback) return callback_tokens_[e.target] != e.token;
  const Fiber* f = e.target < fibers_.size() ? fibers_[e.target].get() : nullptr;
  return f == nullptr || f->state != FiberState::kBlocked || f->wait_token != e.token;
}

// ---------------------------------------------------------------- blocking

uint64_t Kernel::prepare_wait(const char* what) {
  Fiber* f = current_;
  EDDY_CHECK_MSG(f != nullptr, "blocking call outside a simulated fiber");
  f->wait_token = next_token_++;
  f->wake_reason = WakeReason::kNone;
  f->blocked_on = what;
  f->blocked_since = now_;
  return f->wait_token;
}

void Kernel::arm_wake_at(Instant deadline, uint64_t token) {
  if (deadline < now_) deadline = now_;
  maybe_compact_events();
  events_.push(Event{make_event_key(deadline.ns(), next_sequence_++), token, current_->slot, EventKind::kWakeFiber});
}

void Kernel::sleep_until(Instant t, const char* what) {
  Fiber* f = current_;
  EDDY_CHECK_MSG(f != nullptr, "blocking call outside a simulated fiber");
  if (t < now_) t = now_;
  // The checks next_context() would make before popping this fiber's wake-up and resuming it.
  bool next_anyway = ready_count_ == 0 && running_ && !finished_ && !shutting_down_ && resume_self_ == nullptr &&
                     !groups_[f->group].paused && !groups_[f->group].killed &&
                     events_processed_ + dispatches_ < limits_.max_events && t <= run_until_ &&
                     t <= limits_.max_time && (events_.empty() || t.ns() < events_.top().time_ns());
  if (!next_anyway) {
    uint64_t token = prepare_wait(what);
    arm_wake_at(t, token);
    block();
    return;
  }
  // As prepare_wait, arm_wake_at (its event's sequence number) and the pop would have.
  ++next_token_;
  ++next_sequence_;
  now_ = t;
  events_.advance_to(t.ns());
  ++events_processed_;
  f->wake_reason = WakeReason::kTimeout;
  check_alive();
}

WakeReason Kernel::block() {
  Fiber* f = current_;
  check_alive();
  f->state = FiberState::kBlocked;
  f->ctx->suspend();
  // Resumed by the scheduler: it set current_ back to f.
  check_alive();
  return f->wake_reason;
}

bool Kernel::wake(uint32_t slot, uint64_t token, WakeReason reason) {
  Fiber* f = slot < fibers_.size() ? fibers_[slot].get() : nullptr;
  if (f == nullptr || f->state != FiberState::kBlocked || f->wait_token != token) return false;
  f->state = FiberState::kReady;
  f->wait_token = 0;
  f->wake_reason = reason;
  push_ready(slot);
  return true;
}

void Kernel::yield() {
  Fiber* f = current_;
  EDDY_CHECK(f != nullptr);
  prepare_wait("yield");
  f->state = FiberState::kBlocked;
  wake(f->slot, f->wait_token, WakeReason::kNotified);
  // The fiber is in the ready queue; suspend without re-queuing it.
  f->ctx->suspend();
  check_alive();
}

void Kernel::throw_unwind() const {
  if (shutting_down_) throw FiberUnwind{"simulation ended"};
  throw FiberUnwind{"process killed"};
}

// ---------------------------------------------------------------- scheduling

boost::fibers::context* Kernel::run_fiber(Fiber* f, boost::fibers::context* active) {
  f->state = FiberState::kRunning;
  current_ = f;
  if (f->ctx == active) {
    // A fiber cannot resume itself (it blocked and is also the next to run): go through
    // the dispatcher, which asks again from its own context.
    resume_self_ = f;
    auto* d = scheduler_->take_dispatcher();
    EDDY_CHECK_MSG(d != nullptr, "dispatcher not parked");
    return d;
  }
  return f->ctx;
}

boost::fibers::context* Kernel::next_context(boost::fibers::context* active) {
  if (resume_self_ != nullptr) {
    Fiber* f = resume_self_;
    resume_self_ = nullptr;
    current_ = f;
    return f->ctx;
  }
  for (;;) {
    if (finished_ || !running_) {
      current_ = nullptr;
      return finish(active);
    }
    if (!shutting_down_ && events_processed_ + dispatches_ >= limits_.max_events) {
      outcome_ = {RunStatus::kEventLimit, "event limit reached: " + std::to_string(limits_.max_events) +
                                              " events and dispatches by simulated time " + format_instant(now_)};
      outcome_set_ = finished_ = true;
      continue;
    }
    while (ready_count_ > 0) {
      ++dispatches_;
      Fiber* f = fibers_[pop_ready()].get();
      FiberGroup& g = groups_[f->group];
      if (g.paused) {
        f->state = FiberState::kFrozen;
        g.frozen.push_back(f->slot);
        continue;
      }
      return run_fiber(f, active);
    }
    current_ = nullptr;
    // Let Boost free finished fibers now and then, while nothing else is ready.
    if (exits_since_cleanup_ >= kExitsBeforeCleanup) {
      exits_since_cleanup_ = 0;
      if (auto* d = scheduler_->take_dispatcher(); d != nullptr) return d;
    }
    if (events_.empty()) {
      if (!outcome_set_) {
        std::string blocked = describe_blocked();
        if (blocked.empty()) outcome_ = {RunStatus::kQuiescent, "no more events"};
        else outcome_ = {RunStatus::kDeadlock, "deadlock: no event can wake these fibers:\n" + blocked};
        outcome_set_ = true;
      }
      finished_ = true;
      continue;
    }
    const Event& top = events_.top();
    if (stale(top)) {
      release_dropped(events_.pop());
      continue;
    }
    if (top.time_ns() > run_until_.ns()) {
      now_ = run_until_;
      outcome_ = {RunStatus::kReachedUntil, "reached " + format_instant(run_until_)};
      outcome_set_ = finished_ = true;
      continue;
    }
    if (top.time_ns() > limits_.max_time.ns()) {
      outcome_ = {RunStatus::kTimeLimit, "simulated-time limit reached: next event at " +
                                             format_instant(Instant::from_ns(top.time_ns())) + " is past the limit " +
                                             format_instant(limits_.max_time)};
      outcome_set_ = finished_ = true;
      continue;
    }
    Event e = events_.pop();
    now_ = Instant::from_ns(e.time_ns());
    ++events_processed_;
    if (e.kind == EventKind::kWakeFiber) {
      Fiber* f = fibers_[e.target].get();
      f->wait_token = 0;
      f->wake_reason = WakeReason::kTimeout;
      FiberGroup& g = groups_[f->group];
      if (g.paused) {
        f->state = FiberState::kFrozen;
        g.frozen.push_back(f->slot);
        continue;
      }
      return run_fiber(f, active);
    }
    auto callback = std::move(callbacks_[e.target]);
    callbacks_[e.target] = nullptr;
    callback_tokens_[e.target] = 0;
    free_callback_slots_.release(e.target);
    callback();
  }
}

boost::fibers::context* Kernel::finish(boost::fibers::context* active) {
  // The host context waits in run(); it cannot resume itself, so when it is the one
  // asking, go through the dispatcher (which asks again from its own context).
  if (active == host_ctx_) {
    auto* d = scheduler_->take_dispatcher();
    EDDY_CHECK_MSG(d != nullptr, "dispatcher not parked");
    return d;
  }
  return host_ctx_;
}

std::string Kernel::describe_blocked() const {
  std::ostringstream out;
  for (const auto& f : fibers_) {
    if (!f || f->daemon || f->state != FiberState::kBlocked) continue;
    out << "  fiber #" << f->id << " '" << f->name << "' of " << groups_[f->group].name << ", blocked on "
        << f->blocked_on << " since " << format_instant(f->blocked_since) << "\n";
  }
  return out.str();
}

void Kernel::enter_host_wait() {
  FiberScheduler& sched = FiberScheduler::for_this_thread();
  EDDY_CHECK_MSG(sched.kernel() == nullptr || sched.kernel() == this, "another simulation runs on this thread");
  Kernel* previous = t_kernel;
  t_kernel = this;
  Parker* previous_parker = Parker::install(this);
  scheduler_ = &sched;
  sched.bind(this);
  host_ctx_ = boost::fibers::context::active();
  running_ = true;
  finished_ = false;
  host_ctx_->suspend();
  running_ = false;
  current_ = nullptr;
  sched.bind(nullptr);
  t_kernel = previous;
  Parker::install(previous_parker);
  if (exits_since_cleanup_ > 0) {
    // Boost frees finished fibers in its dispatcher; with no kernel bound, a yield from
    // the host runs the dispatcher once and comes straight back.
    exits_since_cleanup_ = 0;
    boost::this_fiber::yield();
  }
}

RunOutcome Kernel::run(Instant until) {
  EDDY_CHECK_MSG(!running_, "Kernel::run is not reentrant");
  EDDY_CHECK_MSG(!shutting_down_, "the simulation has been shut down");
  run_until_ = until;
  outcome_set_ = false;
  outcome_ = {};
  enter_host_wait();
  return outcome_;
}

void Kernel::stop(std::string reason) {
  if (outcome_set_) return;
  outcome_ = {RunStatus::kStopped, std::move(reason)};
  outcome_set_ = true;
  finished_ = true;
}

void Kernel::fail(std::string message) {
  if (outcome_set_ && outcome_.status == RunStatus::kLabError) return;
  outcome_ = {RunStatus::kLabError, std::move(message)};
  outcome_set_ = true;
  finished_ = true;
}

void Kernel::shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  events_.clear();
  for (auto& cb : callbacks_) cb = nullptr;
  if (live_fibers_ == 0) return;
  // Every live fiber resumes once and unwinds by FiberUnwind (or exits at its start).
  for (auto& g : groups_) {
    g.paused = false;
    for (uint32_t slot : g.frozen) push_ready(slot);
    g.frozen.clear();
  }
  for (auto& f : fibers_) {
    if (f && f->state == FiberState::kBlocked) {
      f->state = FiberState::kReady;
      f->wait_token = 0;
      f->wake_reason = WakeReason::kKilled;
      push_ready(f->slot);
    }
  }
  RunOutcome kept = outcome_;
  bool kept_set = outcome_set_;
  outcome_set_ = true;  // the unwinding must not overwrite the run's outcome
  enter_host_wait();
  outcome_ = kept;
  outcome_set_ = kept_set;
  EDDY_CHECK_MSG(live_fibers_ == 0, "a fiber survived shutdown (did it swallow FiberUnwind?)");
}

}  // namespace sim
