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

// The nemesis's aims for this run (NemesisSpec::aims): which aims are on (swarm: each with
// probability 1/2, at least one; otherwise all), the partition behind each "TOPIC/*" (one per
// topic and seed), and, for `one_at_a_time: drawn`, whether faults come one at a time. Fills
// spec.nemesis->drawn_aims; returns the lines for the run summary. Nothing when the file has
// no aims (the prng is then unused, so files without aims draw what they always drew).
std::vector<std::string> draw_nemesis_aims(ScenarioSpec& spec, sim::Prng prng);

}  // namespace scenarios
