// OpenMessaging Benchmark compatibility: an OMB Kafka driver file (name, driverClass,
// replicationFactor, reset, topicConfig / commonConfig / producerConfig / consumerConfig as
// Kafka property text) and an OMB workload file (topics, partitionsPerTopic, messageSize,
// producersPerTopic, producerRate, subscriptionsPerTopic, consumerPerSubscription,
// testDurationMinutes, warmupDurationMinutes, keyDistributor, ...) become a scenario on the
// default simulated cluster, with an optional scenario file laid over it (cluster, faults,
// duration, expect...). Both files are read unchanged; errors name the OMB file, line and
// column like any scenario error. Client properties that have no meaning in the simulation
// (bootstrap.servers, serializers, ...) are ignored and listed in `notes`.
#pragma once

#include <string>
#include <vector>

#include "scenarios/scenario_loader.h"

namespace scenarios {

struct OmbFiles {
  std::string driver;    // driver-kafka/kafka-*.yaml
  std::string workload;  // workloads/*.yaml
  std::string overlay;   // a scenario file laid over the result, or ""
};

// `overlay_options`: the include roots of the overlay (OMB files have no includes).
LoadResult load_omb_scenario(const OmbFiles& files, std::vector<std::string>* notes = nullptr,
                             const LoadOptions& overlay_options = {});

}  // namespace scenarios
