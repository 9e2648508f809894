// A fault schedule: timed actions on a World (crash, restart, pause, resume, partitions,
// heal, clock jumps). Each action is traced when it fires. The richer fault catalogue and
// its targeting language build on this.
#pragma once

#include <string>
#include <vector>

#include "faults/fault_kind.h"
#include "sim/world.h"

namespace faults {

struct FaultAction {
  using Kind = FaultKind;
  Kind kind;
  sim::Instant at;
  std::vector<sim::NodeId> nodes;                 // targets (kPartition: first side; kBlockOneWay: from, to)
  std::vector<sim::NodeId> other_group;           // kPartition: second side
  sim::Duration amount;                           // kClockJump
};

std::string describe(const FaultAction& a);

class FaultSchedule {
 public:
  void add(FaultAction a) { actions_.push_back(std::move(a)); }
  const std::vector<FaultAction>& actions() const { return actions_; }
  // Schedules every action as a kernel event on `world`.
  void install(sim::World& world) const;

 private:
  std::vector<FaultAction> actions_;
};

void apply(sim::World& world, const FaultAction& a);

}  // namespace faults
