// The pipeline in a scenario (`pipeline:`, docs/pipeline.md): devices -> MQTT broker -> rule ->
// queue -> Lambda -> Kafka topic -> Kafka Connect sink -> document store, each service a
// process on its own node of the simulated network (broker_model/pipeline/). The devices are
// the workload; the other services start with the cluster. What each hop does is recorded in
// the History's pipeline part (checkers/pipeline_history.h) by the lab's listeners, never by
// the services; the function's Kafka sends are ProduceOps like any producer's.
#pragma once

#include <vector>

#include "scenarios/client_processes.h"
#include "sim/world/world.h"

namespace scenarios {

// Adds the pipeline's nodes: services to `server_nodes` (started with the cluster), devices to
// `workload_nodes`; returns the node that reads the store at the end (started by the driver).
// `first_producer_index`: the History index of function environment 0's producer.
sim::NodeId add_pipeline(sim::World& world, const ScenarioSpec& spec, LabState& lab, std::vector<sim::NodeId>& server_nodes,
                         std::vector<sim::NodeId>& workload_nodes, int first_producer_index);

}  // namespace scenarios
