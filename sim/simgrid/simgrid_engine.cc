#include "sim/simgrid/simgrid_engine.h"

#include <simgrid/Exception.hpp>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "sim/check.h"

namespace sg4 = simgrid::s4u;

namespace sim {

namespace {
// The host's run loop hands control to SimGrid this much simulated time at a time, so that a
// run that ends (stop, quiet) returns promptly; the time SimGrid idles past the end of a run
// is taken out of the clock base (time stands still between runs).
constexpr double kStepSeconds = 1.0;
// Actor stacks: as the native engine's fiber stacks, with room for sanitizer builds.
constexpr const char* kStackKiB = "512";
// Shutdown gives unwinding threads this many steps to finish.
constexpr int kShutdownStepsMax = 10'000;
constexpr double kUnlimitedBytesPerS = 1e15;
}  // namespace

SimgridEngine::SimgridEngine(RunLimits limits) : limits_(limits) {
  EDDY_CHECK_MSG(!sg4::Engine::is_initialized(),
                 "one SimGrid world at a time per process (SimGrid's engine is a singleton)");
  // SimGrid's own logging stays quiet; eddy traces what it needs. Contexts: SimGrid's default
  // (raw) unless EDDY_SIMGRID_CONTEXTS names another factory (thread, ucontext, boost).
  // The network model is SimGrid's default (LV08: flows share links max-min fairly, 97% of a
  // link's bandwidth usable, TCP window bound), but for its latency factor: LV08 multiplies a
  // flow's latency by 13.01, fitted on short-lived flows that pay TCP slow start. Kafka keeps
  // its connections open (their windows are open), and every eddy message is one such flow:
  // with the factor each message paid 1.3 ms on a 100 us wire, and the default scenario's
  // producers fell behind (p50 2.7 s) where the native engine and CM02 give 25 ms.
  std::vector<std::string> args = {"eddy", "--log=root.thres:critical", "--log=xbt_cfg.thres:critical",
                                   std::string("--cfg=contexts/stack-size:") + kStackKiB,
                                   "--cfg=network/latency-factor:1"};
  if (const char* factory = std::getenv("EDDY_SIMGRID_CONTEXTS"); factory != nullptr && *factory != '\0')
    args.push_back(std::string("--cfg=contexts/factory:") + factory);
  // More SimGrid settings for experiments, e.g. EDDY_SIMGRID_CFG="network/model:CM02".
  if (const char* extra = std::getenv("EDDY_SIMGRID_CFG"); extra != nullptr) {
    std::string all(extra);
    for (size_t at = 0; at < all.size();) {
      size_t end = all.find(' ', at);
      if (end == std::string::npos) end = all.size();
      if (end > at) args.push_back("--cfg=" + all.substr(at, end - at));
      at = end + 1;
    }
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  sg_ = std::make_unique<sg4::Engine>(&argc, argv.data());
  base_ = sg4::Engine::get_clock();
  groups_.push_back(Group{"world", -1, false, false, {}, {}});
}

SimgridEngine::~SimgridEngine() {
  shutdown();
  fibers_.clear();
  timers_.clear();
  workers_.clear();
  dispatcher_sem_ = nullptr;
  gate_sem_ = nullptr;
  sg_.reset();
}

// ---------------------------------------------------------------- time

// The thread running now: the actor's data (world actors have none). Every S4U call may let
// other actors run, so this is asked, never remembered across calls.
SimgridEngine::Fiber* SimgridEngine::current() const {
  sg4::Actor* self = sg4::Actor::self();
  return self != nullptr ? self->get_data<Fiber>() : nullptr;
}

Instant SimgridEngine::to_instant(double clock) const {
  return Instant::from_ns(std::llround((clock - base_) * 1e9));
}

double SimgridEngine::to_clock(Instant t) const { return base_ + static_cast<double>(t.ns()) / 1e9; }

void SimgridEngine::sync_now() {
  Instant c = to_instant(sg4::Engine::get_clock());
  if (c > now_) now_ = c;
}

// ---------------------------------------------------------------- platform

void SimgridEngine::configure_platform(const PlatformModel& p) {
  EDDY_CHECK_MSG(!platform_built_, "the SimGrid platform is built at the first run");
  platform_ = p;
}

void SimgridEngine::add_host(uint32_t node, const HostModel& host) {
  EDDY_CHECK_MSG(!platform_built_, "on the SimGrid engine, every node is added before the first run");
  EDDY_CHECK(node == host_models_.size());
  host_models_.push_back(host);
}

void SimgridEngine::bind_group(GroupId g, uint32_t node) {
  EDDY_CHECK(g < groups_.size() && node < host_models_.size());
  groups_[g].node = static_cast<int>(node);
}

// A star: every node is a host with one full-duplex NIC link (its up direction carries what
// it sends, its down direction what it receives), so all of a node's flows share its NIC
// fairly, as SimGrid's flow model shares a link; a route between two nodes crosses the
// sender's NIC up and the receiver's NIC down, each with half the one-way latency. World
// threads (workload drivers, nemeses) run on a host of their own that sends nothing.
void SimgridEngine::build_platform() {
  auto* zone = sg4::create_full_zone("eddy");
  world_host_ = zone->create_host("world", platform_.cpu_flops);
  const double half_latency = static_cast<double>(platform_.latency.ns()) / 2e9;
  std::vector<sg4::SplitDuplexLink*> nics;
  for (size_t i = 0; i < host_models_.size(); ++i) {
    const HostModel& m = host_models_[i];
    // Node names are unique in a world, but a SimGrid name must be: prefix the index.
    std::string name = std::to_string(i) + ":" + m.name;
    sg4::Host* h = zone->create_host(name, m.cpu_flops);
    h->set_core_count(m.cores);
    hosts_.push_back(h);
    const double nic = m.nic_bytes_per_s > 0 ? static_cast<double>(m.nic_bytes_per_s) : kUnlimitedBytesPerS;
    auto* link = zone->create_split_duplex_link(name + ".nic", nic);
    link->set_latency(half_latency);
    link->seal();
    nics.push_back(link);
    int64_t disk = m.disk_bytes_per_s;
    disks_.push_back(disk > 0 ? h->create_disk(name + ".disk", static_cast<double>(disk), static_cast<double>(disk))->seal()
                              : nullptr);
  }
  for (size_t a = 0; a < hosts_.size(); ++a)
    for (size_t b = 0; b < hosts_.size(); ++b) {
      if (a == b) continue;
      zone->add_route(hosts_[a]->get_netpoint(), hosts_[b]->get_netpoint(), nullptr, nullptr,
                      {sg4::LinkInRoute(nics[a], sg4::LinkInRoute::Direction::UP),
                       sg4::LinkInRoute(nics[b], sg4::LinkInRoute::Direction::DOWN)},
                      false);
    }
  zone->seal();
  platform_built_ = true;

  dispatcher_sem_ = sg4::Semaphore::create(0);
  gate_sem_ = sg4::Semaphore::create(0);
  dispatcher_alive_ = true;
  ++world_actors_;
  sg4::Actor::create("eddy-dispatcher", world_host_, [this] { dispatcher_main(); });
  for (uint32_t slot : pending_starts_) start_actor(slot);
  pending_starts_.clear();
}

// ---------------------------------------------------------------- threads

uint64_t SimgridEngine::spawn(std::string name, std::function<void()> body, FiberOptions options) {
  EDDY_CHECK(options.group < groups_.size());
  EDDY_CHECK_MSG(!groups_[options.group].killed, "spawning into a killed process");
  EDDY_CHECK_MSG(!shutting_down_, "spawning after the simulation ended");
  uint32_t slot = free_fiber_slots_.take(fibers_.size());
  if (slot == fibers_.size()) fibers_.emplace_back();
  auto f = std::make_unique<Fiber>();
  f->id = next_fiber_id_++;
  f->slot = slot;
  f->group = options.group;
  f->daemon = options.daemon;
  f->name = std::move(name);
  f->body = std::move(body);
  f->sem = sg4::Semaphore::create(0);
  uint64_t id = f->id;
  fibers_[slot] = std::move(f);
  groups_[options.group].members.push_back(slot);
  ++live_fibers_;
  ++ready_;
  if (platform_built_) outbox_.push_back(Op{Op::kStartFiber, nullptr, slot, nullptr});
  else pending_starts_.push_back(slot);
  return id;
}

void SimgridEngine::start_actor(uint32_t slot) {
  Fiber* f = fibers_[slot].get();
  const Group& g = groups_[f->group];
  sg4::Host* host = g.node >= 0 ? hosts_[static_cast<size_t>(g.node)] : world_host_;
  // The thread's record is the actor's data before it can run (an actor created by another
  // may run before its creator resumes).
  sg4::ActorPtr actor = sg4::Actor::init(f->name, host);
  actor->set_data(f);
  actor->start([this, slot] { fiber_main(slot); });
}

void SimgridEngine::fiber_main(uint32_t slot) {
  Fiber* f = fibers_[slot].get();
  resumed(f);
  try {
    settle(f);
    f->body();
  } catch (const FiberUnwind&) {
    // The process died or the run ended; the stack has unwound.
  } catch (const simgrid::ForcefulKillException&) {
    throw;  // SimGrid itself is ending this actor: let it
  } catch (const std::exception& e) {
    fail("thread '" + f->name + "' threw: " + e.what());
  } catch (...) {  // any other exception ends the run as a lab error
    fail("thread '" + f->name + "' threw a non-standard exception");
  }
  f = fibers_[slot].get();
  f->body = nullptr;  // release what the body captured while the thread still exists
  on_fiber_exit(slot);
  flush();
}

void SimgridEngine::on_fiber_exit(uint32_t slot) {
  Fiber* f = fibers_[slot].get();
  Group& g = groups_[f->group];
  auto it = std::find(g.members.begin(), g.members.end(), slot);
  if (it != g.members.end()) g.members.erase(it);
  sg4::Actor::self()->set_data(nullptr);
  fibers_[slot].reset();
  free_fiber_slots_.release(slot);
  --live_fibers_;
  --ready_;
  if (g.killed && g.members.empty() && g.on_empty) {
    auto done = std::move(g.on_empty);
    g.on_empty = nullptr;
    done();
  }
  maybe_quiet();
}

void SimgridEngine::resumed(Fiber* /*f*/) {
  Parker::install(this);  // per OS thread: SimGrid's thread contexts run each actor on its own
  sync_now();
  ++dispatches_;
  if (!finished_ && events_processed_ + dispatches_ >= limits_.max_events)
    finish(RunStatus::kEventLimit, "event limit reached: " + std::to_string(limits_.max_events) +
                                       " events and dispatches by simulated time " + format_instant(now_));
}

void SimgridEngine::park(Fiber* f, State state) {
  f->state = state;
  --ready_;
  maybe_quiet();
  flush();
  while (f->state == state) f->sem->acquire();
  resumed(f);
}

void SimgridEngine::settle(Fiber* f) {
  for (;;) {
    if (shutting_down_ || groups_[f->group].killed) throw_unwind();
    if (finished_) {
      park(f, State::kGated);
      continue;
    }
    if (groups_[f->group].paused) {
      park(f, State::kFrozen);
      continue;
    }
    return;
  }
}

void SimgridEngine::make_ready(Fiber* f) {
  f->state = State::kReady;
  ++ready_;
  outbox_.push_back(Op{Op::kRelease, f->sem, 0, nullptr});
}

void SimgridEngine::throw_unwind() const {
  if (shutting_down_) throw FiberUnwind{"simulation ended"};
  throw FiberUnwind{"process killed"};
}

// Every S4U call lets the other runnable actors run before the caller resumes. The world's
// code (network, disks, nodes) is written for one thread at a time, running undisturbed
// between blocking calls, as on the native engine; so what the engine must tell SimGrid
// while that code runs (wake a thread, start one, hand a transfer over) waits here, and the
// running actor sends it just before it blocks (or ends). Others may run during that: each
// operation is taken off the queue before it is sent.
void SimgridEngine::flush() {
  while (!outbox_.empty()) {
    Op op = std::move(outbox_.front());
    outbox_.pop_front();
    switch (op.kind) {
      case Op::kRelease: op.sem->release(); break;
      case Op::kStartFiber: start_actor(op.slot); break;
      case Op::kStartWorker:
        sg4::Actor::create("eddy-transfer", world_host_, [this, w = op.worker] { worker_main(w); });
        break;
    }
  }
}

// ---------------------------------------------------------------- groups

GroupId SimgridEngine::create_group(std::string name) {
  groups_.push_back(Group{std::move(name), -1, false, false, {}, {}});
  return static_cast<GroupId>(groups_.size() - 1);
}

void SimgridEngine::kill_group(GroupId g, std::function<void()> on_empty) {
  EDDY_CHECK(g != kWorldGroup);
  Group& grp = groups_[g];
  if (grp.killed) return;
  grp.killed = true;
  grp.paused = false;
  grp.on_empty = std::move(on_empty);
  for (uint32_t slot : grp.members) {
    Fiber* f = fibers_[slot].get();
    if (f->state == State::kBlocked) {
      wake(slot, f->wait_token, WakeReason::kKilled);
    } else if (f->state == State::kFrozen) {
      f->wake_reason = WakeReason::kKilled;
      make_ready(f);
    }
  }
  Group& again = groups_[g];
  if (again.members.empty() && again.on_empty) {
    auto done = std::move(again.on_empty);
    again.on_empty = nullptr;
    done();
  }
}

void SimgridEngine::pause_group(GroupId g) {
  EDDY_CHECK(g != kWorldGroup);
  if (!groups_[g].killed) groups_[g].paused = true;
}

void SimgridEngine::resume_group(GroupId g) {
  Group& grp = groups_[g];
  if (!grp.paused) return;
  grp.paused = false;
  for (uint32_t slot : grp.members) {
    Fiber* f = fibers_[slot].get();
    if (f->state == State::kFrozen) make_ready(f);
  }
}

GroupId SimgridEngine::current_group() const {
  Fiber* f = current();
  return f != nullptr ? f->group : kWorldGroup;
}

// ---------------------------------------------------------------- timed callbacks

TimerHandle SimgridEngine::at(Instant t, std::function<void()> callback) {
  if (shutting_down_) return {};
  EDDY_CHECK_MSG(t >= now_, "scheduling an event in the past");
  uint32_t slot = free_timer_slots_.take(timers_.size());
  if (slot == timers_.size()) timers_.emplace_back();
  uint64_t token = next_token_++;
  uint64_t sequence = next_sequence_++;
  timers_[slot] = Timer{std::move(callback), token, t.ns(), sequence};
  queue_.emplace(t.ns(), sequence, slot);
  if (dispatcher_waiting_ && t < dispatcher_deadline_) kick_dispatcher();
  return TimerHandle{slot, token};
}

void SimgridEngine::cancel(TimerHandle h) {
  if (h.token == 0 || h.slot >= timers_.size() || timers_[h.slot].token != h.token) return;
  Timer& tm = timers_[h.slot];
  queue_.erase(std::make_tuple(tm.t, tm.sequence, h.slot));
  tm = Timer{};
  free_timer_slots_.release(h.slot);
}

// ---------------------------------------------------------------- blocking

uint64_t SimgridEngine::prepare_wait(const char* what) {
  Fiber* f = current();
  EDDY_CHECK_MSG(f != nullptr, "blocking call outside a simulated thread");
  f->wait_token = next_token_++;
  f->wake_reason = WakeReason::kNone;
  f->blocked_on = what;
  f->blocked_since = now_;
  return f->wait_token;
}

uint32_t SimgridEngine::current_slot() const {
  Fiber* f = current();
  EDDY_CHECK_MSG(f != nullptr, "no simulated thread is running");
  return f->slot;
}

void SimgridEngine::arm_wake_at(Instant deadline, uint64_t token) {
  Fiber* f = current();
  if (deadline < now_) deadline = now_;
  f->timer = at(deadline, [this, slot = f->slot, token] { wake(slot, token, WakeReason::kTimeout); });
}

WakeReason SimgridEngine::block() {
  Fiber* f = current();
  check_alive();
  park(f, State::kBlocked);
  settle(f);
  return f->wake_reason;
}

bool SimgridEngine::wake(uint32_t slot, uint64_t token, WakeReason reason) {
  Fiber* f = slot < fibers_.size() ? fibers_[slot].get() : nullptr;
  if (f == nullptr || f->state != State::kBlocked || f->wait_token != token) return false;
  f->wait_token = 0;
  f->wake_reason = reason;
  if (f->timer.token != 0) {
    cancel(f->timer);  // a no-op when the timer is what woke it
    f->timer = {};
  }
  make_ready(f);
  return true;
}

void SimgridEngine::sleep_until(Instant t, const char* what) {
  uint64_t token = prepare_wait(what);
  arm_wake_at(t, token);
  block();
}

void SimgridEngine::yield() {
  Fiber* f = current();
  EDDY_CHECK(f != nullptr);
  check_alive();
  flush();
  sg4::this_actor::yield();
  resumed(f);
  settle(f);
}

void SimgridEngine::check_alive() const {
  Fiber* f = current();
  if (f == nullptr) return;
  if (shutting_down_ || groups_[f->group].killed) [[unlikely]]
    throw_unwind();
}

// ---------------------------------------------------------------- network, disk, CPU

bool SimgridEngine::transfer(uint32_t from, uint32_t to, uint64_t bytes, std::function<void()> done) {
  if (!platform_built_ || from == to || from >= hosts_.size() || to >= hosts_.size()) return false;
  if (shutting_down_) return true;  // dropped: nothing runs any more
  ++busy_;
  Worker* w = nullptr;
  if (!idle_workers_.empty()) {
    w = idle_workers_.back();
    idle_workers_.pop_back();
    w->job = Job{from, to, bytes, std::move(done)};
    w->has_job = true;
    outbox_.push_back(Op{Op::kRelease, w->sem, 0, nullptr});
    return true;
  }
  workers_.push_back(std::make_unique<Worker>());
  w = workers_.back().get();
  w->sem = sg4::Semaphore::create(0);
  w->job = Job{from, to, bytes, std::move(done)};
  w->has_job = true;
  ++world_actors_;
  outbox_.push_back(Op{Op::kStartWorker, nullptr, 0, w});
  return true;
}

// A transfer worker: carries one message at a time as a host-to-host comm, then runs the
// world's continuation at the instant its last byte arrived. Workers are reused (an actor is
// expensive to create); there are as many as transfers were ever in flight at once.
void SimgridEngine::worker_main(Worker* w) {
  Parker::install(this);
  for (;;) {
    if (shutting_down_) break;
    if (!w->has_job) {
      idle_workers_.push_back(w);
      flush();
      while (!w->has_job && !shutting_down_) w->sem->acquire();
      continue;
    }
    Job job = std::move(w->job);
    w->has_job = false;
    flush();
    sg4::Comm::sendto(hosts_[job.from], hosts_[job.to], job.bytes);
    Parker::install(this);
    sync_now();
    world_gate();
    if (shutting_down_) break;
    --busy_;
    job.done();
    maybe_quiet();
  }
  --world_actors_;
  flush();
}

bool SimgridEngine::disk_io(int64_t bytes, bool write, const char* /*what*/) {
  Fiber* f = current();
  if (f == nullptr || bytes <= 0 || !platform_built_) return false;
  int node = groups_[f->group].node;
  if (node < 0 || disks_[static_cast<size_t>(node)] == nullptr) return false;
  check_alive();
  sg4::Disk* disk = disks_[static_cast<size_t>(node)];
  flush();
  if (write) disk->write(static_cast<sg_size_t>(bytes));
  else disk->read(static_cast<sg_size_t>(bytes));
  resumed(f);
  settle(f);
  return true;
}

bool SimgridEngine::compute(double flops) {
  Fiber* f = current();
  if (f == nullptr || !platform_built_) return false;
  if (flops <= 0) return true;
  check_alive();
  flush();
  sg4::this_actor::execute(flops);
  resumed(f);
  settle(f);
  return true;
}

// ---------------------------------------------------------------- the dispatcher

// Runs the timed callbacks (message arrivals, wait deadlines, scheduled faults) in (time,
// sequence) order, sleeping on SimGrid's clock until the next is due, and ends the run when
// nothing is left to do.
void SimgridEngine::dispatcher_main() {
  Parker::install(this);
  for (;;) {
    sync_now();
    if (shutting_down_) break;
    if (finished_) {
      world_gate();
      continue;
    }
    if (!queue_.empty()) {
      auto [t, sequence, slot] = *queue_.begin();
      if (t <= now_.ns()) {
        if (events_processed_ + dispatches_ >= limits_.max_events) {
          finish(RunStatus::kEventLimit, "event limit reached: " + std::to_string(limits_.max_events) +
                                             " events and dispatches by simulated time " + format_instant(now_));
          continue;
        }
        queue_.erase(queue_.begin());
        auto fn = std::move(timers_[slot].fn);
        timers_[slot] = Timer{};
        free_timer_slots_.release(slot);
        ++events_processed_;
        fn();
        continue;
      }
    }
    if (ready_ == 0 && busy_ == 0) {
      if (queue_.empty()) {
        std::string blocked = describe_blocked();
        if (blocked.empty()) finish(RunStatus::kQuiescent, "no more events");
        else finish(RunStatus::kDeadlock, "deadlock: no event can wake these threads:\n" + blocked);
        continue;
      }
      Instant next = Instant::from_ns(std::get<0>(*queue_.begin()));
      if (next > run_until_) {
        if (now_ < run_until_) now_ = run_until_;
        finish(RunStatus::kReachedUntil, "reached " + format_instant(run_until_));
        continue;
      }
      if (next > limits_.max_time) {
        finish(RunStatus::kTimeLimit, "simulated-time limit reached: next event at " + format_instant(next) +
                                          " is past the limit " + format_instant(limits_.max_time));
        continue;
      }
    }
    dispatcher_wait(queue_.empty() ? Instant::max() : Instant::from_ns(std::get<0>(*queue_.begin())));
  }
  dispatcher_alive_ = false;
  --world_actors_;
  flush();
}

void SimgridEngine::dispatcher_wait(Instant deadline) {
  dispatcher_deadline_ = deadline;
  dispatcher_waiting_ = true;
  dispatcher_kicked_ = false;
  flush();
  if (deadline == Instant::max()) {
    dispatcher_sem_->acquire();
  } else {
    double timeout = to_clock(deadline) - sg4::Engine::get_clock();
    bool timed_out = timeout <= 0 || dispatcher_sem_->acquire_timeout(timeout);
    // The clock's double may land a hair before the deadline: the deadline is the time.
    if (timed_out && now_ < deadline) now_ = deadline;
  }
  dispatcher_waiting_ = false;
  dispatcher_deadline_ = Instant::max();
}

void SimgridEngine::kick_dispatcher() {
  if (!dispatcher_waiting_ || dispatcher_kicked_) return;
  dispatcher_kicked_ = true;
  outbox_.push_back(Op{Op::kRelease, dispatcher_sem_, 0, nullptr});
}

// Whether the run may have gone quiet: the dispatcher, waiting with nothing queued, looks.
void SimgridEngine::maybe_quiet() {
  if (ready_ == 0 && busy_ == 0 && dispatcher_waiting_ && dispatcher_deadline_ == Instant::max()) kick_dispatcher();
}

void SimgridEngine::finish(RunStatus status, std::string message) {
  if (!outcome_set_) {
    outcome_ = {status, std::move(message)};
    outcome_set_ = true;
  }
  finished_ = true;
  kick_dispatcher();
}

void SimgridEngine::world_gate() {
  while (finished_ && !shutting_down_) {
    ++gated_world_actors_;
    flush();
    gate_sem_->acquire();
  }
  Parker::install(this);
  sync_now();
}

void SimgridEngine::release_gates() {
  for (auto& f : fibers_)
    if (f && f->state == State::kGated) make_ready(f.get());
  while (gated_world_actors_ > 0) {
    --gated_world_actors_;
    outbox_.push_back(Op{Op::kRelease, gate_sem_, 0, nullptr});
  }
}

std::string SimgridEngine::describe_blocked() const {
  std::ostringstream out;
  for (const auto& f : fibers_) {
    if (!f || f->daemon || f->state != State::kBlocked) continue;
    out << "  thread #" << f->id << " '" << f->name << "' of " << groups_[f->group].name << ", blocked on "
        << f->blocked_on << " since " << format_instant(f->blocked_since) << "\n";
  }
  return out.str();
}

// ---------------------------------------------------------------- running

RunOutcome SimgridEngine::run(Instant until) {
  EDDY_CHECK_MSG(!running_, "SimgridEngine::run is not reentrant");
  EDDY_CHECK_MSG(!shutting_down_, "the simulation has been shut down");
  Parker* previous = Parker::install(this);
  bool first = !platform_built_;
  if (first) build_platform();
  run_until_ = until;
  outcome_set_ = false;
  outcome_ = {};
  bool resume_gated = finished_;
  finished_ = false;
  running_ = true;
  if (resume_gated) sg4::Actor::create("eddy-resume", world_host_, [this] {
      release_gates();
      flush();
    });
  const Instant end = std::min(until, limits_.max_time);
  while (!finished_) {
    double clock = sg4::Engine::get_clock();
    double target = clock + kStepSeconds;
    if (end != Instant::max()) {
      double end_clock = to_clock(end);
      if (end_clock <= clock) {
        if (now_ < end) now_ = end;
        finish(end == until ? RunStatus::kReachedUntil : RunStatus::kTimeLimit,
               "reached " + format_instant(end));
        break;
      }
      target = std::min(target, end_clock);
    }
    sg_->run_until(target);
    if (!finished_ && sg_->get_actor_count() == 0) finish(RunStatus::kLabError, "every SimGrid actor ended");
  }
  running_ = false;
  // Time stands still between runs: what SimGrid idled past the end is not eddy time.
  base_ = sg4::Engine::get_clock() - static_cast<double>(now_.ns()) / 1e9;
  Parker::install(previous);
  return outcome_;
}

void SimgridEngine::stop(std::string reason) {
  if (outcome_set_) return;
  finish(RunStatus::kStopped, std::move(reason));
}

void SimgridEngine::fail(std::string message) {
  if (outcome_set_ && outcome_.status == RunStatus::kLabError) return;
  outcome_ = {RunStatus::kLabError, std::move(message)};
  outcome_set_ = true;
  finished_ = true;
  kick_dispatcher();
}

void SimgridEngine::shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  queue_.clear();
  for (auto& t : timers_) t.fn = nullptr;
  if (!platform_built_) {
    // No actor was ever created: the threads never ran.
    for (auto& f : fibers_)
      if (f) f->body = nullptr;
    fibers_.clear();
    live_fibers_ = 0;
    return;
  }
  Parker* previous = Parker::install(this);
  // Every live thread resumes once and unwinds by FiberUnwind; the world's actors exit.
  sg4::Actor::create("eddy-shutdown", world_host_, [this] {
    for (auto& f : fibers_) {
      if (!f) continue;
      if (f->state == State::kBlocked) {
        wake(f->slot, f->wait_token, WakeReason::kKilled);
      } else if (f->state == State::kFrozen || f->state == State::kGated) {
        f->wake_reason = WakeReason::kKilled;
        make_ready(f.get());
      }
    }
    release_gates();
    if (dispatcher_waiting_) outbox_.push_back(Op{Op::kRelease, dispatcher_sem_, 0, nullptr});
    for (Worker* w : idle_workers_) outbox_.push_back(Op{Op::kRelease, w->sem, 0, nullptr});
    idle_workers_.clear();
    flush();
  });
  for (int step = 0; step < kShutdownStepsMax && sg_->get_actor_count() > 0; ++step)
    sg_->run_until(sg4::Engine::get_clock() + kStepSeconds);
  Parker::install(previous);
  EDDY_CHECK_MSG(live_fibers_ == 0, "a thread survived shutdown (did it swallow FiberUnwind?)");
}

}  // namespace sim
