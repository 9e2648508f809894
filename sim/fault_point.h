// Code-level fault points, in the spirit of FoundationDB's BUGGIFY. Simulated code asks
// `if (EDDY_FAULT_POINT("fetch.delay_reply")) { ... }`. When fault points are enabled for a
// run, each site is switched on or off once per run (seeded by its name), and a site that
// is on fires with a seeded probability each time it is evaluated. Every firing is traced.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

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

class FaultPoints {
 public:
  FaultPoints(Prng prng, Trace& trace) : prng_(prng), trace_(trace) {}
  void configure(FaultPointConfig c) { config_ = std::move(c); }
  const FaultPointConfig& config() const { return config_; }

  bool fires(std::string_view name, const char* file, int line, Instant now, int node);
  uint64_t fired() const { return fired_; }
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

// Evaluates a fault point in the world running on this thread (false outside a run).
bool fault_point_fires(std::string_view name, const char* file, int line);

}  // namespace sim

#define EDDY_FAULT_POINT(name) (::sim::fault_point_fires((name), __FILE__, __LINE__))
