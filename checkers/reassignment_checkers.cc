#include "checkers/reassignment_checkers.h"

#include <map>
#include <set>

namespace checkers {

namespace {

std::string ids_text(const std::set<BrokerId>& ids) {
  std::string s;
  for (BrokerId b : ids) s += (s.empty() ? "" : ",") + b.str();
  return "[" + s + "]";
}

}  // namespace

CheckResult check_reassignments(const History& h) {
  CheckResult r;
  r.check = "reassignment_unconverged";
  const auto& targets = h.reassignments().targets;
  std::map<TopicPartition, std::vector<const ReplicaState*>> held;
  for (const ReplicaState& s : h.replicas())
    if (targets.count(s.tp) != 0) held[s.tp].push_back(&s);
  for (const auto& [tp, target] : targets) {
    std::set<BrokerId> want(target.begin(), target.end()), have;
    const ReplicaState* leader = nullptr;
    for (const ReplicaState* s : held[tp]) {
      have.insert(s->broker);
      if (s->leader) leader = s;
    }
    if (have != want) {
      add_example(r, Violation{tp.str() + ": replicas " + ids_text(have) + " at the end, target " + ids_text(want), {}, 0});
      continue;
    }
    if (leader == nullptr) {
      add_example(r, Violation{tp.str() + ": no replica leads at the end", {}, 0});
      continue;
    }
    std::map<Offset, uint64_t> leader_records;
    for (const auto& [offset, id] : leader->records)
      if (offset >= leader->log_start_offset && offset < leader->high_watermark) leader_records[offset] = id;
    for (const ReplicaState* s : held[tp]) {
      if (s == leader) continue;
      std::map<Offset, uint64_t> mine(s->records.begin(), s->records.end());
      int64_t differ = 0;
      for (const auto& [offset, id] : leader_records) {
        auto it = mine.find(offset);
        if (it == mine.end() || it->second != id) ++differ;
      }
      if (differ > 0) {
        add_example(r, Violation{tp.str() + ": broker " + s->broker.str() + " lacks or differs at " + std::to_string(differ) +
                                     " of the leader's " + std::to_string(leader_records.size()) +
                                     " committed offsets (leader broker " + leader->broker.str() + ")",
                                 {}, 0});
        break;
      }
    }
  }
  r.note = std::to_string(targets.size()) + " reassigned partition(s) checked; " +
           std::to_string(h.reassignments().moved_bytes_total) + " bytes moved to new replicas";
  return r;
}

}  // namespace checkers
