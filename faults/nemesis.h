// A random nemesis: faults of the kinds a scenario allows, at exponentially distributed
// intervals, each undone after a drawn duration. In swarm mode (TigerBeetle's options_swarm
// idea) the seed first decides which of those kinds are on at all, their weights, and how
// often faults come, so that a sweep explores many nemesis mixes rather than one average.
// Everything drawn is listed (NemesisPlan::lines) for the run summary.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "faults/fault_schedule.h"
#include "sim/prng.h"

namespace faults {

struct NemesisOptions {
  std::vector<FaultKind> kinds;          // candidates; empty: no nemesis
  sim::Duration interval = sim::seconds(3);  // mean time between two fault starts
  sim::Duration lasts_min = sim::seconds(1);
  sim::Duration lasts_max = sim::seconds(5);
  bool swarm = false;
};

// What the nemesis of one run does: the kinds on with their weights, the kinds off, timing.
struct NemesisPlan {
  std::vector<FaultKind> kinds;
  std::vector<uint32_t> weights;  // parallel to kinds, >= 1
  std::vector<FaultKind> off;     // switched off by the swarm
  sim::Duration interval;
  sim::Duration lasts_min, lasts_max;
  bool swarm = false;
  std::vector<std::string> lines() const;
};

// True for the kinds a nemesis can draw (undoable kinds and corrupt; not zone-outage, whose
// zone only a scenario can name).
bool nemesis_can_draw(FaultKind k);

// Plain mode: every candidate on with weight 1. Swarm: each candidate on with probability
// 1/2 (at least one), weights 1..10, interval scaled by 1/4..2.
NemesisPlan plan_nemesis(const NemesisOptions& options, sim::Prng& prng);

// One fault drawn from the plan at `at`: its kind by weight, its targets among `servers`
// (corrupt: among `brokers`), its parameters; `lasts` gets how long until it is undone.
FaultAction draw_nemesis_fault(const NemesisPlan& plan, sim::Prng& prng, const std::vector<sim::NodeId>& brokers,
                               const std::vector<sim::NodeId>& servers, sim::Instant at, sim::Duration& lasts);

}  // namespace faults
