// The Kafka configs of a scenario that eddy accepts but does not simulate. Each becomes a note
// "accepted, no effect: WHERE.KEY=VALUE (WHY)" in the run's output and in summary.json, so a
// setting that changes nothing never looks as if it had been honoured.
#pragma once

#include <string>
#include <vector>

#include "scenarios/scenario_spec.h"

namespace scenarios {

// One note per distinct (place, key, value), in the order the scenario lists them: broker
// configs, then topics, producers and consumers.
std::vector<std::string> config_notes(const ScenarioSpec& spec);

}  // namespace scenarios
