// A fault schedule: timed actions on a World (every kind of the catalogue, fault_catalogue.h).
// Each action is traced when it fires. FaultInjector (fault_injector.h) applies actions and
// undoes them; apply() below is the stateless form for schedules that never undo.
#pragma once

#include <string>
#include <vector>

#include "faults/fault_kind.h"
#include "sim/world/network.h"
#include "sim/world/world.h"

namespace faults {

// The parameters of a fault; each kind reads the ones the catalogue gives it.
struct FaultParams {
  double probability = 1.0;           // link loss/duplicate/reorder, fsync error, fault point firing
  double activation = 0.25;           // fault points: share of sites switched on
  sim::LatencyModel latency;          // delay spike
  int64_t bandwidth_bytes_per_s = 0;  // throttle
  int64_t factor = 1;                 // slow disk
  int64_t drift_ppm = 0;              // clock drift
  int32_t log_dir = -1;               // disk full, fsync error: one log directory's disk (-1: the node's)
};

struct FaultAction {
  using Kind = FaultKind;
  Kind kind;
  sim::Instant at;
  std::vector<sim::NodeId> nodes;                 // targets (kPartition, kBlockOneWay: first side)
  std::vector<sim::NodeId> other_group;           // kPartition, kBlockOneWay, link faults: second side
  sim::Duration amount;                           // kClockJump, kClockSkew (signed)
  FaultParams params = {};
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

// Applies `a` once (kKillAll crashes every node of the world). Random choices (splits,
// corrupted file) come from the world's "fault-apply" stream.
void apply(sim::World& world, const FaultAction& a);

}  // namespace faults
