// Shared by the tests that run bundled scenario files over seeds: the seed count (EDDY_SEEDS
// overrides a test's default, so CI stays small and sweep targets run many) and loading a file
// under scenarios/ with the loader's error as the test failure; what the tests read of a run.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>

#include "scenarios/kafka_scenario.h"
#include "scenarios/scenario_loader.h"

namespace scenarios::testing {

inline uint64_t seeds_or(uint64_t fallback) {
  const char* env = std::getenv("EDDY_SEEDS");
  if (env == nullptr) return fallback;
  uint64_t n = std::strtoull(env, nullptr, 10);
  return n > 0 ? n : fallback;
}

// A seed costs 5-10x under the sanitizers, whose pass looks for memory errors: many-seed
// verdict coverage is the release build's (and the CI gate's 2,000 seeds), so a test of many
// seeds runs `sanitized` of them there. EDDY_SEEDS still overrides both.
inline uint64_t seeds_or(uint64_t fallback, uint64_t sanitized) {
#if defined(__SANITIZE_ADDRESS__)
  (void)fallback;
  return seeds_or(sanitized);
#else
  (void)sanitized;
  return seeds_or(fallback);
#endif
}

// `relative` is a path under scenarios/, e.g. "durability/power-loss-no-fsync.yaml".
inline ScenarioSpec load_bundled(const std::string& relative) {
  LoadResult r = load_scenario_file(std::string(EDDY_SOURCE_DIR) + "/scenarios/" + relative);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().str());
  return r.ok() ? r.spec() : ScenarioSpec{};
}

// What a test prints when a run did not hold: the failed expectations, then the summary.
inline std::string failed_expectations(const ScenarioResult& r) {
  std::string out;
  for (const auto& e : r.expectations)
    if (!e.held) out += "  " + e.check + " expected " + e.expected + ", got " + e.actual + "\n";
  return out + format_summary(r);
}

// Every expectation of the bundled file holds on seeds 1..seeds, the cluster having come up;
// `also` checks more of each run.
inline void expect_holds(const std::string& relative, uint64_t seeds,
                         const std::function<void(const ScenarioResult&, uint64_t seed)>& also = {}) {
  ScenarioSpec spec = load_bundled(relative);
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    ScenarioResult r = run_scenario(spec, RunOptions{seed, nullptr});
    ASSERT_TRUE(r.cluster_ready) << relative << " seed " << seed;
    EXPECT_TRUE(r.expectations_met()) << relative << " seed " << seed << "\n" << failed_expectations(r);
    if (also) also(r, seed);
  }
}

// The count a check reported in a run, or `absent` when it did not run.
inline int64_t check_count(const ScenarioResult& r, const std::string& check, int64_t absent = 0) {
  for (const auto& c : r.checks)
    if (c.check == check) return c.count;
  return absent;
}

// The same, -1 when the check did not run: an expectation of 0 then fails instead of passing
// on a check that never looked.
inline int64_t ran_check_count(const ScenarioResult& r, const std::string& check) { return check_count(r, check, -1); }

// The same scenario with acks=1 and min.insync.replicas=1 for its first producer and topic:
// what a "nothing lost" scenario should lose once its durability settings are taken away.
inline ScenarioSpec with_acks1(ScenarioSpec spec) {
  spec.topics[0].configs["min.insync.replicas"] = "1";
  spec.producers[0].configs["acks"] = "1";
  return spec;
}

}  // namespace scenarios::testing
