#include "sim/world/fault_points.h"

#include "sim/fault_point.h"

#include "sim/world/trace.h"
#include "sim/world/world.h"

namespace sim {

bool FaultPoints::fires(std::string_view name, const char* file, int line, Instant now, int node) {
  if (!config_.enabled) return false;
  auto it = sites_.find(name);
  if (it == sites_.end()) {
    Site s;
    auto o = config_.overrides.find(name);
    if (o != config_.overrides.end()) {
      s.active = o->second;
    } else {
      // Decided by the site's name, not by the order sites are first reached.
      Prng site_prng = prng_.fork(name);
      s.active = site_prng.chance(config_.site_activation);
    }
    it = sites_.emplace(std::string(name), s).first;
  }
  Site& site = it->second;
  ++site.evaluations;
  if (!site.active || !prng_.chance(config_.fire_probability)) return false;
  ++site.firings;
  ++fired_;
  trace_.record(now, node, "fault_point", {{"name", name}, {"file", file}, {"line", line}});
  return true;
}

std::vector<FaultPointStats> FaultPoints::stats() const {
  std::vector<FaultPointStats> out;
  out.reserve(sites_.size());
  for (const auto& [name, site] : sites_) out.push_back(FaultPointStats{name, site.active, site.evaluations, site.firings});
  return out;
}

bool fault_point_fires(std::string_view name, const char* file, int line) {
  World* w = World::current();
  if (w == nullptr) return false;
  return w->fault_points().fires(name, file, line, w->now(), w->current_node_index());
}

}  // namespace sim
