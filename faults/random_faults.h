// What random nemeses draw from: one shared vocabulary of node faults, applied through
// faults::apply (so every firing is traced the same way), and one way to heal everything.
#pragma once

#include <vector>

#include "faults/fault_schedule.h"
#include "sim/prng.h"

namespace faults {

// Crash, restart, start, pause, resume, isolate, heal.
inline constexpr FaultKind kNodeFaultKinds[] = {FaultKind::kCrash,  FaultKind::kRestart, FaultKind::kStart,
                                                FaultKind::kPause,  FaultKind::kResume,  FaultKind::kIsolate,
                                                FaultKind::kHeal};
inline constexpr size_t kNodeFaultKindCount = sizeof(kNodeFaultKinds) / sizeof(kNodeFaultKinds[0]);

// A fault of a kind drawn uniformly from kNodeFaultKinds, aimed at `target`.
FaultAction random_node_fault(sim::Prng& prng, sim::NodeId target, sim::Instant at);

// Heals the network, resumes the paused and starts the stopped among `nodes`.
void heal_everything(sim::World& world, const std::vector<sim::NodeId>& nodes);
// The same for the first `count` nodes.
void heal_everything(sim::World& world, uint32_t count);

}  // namespace faults
