// A sweep's verdicts counted, its failures kept (for the table of replay commands) and its exit
// code: used by `eddy sweep` (as results come in, and for what a resumed sweep already had)
// and by `eddy merge`.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <ostream>
#include <vector>

#include "cli/seed_run.h"
#include "cli/sweep/results.h"

namespace cli::sweep {

inline constexpr size_t kFailureRowsShown = 50;  // rows of the failure table on the terminal

// An inconclusive seed (every check held, a progress floor did not) fails nothing by itself; a
// scenario fails the sweep when more than max_inconclusive_percent of its seeds (rounded down)
// are inconclusive, so a sweep cannot pass on seeds that did next to nothing.
class Tally {
 public:
  explicit Tally(double max_inconclusive_percent = kDefaultMaxInconclusivePercent)
      : max_inconclusive_percent_(max_inconclusive_percent) {}
  void add(const SeedRecord& r);
  void add(const DeterminismRecord& d);

  uint64_t runs() const { return runs_; }
  // Failed runs, determinism mismatches, and the inconclusive seeds of every scenario over its
  // allowance.
  uint64_t failures() const;
  // The inconclusive seeds a scenario of `runs` seeds may have.
  uint64_t inconclusive_allowed(uint64_t runs) const;
  // Scenarios with more inconclusive seeds than allowed.
  std::vector<std::string> over_inconclusive_allowance() const;
  uint64_t count(Verdict v) const { return counts_[static_cast<size_t>(v)]; }
  uint64_t determinism_checked() const { return determinism_checked_; }
  uint64_t determinism_mismatches() const { return determinism_mismatches_; }

  // The sweep's exit code, by a fixed precedence (not by which failure came first, which
  // depends on worker timing): 1 safety, else 3 liveness, else 5 lab crash/hang, else 4 lab
  // error or a determinism mismatch, else 7 a scenario over its inconclusive allowance, else 0.
  int exit_code() const;

  // Verdict counts, the determinism line and the failure table (sorted by scenario, seed;
  // the first kFailureRowsShown rows), each failure with its replay command.
  void print(std::ostream& out) const;

 private:
  struct PerScenario {
    uint64_t runs = 0, inconclusive = 0;
  };
  double max_inconclusive_percent_;
  std::array<uint64_t, kVerdictCount> counts_{};
  std::map<std::string, PerScenario> per_scenario_;
  uint64_t runs_ = 0;
  uint64_t determinism_checked_ = 0, determinism_mismatches_ = 0;
  std::vector<SeedRecord> failed_;
  std::vector<DeterminismRecord> mismatches_;
};

}  // namespace cli::sweep
