#include "checkers/ownership.h"

#include <map>
#include <tuple>

namespace checkers {

std::vector<OwnershipInterval> ownership_intervals(const History& h, sim::Instant end) {
  std::vector<OwnershipInterval> out;
  std::map<std::tuple<std::string, int, TopicPartition>, size_t> open;  // -> index in out
  for (const auto& c : h.groups().ownership) {
    auto key = std::make_tuple(c.group, c.consumer, c.tp);
    auto it = open.find(key);
    if (c.owned) {
      if (it != open.end()) continue;  // already owned (a duplicate start)
      out.push_back(OwnershipInterval{c.group, c.consumer, c.member_id, c.generation, c.tp, c.at, sim::Instant::max(), ""});
      open[key] = out.size() - 1;
    } else if (it != open.end()) {
      out[it->second].to = c.at;
      out[it->second].end_reason = c.reason;
      open.erase(it);
    }
  }
  for (const auto& [key, i] : open) {
    out[i].to = end;
    out[i].end_reason = "end of run";
  }
  return out;
}

}  // namespace checkers
