// The lab's client nodes: the admin that creates topics and waits for leaders, the workload
// producers and consumers, and the final reader that checks liveness, dumps every replica
// and reads every partition to its end. They run real clients (broker_model/clients) and
// write what they see into the History.
#pragma once

#include <map>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "checkers/history.h"
#include "scenarios/lab_observer.h"
#include "scenarios/scenario_spec.h"
#include "sim/world/world.h"

namespace broker_model {
class ControllerChannel;
}

namespace scenarios {

// State shared by the lab's client processes and the driver; lives outside every process.
struct LabState {
  checkers::History history;
  ClusterFacts cluster;             // who leads, from the cluster's events (LabObserver)
  std::unique_ptr<LabObserver> observer;  // subscribed to the world's events; outlives the world
  std::vector<broker_model::BrokerId> brokers;      // started at boot: the clients' bootstrap list
  std::vector<broker_model::BrokerId> all_brokers;  // also those an operation starts later (dumps)
  std::vector<sim::NodeId> controllers;
  std::vector<sim::NodeId> producer_nodes;  // producer instance i's client node ("producer i" targets)
  std::map<std::string, sim::NodeId> pipeline_nodes;  // "pipeline NAME" targets (pipeline_workload.h)
  bool pipeline_read_done = false;  // the pipeline's store was read at the end
  std::vector<sim::NodeId> kcl_worker_nodes;  // KCL worker i's node ("worker i" targets; kinesis_workload.h)
  bool ready = false;               // topics exist and every partition has a leader
  // When the workload started: the reference of a scenario's fault times (`at:`), and of the
  // fault lines a run prints (fault_line).
  sim::Instant workload_start = sim::Instant::epoch();
  bool workload_stopped = false;
  // OMB's maximum-rate search (producers with `rate: max`): the rate each of them sends at now,
  // set by the lab's rate controller (as OMB's driver tells its workers adjustPublishRate).
  double max_rate_per_producer = 0;
  int producers_drained = 0;        // producers whose every record has an outcome after the stop
  bool final_phase_done = false;
  // What the admin did with `security.changes` (fault-list lines, in order).
  std::vector<std::string> security_lines;
  bool liveness = false;
  std::string liveness_note;
  sim::WaitQueue changed{"lab state"};
  // Work for the admin node (cluster_operations.h): each task runs in a fiber of its own there,
  // through the admin's one controller channel (set once the admin takes tasks).
  std::deque<std::function<void(sim::NodeContext&)>> admin_tasks;
  broker_model::ControllerChannel* admin_channel = nullptr;
  sim::WaitQueue admin_wakeup{"admin tasks"};
};

// A fault as a run prints it: "at 2.000000000s (t=2.412000000s) WHAT", the first time counted
// from the workload's start as the scenario's `at:` is, the second the simulated time the
// reports and traces use.
std::string fault_line(const LabState& lab, sim::Instant now, const std::string& what);

sim::BootFn make_admin_boot(const ScenarioSpec& spec, LabState& lab);
sim::BootFn make_producer_boot(const ScenarioSpec& spec, const ProducerSpec& p, int producer_index, LabState& lab);
// `consumer_index` numbers the consumer across the scenario (its node "consumer-N", its reads
// in the History); `index_in_entry` of `consumers_of_topic` picks its partitions.
sim::BootFn make_consumer_boot(const ScenarioSpec& spec, const ConsumerSpec& c, int consumer_index, int index_in_entry,
                               int consumers_of_topic, LabState& lab);
sim::BootFn make_final_reader_boot(const ScenarioSpec& spec, LabState& lab);

}  // namespace scenarios
