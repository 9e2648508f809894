// What `eddy shrink` needs of the scenario layer: a run's drawn nemesis faults as explicit
// fault entries (ScenarioResult::nemesis_faults), fault entries written back as YAML, and the
// shrunk scenario file: the original included, its nemesis kept for the seed's draws but not
// fired (`fire: false`), and the faults that remain listed explicitly.
#pragma once

#include <string>
#include <vector>

#include "scenarios/scenario_spec.h"

namespace scenarios {

// One `faults:` entry as a YAML flow map, e.g. {at: 1500000000ns, kind: kill, for: 300000000ns,
// target: ["broker 1"]}. Exact: durations in nanoseconds, parameters as the kind needs them.
std::string fault_entry_yaml(const FaultSpec& f);

// The spec a shrink starts from: the file's own faults and the nemesis's drawn ones (sorted by
// time), the nemesis no longer firing. The same seed draws the same swarm knobs.
ScenarioSpec materialized(const ScenarioSpec& spec, const std::vector<FaultSpec>& nemesis_faults);

// The shrunk file's text: a comment saying where it came from, `include:` of the original
// (`include_path`, relative to the shrunk file), `nemesis: {fire: false}` when the original has
// a nemesis, the variants, `duration`, and `faults`.
std::string shrunk_scenario_yaml(const ScenarioSpec& shrunk, const std::string& include_path, const std::string& header);

}  // namespace scenarios
