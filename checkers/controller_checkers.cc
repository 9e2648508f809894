#include "checkers/controller_checkers.h"

#include <map>
#include <string>

namespace checkers {

namespace {
std::string at(sim::Instant t) { return "t=" + sim::format_instant(t); }
}  // namespace

CheckResult check_controller(const History& h) {
  CheckResult r{"controller_divergence", 0, {}, {}};
  const ControllerHistory& c = h.controller();
  std::map<int64_t, const RaftElection*> leader_of_term;
  for (const RaftElection& e : c.elections) {
    auto [it, fresh] = leader_of_term.emplace(e.term, &e);
    if (fresh || it->second->node == e.node) continue;
    Violation v;
    v.summary = "two controller leaders in term " + std::to_string(e.term) + ": controller node " +
                std::to_string(it->second->node) + " and node " + std::to_string(e.node);
    v.story = {at(it->second->at) + " node " + std::to_string(it->second->node) + " became leader of term " + std::to_string(e.term),
               at(e.at) + " node " + std::to_string(e.node) + " became leader of the same term"};
    add_example(r, std::move(v));
  }
  std::map<int64_t, const RaftCommit*> committed;  // offset -> the first commit heard of
  for (const RaftCommit& e : c.commits) {
    auto [it, fresh] = committed.emplace(e.offset, &e);
    const RaftCommit& first = *it->second;
    if (fresh || (first.term == e.term && first.digest == e.digest)) continue;
    Violation v;
    v.summary = "metadata log offset " + std::to_string(e.offset) + " committed with two different entries";
    v.story = {at(first.at) + " node " + std::to_string(first.node) + " committed the entry of term " +
                   std::to_string(first.term) + " at offset " + std::to_string(e.offset),
               at(e.at) + " node " + std::to_string(e.node) + " committed another entry (term " + std::to_string(e.term) +
                   ") at the same offset"};
    add_example(r, std::move(v));
  }
  r.note = std::to_string(c.elections.size()) + " election(s) and " + std::to_string(committed.size()) +
           " committed metadata offset(s) checked";
  return r;
}

}  // namespace checkers
