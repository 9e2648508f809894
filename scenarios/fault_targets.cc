#include "scenarios/fault_targets.h"

#include "faults/random_faults.h"

#include <algorithm>
#include <cstdio>

namespace scenarios {

using faults::to_string;

FaultTargets::FaultTargets(sim::World& world, LabState& lab, const ScenarioSpec& spec)
    : world_(world), lab_(lab), spec_(spec), prng_(world.fork_prng("fault-targets")) {}

std::optional<sim::NodeId> FaultTargets::resolve_one(const std::string& target) {
  int n = 0;
  char topic[256];
  if (std::sscanf(target.c_str(), "broker %d", &n) == 1) return sim::NodeId{static_cast<uint32_t>(n)};
  if (std::sscanf(target.c_str(), "controller %d", &n) == 1)
    return sim::NodeId{static_cast<uint32_t>(spec_.cluster.brokers + n)};
  if (target == "random broker") return sim::NodeId{static_cast<uint32_t>(prng_.below(static_cast<uint64_t>(spec_.cluster.brokers)))};
  if (target == "active controller") {
    int c = lab_.history.active_controller();
    if (c < 0) return std::nullopt;
    return sim::NodeId{static_cast<uint32_t>(c)};
  }
  if (std::sscanf(target.c_str(), "leader of %255[^/]/%d", topic, &n) == 2) {
    auto leader = lab_.history.partition_leader(broker_model::TopicPartition{topic, n});
    if (!leader) return std::nullopt;
    return sim::NodeId{static_cast<uint32_t>(leader->value())};
  }
  return std::nullopt;
}

std::vector<sim::NodeId> FaultTargets::resolve(const std::vector<std::string>& targets) {
  std::vector<sim::NodeId> out;
  for (const auto& t : targets)
    if (auto n = resolve_one(t)) out.push_back(*n);
  return out;
}

void FaultTargets::note(std::vector<std::string>& fired, const std::string& what) {
  std::string line = sim::format_instant(world_.now()) + " " + what;
  fired.push_back(line);
  world_.trace().record(world_.now(), sim::Trace::kWorldNode, "fault", {{"what", what}});
  lab_.history.timeline(broker_model::TimelineEvent{world_.now(), "fault", {}, broker_model::kNoBroker, what});
}

namespace {
std::string names(sim::World& w, const std::vector<sim::NodeId>& ns) {
  std::string s;
  for (auto n : ns) s += (s.empty() ? "" : ",") + w.node(n).name();
  return s.empty() ? "(no target resolved)" : s;
}
}  // namespace

void FaultTargets::schedule(const FaultSpec& f, sim::Instant start, std::vector<std::string>& fired) {
  world_.at(start + f.at, [this, f, &fired] { apply(f, fired); });
}

void FaultTargets::apply(const FaultSpec& f, std::vector<std::string>& fired) {
  using K = FaultSpec::Kind;
  std::vector<sim::NodeId> nodes = resolve(f.targets);
  std::vector<sim::NodeId> other;
  // A node named on both sides (the leader, resolved at fire time, among "broker 0..N")
  // stays on the first side only.
  for (sim::NodeId n : resolve(f.other_side))
    if (std::find(nodes.begin(), nodes.end(), n) == nodes.end()) other.push_back(n);
  switch (f.kind) {
    case K::kCrash: for (auto n : nodes) world_.crash(n); break;
    case K::kRestart: for (auto n : nodes) world_.restart(n); break;
    case K::kShutdown: for (auto n : nodes) world_.shutdown(n); break;
    case K::kStart: for (auto n : nodes) world_.start(n); break;
    case K::kPause: for (auto n : nodes) world_.pause(n); break;
    case K::kResume: for (auto n : nodes) world_.resume(n); break;
    case K::kIsolate: for (auto n : nodes) world_.net().isolate(n); break;
    case K::kPartition: world_.net().split({nodes, other}); break;
    case K::kHeal: world_.net().heal(); break;
    case K::kBlockOneWay:
      if (!nodes.empty() && !other.empty()) world_.net().block(nodes.front(), other.front());
      break;
    case K::kClockJump: break;  // not in scenario files yet
    case K::kKillAll:
      nodes.clear();
      for (uint32_t i = 0; i < static_cast<uint32_t>(spec_.cluster.brokers + spec_.cluster.controllers); ++i) {
        world_.crash(sim::NodeId{i});
        nodes.push_back(sim::NodeId{i});
      }
      break;
  }
  std::string what = std::string(to_string(f.kind)) + " " + names(world_, nodes);
  if (f.kind == K::kPartition) what += " | " + names(world_, other);
  if (f.kind == K::kHeal) what = "heal";
  note(fired, what);
  if (f.duration) {
    world_.at(world_.now() + *f.duration, [this, f, nodes, other, &fired] { undo(f, nodes, other, fired); });
  }
}

void FaultTargets::undo(const FaultSpec& f, const std::vector<sim::NodeId>& nodes, const std::vector<sim::NodeId>& other,
                        std::vector<std::string>& fired) {
  using K = FaultSpec::Kind;
  switch (f.kind) {
    case K::kCrash:
    case K::kShutdown:
    case K::kKillAll: for (auto n : nodes) world_.start(n); break;
    case K::kPause: for (auto n : nodes) world_.resume(n); break;
    case K::kIsolate:
      for (auto n : nodes)
        for (uint32_t i = 0; i < world_.node_count(); ++i) {
          world_.net().unblock(n, sim::NodeId{i});
          world_.net().unblock(sim::NodeId{i}, n);
        }
      break;
    case K::kPartition:
      for (auto a : nodes)
        for (auto b : other) {
          world_.net().unblock(a, b);
          world_.net().unblock(b, a);
        }
      break;
    default: return;  // restart, start, resume, heal: nothing to undo
  }
  note(fired, std::string("end of ") + to_string(f.kind) + " " + names(world_, nodes));
}

void FaultTargets::heal_everything(std::vector<std::string>& fired) {
  faults::heal_everything(world_, static_cast<uint32_t>(spec_.cluster.brokers + spec_.cluster.controllers));
  note(fired, "end of workload: heal network, resume and start every node");
}

}  // namespace scenarios
