// Kinesis Data Streams in a scenario (`kinesis:`, docs/kinesis.md): the stream frontends and
// the lease table are servers beside the brokers; each Kinesis producer (SDK or KPL style)
// and each KCL worker is a client node. Producers record every user record as a ProduceOp
// (partition = the shard's partition of `kinesis.<stream>`, offset = its sequence number),
// with its partition key and each throttled attempt; workers record each processed record
// as a ConsumeOp and their lease changes and checkpoints (checkers/kinesis_history.h).
#pragma once

#include <vector>

#include "scenarios/client_processes.h"
#include "sim/world/world.h"

namespace scenarios {

struct KinesisNodes {
  sim::NodeId lease_table;
  std::vector<sim::NodeId> frontends;
};

// Adds the lease table and the frontends to the world (not started).
KinesisNodes add_kinesis_servers(sim::World& world, const ScenarioSpec& spec, LabState& lab);
sim::BootFn make_kinesis_producer_boot(const ScenarioSpec& spec, const KinesisProducerSpec& p, int producer_index,
                                       const KinesisNodes& nodes, LabState& lab);
// Worker `worker` (0-based, across the scenario) of application entry `c`.
sim::BootFn make_kcl_worker_boot(const ScenarioSpec& spec, const KinesisConsumerSpec& c, int consumer_index, int worker,
                                 const KinesisNodes& nodes, LabState& lab);

// The node `kinesis-admin`: calls the scenario's `kinesis.reshard` entries (SplitShard,
// MergeShards, UpdateShardCount) at their times, counted from the workload's start, and
// records each in the History's timeline ("reshard").
sim::BootFn make_kinesis_admin_boot(const ScenarioSpec& spec, const KinesisNodes& nodes, LabState& lab);

}  // namespace scenarios
