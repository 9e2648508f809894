#include "reports/group_report.h"

#include <nlohmann/json.hpp>

namespace reports {

namespace {
using json = nlohmann::json;
double seconds(sim::Instant t) { return static_cast<double>((t - sim::Instant::epoch()).ns()) / 1e9; }
}  // namespace

bool has_groups(const scenarios::ScenarioResult& r) {
  return !r.rebalance_timeline.empty() || !r.history.groups().events.empty();
}

void write_groups_jsonl(const scenarios::ScenarioResult& r, std::ostream& out) {
  const checkers::GroupHistory& g = r.history.groups();
  for (const auto& o : r.rebalance_timeline)
    out << json{{"type", "ownership"}, {"group", o.group}, {"consumer", o.consumer}, {"member_id", o.member_id},
                {"generation", o.generation}, {"partition", o.tp.str()}, {"start_s", seconds(o.from)},
                {"end_s", seconds(o.to)}, {"end_reason", o.end_reason}}.dump()
        << "\n";
  for (const auto& s : g.generations) {
    json assignment = json::object();
    for (const auto& [member, tps] : s.assignment) {
      json list = json::array();
      for (const auto& tp : tps) list.push_back(tp.str());
      assignment[member] = list;
    }
    out << json{{"type", "generation"}, {"group", s.group}, {"t_s", seconds(s.at)}, {"generation", s.generation},
                {"coordinator", s.coordinator.value()}, {"protocol", s.protocol}, {"leader", s.leader},
                {"assignment", assignment}}.dump()
        << "\n";
  }
  for (const auto& l : g.lag) {
    json parts = json::object();
    for (const auto& [tp, lag] : l.partitions) parts[tp.str()] = lag;
    out << json{{"type", "lag"}, {"group", l.group}, {"t_s", seconds(l.at)}, {"total", l.total_lag}, {"partitions", parts}}.dump()
        << "\n";
  }
  for (const auto& e : g.events)
    out << json{{"type", "event"}, {"group", e.group}, {"t_s", seconds(e.at)}, {"kind", e.kind}, {"consumer", e.consumer},
                {"broker", e.broker.value()}, {"generation", e.generation}, {"detail", e.detail}}.dump()
        << "\n";
}

}  // namespace reports
