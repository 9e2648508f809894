// A readable timeline from a JSONL trace (sim/trace.h): faults, node starts and stops, Raft and
// controller leadership, partition leader and ISR changes, truncations... one line each, with
// simulated time and node names. The high-volume kinds (network sends and deliveries, disk
// writes, metadata applications) are counted, not shown, unless `all` is set.
#pragma once

#include <cstddef>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace cli {

struct TimelineOptions {
  bool all = false;            // every event
  size_t max_lines = 400;      // then "... N more"
};

// Returns the number of events read.
size_t print_timeline(std::istream& trace, const std::vector<std::string>& node_names, std::ostream& out,
                      const TimelineOptions& options);

}  // namespace cli
