// The world's registry of code-level fault points (EDDY_FAULT_POINT, sim/fault_point.h):
// which sites are on for this run, how often they fire, and the trace of every firing.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/prng.h"
#include "sim/time.h"

namespace sim {

class Trace;

struct FaultPointConfig {
  bool enabled = false;
  double site_activation = 0.25;  // share of sites switched on for a run
  double fire_probability = 0.05; // per evaluation of a site that is on
  std::map<std::string, bool, std::less<>> overrides;  // force a site on or off
};

// What one site did in a run: live (switched on for it), how often it was reached while
// fault points were enabled, how often it fired.
struct FaultPointStats {
  std::string name;
  bool live = false;
  uint64_t evaluations = 0;
  uint64_t firings = 0;
};

class FaultPoints {
 public:
  FaultPoints(Prng prng, Trace& trace) : prng_(prng), trace_(trace) {}
  void configure(FaultPointConfig c) { config_ = std::move(c); }
  const FaultPointConfig& config() const { return config_; }

  bool fires(std::string_view name, const char* file, int line, Instant now, int node);
  uint64_t fired() const { return fired_; }
  // Every site reached while fault points were enabled, by name.
  std::vector<FaultPointStats> stats() const;
  uint64_t draw() { return prng_.next_u64(); }

 private:
  struct Site {
    bool active = false;
    uint64_t evaluations = 0;
    uint64_t firings = 0;
  };
  Prng prng_;
  Trace& trace_;
  FaultPointConfig config_;
  std::map<std::string, Site, std::less<>> sites_;
  uint64_t fired_ = 0;
};

}  // namespace sim
