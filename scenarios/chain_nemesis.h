// A chaining nemesis: each fault it injects is aimed at the node the previous fault's
// consequence named, as the lab observes the cluster's events. Kafka's leader-epoch, ISR and
// high-watermark bugs (docs/bug-zoo.md: KIP-279, KIP-320, KAFKA-7128, the maximal ISR) and
// Raft's figure 8 each need a second or third fault on one particular node within a fetch
// round trip of the first: the new leader right after an election, the deposed leader as it
// comes back, a replica that must now follow the new leader, the replica that just rejoined
// the ISR (or the leader letting it in), the leader that just shrank its ISR, the follower that
// just truncated, the quorum's new leader before it commits an entry of its own term. A random nemesis, even aimed at one partition, lands there rarely; this one follows
// the consequences (Jepsen's nemeses that target "the primary" pick by role the same way, at
// the moment they fire).
//
// General, not written for one bug: the seed draws which consequences it follows, the kinds it
// injects (those of the file's nemesis kinds that take a node out), its probability per
// consequence, how soon the fault lands and how many it chains (scenarios/swarm.h
// draw_nemesis_chain). Deterministic: it reacts only to events the simulator emits, through
// the world's own timers and its own prng fork ("nemesis-chain"). Its faults are recorded like
// the random nemesis's, so `eddy shrink` materialises them as explicit faults.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "broker_model/types.h"
#include "faults/nemesis.h"
#include "scenarios/fault_targets.h"
#include "scenarios/scenario_spec.h"
#include "sim/world/world.h"

namespace scenarios {

class ChainNemesis {
 public:
  // Subscribes to the cluster's events (call before the world runs) when `chain.on`.
  ChainNemesis(sim::World& world, FaultTargets& targets, const ScenarioSpec& spec, const NemesisSpec::Chain& chain,
               const faults::NemesisPlan& plan);
  // Reacts to consequences from `start` (the workload's) until `end`; faults are timed from start.
  void start(sim::Instant start, sim::Instant end, std::vector<std::string>& fired);

  int faults_fired() const { return fired_count_; }

 private:
  bool follows(const broker_model::TopicPartition& tp) const;
  bool linked(NemesisSpec::Chain::Link l) const;
  void consequence(NemesisSpec::Chain::Link l, sim::NodeId node, const std::string& what);

  sim::World& world_;
  FaultTargets& targets_;
  const NemesisSpec::Chain& chain_;
  faults::NemesisPlan plan_;  // the chain's kinds, weight 1 each, the nemesis's durations
  sim::Prng prng_;
  std::vector<sim::NodeId> brokers_;
  std::vector<std::pair<std::string, int32_t>> partitions_;  // the partitions it follows
  std::map<broker_model::TopicPartition, broker_model::BrokerId> leader_;  // as the events said
  bool active_ = false;
  bool pending_ = false;  // a chained fault is on its way: one at a time
  sim::Instant end_;
  int fired_count_ = 0;
  std::vector<std::string>* fired_ = nullptr;
};

}  // namespace scenarios
