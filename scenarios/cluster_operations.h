// A scenario's `operations:` (scenario_spec.h): brokers added while the workload runs,
// partition reassignments (as kafka-reassign-partitions drives KIP-455's Admin API) and
// broker decommissioning. Each operation runs on a world fiber at its time; what talks to
// the controller runs on the lab's admin node (LabState::admin_tasks). Every step goes to
// the run's fault list.
#pragma once

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "faults/fault_injector.h"
#include "scenarios/client_processes.h"
#include "scenarios/scenario_spec.h"
#include "sim/world/world.h"

namespace scenarios {

class ClusterOperations {
 public:
  // Bounds: a reassignment is followed at most this long, polling every kPollInterval.
  static constexpr sim::Duration kPollInterval = sim::milliseconds(250);
  static constexpr sim::Duration kFollowMax = sim::seconds(600);
  static constexpr int kAdminAttemptsMax = 100;

  ClusterOperations(sim::World& world, LabState& lab, const ScenarioSpec& spec, faults::FaultInjector& injector)
      : world_(world), lab_(lab), spec_(spec), injector_(injector) {}

  // Schedules every operation at start + its `at`.
  void schedule(sim::Instant start, std::vector<std::string>& fired);
  bool decommissioned(int broker) const {
    return std::find(decommissioned_.begin(), decommissioned_.end(), broker) != decommissioned_.end();
  }

 private:
  void run(const OperationSpec& op, std::vector<std::string>& fired);
  // Runs `task` on the admin node and waits for it to finish.
  void on_admin(std::function<void(sim::NodeContext&)> task);
  std::vector<int> live_brokers() const;

  sim::World& world_;
  LabState& lab_;
  const ScenarioSpec& spec_;
  faults::FaultInjector& injector_;
  std::vector<int> decommissioned_;
  std::set<int> added_;
};

}  // namespace scenarios
