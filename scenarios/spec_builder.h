// Turns a scenario document (includes already merged) into a ScenarioSpec, checking every key,
// type, unit, range and cross-reference on the way. Throws LoadFailure at the first problem.
#pragma once

#include <cstdint>

#include "scenarios/scenario_spec.h"
#include "scenarios/yaml_reader.h"
#include "sim/time.h"

namespace scenarios {

// Limits on scenario values.
inline constexpr int64_t kBrokersMax = 128;
inline constexpr int64_t kPartitionsMax = 10'000;
inline constexpr int64_t kClientsPerEntryMax = 10'000;      // producers[i].count, consumers[i].count
inline constexpr int64_t kMessageBytesMax = 64 << 20;       // producers[i].message_size
inline constexpr int64_t kNameLengthMax = 128;              // scenario name
inline constexpr int64_t kTopicNameLengthMax = 249;         // Kafka's limit
inline constexpr int64_t kMaxEventsMax = 1'000'000'000'000;
inline constexpr sim::Duration kScenarioDurationMax = sim::seconds(7 * 24 * 3600);

ScenarioSpec build_scenario_spec(const YamlValue& root);

}  // namespace scenarios
