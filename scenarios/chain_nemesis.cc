#include "scenarios/chain_nemesis.h"

#include <algorithm>

#include "broker_model/broker/broker_events.h"
#include "broker_model/controller/raft_events.h"

namespace scenarios {

using broker_model::BrokerId;
using broker_model::TopicPartition;
using Link = NemesisSpec::Chain::Link;

namespace {

sim::NodeId node_of(BrokerId b) { return sim::NodeId{static_cast<uint32_t>(b.value())}; }

std::string tp_str(const TopicPartition& tp) { return tp.topic + "/" + std::to_string(tp.partition); }

}  // namespace

ChainNemesis::ChainNemesis(sim::World& world, FaultTargets& targets, const ScenarioSpec& spec,
                           const NemesisSpec::Chain& chain, const faults::NemesisPlan& plan)
    : world_(world), targets_(targets), chain_(chain), prng_(world.fork_prng("nemesis-chain")) {
  if (!chain.on) return;
  for (int i = 0; i < spec.cluster.brokers; ++i) brokers_.push_back(sim::NodeId{static_cast<uint32_t>(i)});
  partitions_ = chain.partitions;
  if (partitions_.empty())
    for (const TopicSpec& t : spec.topics)
      for (int p = 0; p < t.partitions; ++p) partitions_.emplace_back(t.name, p);
  plan_ = plan;
  plan_.kinds = chain.kinds;
  plan_.weights.assign(chain.kinds.size(), 1);
  plan_.lasts_min = chain.lasts_min;
  plan_.lasts_max = chain.lasts_max;
  sim::EventBus& bus = world_.events();
  bus.subscribe<broker_model::PartitionLeaderStarted>(
      [this](const sim::EventOrigin&, const broker_model::PartitionLeaderStarted& e) {
        if (!follows(e.tp)) return;
        auto it = leader_.find(e.tp);
        std::optional<BrokerId> deposed;
        if (it != leader_.end() && it->second != e.broker) deposed = it->second;
        leader_[e.tp] = e.broker;
        // One consequence per event: the new leader or the one it replaced, as the seed drew.
        bool to_new = linked(Link::kNewLeader), to_old = linked(Link::kDeposedLeader) && deposed;
        if (to_new && to_old) (prng_.chance(0.5) ? to_new : to_old) = false;
        if (to_new)
          consequence(Link::kNewLeader, node_of(e.broker),
                      "broker " + e.broker.str() + " leads " + tp_str(e.tp) + " at epoch " + e.leader_epoch.str());
        if (to_old)
          consequence(Link::kDeposedLeader, node_of(*deposed),
                      "broker " + deposed->str() + " lost " + tp_str(e.tp) + " to broker " + e.broker.str());
      });
  // A replica that must now follow the new leader (truncate to it, fetch from it): one of the
  // partition's other replicas, as the followers' own reports name them.
  if (linked(Link::kNewLeadersFollower))
    bus.subscribe<broker_model::PartitionFollowerStarted>(
        [this](const sim::EventOrigin&, const broker_model::PartitionFollowerStarted& e) {
          if (!follows(e.tp)) return;
          consequence(Link::kNewLeadersFollower, node_of(e.broker),
                      "broker " + e.broker.str() + " follows broker " + e.leader.str() + " for " + tp_str(e.tp) +
                          " at epoch " + e.leader_epoch.str());
        });
  bus.subscribe<broker_model::IsrChanged>([this](const sim::EventOrigin&, const broker_model::IsrChanged& e) {
    if (!follows(e.tp)) return;
    std::optional<BrokerId> joined, left;
    for (BrokerId b : e.to)
      if (std::find(e.from.begin(), e.from.end(), b) == e.from.end()) joined = b;
    for (BrokerId b : e.from)
      if (std::find(e.to.begin(), e.to.end(), b) == e.to.end()) left = b;
    if (left && linked(Link::kShrinkingLeader))
      consequence(Link::kShrinkingLeader, node_of(e.broker),
                  "broker " + e.broker.str() + " dropped broker " + left->str() + " from the ISR of " + tp_str(e.tp));
    if (!joined) return;
    bool to_joiner = linked(Link::kIsrJoiner), to_leader = linked(Link::kExpandingLeader);
    if (to_joiner && to_leader) (prng_.chance(0.5) ? to_joiner : to_leader) = false;
    std::string what = "broker " + joined->str() + " rejoined the ISR of " + tp_str(e.tp) + " (leader broker " + e.broker.str() + ")";
    if (to_joiner) consequence(Link::kIsrJoiner, node_of(*joined), what);
    if (to_leader) consequence(Link::kExpandingLeader, node_of(e.broker), what);
  });
  // The leader asking the controller to let a follower back in: the moment an expansion is in
  // flight (committed by the controller, maybe not yet applied by the leader).
  if (linked(Link::kExpandingLeader))
    bus.subscribe<broker_model::IsrExpandProposed>([this](const sim::EventOrigin&, const broker_model::IsrExpandProposed& e) {
      if (!follows(e.tp)) return;
      consequence(Link::kExpandingLeader, node_of(e.broker),
                  "broker " + e.broker.str() + " proposed broker " + e.follower.str() + " for the ISR of " + tp_str(e.tp));
    });
  if (linked(Link::kTruncatedFollower))
    bus.subscribe<broker_model::LogTruncated>([this](const sim::EventOrigin&, const broker_model::LogTruncated& e) {
      if (!follows(e.tp) || e.to >= e.from_log_end) return;  // nothing cut: nothing to follow
      consequence(Link::kTruncatedFollower, node_of(e.broker),
                  "broker " + e.broker.str() + " truncated " + tp_str(e.tp) + " from " + e.from_log_end.str() + " to " + e.to.str());
    });
  if (linked(Link::kNewQuorumLeader))
    bus.subscribe<broker_model::RaftLeaderElected>([this](const sim::EventOrigin&, const broker_model::RaftLeaderElected& e) {
      consequence(Link::kNewQuorumLeader, e.node, targets_.node_name(e.node) + " leads the quorum in term " + e.term.str());
    });
}

bool ChainNemesis::linked(Link l) const { return std::find(chain_.links.begin(), chain_.links.end(), l) != chain_.links.end(); }

bool ChainNemesis::follows(const TopicPartition& tp) const {
  for (const auto& [topic, p] : partitions_)
    if (topic == tp.topic && p == tp.partition) return true;
  return false;
}

void ChainNemesis::start(sim::Instant start, sim::Instant end, std::vector<std::string>& fired) {
  if (!chain_.on) return;
  targets_.set_nemesis_start(start);
  end_ = end;
  fired_ = &fired;
  active_ = true;
}

void ChainNemesis::consequence(Link l, sim::NodeId node, const std::string& what) {
  // Inside the emitting process: decide now, fire from the world's own timer (a fault must not
  // stop the process that is reporting).
  if (!active_ || pending_ || fired_count_ >= chain_.faults_max || world_.now() >= end_) return;
  if (!prng_.chance(chain_.probability)) return;
  pending_ = true;
  ++fired_count_;
  sim::Duration delay = sim::nanoseconds(static_cast<int64_t>(prng_.below(static_cast<uint64_t>(chain_.delay_max.ns()) + 1)));
  std::string why = "nemesis chain (" + std::string(to_string(l)) + "): " + what;
  world_.at(world_.now() + delay, [this, node, why] {
    targets_.note(*fired_, why);
    std::vector<sim::NodeId> hit_brokers;
    if (std::find(brokers_.begin(), brokers_.end(), node) != brokers_.end()) hit_brokers.push_back(node);
    // The chain's next link may follow from this fault's consequences at once.
    pending_ = false;
    if (world_.now() < end_) targets_.fire_drawn(plan_, prng_, hit_brokers, {node}, true, *fired_);
  });
}

}  // namespace scenarios
