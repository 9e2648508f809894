// Resolves a scenario's fault targets ("broker 1", "leader of orders/0", "active
// controller", "random broker", "zone a", "coordinator of group g", "all brokers") to nodes
// when the fault fires, applies the fault through faults::FaultInjector, and undoes it after
// its `for` duration. Runs the random nemesis of the scenario, if any. Everything is traced
// and listed for the summary.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "faults/fault_injector.h"
#include "faults/nemesis.h"
#include "scenarios/client_processes.h"
#include "scenarios/scenario_spec.h"
#include "sim/world/world.h"

namespace scenarios {

class GroupLab;

class FaultTargets {
 public:
  FaultTargets(sim::World& world, LabState& lab, const ScenarioSpec& spec);

  // "coordinator of group G": the broker coordinating group G right now, or nullopt. The
  // consumer-group code fills this hook; until it does, such targets resolve to no node.
  std::function<std::optional<int>(const std::string& group)> coordinator_of;

  // Call once every node exists and links are configured: remembers the links heal restores.
  void capture_baseline() { injector_.capture_link_baseline(); }
  // Schedules `f` at start + f.at (and its undo at + f.duration).
  void schedule(const FaultSpec& f, sim::Instant start, std::vector<std::string>& fired);
  // Runs the nemesis from `start` to `end` (faults start before `end`).
  void schedule_nemesis(const faults::NemesisPlan& plan, sim::Instant start, sim::Instant end,
                        std::vector<std::string>& fired);
  // Each fault the nemesis draws is also written here as an explicit fault entry (time from
  // the workload's start, targets by name): what `eddy shrink` materialises.
  void record_nemesis_faults(std::vector<FaultSpec>* out) { nemesis_faults_ = out; }
  // End of the workload: heal the network and links, resume paused nodes, start stopped ones,
  // clear disk faults and fault points.
  void heal_everything(std::vector<std::string>& fired);
  // Consumer-group targets ("consumer N", "member N of G", "coordinator of G") and members.
  void set_group_lab(GroupLab* groups) { groups_ = groups; }

  // Partitions of the scenario's topics under-replicated or leaderless now, as the lab heard.
  int64_t under_replicated_partitions() const;
  // The steps of every controlled-restart / rolling-restart so far, in the order they ended.
  const std::vector<faults::RollingRestartStep>& restart_steps() const { return restart_steps_; }

  faults::FaultInjector& injector() { return injector_; }

  // Draws one fault from `plan` on `hit_servers` (corrupt: `hit_brokers`) and fires it, recorded
  // for `eddy shrink` like every nemesis fault; `aimed`: a partition-like fault cuts the targets
  // from every other server. Calls `after_undo` once it is healed (at once when nothing fired).
  // False when nothing fired. The random and the chaining nemesis both fire through this.
  bool fire_drawn(const faults::NemesisPlan& plan, sim::Prng& prng, const std::vector<sim::NodeId>& hit_brokers,
                  const std::vector<sim::NodeId>& hit_servers, bool aimed, std::vector<std::string>& fired,
                  std::function<void()> after_undo = {});
  // A line in the run's fault list, the trace and the timeline.
  void note(std::vector<std::string>& fired, const std::string& what);
  // Names a server as a fault entry does ("broker 1", "controller 0").
  std::string node_name(sim::NodeId n) const;
  // The workload start the nemesis's recorded faults are timed from.
  void set_nemesis_start(sim::Instant start) { nemesis_start_ = start; }

  // Resolves targets now (public for tests).
  std::vector<sim::NodeId> resolve(const std::vector<std::string>& targets);

 private:
  std::vector<sim::NodeId> resolve_one(const std::string& target);
  void apply(const FaultSpec& f, std::vector<std::string>& fired);
  // Applies `a`, undoes it after `lasts` (when set), then calls `after_undo` (at once for a
  // fault that is not undone).
  void fire(const faults::FaultAction& a, std::optional<sim::Duration> lasts, std::vector<std::string>& fired,
            std::function<void()> after_undo = {});
  // Opens a leader outage named `what` (ClusterFacts::LeaderOutage) for the partitions `a` takes
  // their leader from, if any.
  void note_leaders_taken_out(const faults::FaultAction& a, const std::string& what);
  void note_fault_ended(const faults::FaultAction& a);
  void nemesis_step(const faults::NemesisPlan& plan, sim::Instant end, std::vector<std::string>& fired);
  void watch_restarts(std::vector<std::string>& fired);
  std::vector<faults::RollingRestartStep> restart_steps_;

  sim::World& world_;
  LabState& lab_;
  const ScenarioSpec& spec_;
  sim::Prng prng_;
  sim::Prng nemesis_prng_;
  std::vector<sim::NodeId> brokers_, controllers_, servers_;
  faults::FaultInjector injector_;
  GroupLab* groups_ = nullptr;
  std::vector<FaultSpec>* nemesis_faults_ = nullptr;
  sim::Instant nemesis_start_;
};

std::vector<sim::NodeId> server_nodes(const ScenarioSpec& spec);

}  // namespace scenarios
