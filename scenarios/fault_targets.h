// Resolves a scenario's fault targets ("broker 1", "leader of orders/0", "active
// controller", "random broker") to nodes when the fault fires, applies the fault, and undoes
// it after its `for` duration. Everything is traced and listed for the summary.
#pragma once

#include <string>
#include <vector>

#include "scenarios/client_processes.h"
#include "scenarios/scenario_spec.h"
#include "sim/world.h"

namespace scenarios {

class FaultTargets {
 public:
  FaultTargets(sim::World& world, LabState& lab, const ScenarioSpec& spec);
  // Schedules `f` at start + f.at (and its undo at + f.duration).
  void schedule(const FaultSpec& f, sim::Instant start, std::vector<std::string>& fired);
  // End of the workload: heal the network, resume paused nodes, start stopped ones.
  void heal_everything(std::vector<std::string>& fired);

 private:
  std::vector<sim::NodeId> resolve(const std::vector<std::string>& targets);
  std::optional<sim::NodeId> resolve_one(const std::string& target);
  void apply(const FaultSpec& f, std::vector<std::string>& fired);
  void undo(const FaultSpec& f, const std::vector<sim::NodeId>& nodes, const std::vector<sim::NodeId>& other,
            std::vector<std::string>& fired);
  void note(std::vector<std::string>& fired, const std::string& what);

  sim::World& world_;
  LabState& lab_;
  const ScenarioSpec& spec_;
  sim::Prng prng_;
};


}  // namespace scenarios
