#include "faults/rolling_restart.h"

#include <cstdio>

namespace faults {

namespace {

using Kind = RollingRestart::NoteKind;

std::string secs(sim::Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", static_cast<double>(d.ns()) / 1e9);
  return buf;
}

}  // namespace

RollingRestart::RollingRestart(sim::World& world, std::vector<sim::NodeId> nodes, std::vector<std::string> names,
                               RollingRestartOptions options, UnderReplicated under_replicated, Note note,
                               Stopped stopped, std::function<void(const RollingRestartStep&)> on_step)
    : world_(world),
      nodes_(std::move(nodes)),
      names_(std::move(names)),
      options_(options),
      under_replicated_(std::move(under_replicated)),
      note_(std::move(note)),
      stopped_(std::move(stopped)),
      on_step_(std::move(on_step)) {}

void RollingRestart::run(std::shared_ptr<RollingRestart> self) {
  if (self->nodes_.empty()) return;
  // MSK starts a broker's patch only on a healthy cluster: the first step waits too.
  if (self->options_.wait_for_replicas) {
    self->step_.stopped = self->world_.now();
    self->next_ = 0;
    auto keep = self;
    self->world_.at(self->world_.now(), [keep] {
      // Reuses the healthy wait with no step in progress: begin_step follows.
      keep->step_.index = static_cast<size_t>(-1);
      keep->wait_healthy(keep->world_.now(), false);
    });
    return;
  }
  self->begin_step();
}

std::string RollingRestart::step_label() const {
  if (options_.wait_for_replicas)
    return "restart-step " + step_.name + " (" + std::to_string(step_.index + 1) + "/" + std::to_string(step_.steps) +
           " of a rolling-restart)";
  return std::string(options_.start_again ? "controlled-restart " : "controlled-shutdown ") + step_.name;
}

void RollingRestart::begin_step() {
  step_ = RollingRestartStep{};
  step_.index = next_;
  step_.steps = nodes_.size();
  step_.node = nodes_[next_];
  step_.name = names_[next_];
  ++next_;
  step_.stop_requested = world_.now();
  if (options_.wait_for_replicas) say(step_label(), Kind::kPeriodStart);
  world_.terminate(step_.node);
  wait_stopped();
}

void RollingRestart::wait_stopped() {
  sim::Node& n = world_.node(step_.node);
  if (n.state() == sim::NodeState::kDown || world_.now() - step_.stop_requested >= options_.stop_timeout) {
    if (n.state() != sim::NodeState::kDown) {
      step_.stop_timed_out = true;
      world_.shutdown(step_.node);
    }
    step_.stopped = world_.now();
    if (stopped_) stopped_(step_.node);
    if (options_.start_again) world_.start(step_.node);
    if (!options_.wait_for_replicas) {
      step_.healthy = step_.stopped;
      finish_step();
      return;
    }
    wait_healthy(world_.now(), false);
    return;
  }
  auto self = shared_from_this();
  world_.at(world_.now() + options_.poll, [self] { self->wait_stopped(); });
}

void RollingRestart::wait_healthy(sim::Instant clear_since, bool clear) {
  bool now_clear = under_replicated_ ? under_replicated_() == 0 : true;
  if (now_clear && !clear) clear_since = world_.now();
  bool settled = now_clear && world_.now() - clear_since >= options_.healthy_settle;
  bool first_wait = step_.index == static_cast<size_t>(-1);
  bool timed_out = world_.now() - step_.stopped >= options_.healthy_timeout;
  if (settled || timed_out) {
    if (first_wait) {
      begin_step();
      return;
    }
    step_.healthy = now_clear ? clear_since : world_.now();
    step_.healthy_timed_out = !settled;
    finish_step();
    return;
  }
  auto self = shared_from_this();
  world_.at(world_.now() + options_.poll, [self, clear_since, now_clear] { self->wait_healthy(clear_since, now_clear); });
}

void RollingRestart::finish_step() {
  std::string label = step_label();
  if (options_.wait_for_replicas || options_.start_again) say(label, Kind::kPeriodEnd);
  std::string detail = label + ": stopped " + secs(step_.stop_time()) + " after the request" +
                       (step_.stop_timed_out ? " (TIMED OUT: shut down)" : "") +
                       (options_.start_again ? ", started again" : "");
  if (options_.wait_for_replicas)
    detail += ", under-replicated partitions cleared " + secs(step_.under_replicated_wait()) + " after it started" +
              (step_.healthy_timed_out ? " (TIMED OUT)" : "") + ", step " + secs(step_.total());
  say(detail, Kind::kDetail);
  if (on_step_) on_step_(step_);
  if (next_ < nodes_.size()) {
    begin_step();
  } else if (options_.wait_for_replicas) {
    say("rolling-restart", Kind::kPeriodEnd);  // the whole restart, as the injector noted it
  }
}

void RollingRestart::say(const std::string& line, NoteKind kind) {
  if (note_) note_(line, kind);
}

}  // namespace faults
