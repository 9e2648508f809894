// The bug zoo's Raft variants (broker_model/variants.h) on the bare metadata quorum under the
// Raft sweep's nemesis: with the variant on, some seed of a small range breaks Raft's safety
// (the RaftSafetyChecker says how); with it off, the same seeds hold. docs/bug-zoo.md has the
// numbers.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "broker_model/variants.h"
#include "tests/controller/raft_safety_checker.h"
#include "tests/controller/raft_sweep.h"

namespace broker_model::testing {
namespace {

struct Caught {
  uint64_t seed = 0;  // 0: none in the range
  std::string violation;
};

Caught first_violation(const RaftSweepOptions& options, uint64_t seeds) {
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    RaftSweepResult r = run_raft_sweep(seed, options);
    if (!r.violations.empty()) return Caught{seed, r.violations.front()};
  }
  return {};
}

// With `v` on, a seed in 1..seeds breaks safety; with it off, seeds 1..that one all hold.
void expect_caught(Variant v, uint64_t seeds) {
  RaftSweepOptions on;
  on.raft.variants.set(v);
  Caught c = first_violation(on, seeds);
  ASSERT_NE(c.seed, 0u) << info_of(v).name << ": no violation in seeds 1.." << seeds;
  std::printf("[ zoo      ] %s: seed %llu: %s\n", info_of(v).name, static_cast<unsigned long long>(c.seed),
              c.violation.c_str());
  RaftSweepOptions off;
  Caught control = first_violation(off, c.seed);
  EXPECT_EQ(control.seed, 0u) << "with the variant off, seed " << control.seed << ": " << control.violation;
}

TEST(RaftZoo, VotesForStaleLogsAreCaught) { expect_caught(Variant::kRaftNoElectionRestriction, 200); }

// raft-commit-previous-term needs Raft's figure 8 (a leader of an older term's entries
// deposed twice in a row): 400 seeds of this nemesis do not draw it, the scripted figure 8
// does (raft_figure8_test.cc, RaftFigure8.TheZooVariantCommitPreviousTermIsCaught).

TEST(RaftZoo, VotesRepliedBeforeTheyAreDurableAreCaught) { expect_caught(Variant::kRaftVoteBeforePersist, 400); }

}  // namespace
}  // namespace broker_model::testing
