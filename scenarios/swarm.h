// Swarm testing (TigerBeetle's options_swarm): with `nemesis.swarm: true` the seed also picks
// the cluster and client knobs the scenario leaves open (Kafka configs it does not set, the
// network latency when the file gives none), so that a sweep covers many configurations.
// Only knobs that do not change what a scenario promises are drawn (never acks, min ISR,
// flush policy, unclean election, idempotence or crash modes).
#pragma once

#include <string>
#include <vector>

#include "scenarios/scenario_spec.h"
#include "sim/prng.h"

namespace scenarios {

// Draws the open knobs into `spec`; returns one line per knob drawn ("swarm: producers[0]
// linger.ms=20").
std::vector<std::string> draw_swarm_knobs(ScenarioSpec& spec, sim::Prng prng);

}  // namespace scenarios
