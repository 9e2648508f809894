// The lab's side of the event bus (sim/event_bus.h): subscribes to what the system under test
// reports (broker_model/broker/broker_events.h, group/group_events.h,
// controller/raft_events.h, clients/client_events.h) and turns it into the History's
// timeline of protocol events, its consumer-group record and fetch-session counts, and into
// what fault targeting needs to know (ClusterFacts: who leads each partition, which
// controller is active). The narration of each event (the timeline's text) is written here,
// not in the model. Lives outside the world, like the History.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include "broker_model/types.h"
#include "checkers/history.h"
#include "sim/world/world.h"

namespace scenarios {

// Who leads, as far as the lab has heard: for targets such as "leader of orders/0" and
// "active controller".
struct ClusterFacts {
  std::map<broker_model::TopicPartition, std::pair<broker_model::BrokerId, broker_model::LeaderEpoch>> leaders;
  int active_controller = -1;  // node index; -1: none elected yet
  int64_t active_controller_term = -1;

  std::optional<broker_model::BrokerId> partition_leader(const broker_model::TopicPartition& tp) const {
    auto it = leaders.find(tp);
    if (it == leaders.end()) return std::nullopt;
    return it->second.first;
  }
};

// Subscribes on construction (before the world runs); must outlive the world.
class LabObserver {
 public:
  LabObserver(sim::World& world, checkers::History& history, ClusterFacts& facts);

 private:
  void subscribe_replicas();
  void subscribe_fetch_sessions();
  void subscribe_controllers();
  void subscribe_coordinators();
  void subscribe_clients();
  void subscribe_members();
  void timeline(const sim::EventOrigin& o, const char* kind, const broker_model::TopicPartition& tp,
                broker_model::BrokerId broker, std::string detail);

  sim::World& world_;
  checkers::History& history_;
  ClusterFacts& facts_;
};

}  // namespace scenarios
