#include "reports/group_report.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "checkers/history.h"

namespace reports {

namespace {
using json = nlohmann::json;
double seconds(sim::Instant t) { return static_cast<double>((t - sim::Instant::epoch()).ns()) / 1e9; }
}  // namespace

bool has_groups(const scenarios::ScenarioResult& r) {
  return !r.rebalance_timeline.empty() || !r.history.groups().events.empty();
}

void write_groups_jsonl(const scenarios::ScenarioResult& r, const scenarios::ScenarioSpec& spec, std::ostream& out) {
  const checkers::GroupHistory& g = r.history.groups();
  std::map<std::string, std::string> topics;  // as the lab gives the checkers (kafka_scenario.cc)
  for (const auto& c : spec.consumers)
    if (c.in_group()) topics[c.configs.at("group.id")] = c.topic;
  for (const auto& [group, topic] : topics) out << json{{"type", "group_topic"}, {"group", group}, {"topic", topic}}.dump() << "\n";
  for (const auto& o : r.rebalance_timeline)
    out << json{{"type", "ownership"}, {"group", o.group}, {"consumer", o.consumer}, {"member_id", o.member_id},
                {"generation", o.generation}, {"partition", o.tp.str()}, {"start_s", seconds(o.from)},
                {"end_s", seconds(o.to)}, {"end_reason", o.end_reason}, {"start_ns", o.from.ns()}, {"end_ns", o.to.ns()}}
               .dump()
        << "\n";
  // Hand-formatted: one line per record processed, as many as history.jsonl's consumes.
  char buf[512];
  for (const auto& p : g.processed) {
    int n = std::snprintf(buf, sizeof buf,
                          "{\"type\":\"processed\",\"group\":%s,\"consumer\":%d,\"generation\":%d,\"partition\":%s,"
                          "\"offset\":%" PRId64 ",\"record\":\"%s\",\"at_ns\":%" PRId64 "}\n",
                          json(p.group).dump().c_str(), p.consumer, p.generation, json(p.tp.str()).dump().c_str(),
                          p.offset.value(), checkers::format_record_id(p.record_id).c_str(), p.at.ns());
    if (n > 0) out.write(buf, std::min<int>(n, static_cast<int>(sizeof buf) - 1));
  }
  for (const auto& c : g.commits) {
    json offsets = json::array();
    for (const auto& [tp, o] : c.offsets) offsets.push_back(json::array({tp.str(), o.value()}));
    out << json{{"type", "commit"}, {"group", c.group}, {"consumer", c.consumer}, {"member_id", c.member_id},
                {"generation", c.generation}, {"sync", c.sync}, {"offsets", offsets}, {"outcome", c.outcome},
                {"invoked_ns", c.invoked.ns()}, {"completed_ns", c.completed.ns()}}.dump()
        << "\n";
  }
  for (const auto& c : g.accepted_commits)
    out << json{{"type", "accepted_commit"}, {"group", c.group}, {"coordinator", c.coordinator.value()},
                {"member_id", c.member_id}, {"generation", c.generation}, {"partition", c.tp.str()},
                {"offset", c.offset.value()}, {"validated_ns", c.validated.ns()}, {"at_ns", c.at.ns()}, {"epoch", c.epoch}}.dump()
        << "\n";
  for (const auto& c : g.appending_commits)
    out << json{{"type", "appending_commit"}, {"group", c.group}, {"coordinator", c.coordinator.value()},
                {"partition", c.tp.str()}, {"offset", c.offset.value()}, {"transactional", c.transactional}, {"at_ns", c.at.ns()}}
               .dump()
        << "\n";
  for (const auto& f : g.fetched_offsets)
    out << json{{"type", "offset_fetch"}, {"group", f.group}, {"coordinator", f.coordinator.value()}, {"epoch", f.epoch},
                {"partition", f.tp.str()}, {"offset", f.offset.value()}, {"at_ns", f.at.ns()}}.dump()
        << "\n";
  for (const auto& s : g.generations) {
    json assignment = json::object();
    for (const auto& [member, tps] : s.assignment) {
      json list = json::array();
      for (const auto& tp : tps) list.push_back(tp.str());
      assignment[member] = list;
    }
    out << json{{"type", "generation"}, {"group", s.group}, {"t_s", seconds(s.at)}, {"at_ns", s.at.ns()}, {"generation", s.generation},
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
