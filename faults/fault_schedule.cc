#include "faults/fault_schedule.h"

#include "faults/fault_injector.h"

namespace faults {

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
  if (a.kind == FaultAction::Kind::kClockJump || a.kind == FaultAction::Kind::kClockSkew) {
    s += " by " + sim::format_duration(a.amount);
  }
  if (a.params.log_dir >= 0) s += " dir " + std::to_string(a.params.log_dir);
  return s;
}

void apply(sim::World& w, const FaultAction& a) {
  w.trace().record(w.now(), sim::Trace::kWorldNode, "fault", {{"kind", to_string(a.kind)}, {"what", describe(a)}});
  std::vector<sim::NodeId> all;
  for (uint32_t i = 0; i < w.node_count(); ++i) all.push_back(sim::NodeId{i});
  FaultInjector injector(w, w.fork_prng("fault-apply"), all);
  injector.apply(a);
}

void FaultSchedule::install(sim::World& world) const {
  for (const auto& a : actions_) world.at(a.at, [&world, a] { apply(world, a); });
}

}  // namespace faults
