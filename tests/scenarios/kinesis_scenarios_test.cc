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

// Retention: a worker paused longer than the (lab-scaled) retention period finds the records it
// had not read trimmed: each is counted as expired unread and none as skipped or lost; the
// IncreaseStreamRetentionPeriod call is done. The same run without the pause expires nothing.
TEST(KinesisScenarios, SlowConsumerPastRetentionExpiresRecordsUnread) {
  ScenarioSpec spec = load_bundled("kinesis/slow-consumer-past-retention.yaml");
  ScenarioResult r = run_scenario(spec, RunOptions{1, nullptr});
  EXPECT_TRUE(r.expectations_met()) << failed_expectations(r);
  EXPECT_GT(check_count(r, "kinesis_expired_unread"), 100);
  EXPECT_EQ(check_count(r, "processed_skipped"), 0);
  EXPECT_EQ(r.fingerprint, run_scenario(spec, RunOptions{1, nullptr}).fingerprint);
  spec.faults.clear();
  spec.expect.kinesis_expired_unread = CountExpectation{CountExpectation::Op::kEq, 0};
  ScenarioResult kept_up = run_scenario(spec, RunOptions{1, nullptr});
  EXPECT_TRUE(kept_up.expectations_met()) << failed_expectations(kept_up);
}

// Enhanced fan-out: the two fan-out applications are never throttled and keep up; the three
// shared GetRecords applications on the same shard are throttled and fall behind.
TEST(KinesisScenarios, FanOutConsumersGetTheirOwnThroughput) {
  ScenarioSpec spec = load_bundled("kinesis/fan-out-vs-shared.yaml");
  ScenarioResult r = run_scenario(spec, RunOptions{1, nullptr});
  EXPECT_TRUE(r.expectations_met()) << failed_expectations(r);
  ASSERT_EQ(r.kinesis_consumers.size(), 5u);
  for (const auto& c : r.kinesis_consumers) {
    EXPECT_GT(c.records_processed, 5000) << c.application;
    if (c.fan_out) {
      EXPECT_EQ(c.reads_throttled, 0) << c.application;
      EXPECT_LT(c.delay_ms_p99, 200) << c.application;
    } else {
      EXPECT_GT(c.reads_throttled, 0) << c.application;
      EXPECT_GT(c.delay_ms_p50, 300) << c.application;
    }
  }
  EXPECT_EQ(r.fingerprint, run_scenario(spec, RunOptions{1, nullptr}).fingerprint);
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
      {"kinesis: {streams: [{name: s, shards: 2}], reshard: [{at: 1s, split: shardId-000000000002}]}",
       "ResourceNotFoundException: SplitShard: shard shardId-000000000002 does not exist"},
      {"kinesis: {streams: [{name: s, shards: 2}], reshard: [{at: 1s, split: 0, new_starting_hash_key: \"0\"}]}",
       "NewStartingHashKey 0 is not inside shardId-000000000000"},
      {"kinesis: {streams: [{name: s, shards: 2}], reshard: [{at: 1s, split: 0, new_starting_hash_key: \"-4\"}]}",
       "expected a decimal hash key"},
      {"kinesis: {streams: [{name: s, shards: 3}], reshard: [{at: 1s, merge: [0, 2]}]}", "are not adjacent"},
      {"kinesis: {streams: [{name: s, shards: 3}], reshard: [{at: 1s, merge: [0]}]}", "expected two adjacent shards"},
      {"kinesis: {streams: [{name: s, shards: 2}], reshard: [{at: 1s, split: 0}, {at: 2s, split: 0}]}",
       "kinesis.reshard[1]: InvalidArgumentException: SplitShard: shard shardId-000000000000 is closed"},
      {"kinesis: {streams: [{name: s, shards: 2}], reshard: [{at: 1s, update_shard_count: 5}]}",
       "LimitExceededException: UpdateShardCount: TargetShardCount 5"},
      {"kinesis: {streams: [{name: s, shards: 2}], reshard: [{at: 1s, split: 0, merge: [1, 2]}]}",
       "expected exactly one of split, merge, update_shard_count"},
      {"kinesis: {streams: [{name: s, shards: 2}], reshard: [{at: 2s, split: 0}, {at: 1s, split: 1}]}", "in time order"},
      {"kinesis: {streams: [{name: s, shards: 2}], reshard: [{at: 1s, split: shard-zero}]}", "expected a shard id"},
      {"kinesis: {streams: [{name: s}, {name: t}], reshard: [{at: 1s, split: 0}]}", "which stream?"},
      {"kinesis: {streams: [{name: s}], frontends: 2, reshard: [{at: 1s, split: 0}]}", "one frontend only"},
      {"kinesis: {streams: [{name: s}], consumers: [{stream: s, read_children_early: maybe}]}", "read_children_early"},
      {"kinesis: {streams: [{name: s, retention_hours: 12}]}", "expected RetentionPeriodHours from 24 to 8760"},
      {"kinesis: {streams: [{name: s, retention_hours: 9000}]}", "expected RetentionPeriodHours from 24 to 8760"},
      {"kinesis: {streams: [{name: s}], reshard: [{at: 1s, increase_retention: 24}]}",
       "InvalidArgumentException: RetentionPeriodHours must be more than the stream's current 24"},
      {"kinesis: {streams: [{name: s, retention_hours: 48}], reshard: [{at: 1s, decrease_retention: 72}]}",
       "must be less than the stream's current 48"},
      {"kinesis: {streams: [{name: s}], reshard: [{at: 1s, decrease_retention: 12}]}", "decrease_retention: expected RetentionPeriodHours"},
      {"kinesis: {streams: [{name: s}], retention_hour: 0s}", "kinesis.retention_hour"},
      {"kinesis: {streams: [{name: s}], consumers: [{stream: s, fan_out: maybe}]}", "fan_out"},
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
  // The stream's topic has a partition for every shard its reshards create (2 -> 3 makes the
  // short-lived shards 2..5 and the merged 6: 7 in all).
  LoadResult re = load_scenario_text(
      head + "kinesis: {streams: [{name: s, shards: 2}], reshard: [{at: 1s, update_shard_count: 3}, {at: 2s, split: 6}]}\n",
      "k.yaml");
  ASSERT_TRUE(re.ok()) << re.error().str();
  EXPECT_EQ(re.spec().topics[0].partitions, 9);
  ASSERT_EQ(re.spec().kinesis->reshards.size(), 2u);
  EXPECT_EQ(re.spec().kinesis->reshards[1].shard, "shardId-000000000006");
}

