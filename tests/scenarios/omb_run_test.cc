// The bundled OpenMessaging Benchmark driver + workload pair runs on the simulated cluster,
// shortened by scenarios/omb/short.yaml, and every expectation of the overlay holds.
#include <gtest/gtest.h>

#include "scenarios/kafka_scenario.h"
#include "scenarios/omb_import.h"

namespace scenarios {
namespace {

TEST(OmbRun, BundledPairRunsWithAShortOverlay) {
  const std::string dir = std::string(EDDY_SOURCE_DIR) + "/scenarios/omb/";
  LoadResult spec = load_omb_scenario({dir + "kafka-all.yaml", dir + "1-topic-16-partitions-1kb.yaml", dir + "short.yaml"});
  ASSERT_TRUE(spec.ok()) << spec.error().str();
  ScenarioResult r = run_scenario(spec.spec(), RunOptions{1, nullptr});
  ASSERT_TRUE(r.cluster_ready) << r.outcome.message;
  EXPECT_GT(r.counts.acknowledged, 50'000) << format_summary(r);  // OMB's 50,000 messages/s for 2 s
  EXPECT_GT(r.counts.consumed, 0) << format_summary(r);
  EXPECT_TRUE(r.expectations_met()) << format_summary(r);
}

}  // namespace
}  // namespace scenarios
