#include "scenarios/fault_targets.h"

#include <algorithm>

#include "faults/fault_catalogue.h"
#include "scenarios/group_workload.h"
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
    case K::kCoordinatorOf: {
      if (!coordinator_of) return {};
      std::optional<int> b = coordinator_of(t.topic);
      if (!b) return {};
      return {sim::NodeId{static_cast<uint32_t>(*b)}};
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
  std::string line = sim::format_instant(world_.now()) + " " + what;
  fired.push_back(line);
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

void FaultTargets::fire(const faults::FaultAction& a, std::optional<sim::Duration> lasts, std::vector<std::string>& fired) {
  faults::AppliedFault applied = injector_.apply(a);
  if (groups_ != nullptr && (a.kind == faults::FaultKind::kCrash || a.kind == faults::FaultKind::kKill ||
                             a.kind == faults::FaultKind::kRestart || a.kind == faults::FaultKind::kShutdown))
    for (sim::NodeId n : a.nodes) groups_->member_down(n, a.kind == faults::FaultKind::kShutdown ? "shut down" : "crashed");
  note(fired, applied.what);
  if (!lasts) return;
  world_.at(world_.now() + *lasts, [this, applied, &fired] {
    std::string what = injector_.undo(applied);
    if (!what.empty()) note(fired, what);
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
  sim::Duration lasts;
  faults::FaultAction a = faults::draw_nemesis_fault(plan, nemesis_prng_, brokers_, servers_, world_.now(), lasts);
  bool undoable = faults::info(a.kind).undoable;
  if (nemesis_faults_ != nullptr) {
    FaultSpec f;
    f.kind = a.kind;
    f.at = a.at - nemesis_start_;
    if (undoable) f.duration = lasts;
    for (sim::NodeId n : a.nodes) f.targets.push_back(node_name(n));
    for (sim::NodeId n : a.other_group) f.other_side.push_back(node_name(n));
    f.amount = a.amount;
    f.params = a.params;
    nemesis_faults_->push_back(std::move(f));
  }
  fire(a, undoable ? std::optional<sim::Duration>(lasts) : std::nullopt, fired);
  sim::Instant next = world_.now() + nemesis_prng_.exponential(plan.interval);
  if (next < end) world_.at(next, [this, plan, end, &fired] { nemesis_step(plan, end, fired); });
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
  note(fired, "end of workload: heal network and links, clear disk faults, resume and start every node");
}

}  // namespace scenarios
