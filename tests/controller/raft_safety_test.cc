// The metadata quorum's safety under faults: for many seeds, 3 and 5 voters under a random
// nemesis, then healed. No two leaders in a term, no committed entry changed or lost, and
// the healed quorum converges. EDDY_SEEDS=500 ./build/tests/controller_tests runs 500 seeds
// per quorum size (default 100).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/controller/raft_safety_checker.h"
#include "tests/controller/raft_sweep.h"

namespace broker_model::testing {
namespace {

void sweep(int voters, uint64_t seeds, uint64_t first_seed) {
  RaftSweepOptions options;
  options.voters = voters;
  int64_t total_committed = 0;
  size_t total_leaders = 0;
  for (uint64_t seed = first_seed; seed < first_seed + seeds; ++seed) {
    RaftSweepResult r = run_raft_sweep(seed, options);
    ASSERT_EQ(r.outcome, "stopped") << "seed " << seed;
    ASSERT_TRUE(r.violations.empty()) << "seed " << seed << ": " << r.summary;
    ASSERT_TRUE(r.converged) << "seed " << seed << " did not converge after healing: " << r.summary;
    total_committed += r.committed_end;
    total_leaders += r.leaders;
  }
  // The runs must really exercise the protocol: elections and plenty of commits.
  EXPECT_GT(total_leaders, seeds * 3);
  EXPECT_GT(total_committed, static_cast<int64_t>(seeds) * 50);
  std::printf("[ sweep    ] %d voters, %llu seeds: %zu leaders elected, %lld entries committed\n", voters,
              static_cast<unsigned long long>(seeds), total_leaders, static_cast<long long>(total_committed));
}

TEST(RaftSafety, ThreeVotersUnderFaults) { sweep(3, seeds_from_env(100), 1); }

TEST(RaftSafety, FiveVotersUnderFaults) { sweep(5, seeds_from_env(100), 1'000'001); }

// The sweep must reach the paths that matter: crashes that tear unsynced writes, recovery
// cutting a torn tail, followers truncating a conflicting suffix, leaders resigning, lost
// and duplicated messages.
TEST(RaftSafety, SweepExercisesFaultsAndRecoveryPaths) {
  RaftSweepOptions options;
  options.keep_trace = true;
  std::map<std::string, int> seen;
  const char* kinds[] = {"node.crash",    "node.pause",    "disk.torn",  "raft.log_truncate_tail", "raft.truncate",
                         "raft.resign",   "raft.candidate", "raft.vote", "net.drop",               "net.duplicate"};
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    std::string trace = run_raft_sweep(seed, options).trace;
    for (const char* k : kinds) {
      std::string needle = std::string("\"ev\":\"") + k + "\"";
      for (size_t at = trace.find(needle); at != std::string::npos; at = trace.find(needle, at + 1)) ++seen[k];
    }
  }
  std::string counts;
  for (const char* k : kinds) counts += std::string(" ") + k + "=" + std::to_string(seen[k]);
  std::printf("[ events   ]%s\n", counts.c_str());
  for (const char* k : kinds) EXPECT_GT(seen[k], 0) << k;
}

// The checker must be able to fail: with the log up-to-date check of RequestVote skipped, a
// member with a stale log can win an election and overwrite committed entries.
TEST(RaftSafety, CheckerCatchesVotesForStaleLogs) {
  RaftSweepOptions options;
  options.raft.unsafe_skip_log_up_to_date_check = true;
  constexpr uint64_t kMaxSeeds = 200;
  uint64_t caught = 0;
  uint64_t first = 0;
  std::string example;
  for (uint64_t seed = 1; seed <= kMaxSeeds && caught < 3; ++seed) {
    RaftSweepResult r = run_raft_sweep(seed, options);
    if (r.violations.empty()) continue;
    if (caught++ == 0) {
      first = seed;
      example = r.violations.front();
    }
  }
  ASSERT_GT(caught, 0u) << "no violation found in " << kMaxSeeds << " seeds with a broken vote rule";
  std::printf("[ unsafe   ] first violation at seed %llu: %s\n", static_cast<unsigned long long>(first), example.c_str());
}

}  // namespace
}  // namespace broker_model::testing
