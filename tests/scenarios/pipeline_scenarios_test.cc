// The pipeline end to end (scenarios/pipeline/, docs/pipeline.md): the bundled variants hold
// their expectations; removing the protection makes one fail (upserts by key -> inserts:
// duplicate documents); the same seed gives the same run; bad `pipeline:` input is a located
// error.
#include <gtest/gtest.h>

#include <string>

#include "scenarios/kafka_scenario.h"
#include "scenarios/scenario_loader.h"
#include "tests/scenarios/bundled_scenario_util.h"

namespace scenarios {
namespace {

using testing::check_count;
using testing::expect_holds;
using testing::failed_expectations;
using testing::load_bundled;
using testing::seeds_or;

TEST(PipelineScenarios, AtLeastOnceInsertsLoseNothingAndReportDuplicates) {
  expect_holds("pipeline/at-least-once-inserts.yaml", seeds_or(2, 1), [](const ScenarioResult& r, uint64_t) {
    EXPECT_GT(r.pipeline_latency.count, 500);
    EXPECT_GT(r.pipeline_latency.p99, r.pipeline_latency.p50);
  });
}

TEST(PipelineScenarios, UpsertsByKeyLeaveNoDuplicateDocuments) { expect_holds("pipeline/upserts-by-key.yaml", seeds_or(2, 1)); }

TEST(PipelineScenarios, ShortVisibilityTimeoutDuplicatesAreToldWithTheirCause) {
  expect_holds("pipeline/visibility-timeout-short.yaml", seeds_or(2, 1), [](const ScenarioResult& r, uint64_t seed) {
    for (const auto& c : r.checks) {
      if (c.check != "pipeline_duplicates") continue;
      for (const auto& v : c.examples) {
        EXPECT_NE(v.summary.find("visibility timeout"), std::string::npos) << "seed " << seed << ": " << v.summary;
      }
    }
  });
}

TEST(PipelineScenarios, ConnectorCrashBeforeCommitReplaysRecords) {
  expect_holds("pipeline/connector-crash-before-commit.yaml", seeds_or(2, 1), [](const ScenarioResult& r, uint64_t seed) {
    bool told = false;
    for (const auto& c : r.checks)
      if (c.check == "pipeline_duplicates")
        for (const auto& v : c.examples) told = told || v.summary.find("replayed from the last committed offset") != std::string::npos;
    EXPECT_TRUE(told) << "seed " << seed;
  });
}

// PUBACKs to a device lost: its QoS 1 PUBLISHes re-sent with DUP=1, counted and told, and the
// duplicate documents they make told with that cause.
TEST(PipelineScenarios, LostPubacksAreResentWithDupAndTold) {
  expect_holds("pipeline/mqtt-dup-redelivery.yaml", seeds_or(2, 1), [](const ScenarioResult& r, uint64_t seed) {
    bool resent = false, told = false;
    for (const auto& c : r.checks)
      for (const auto& v : c.examples) {
        if (c.check == "pipeline_mqtt_redelivered") resent = resent || v.summary.find("re-sent by its device with DUP=1") != std::string::npos;
        if (c.check == "pipeline_duplicates") told = told || v.summary.find("MQTT re-delivery with DUP") != std::string::npos;
      }
    EXPECT_TRUE(resent) << "seed " << seed;
    EXPECT_TRUE(told) << "seed " << seed;
  });
}

// Faults drawn by the swarm at every hop: nothing missing, every duplicate explained.
TEST(PipelineScenarios, SwarmLosesNothingAndExplainsEveryDuplicate) { expect_holds("pipeline/swarm.yaml", seeds_or(2, 1)); }

// Seeds the 1,000-seed sweep of swarm.yaml failed before their causes were told (docs/pipeline.md):
// 2 (a SendMessage whose answer was lost, sent again), 697 (a DeleteMessageBatch with stale
// receipt handles), 358 (the function producing a reading again counted as a dedup failure).
TEST(PipelineScenarios, SwarmSeedsFoundBySweepsHold) {
  ScenarioSpec spec = load_bundled("pipeline/swarm.yaml");
  for (uint64_t seed : {2, 358, 697}) {
    ScenarioResult r = run_scenario(spec, RunOptions{seed, nullptr});
    EXPECT_TRUE(r.expectations_met()) << "seed " << seed << "\n" << failed_expectations(r);
    EXPECT_GT(check_count(r, "pipeline_duplicates"), 0) << "seed " << seed;
  }
}

// The protection removed: the same faults with insertOne instead of the upsert by key break
// the scenario's "no duplicate documents".
TEST(PipelineScenarios, WithoutTheUpsertTheNoDuplicateExpectationFails) {
  ScenarioSpec spec = load_bundled("pipeline/upserts-by-key.yaml");
  spec.pipeline->write_mode = "insert";
  ScenarioResult r = run_scenario(spec, RunOptions{1, nullptr});
  EXPECT_GT(check_count(r, "pipeline_duplicates"), 0);
  EXPECT_TRUE(r.safety_failed()) << failed_expectations(r);
}

// And the checker fires on loss: readings the sink never writes (errors.tolerance=none fails
// the task on the first malformed reading, its partitions stop) are missing, told.
TEST(PipelineScenarios, AFailedSinkTaskLeavesAcknowledgedReadingsMissing) {
  ScenarioSpec spec = load_bundled("pipeline/upserts-by-key.yaml");
  spec.pipeline->malformed_share = 0.01;
  spec.faults.clear();
  ScenarioResult r = run_scenario(spec, RunOptions{1, nullptr});
  EXPECT_GT(check_count(r, "pipeline_missing"), 0) << format_summary(r);
  EXPECT_TRUE(r.safety_failed());
  // errors.tolerance=all skips them: the well-formed readings all arrive.
  spec.pipeline->errors_tolerance_all = true;
  ScenarioResult ok = run_scenario(spec, RunOptions{1, nullptr});
  EXPECT_EQ(check_count(ok, "pipeline_missing"), 0) << failed_expectations(ok);
  EXPECT_TRUE(ok.expectations_met()) << failed_expectations(ok);
}

// At most once: QoS 0 readings published while the rule's process is dead are dropped by the
// broker (no session to hold them), counted as QoS 0 losses and not as missing (never
// acknowledged to the device).
TEST(PipelineScenarios, Qos0ReadingsAreLostWhileTheSubscriberIsAway) {
  ScenarioSpec spec = load_bundled("pipeline/upserts-by-key.yaml");
  spec.pipeline->qos = 0;
  spec.faults.resize(1);
  spec.faults[0].kind = FaultSpec::Kind::kKill;
  ScenarioResult r = run_scenario(spec, RunOptions{1, nullptr});
  EXPECT_GT(check_count(r, "pipeline_qos0_lost"), 0) << format_summary(r);
  EXPECT_EQ(check_count(r, "pipeline_missing"), 0);
}

// A latest-reading-per-device collection (replaceOne by device): queue and concurrent
// functions reorder a device's readings, and replays after the sink's restart bring old ones
// back: documents overwritten by older readings.
TEST(PipelineScenarios, UpsertByDeviceOverwritesNewerReadingsWithOlderOnes) {
  ScenarioSpec spec = load_bundled("pipeline/connector-crash-before-commit.yaml");
  spec.pipeline->write_mode = "upsert";
  spec.pipeline->upsert_key = "device";
  spec.expect.pipeline_duplicates.reset();
  ScenarioResult r = run_scenario(spec, RunOptions{1, nullptr});
  EXPECT_GT(check_count(r, "pipeline_out_of_order"), 0) << format_summary(r);
  EXPECT_EQ(check_count(r, "pipeline_duplicates"), 0);
}

// errors.tolerance=all with a dead-letter topic: malformed readings go there, the rest arrive;
// the store loses power meanwhile and comes back from its journal with every acknowledged write.
TEST(PipelineScenarios, DeadLetterTopicAndAStoreCrashLoseNothing) {
  LoadResult loaded = load_scenario_text(R"(name: dlq
cluster: {brokers: 3, controllers: 3, broker_configs: {replica.fetch.wait.max.ms: 100}}
topics:
  - {name: readings, partitions: 2, replication_factor: 3}
  - {name: readings-dlq, partitions: 1, replication_factor: 3}
pipeline:
  devices: {count: 4, rate: 20/s, qos: 1, malformed: 0.02}
  function: {topic: readings}
  connector: {tasks: 2, write: upsert, errors.tolerance: all, errors.deadletterqueue.topic.name: readings-dlq}
faults:
  - {at: 4s, for: 2s, kind: crash, target: "pipeline docstore"}
duration: 10s
heal_for: 5s
expect: {acknowledged: "> 500", pipeline_dead_lettered: "> 0", pipeline_duplicates: 0}
)",
                                         "dlq.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().str();
  ScenarioResult r = run_scenario(loaded.spec(), RunOptions{1, nullptr});
  EXPECT_TRUE(r.expectations_met()) << failed_expectations(r);
  EXPECT_GT(r.pipeline_latency.count, 700);
}

TEST(PipelineScenarios, SameSeedSameFingerprint) {
  ScenarioSpec spec = load_bundled("pipeline/visibility-timeout-short.yaml");
  EXPECT_EQ(run_scenario(spec, RunOptions{3, nullptr}).fingerprint, run_scenario(spec, RunOptions{3, nullptr}).fingerprint);
}

std::string load_error(const std::string& yaml) {
  LoadResult r = load_scenario_text(yaml, "test.yaml");
  return r.ok() ? "" : r.error().str();
}

const char* kBase = R"(name: t
cluster: {brokers: 3, controllers: 3}
topics: [{name: readings, partitions: 2, replication_factor: 3}]
)";

TEST(PipelineLoader, BadInputIsALocatedError) {
  EXPECT_NE(load_error(std::string(kBase) + "pipeline: {function: {topic: nope}}\n").find("unknown topic 'nope'"), std::string::npos);
  EXPECT_NE(load_error(std::string(kBase) + "pipeline: {queue: {visibility_timeout: 1s}, function: {topic: readings, timeout: 2s}}\n")
                .find("Lambda refuses"),
            std::string::npos);
  EXPECT_NE(load_error(std::string(kBase) + "pipeline: {function: {topic: readings}, connector: {write: merge}}\n")
                .find("expected insert or upsert"),
            std::string::npos);
  EXPECT_NE(load_error(std::string(kBase) + "pipeline: {function: {topic: readings}, devices: {qos: 2}}\n").find("qos"),
            std::string::npos);
  EXPECT_NE(load_error(std::string(kBase) +
                       "pipeline: {function: {topic: readings}, connector: {errors.deadletterqueue.topic.name: readings}}\n")
                .find("only with errors.tolerance: all"),
            std::string::npos);
  EXPECT_NE(load_error(std::string(kBase) + "pipeline: {function: {topic: readings}, bogus: 1}\n").find("bogus"), std::string::npos);
  EXPECT_NE(load_error(std::string(kBase) +
                       "pipeline: {function: {topic: readings}}\nfaults: [{at: 1s, for: 1s, kind: isolate, target: \"pipeline function-5\"}]\n")
                .find("unknown pipeline node"),
            std::string::npos);
  EXPECT_NE(load_error(std::string(kBase) + "faults: [{at: 1s, for: 1s, kind: isolate, target: \"pipeline sqs\"}]\n")
                .find("needs a pipeline section"),
            std::string::npos);
  EXPECT_EQ(load_error(std::string(kBase) + "pipeline: {function: {topic: readings}}\n"), "");
}

}  // namespace
}  // namespace scenarios
