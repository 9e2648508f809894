// RollingRestart: restarts brokers one at a time with a clean, controlled stop, as Amazon
// MSK's patching and Kafka's operations guides do: ask the broker to stop (SIGTERM:
// World::terminate, which makes a Kafka broker do its controlled shutdown — leaderships moved
// away by the controller first), start it again once its process has ended, then wait until
// no partition is under-replicated before the next broker. Driven by world timers; never
// blocks a thread. The `controlled-restart` fault is one such step without the wait.
//
// What "under-replicated" means comes from outside faults/ (the scenario layer knows the
// cluster): `under_replicated` returns how many partitions have an ISR smaller than their
// replica set, or no leader. Each step's times are handed to `on_step` and described to
// `note` (the run's fault list).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/world/world.h"

namespace faults {

struct RollingRestartStep {
  size_t index = 0;  // from 0
  size_t steps = 0;
  sim::NodeId node;
  std::string name;
  sim::Instant stop_requested;
  sim::Instant stopped;       // its process ended (or was ended at the stop timeout)
  sim::Instant healthy;       // no partition under-replicated any more (or the wait timed out)
  bool stop_timed_out = false;      // the broker did not stop by itself within stop_timeout
  bool healthy_timed_out = false;   // replicas did not catch up within healthy_timeout
  sim::Duration stop_time() const { return stopped - stop_requested; }
  sim::Duration under_replicated_wait() const { return healthy - stopped; }
  sim::Duration total() const { return healthy - stop_requested; }
};

struct RollingRestartOptions {
  bool wait_for_replicas = true;  // false: controlled-restart (stop, start, done)
  bool start_again = true;        // false: controlled-shutdown (stop, report, done)
  // A broker still up this long after the request is shut down by the world (an operator's
  // kill after its patience ran out).
  sim::Duration stop_timeout = sim::seconds(120);
  // The most a step waits for under-replicated partitions to clear before the next begins.
  sim::Duration healthy_timeout = sim::seconds(300);
  sim::Duration poll = sim::milliseconds(50);
  // Once clear, the partitions must stay clear this long (a broker just started may not have
  // been heard from yet; MSK waits for the metric to settle too).
  sim::Duration healthy_settle = sim::milliseconds(500);
};

class RollingRestart : public std::enable_shared_from_this<RollingRestart> {
 public:
  using UnderReplicated = std::function<int64_t()>;
  // kPeriodStart / kPeriodEnd: a fault period in the run's fault list ("end of " is added to
  // the end's line); kDetail: a line of measurements.
  enum class NoteKind { kPeriodStart, kPeriodEnd, kDetail };
  using Note = std::function<void(const std::string& line, NoteKind kind)>;
  // Called when a step's process has ended (the lab closes what it led).
  using Stopped = std::function<void(sim::NodeId)>;

  RollingRestart(sim::World& world, std::vector<sim::NodeId> nodes, std::vector<std::string> names,
                 RollingRestartOptions options, UnderReplicated under_replicated, Note note, Stopped stopped,
                 std::function<void(const RollingRestartStep&)> on_step);

  // Starts the first step now (the object keeps itself alive through its timers).
  static void run(std::shared_ptr<RollingRestart> self);

 private:
  void begin_step();
  void wait_stopped();
  void wait_healthy(sim::Instant clear_since, bool clear);
  void finish_step();
  std::string step_label() const;
  void say(const std::string& line, NoteKind kind);

  sim::World& world_;
  std::vector<sim::NodeId> nodes_;
  std::vector<std::string> names_;
  RollingRestartOptions options_;
  UnderReplicated under_replicated_;
  Note note_;
  Stopped stopped_;
  std::function<void(const RollingRestartStep&)> on_step_;
  RollingRestartStep step_;
  size_t next_ = 0;
};

}  // namespace faults
