#include "broker_model/controller/replica_placer.h"

#include <algorithm>
#include <map>
#include <set>

namespace broker_model {

namespace {

// Brokers ordered so that neighbours sit in different racks: the first broker of every
// rack, then the second of every rack, and so on (racks and brokers in sorted order).
std::vector<PlacementBroker> rack_alternating(const std::vector<PlacementBroker>& brokers) {
  std::map<std::string, std::vector<PlacementBroker>> by_rack;
  for (const PlacementBroker& b : brokers) by_rack[b.rack].push_back(b);
  std::vector<PlacementBroker> out;
  for (size_t round = 0; out.size() < brokers.size(); ++round)
    for (const auto& [rack, members] : by_rack)
      if (round < members.size()) out.push_back(members[round]);
  return out;
}

bool contains(const std::vector<BrokerId>& v, BrokerId b) { return std::find(v.begin(), v.end(), b) != v.end(); }

}  // namespace

std::optional<std::vector<std::vector<BrokerId>>> place_replicas(const std::vector<PlacementBroker>& brokers,
                                                                  int32_t partitions, int32_t replication_factor,
                                                                  uint64_t start_index) {
  if (replication_factor <= 0 || brokers.size() < static_cast<size_t>(replication_factor)) return std::nullopt;
  std::vector<PlacementBroker> ordered = rack_alternating(brokers);
  size_t n = ordered.size();
  std::vector<std::vector<BrokerId>> out;
  for (int32_t p = 0; p < partitions; ++p) {
    size_t first = (start_index + static_cast<uint64_t>(p)) % n;
    std::vector<BrokerId> replicas;
    std::set<std::string> racks_used;
    // First pass: a new rack for every replica while racks last; then anyone not chosen.
    for (int pass = 0; pass < 2; ++pass) {
      for (size_t k = 0; k < n && replicas.size() < static_cast<size_t>(replication_factor); ++k) {
        const PlacementBroker& b = ordered[(first + k) % n];
        if (contains(replicas, b.id)) continue;
        if (pass == 0 && !b.rack.empty() && racks_used.count(b.rack) != 0) continue;
        replicas.push_back(b.id);
        racks_used.insert(b.rack);
      }
    }
    out.push_back(std::move(replicas));
  }
  return out;
}

}  // namespace broker_model
