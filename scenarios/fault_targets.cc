#include "scenarios/fault_targets.h"

#include <algorithm>

#include "faults/fault_catalogue.h"
#include "scenarios/group_workload.h"
#include "scenarios/txn_workload.h"
#include "scenarios/value_syntax.h"

namespace scenarios {

std::vector<sim::NodeId> server_nodes(const ScenarioSpec& spec) {
  std::vector<sim::NodeId> out;
  for (uint32_t i = 0; i < static_cast<uint32_t>(spec.cluster.brokers + spec.cluster.controllers); ++i)
    out.push_back(sim::NodeId{i});
  return out;
}

FaultTargets::FaultTargets(sim::World& world, LabState& lab, const ScenarioSpec& spec)
    : world_(world),
      lab_(lab),
      spec_(spec),
      prng_(world.fork_prng("fault-targets")),
      nemesis_prng_(world.fork_prng("nemesis")),
      servers_(server_nodes(spec)),
      injector_(world, world.fork_prng("fault-injector"), server_nodes(spec)) {
  for (int i = 0; i < spec.cluster.brokers; ++i) brokers_.push_back(sim::NodeId{static_cast<uint32_t>(i)});
  for (int i = 0; i < spec.cluster.controllers; ++i)
    controllers_.push_back(sim::NodeId{static_cast<uint32_t>(spec.cluster.brokers + i)});
  // rolling-restart waits for this to reach 0 between brokers (MSK's UnderReplicatedPartitions).
  injector_.set_under_replicated_probe([this] { return under_replicated_partitions(); });
}

int64_t FaultTargets::under_replicated_partitions() const {
  // The scenario's topics, as the lab heard from their leaders: no leader known, a leader a
  // fault took out, or an ISR smaller than the replication factor.
  int64_t n = 0;
  for (const TopicSpec& t : spec_.topics)
    for (int p = 0; p < t.partitions; ++p) {
      broker_model::TopicPartition tp{t.name, p};
      auto isr = lab_.cluster.isr.find(tp);
      bool under = !lab_.cluster.partition_leader(tp) || lab_.cluster.leaderless_since.count(tp) > 0 ||
                   isr == lab_.cluster.isr.end() || static_cast<int>(isr->second.size()) < t.replication_factor;
      if (under) ++n;
    }
  return n;
}

void FaultTargets::watch_restarts(std::vector<std::string>& fired) {
  using Kind = faults::RollingRestart::NoteKind;
  injector_.set_restart_progress(
      [this, &fired](const std::string& line, Kind kind) {
        if (kind == Kind::kPeriodStart) note(fired, line);
        if (kind == Kind::kPeriodEnd) note(fired, "end of " + line);
        if (kind == Kind::kDetail) {
          fired.push_back(fault_line(lab_, world_.now(), line));
          world_.trace().record(world_.now(), sim::Trace::kWorldNode, "fault.detail", {{"what", line}});
        }
      },
      [this](sim::NodeId node) {
        // Whatever it still leads (a controlled shutdown that timed out, or none at all) is
        // leaderless from now until another broker is elected.
        faults::FaultAction stopped{faults::FaultKind::kShutdown, world_.now(), {node}, {}, {}};
        note_leaders_taken_out(stopped, "stop of " + node_name(node));
      },
      [this](const faults::RollingRestartStep& step) { restart_steps_.push_back(step); });
}

std::vector<sim::NodeId> FaultTargets::resolve_one(const std::string& target) {
  Parsed<FaultTarget> p = parse_fault_target(target);
  if (!p.value) return {};
  const FaultTarget& t = *p.value;
  using K = FaultTarget::Kind;
  switch (t.kind) {
    case K::kBroker: return {sim::NodeId{static_cast<uint32_t>(t.index)}};
    case K::kController: return {sim::NodeId{static_cast<uint32_t>(spec_.cluster.brokers + t.index)}};
    case K::kRandomBroker: return {prng_.pick(brokers_)};
    case K::kAllBrokers: return brokers_;
    case K::kAllControllers: return controllers_;
    case K::kProducer: {
      if (t.index < 0 || static_cast<size_t>(t.index) >= lab_.producer_nodes.size()) return {};
      return {lab_.producer_nodes[static_cast<size_t>(t.index)]};
    }
    case K::kActiveController: {
      int c = lab_.cluster.active_controller;
      if (c < 0) return {};
      return {sim::NodeId{static_cast<uint32_t>(c)}};
    }
    case K::kLeaderOf: {
      auto leader = lab_.cluster.partition_leader(broker_model::TopicPartition{t.topic, static_cast<int32_t>(t.partition)});
      if (!leader) return {};
      return {sim::NodeId{static_cast<uint32_t>(leader->value())}};
    }
    case K::kFollowersOf:
    case K::kIsrOf: {
      broker_model::TopicPartition tp{t.topic, static_cast<int32_t>(t.partition)};
      std::vector<broker_model::BrokerId> brokers;
      if (t.kind == K::kFollowersOf) {
        brokers = lab_.cluster.followers_of(tp);
      } else if (auto it = lab_.cluster.isr.find(tp); it != lab_.cluster.isr.end()) {
        brokers = it->second;
      }
      std::vector<sim::NodeId> out;
      for (broker_model::BrokerId b : brokers) out.push_back(sim::NodeId{static_cast<uint32_t>(b.value())});
      return out;
    }
    case K::kBusiestLeader: {
      auto b = lab_.cluster.busiest_leader();
      if (!b) return {};
      return {sim::NodeId{static_cast<uint32_t>(b->value())}};
    }
    case K::kCoordinatorOf: {
      if (!coordinator_of) return {};
      std::optional<int> b = coordinator_of(t.topic);
      if (!b) return {};
      return {sim::NodeId{static_cast<uint32_t>(*b)}};
    }
    case K::kPipelineNode: {
      auto it = lab_.pipeline_nodes.find(t.topic);
      if (it == lab_.pipeline_nodes.end()) return {};
      return {it->second};
    }
    case K::kKinesisWorker: {
      if (t.index < 0 || static_cast<size_t>(t.index) >= lab_.kcl_worker_nodes.size()) return {};
      return {lab_.kcl_worker_nodes[static_cast<size_t>(t.index)]};
    }
    case K::kTxnCoordinatorOf: {
      // TransactionStateManager.partitionFor: abs(hash(transactional.id)) % partitions.
      const int32_t state_partition = broker_model::offsets_partition_for(t.topic, transaction_coordinator_config(spec_).transaction_state_partitions);
      auto leader = lab_.cluster.partition_leader(broker_model::TopicPartition{broker_model::kTransactionStateTopic, state_partition});
      if (!leader) return {};
      return {sim::NodeId{static_cast<uint32_t>(leader->value())}};
    }
    case K::kConsumer:
    case K::kMemberOf: {
      if (groups_ == nullptr) return {};
      std::optional<sim::NodeId> n = groups_->resolve(t);
      if (!n) return {};
      return {*n};
    }
    case K::kZone: {
      std::vector<sim::NodeId> out;
      const ClusterSpec& c = spec_.cluster;
      for (size_t i = 0; i < c.racks.size(); ++i)
        if (c.racks[i] == t.topic) out.push_back(sim::NodeId{static_cast<uint32_t>(i)});
      for (size_t i = 0; i < c.controller_racks.size(); ++i)
        if (c.controller_racks[i] == t.topic) out.push_back(sim::NodeId{static_cast<uint32_t>(c.brokers + static_cast<int>(i))});
      return out;
    }
  }
  return {};
}

std::vector<sim::NodeId> FaultTargets::resolve(const std::vector<std::string>& targets) {
  std::vector<sim::NodeId> out;
  for (const auto& t : targets)
    for (sim::NodeId n : resolve_one(t))
      if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  return out;
}

void FaultTargets::note(std::vector<std::string>& fired, const std::string& what) {
  fired.push_back(fault_line(lab_, world_.now(), what));
  world_.trace().record(world_.now(), sim::Trace::kWorldNode, "fault", {{"what", what}});
  lab_.history.timeline(checkers::TimelineEvent{world_.now(), "fault", {}, broker_model::kNoBroker, what});
}

void FaultTargets::schedule(const FaultSpec& f, sim::Instant start, std::vector<std::string>& fired) {
  world_.at(start + f.at, [this, f, &fired] { apply(f, fired); });
}

void FaultTargets::apply(const FaultSpec& f, std::vector<std::string>& fired) {
  faults::FaultAction a{f.kind, world_.now(), resolve(f.targets), {}, f.amount, f.params};
  // A node named on both sides (the leader, resolved at fire time, among "broker 0..N")
  // stays on the first side only.
  for (sim::NodeId n : resolve(f.other_side))
    if (std::find(a.nodes.begin(), a.nodes.end(), n) == a.nodes.end()) a.other_group.push_back(n);
  fire(a, f.duration, fired);
}

namespace {

// The kinds that take the nodes they hit out of service, as far as the partitions they lead
// are concerned: the process stops or freezes, or the network cuts it off.
bool takes_leaders_out(faults::FaultKind k) {
  using K = faults::FaultKind;
  switch (k) {
    case K::kCrash: case K::kKill: case K::kShutdown: case K::kTornCrash: case K::kKillAll: case K::kPause:
    case K::kIsolate: case K::kPartition: case K::kZoneOutage: case K::kSplitHalves: case K::kMajorityMinority:
      return true;
    default: return false;
  }
}

}  // namespace

void FaultTargets::note_leaders_taken_out(const faults::FaultAction& a, const std::string& what) {
  if (!takes_leaders_out(a.kind)) return;
  std::vector<broker_model::TopicPartition> out;
  for (const auto& [tp, leader] : lab_.cluster.leaders)
    if (std::find(a.nodes.begin(), a.nodes.end(), sim::NodeId{static_cast<uint32_t>(leader.first.value())}) != a.nodes.end() &&
        lab_.cluster.leaderless_since.count(tp) == 0)
      out.push_back(tp);
  if (out.empty()) return;
  lab_.cluster.begin_outage(what, world_.now());
  for (const auto& tp : out) lab_.cluster.leader_taken_out(tp, world_.now());
}

void FaultTargets::note_fault_ended(const faults::FaultAction& a) {
  // A paused leader resumed, or a cut-off one reachable again, that nobody replaced: leading
  // again. A process that stopped leads again only once it is elected (an event).
  using K = faults::FaultKind;
  if (!takes_leaders_out(a.kind) || a.kind == K::kCrash || a.kind == K::kKill || a.kind == K::kShutdown ||
      a.kind == K::kTornCrash || a.kind == K::kKillAll)
    return;
  std::vector<broker_model::TopicPartition> back;
  for (const auto& [tp, since] : lab_.cluster.leaderless_since) {
    auto leader = lab_.cluster.partition_leader(tp);
    if (leader && std::find(a.nodes.begin(), a.nodes.end(), sim::NodeId{static_cast<uint32_t>(leader->value())}) != a.nodes.end())
      back.push_back(tp);
  }
  for (const auto& tp : back) lab_.cluster.leader_back(tp, world_.now());
}

void FaultTargets::fire(const faults::FaultAction& a, std::optional<sim::Duration> lasts, std::vector<std::string>& fired,
                        std::function<void()> after_undo) {
  watch_restarts(fired);
  faults::AppliedFault applied = injector_.apply(a);
  note_leaders_taken_out(applied.action, applied.what);
  if (groups_ != nullptr && (a.kind == faults::FaultKind::kCrash || a.kind == faults::FaultKind::kKill ||
                             a.kind == faults::FaultKind::kRestart || a.kind == faults::FaultKind::kShutdown))
    for (sim::NodeId n : a.nodes) groups_->member_down(n, a.kind == faults::FaultKind::kShutdown ? "shut down" : "crashed");
  note(fired, applied.what);
  if (!lasts) {
    if (after_undo) after_undo();
    return;
  }
  world_.at(world_.now() + *lasts, [this, applied, &fired, after_undo] {
    std::string what = injector_.undo(applied);
    note_fault_ended(applied.action);
    if (!what.empty()) note(fired, what);
    if (after_undo) after_undo();
  });
}

void FaultTargets::schedule_nemesis(const faults::NemesisPlan& plan, sim::Instant start, sim::Instant end,
                                    std::vector<std::string>& fired) {
  if (plan.kinds.empty()) return;
  nemesis_start_ = start;
  sim::Instant first = start + nemesis_prng_.exponential(plan.interval);
  if (first >= end) return;
  world_.at(first, [this, plan, end, &fired] { nemesis_step(plan, end, fired); });
}

void FaultTargets::nemesis_step(const faults::NemesisPlan& plan, sim::Instant end, std::vector<std::string>& fired) {
  const NemesisSpec* n = spec_.nemesis ? &*spec_.nemesis : nullptr;
  bool one_at_a_time = n != nullptr && n->one_at_a_time;
  // The next fault: on the nemesis's own clock, or (one at a time) once this one is healed.
  auto schedule_next = [this, plan, end, &fired] {
    sim::Instant next = world_.now() + nemesis_prng_.exponential(plan.interval);
    if (next < end) world_.at(next, [this, plan, end, &fired] { nemesis_step(plan, end, fired); });
  };
  std::vector<sim::NodeId> hit_brokers = brokers_, hit_servers = servers_;
  // The targets of this fault: the file's, or one of the aims the seed kept on ("" is anywhere).
  std::vector<std::string> targets;
  if (n != nullptr) targets = n->targets;
  bool aimed = n != nullptr && !n->drawn_aims.empty();
  if (aimed) {
    const std::string& aim = n->drawn_aims[nemesis_prng_.below(n->drawn_aims.size())];
    if (!aim.empty()) targets = {aim};
  }
  if (!targets.empty()) {
    // Resolved now: "followers of orders/0" is whoever follows it at this moment.
    hit_servers = resolve(targets);
    hit_brokers.clear();
    for (sim::NodeId s : hit_servers)
      if (std::find(brokers_.begin(), brokers_.end(), s) != brokers_.end()) hit_brokers.push_back(s);
  }
  // An aim at the controllers has no broker in it; only `corrupt` needs one (below).
  if (hit_servers.empty() || (hit_brokers.empty() && !aimed)) {
    note(fired, "nemesis: no node matches its targets now; no fault this time");
    schedule_next();
    return;
  }
  fire_drawn(plan, nemesis_prng_, hit_brokers, hit_servers, !targets.empty(), fired,
             one_at_a_time ? std::function<void()>(schedule_next) : std::function<void()>());
  if (!one_at_a_time) schedule_next();
}

bool FaultTargets::fire_drawn(const faults::NemesisPlan& plan, sim::Prng& prng, const std::vector<sim::NodeId>& hit_brokers,
                              const std::vector<sim::NodeId>& hit_servers, bool aimed, std::vector<std::string>& fired,
                              std::function<void()> after_undo) {
  sim::Duration lasts;
  faults::FaultAction a = faults::draw_nemesis_fault(plan, prng, hit_brokers, hit_servers, world_.now(), lasts);
  if (a.kind == faults::FaultKind::kCorrupt && a.nodes.empty()) {
    note(fired, "nemesis: no broker among its targets now; no corruption this time");
    if (after_undo) after_undo();
    return false;
  }
  if (aimed && faults::info(a.kind).target == faults::TargetUse::kTwoSides) {
    // The targets cut off from every other server.
    a.nodes = hit_servers;
    a.other_group.clear();
    for (sim::NodeId s : servers_)
      if (std::find(hit_servers.begin(), hit_servers.end(), s) == hit_servers.end()) a.other_group.push_back(s);
    if (a.other_group.empty()) {
      note(fired, "nemesis: its targets are every server; no partition this time");
      if (after_undo) after_undo();
      return false;
    }
  }
  bool undoable = faults::info(a.kind).undoable;
  if (nemesis_faults_ != nullptr) {
    FaultSpec f;
    f.kind = a.kind;
    f.at = a.at - nemesis_start_;
    if (undoable) f.duration = lasts;
    for (sim::NodeId node : a.nodes) f.targets.push_back(node_name(node));
    for (sim::NodeId node : a.other_group) f.other_side.push_back(node_name(node));
    f.amount = a.amount;
    f.params = a.params;
    nemesis_faults_->push_back(std::move(f));
  }
  fire(a, undoable ? std::optional<sim::Duration>(lasts) : std::nullopt, fired, std::move(after_undo));
  return true;
}

std::string FaultTargets::node_name(sim::NodeId n) const {
  for (size_t i = 0; i < brokers_.size(); ++i)
    if (brokers_[i] == n) return "broker " + std::to_string(i);
  for (size_t i = 0; i < controllers_.size(); ++i)
    if (controllers_[i] == n) return "controller " + std::to_string(i);
  return world_.node(n).name();
}

void FaultTargets::heal_everything(std::vector<std::string>& fired) {
  injector_.heal_all();
  // Every node up and reachable: a leader that nobody replaced leads again.
  std::vector<broker_model::TopicPartition> back;
  for (const auto& [tp, since] : lab_.cluster.leaderless_since) {
    auto leader = lab_.cluster.partition_leader(tp);
    if (leader && world_.node(sim::NodeId{static_cast<uint32_t>(leader->value())}).state() == sim::NodeState::kUp)
      back.push_back(tp);
  }
  for (const auto& tp : back) lab_.cluster.leader_back(tp, world_.now());
  note(fired, "end of workload: heal network and links, clear disk faults, resume and start every node");
}

}  // namespace scenarios
