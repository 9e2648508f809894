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

// The chaining nemesis of this run (NemesisSpec::chain, scenarios/chain_nemesis.h): whether it
// is on (`chain: drawn`: probability 1/2), and, with `swarm: true`, which consequences it
// follows (each 1/2, at least one), which of the file's node-stopping kinds it injects (each
// 1/2, at least one), its probability per consequence (1/4, 1/2 or 1), how soon after it the
// fault lands (at most 5 ms .. 1 s) and how many it chains per run (2..12). Without swarm: every
// link and kind, 1/2, 100 ms, 8. The partitions it follows are those the aims drew (call after
// draw_nemesis_aims), or every partition. Fills spec.nemesis->drawn_chain; returns the lines for
// the run summary. Nothing (and no draw) when the file has no chain.
std::vector<std::string> draw_nemesis_chain(ScenarioSpec& spec, sim::Prng prng);

}  // namespace scenarios
