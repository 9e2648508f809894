// The built-in default run (until the broker lands): the replicated counter on five
// nodes, with a seeded network split, a node crash with restart, a pause and a clock jump,
// then a healed quiet phase. Checks: no acknowledged (fsynced) increment lost; all nodes
// converge after healing.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "faults/fault_schedule.h"
#include "sim/world/world.h"

namespace scenarios {

struct CounterDemoOptions {
  uint64_t seed = 1;
  std::ostream* trace_sink = nullptr;  // JSONL trace when set
  sim::RunLimits limits{.max_events = 50'000'000, .max_time = sim::Instant::from_ns(60'000'000'000)};
  sim::CrashMode crash_mode = sim::CrashMode::kTornLastSector;
  bool faults = true;
};

struct CounterDemoResult {
  sim::RunOutcome outcome;
  uint64_t fingerprint = 0;
  sim::Instant end;
  uint64_t events = 0;
  sim::NetworkStats net;
  std::vector<std::string> faults;      // what the schedule did
  std::vector<std::string> violations;  // empty when every check held
  bool converged = false;
  uint64_t final_total = 0;
  uint64_t torn_records_dropped = 0;

  std::string summary_line() const;
};

CounterDemoResult run_counter_demo(const CounterDemoOptions& options);

}  // namespace scenarios