// A split of a hot shard under load: with the KCL's parent-before-child wait no key is out of
// order across the reshard; the same run reading children early is caught by reshard_key_order.
std::string check_note(const ScenarioResult& r, const std::string& check) {
  for (const auto& c : r.checks)
    if (c.check == check) return c.note;
  return "";
}

TEST(KinesisScenarios, SplitHotShardKeepsKeyOrderOnlyWithParentBeforeChild) {
  expect_holds("kinesis/split-hot-shard.yaml", seeds_or(2));
  expect_holds("kinesis/split-hot-shard-early-read.yaml", seeds_or(1));
  ScenarioSpec spec = load_bundled("kinesis/split-hot-shard.yaml");
  ScenarioResult honoured = run_scenario(spec, RunOptions{1, nullptr});
  EXPECT_EQ(check_count(honoured, "reshard_key_order"), 0);
  const std::string note = check_note(honoured, "reshards");
  EXPECT_NE(note.find("SplitShard shardId-000000000000 at NewStartingHashKey 85070591730234615865843651857942052864: done"),
            std::string::npos)
      << note;
  spec.kinesis->consumers[0].read_children_early = true;
  spec.expect.reshard_key_order = CountExpectation{CountExpectation::Op::kGt, 0};
  ScenarioResult early = run_scenario(spec, RunOptions{1, nullptr});
  EXPECT_TRUE(early.expectations_met()) << failed_expectations(early);
  EXPECT_GT(check_count(early, "reshard_key_order"), 0);
  EXPECT_EQ(check_count(early, "lost_writes"), 0);
}

// UpdateShardCount and MergeShards under load: the stream goes 2 -> 3 shards (short-lived
// shards included) and back by a merge, with nothing lost or skipped and every key in order.
TEST(KinesisScenarios, UpdateShardCountAndMergeKeepEverything) {
  LoadResult re = load_scenario_text(
      "name: k\ncluster: {brokers: 3, controllers: 1}\n"
      "kinesis:\n"
      "  streams: [{name: s, shards: 2}]\n"
      "  producers: [{stream: s, rate: 400/s, keys: \"uniform 30\", library: kpl, max_buffered: 50ms}]\n"
      "  consumers: [{stream: s, workers: 2, lease_duration: 1s, idle_between_reads: 200ms, parent_shard_poll: 200ms}]\n"
      "  reshard: [{at: 2s, update_shard_count: 3}, {at: 4s, merge: [shardId-000000000006, shardId-000000000005]}]\n"
      "duration: 6s\nheal_for: 4s\nexpect: {lost_writes: 0, acknowledged: \"> 1500\", liveness: true}\n",
      "k.yaml");
  ASSERT_TRUE(re.ok()) << re.error().str();
  ScenarioResult r = run_scenario(re.spec(), RunOptions{1, nullptr});
  EXPECT_TRUE(r.expectations_met()) << failed_expectations(r);
  const std::string note = check_note(r, "reshards");
  EXPECT_NE(note.find("UpdateShardCount to 3 (UNIFORM_SCALING): done"), std::string::npos) << note;
  EXPECT_NE(note.find("MergeShards shardId-000000000006 with shardId-000000000005: done"), std::string::npos) << note;
  EXPECT_EQ(check_count(r, "reshards"), 2);
  EXPECT_EQ(check_count(r, "reshard_key_order"), 0);
  EXPECT_EQ(check_count(r, "processed_skipped"), 0);
  EXPECT_GT(r.counts.consumed, 1500);
}

}  // namespace
}  // namespace scenarios
