#include "faults/fault_schedule.h"

namespace faults {

const char* to_string(FaultKind k) {
  using K = FaultKind;
  switch (k) {
    case K::kCrash: return "crash";
    case K::kRestart: return "restart";
    case K::kShutdown: return "shutdown";
    case K::kStart: return "start";
    case K::kPause: return "pause";
    case K::kResume: return "resume";
    case K::kIsolate: return "isolate";
    case K::kPartition: return "partition";
    case K::kBlockOneWay: return "block-one-way";
    case K::kHeal: return "heal";
    case K::kKillAll: return "kill-all";
    case K::kClockJump: return "clock-jump";
  }
  return "?";
}

namespace {
std::string node_list(const std::vector<sim::NodeId>& ns) {
  std::string s;
  for (auto n : ns) s += (s.empty() ? "" : ",") + n.str();
  return s;
}
}  // namespace

std::string describe(const FaultAction& a) {
  std::string s = std::string(to_string(a.kind)) + " at " + sim::format_instant(a.at);
  if (!a.nodes.empty()) s += " [" + node_list(a.nodes) + "]";
  if (!a.other_group.empty()) s += " | [" + node_list(a.other_group) + "]";
  if (a.kind == FaultAction::Kind::kClockJump) s += " by " + sim::format_duration(a.amount);
  return s;
}

void apply(sim::World& w, const FaultAction& a) {
  using K = FaultAction::Kind;
  w.trace().record(w.now(), sim::Trace::kWorldNode, "fault", {{"kind", to_string(a.kind)}, {"what", describe(a)}});
  switch (a.kind) {
    case K::kCrash: for (auto n : a.nodes) w.crash(n); break;
    case K::kRestart: for (auto n : a.nodes) w.restart(n); break;
    case K::kShutdown: for (auto n : a.nodes) w.shutdown(n); break;
    case K::kStart: for (auto n : a.nodes) w.start(n); break;
    case K::kPause: for (auto n : a.nodes) w.pause(n); break;
    case K::kResume: for (auto n : a.nodes) w.resume(n); break;
    case K::kIsolate: for (auto n : a.nodes) w.net().isolate(n); break;
    case K::kPartition: w.net().split({a.nodes, a.other_group}); break;
    case K::kBlockOneWay: w.net().block(a.nodes.at(0), a.nodes.at(1)); break;
    case K::kHeal: w.net().heal(); break;
    case K::kClockJump: for (auto n : a.nodes) w.node(n).clock().jump(a.amount); break;
    case K::kKillAll:
      for (uint32_t i = 0; i < w.node_count(); ++i) w.crash(sim::NodeId{i});
      break;
  }
}

void FaultSchedule::install(sim::World& world) const {
  for (const auto& a : actions_) world.at(a.at, [&world, a] { apply(world, a); });
}

}  // namespace faults
