// Turns a scenario document (includes already merged) into a ScenarioSpec, checking every key,
// type, unit, range and cross-reference on the way. Throws LoadFailure at the first problem.
#pragma once

#include <cstdint>

#include "scenarios/scenario_spec.h"
#include "scenarios/yaml_reader.h"
#include "sim/time.h"

namespace scenarios {

// Limits on scenario values.
// Brokers: issue 24's 100 brokers with 10,000 partitions at RF 3 and 2,000 producers run in
// about 5 GiB (docs/performance.md, bench/scale-bench.sh); 128 keeps that shape under the
// 8 GiB a run may take, with room for a few more brokers.
inline constexpr int64_t kBrokersMax = 128;
// Per topic: a client's metadata answer lists every partition of its topic, and every replica
// is a log on a simulated disk; 10,000 per topic is the scaling benchmark's largest topic.
inline constexpr int64_t kPartitionsMax = 10'000;
// Per entry (producers[i].count, consumers[i].count): each client is a node with its own
// fibers and connections (tens of KiB each); 10,000 is five times the benchmark's 2,000.
inline constexpr int64_t kClientsPerEntryMax = 10'000;
inline constexpr int64_t kMessageBytesMax = 64 << 20;       // producers[i].message_size
inline constexpr int64_t kNameLengthMax = 128;              // scenario name
inline constexpr int64_t kTopicNameLengthMax = 249;         // Kafka's limit
inline constexpr int64_t kMaxEventsMax = 1'000'000'000'000;
inline constexpr sim::Duration kScenarioDurationMax = sim::seconds(7 * 24 * 3600);

ScenarioSpec build_scenario_spec(const YamlValue& root);

}  // namespace scenarios
