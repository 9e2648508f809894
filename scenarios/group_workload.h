// Consumer groups in a scenario: the member processes (a GroupConsumer in subscribe mode
// driven by an application poll loop with the scenario's processing model), and GroupLab,
// the runner's side: fault targets ("consumer N", "member N of G", "coordinator of G"),
// closing a crashed member's ownership, restarting members when healing, sampling group lag,
// waiting for groups to catch up after healing, and the rebalance timeline of the result.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "broker_model/group/group_coordinator.h"
#include "scenarios/client_processes.h"
#include "scenarios/scenario_spec.h"
#include "scenarios/value_syntax.h"
#include "sim/world/world.h"

namespace scenarios {

// A member's application: poll, (commit), process each record for processing_time, (commit).
// `index_in_entry` numbers the entry's members: with group.instance.id set and count > 1,
// member k uses "<group.instance.id>-k" (instance ids are unique per member in Kafka).
sim::BootFn make_group_member_boot(const ScenarioSpec& spec, const ConsumerSpec& c, int consumer_index, int index_in_entry,
                                   LabState& lab);

// The brokers' coordinator settings from cluster.broker_configs (offsets.topic.*, group.*).
broker_model::GroupCoordinatorConfig group_coordinator_config(const ScenarioSpec& spec);

class GroupLab {
 public:
  GroupLab(sim::World& world, LabState& lab, const ScenarioSpec& spec);
  bool active() const { return !members_.empty(); }
  // Adds the member nodes to the world (after the other workload nodes).
  void add_members(std::vector<sim::NodeId>& workload_nodes, int& consumer_index, const ConsumerSpec& c);
  bool is_member_node(sim::NodeId n) const;

  // "consumer N", "member N of group G".
  std::optional<sim::NodeId> resolve(const FaultTarget& target) const;
  // The broker leading group G's offsets partition, as far as the lab knows.
  std::optional<int> coordinator_of(const std::string& group) const;
  // A member node went down (crash, shutdown, restart): what it owned, it no longer owns.
  void member_down(sim::NodeId node, const char* reason);
  // Resume paused and start stopped member nodes.
  void heal(std::vector<std::string>& fired);
  // Samples every group's lag (log end from acknowledged produces, minus committed) until the world stops.
  void start_lag_sampler();
  // Waits until every group processed every acknowledged record of its topic; false at the deadline.
  bool wait_caught_up(sim::Instant deadline, std::string& note);

 private:
  struct Member {
    sim::NodeId node;
    int consumer = 0;
    std::string group;
    std::string topic;
  };
  void sample_lag();

  sim::World& world_;
  LabState& lab_;
  const ScenarioSpec& spec_;
  int32_t offsets_partitions_;
  std::vector<Member> members_;
};

}  // namespace scenarios
