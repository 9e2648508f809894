// Kinesis end to end (scenarios/kinesis/): the bundled scenarios hold their expectations over
// seeds, the report tells throttling per shard, the checkpoint checker fires on the planted
// application bug and stays quiet once it is fixed, and bad `kinesis:` input is a located error.
#include <gtest/gtest.h>

#include <string>

#include "scenarios/kafka_scenario.h"
#include "scenarios/scenario_loader.h"
#include "tests/scenarios/bundled_scenario_util.h"

namespace scenarios {
namespace {

using testing::check_count;
using testing::load_bundled;
using testing::seeds_or;

using testing::expect_holds;
using testing::failed_expectations;

TEST(KinesisScenarios, HotKeyThrottlesOneShardOnly) {
  ScenarioSpec spec = load_bundled("kinesis/hot-key-throttled.yaml");
  for (uint64_t seed = 1; seed <= seeds_or(2); ++seed) {
    ScenarioResult r = run_scenario(spec, RunOptions{seed, nullptr});
    EXPECT_TRUE(r.expectations_met()) << "seed " << seed << "\n" << failed_expectations(r);
    int throttled_shards = 0;
    for (const auto& s : r.kinesis_throttling) throttled_shards += s.writes_throttled > 0 ? 1 : 0;
    EXPECT_EQ(throttled_shards, 1) << "seed " << seed;
  }
}

TEST(KinesisScenarios, PausedWorkerLeaseStolenProcessesTwice) {
  expect_holds("kinesis/paused-worker-lease-stolen.yaml", seeds_or(2));
}

TEST(KinesisScenarios, CrashAndPartitionUnderRetriesLoseNothing) {
  expect_holds("kinesis/crash-partition-retries.yaml", seeds_or(2));
}

// The planted application bug: checkpointing before processing skips records on a lease
// change; the same faults with checkpoints after processing skip none.
TEST(KinesisScenarios, CheckpointBeforeProcessingSkipsRecordsAfterDoesNot) {
  ScenarioSpec spec = load_bundled("kinesis/checkpoint-before-processing.yaml");
  ScenarioResult bad = run_scenario(spec, RunOptions{1, nullptr});
  EXPECT_TRUE(bad.expectations_met()) << failed_expectations(bad);
  EXPECT_GT(check_count(bad, "processed_skipped"), 0);
  spec.kinesis->consumers[0].checkpoint_before_processing = false;
  spec.expect.processed_skipped = CountExpectation{CountExpectation::Op::kEq, 0};
  spec.expect.kinesis_key_order = CountExpectation{CountExpectation::Op::kEq, 0};
  ScenarioResult good = run_scenario(spec, RunOptions{1, nullptr});
  EXPECT_TRUE(good.expectations_met()) << failed_expectations(good);
  EXPECT_EQ(check_count(good, "processed_skipped"), 0);
  EXPECT_GT(good.counts.consumed, 2000);
}

TEST(KinesisScenarios, SameSeedSameFingerprint) {
  ScenarioSpec spec = load_bundled("kinesis/paused-worker-lease-stolen.yaml");
  EXPECT_EQ(run_scenario(spec, RunOptions{3, nullptr}).fingerprint, run_scenario(spec, RunOptions{3, nullptr}).fingerprint);
}

struct BadCase {
  const char* yaml;
  const char* message;
};

TEST(KinesisLoader, BadInputIsALocatedError) {
  const std::string head = "name: k\ncluster: {brokers: 3, controllers: 1}\n";
  const BadCase cases[] = {
      {"kinesis: {streams: []}", "kinesis.streams: expected a list of streams"},
      {"kinesis: {streams: [{name: s, shards: 0}]}", "kinesis.streams[0].shards"},
      {"kinesis: {streams: [{name: s}], producers: [{stream: t}]}", "unknown stream 't'"},
      {"kinesis: {streams: [{name: s}], producers: [{stream: s, record_size: 4B}]}", "expected a size from 8B to 1MiB"},
      {"kinesis: {streams: [{name: s}], producers: [{stream: s, library: java}]}", "expected sdk or kpl"},
      {"kinesis: {streams: [{name: s}], producers: [{stream: s, batch_records: 501}]}", "batch_records"},
      {"kinesis: {streams: [{name: s}], consumers: [{stream: s, checkpoint: sometimes}]}",
       "expected after_processing or before_processing"},
      {"kinesis: {streams: [{name: s}], shardz: 1}", "unknown key 'shardz'"},
      {"kinesis: {streams: [{name: s}, {name: s}]}", "declared twice"},
      {"kinesis: {streams: [{name: s}], consumers: [{stream: s}]}\nfaults: [{at: 1s, kind: pause, target: \"worker 1\"}]",
       "worker 1 does not exist"},
  };
  for (const BadCase& c : cases) {
    LoadResult r = load_scenario_text(head + c.yaml + "\n", "k.yaml");
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_NE(r.error().str().find(c.message), std::string::npos) << c.yaml << "\n" << r.error().str();
    EXPECT_GT(r.error().line, 0) << c.yaml;
  }
  LoadResult ok = load_scenario_text(head + "kinesis: {streams: [{name: s, shards: 3}]}\n", "k.yaml");
  ASSERT_TRUE(ok.ok()) << ok.error().str();
  ASSERT_EQ(ok.spec().topics.size(), 1u);
  EXPECT_EQ(ok.spec().topics[0].name, "kinesis.s");
  EXPECT_EQ(ok.spec().topics[0].partitions, 3);
}

}  // namespace
}  // namespace scenarios
