// Code-level fault points, in the spirit of FoundationDB's BUGGIFY. Simulated code asks
// `if (EDDY_FAULT_POINT("fetch.delay_reply")) { ... }`. When fault points are enabled for a
// run, each site is switched on or off once per run (seeded by its name), and a site that
// is on fires with a seeded probability each time it is evaluated. Every firing is traced.
// The registry that decides is the world's (sim/world/fault_points.h).
#pragma once

#include <string_view>

namespace sim {

// Evaluates a fault point in the world running on this thread (false outside a run).
bool fault_point_fires(std::string_view name, const char* file, int line);

}  // namespace sim

#define EDDY_FAULT_POINT(name) (::sim::fault_point_fires((name), __FILE__, __LINE__))
