// The lab on the SimGrid engine: the same broker_model/ and clients, the same checkers, on
// S4U actors and SimGrid's flow-level platform. Every checker passes, a seed is one run, and
// crash/restart, partitions and a CI scenario's seeds behave as on the native engine.
#include <gtest/gtest.h>

#include <string>

#include "bundled_scenario_util.h"
#include "cli/fresh_process.h"
#include "scenarios/kafka_scenario.h"
#include "scenarios/scenario_loader.h"

namespace scenarios {
namespace {

ScenarioSpec on_simgrid(ScenarioSpec spec) {
  spec.engine = sim::EngineKind::kSimgrid;
  return spec;
}

std::string what_failed(const ScenarioResult& r) {
  std::string out = "status " + std::string(sim::to_string(r.outcome.status)) + ": " + r.outcome.message + "\n";
  for (const auto& e : r.expectations)
    if (!e.held) out += "  " + e.check + " expected " + e.expected + ", got " + e.actual + "\n";
  for (const auto& c : r.checks)
    if (c.count != 0) out += "  check " + c.check + ": " + std::to_string(c.count) + "\n";
  return out;
}

void expect_all_checks_pass(const ScenarioResult& r) {
  EXPECT_EQ(r.engine, sim::EngineKind::kSimgrid);
  ASSERT_TRUE(r.cluster_ready) << what_failed(r);
  EXPECT_TRUE(r.expectations_met()) << what_failed(r);
  EXPECT_TRUE(r.liveness) << r.liveness_note;
  for (const auto& c : r.checks) EXPECT_EQ(c.count, 0) << c.check;
}

TEST(SimgridScenarios, TheDefaultScenarioPassesEveryChecker) {
  ScenarioSpec spec = on_simgrid(default_scenario());
  ScenarioResult r = run_scenario(spec, RunOptions{1, nullptr});
  expect_all_checks_pass(r);
  EXPECT_GT(r.counts.acknowledged, 500'000);
  EXPECT_EQ(r.counts.failed, 0);
  // The run saw its faults: a leader crash and an isolation.
  EXPECT_GE(r.faults_fired.size(), 4u);
}

// A run in a process of its own, as eddy's commands give every SimGrid run (SimGrid's clock
// never goes back within a process: cli/fresh_process.h): "fingerprint acknowledged end".
std::string fresh_run(const ScenarioSpec& spec, uint64_t seed) {
  std::string why;
  auto out = cli::in_fresh_process(
      [&] {
        ScenarioResult r = run_scenario(spec, RunOptions{seed, nullptr});
        return std::to_string(r.fingerprint) + " " + std::to_string(r.counts.acknowledged) + " " +
               std::to_string(r.end.ns()) + (r.expectations_met() ? " met" : " failed");
      },
      why);
  EXPECT_TRUE(out.has_value()) << why;
  return out.value_or("");
}

TEST(SimgridScenarios, TheSameSeedGivesTheSameFingerprint) {
  ScenarioSpec spec = on_simgrid(testing::load_bundled("ci/leader-failover-10s.yaml"));
  for (uint64_t seed : {3, 4}) {
    std::string a = fresh_run(spec, seed);
    std::string b = fresh_run(spec, seed);
    EXPECT_EQ(a, b) << "seed " << seed;
    EXPECT_NE(a.find(" met"), std::string::npos) << a;
  }
  EXPECT_NE(fresh_run(spec, 3), fresh_run(spec, 4));
}

TEST(SimgridScenarios, CrashRestartAndPartitionScenariosHold) {
  // leader-failover-10s crashes (power loss) and restarts a leader, then isolates another;
  // leader-failover-acks-all partitions a leader from the rest.
  for (const char* file : {"ci/leader-failover-10s.yaml", "durability/leader-failover-acks-all.yaml"}) {
    ScenarioSpec spec = on_simgrid(testing::load_bundled(file));
    ScenarioResult r = run_scenario(spec, RunOptions{1, nullptr});
    SCOPED_TRACE(file);
    expect_all_checks_pass(r);
    bool crashed_or_cut = false;
    for (const auto& f : r.faults_fired)
      if (f.find("crash") != std::string::npos || f.find("isolate") != std::string::npos ||
          f.find("partition") != std::string::npos)
        crashed_or_cut = true;
    EXPECT_TRUE(crashed_or_cut);
  }
}

TEST(SimgridScenarios, ACiScenarioHoldsOverSeeds) {
  ScenarioSpec spec = on_simgrid(testing::load_bundled("ci/acks-all-single-faults.yaml"));
  for (uint64_t seed = 1; seed <= testing::seeds_or(4); ++seed) {
    ScenarioResult r = run_scenario(spec, RunOptions{seed, nullptr});
    SCOPED_TRACE("seed " + std::to_string(seed));
    expect_all_checks_pass(r);
  }
}

}  // namespace
}  // namespace scenarios
