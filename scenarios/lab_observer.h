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
#include <set>
#include <vector>
#include <optional>
#include <string>
#include <utility>

#include "broker_model/types.h"
#include "checkers/history.h"
#include "sim/world/world.h"

namespace scenarios {

// Who leads, as far as the lab has heard: for targets such as "leader of orders/0" and
// "active controller".
struct ClusterFacts {
  std::map<broker_model::TopicPartition, std::pair<broker_model::BrokerId, broker_model::LeaderEpoch>> leaders;
  // At the current leader's epoch: its ISR (as it last applied it).
  std::map<broker_model::TopicPartition, std::vector<broker_model::BrokerId>> isr;
  // The epoch each broker last started following a partition's leader at (a follower can hear
  // of an epoch before its leader does).
  std::map<broker_model::TopicPartition, std::map<broker_model::BrokerId, broker_model::LeaderEpoch>> follows;
  // The brokers following the current leader, at its epoch.
  std::vector<broker_model::BrokerId> followers_of(const broker_model::TopicPartition& tp) const;
  // Produce attempts answered with an error, by Kafka error name (ProduceErrorAnswered).
  std::map<std::string, int64_t> produce_error_answers;
  // Committed ISR changes the partition's leader applied that dropped / added a member.
  int64_t isr_shrinks = 0;
  int64_t isr_expands = 0;
  int active_controller = -1;  // node index; -1: none elected yet
  int64_t active_controller_term = -1;

  std::optional<broker_model::BrokerId> partition_leader(const broker_model::TopicPartition& tp) const {
    auto it = leaders.find(tp);
    if (it == leaders.end()) return std::nullopt;
    return it->second.first;
  }
  // The broker leading the most partitions (the lowest id on a tie), if any leads one.
  std::optional<broker_model::BrokerId> busiest_leader() const;

  // How long partitions went without a leader: from the moment a fault took their leader out
  // (its process down or paused, or cut off by the network) until a broker started leading
  // them at a newer epoch, or the fault ended with the old leader still leading.
  void leader_taken_out(const broker_model::TopicPartition& tp, sim::Instant at);
  void leader_back(const broker_model::TopicPartition& tp, sim::Instant at);
  void close_leaderless(sim::Instant at);  // end of the run: open intervals end here
  sim::Duration longest_leaderless() const { return longest_leaderless_; }
  std::map<broker_model::TopicPartition, sim::Instant> leaderless_since;

  // Per fault that took leaders out: how many partitions it left without a leader, and when
  // the last of them had one again (the time to leaders after that fault). A partition whose
  // leader an earlier fault had already taken out stays that fault's. The longest of these
  // times is longest_leaderless (every interval of one fault starts at the fault).
  struct LeaderOutage {
    std::string fault;  // the fault, as the fault list names it
    sim::Instant at;
    int64_t partitions = 0;
    int64_t still_leaderless = 0;
    sim::Instant all_led_again;  // when still_leaderless reached 0 (unset while > 0)
  };
  // Opens an outage for `fault` at `at`; the partitions taken out next count towards it.
  void begin_outage(std::string fault, sim::Instant at);
  const std::vector<LeaderOutage>& outages() const { return outages_; }

 private:
  sim::Duration longest_leaderless_ = sim::Duration::zero();
  std::vector<LeaderOutage> outages_;
  std::map<broker_model::TopicPartition, size_t> outage_of_;  // leaderless partition -> outages_ index
};

// Subscribes on construction (before the world runs); must outlive the world.
class LabObserver {
 public:
  LabObserver(sim::World& world, checkers::History& history, ClusterFacts& facts);
  // The security model's events (broker_model/security/security_events.h) into the History's
  // ACL record; only for scenarios with `security:` (subscribing costs every emit a scan).
  void observe_security();

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
  std::map<int64_t, size_t> first_commit_of_offset_;  // metadata log offset -> its first RaftCommit
  std::set<std::pair<int64_t, bool>> acl_changes_seen_;  // (ACL id, removed): the first report is the commit
};

}  // namespace scenarios
