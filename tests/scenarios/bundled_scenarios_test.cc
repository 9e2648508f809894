// The bundled scenarios, run as the lab runs them: every expectation a scenario states must
// hold over a range of seeds, a run must be reproducible from its seed, and the scenarios that
// demonstrate loss must explain it. Seed counts come from EDDY_SEEDS (CI keeps it small; the
// sweep targets raise it: see tests/README.md).
#include <gtest/gtest.h>

#include <sstream>

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "scenarios/kafka_scenario.h"
#include "scenarios/scenario_loader.h"
#include "bundled_scenario_util.h"

namespace scenarios {
namespace {

using checkers::CheckResult;
using checkers::Violation;
using testing::seeds_or;

ScenarioSpec load(const std::string& relative) { return testing::load_bundled(relative); }

std::string failed_expectations(const ScenarioResult& r) {
  std::string out;
  for (const auto& e : r.expectations)
    if (!e.held) out += "  " + e.check + " expected " + e.expected + ", got " + e.actual + "\n";
  return out;
}

void expect_over_seeds(const std::string& file, uint64_t seeds) {
  ScenarioSpec spec = load(file);
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    ScenarioResult r = run_scenario(spec, RunOptions{seed, nullptr});
    ASSERT_TRUE(r.cluster_ready) << file << " seed " << seed << ": " << r.outcome.message;
    ASSERT_TRUE(r.expectations_met()) << file << " seed " << seed << " (replay: build/eddy run scenarios/" << file
                                      << " --seed " << seed << ")\n"
                                      << failed_expectations(r) << format_summary(r);
  }
}

// Demonstration 1: acks=all, min.insync.replicas=2, single-node faults: nothing lost, no
// divergence. 1,000 seeds in the sweep target; a handful in CI.
TEST(BundledScenarios, AcksAllSurvivesSingleNodeFaults) { expect_over_seeds("ci/acks-all-single-faults.yaml", seeds_or(20, 4)); }

// Demonstration 2: acks=1 and a deposed leader that keeps acknowledging.
TEST(BundledScenarios, Acks1LeaderCutOffLosesWrites) { expect_over_seeds("durability/acks1-leader-cut-off.yaml", seeds_or(6)); }

// Demonstration 3: unclean election of a stale replica.
TEST(BundledScenarios, UncleanElectionLosesWrites) {
  expect_over_seeds("durability/unclean-election-stale-replica.yaml", seeds_or(6));
}

// Demonstration 4: power loss without fsync loses acknowledged writes; flush.messages=1 does not.
// Committed reads that vanish: with acks=0 nothing is acknowledged, yet the consumer read
// ~1,200 records below the high watermark that the unclean election threw away. lost_reads
// counts them (the lost-write check has nothing to hold the cluster to); with unclean leader
// election off and flush.messages=1 the partition waits for its leader, which comes back with
// its log, and nothing read is lost.
TEST(BundledScenarios, UncleanElectionLosesCommittedReadsWhateverTheAcks) {
  ScenarioSpec spec = load("durability/unclean-election-lost-reads.yaml");
  for (uint64_t seed = 1; seed <= seeds_or(3); ++seed) {
    ScenarioResult r = run_scenario(spec, RunOptions{seed, nullptr});
    ASSERT_TRUE(r.expectations_met()) << "seed " << seed << "\n" << failed_expectations(r) << format_summary(r);
    EXPECT_GT(testing::check_count(r, "lost_reads"), 1000) << "seed " << seed;
    EXPECT_EQ(testing::check_count(r, "lost_writes"), 0) << "seed " << seed;
    if (seed == 1) {
      const CheckResult* c = nullptr;
      for (const auto& x : r.checks)
        if (x.check == "lost_reads") c = &x;
      ASSERT_TRUE(c != nullptr && !c->examples.empty());
      std::string story;
      for (const auto& line : c->examples[0].story) story += line + "\n";
      EXPECT_NE(story.find("consumer 0 read it at offset"), std::string::npos) << story;
      EXPECT_NE(story.find("leader (unclean)"), std::string::npos) << story;
    }
  }
  // Safe: no unclean election, and every message flushed (the leader's crash is a power loss:
  // without fsync it would lose the records only it held, read or not).
  spec.cluster.broker_configs["unclean.leader.election.enable"] = "false";
  spec.topics[0].configs["unclean.leader.election.enable"] = "false";
  spec.topics[0].configs["flush.messages"] = "1";
  for (uint64_t seed = 1; seed <= seeds_or(3); ++seed) {
    ScenarioResult r = run_scenario(spec, RunOptions{seed, nullptr});
    EXPECT_EQ(testing::check_count(r, "lost_reads"), 0) << "seed " << seed << "\n" << format_summary(r);
  }
}

TEST(BundledScenarios, PowerLossWithoutFsyncLosesWrites) { expect_over_seeds("durability/power-loss-no-fsync.yaml", seeds_or(6)); }
TEST(BundledScenarios, PowerLossWithFlushEveryMessageLosesNothing) {
  expect_over_seeds("durability/power-loss-flush-every-message.yaml", seeds_or(6));
}

// Demonstration 5: below min.insync.replicas nothing is acknowledged.
TEST(BundledScenarios, NotEnoughReplicasAcknowledgesNothing) {
  expect_over_seeds("durability/not-enough-replicas.yaml", seeds_or(6));
}

// Issue 4, demonstration 4: producer retries across leader failovers and dropped
// acknowledgements. Without idempotence the retries append batches twice: the dropped
// acknowledgements make that happen in every seed, so the file expects duplicates > 0 per
// seed (and the test below asks for the story).
TEST(BundledScenarios, RetriesWithoutIdempotenceWriteDuplicates) {
  expect_over_seeds("durability/duplicates-on-retry.yaml", seeds_or(4));
}

// The same faults with enable.idempotence=true: no duplicates in any seed (1,000 seeds in the
// sweep-idempotence target). The leaders did see retries of batches they had (the check is
// not vacuous): they answered them with the original offsets.
TEST(BundledScenarios, IdempotentRetriesNeverDuplicate) {
  const std::string file = "durability/idempotent-retries.yaml";
  ScenarioSpec spec = load(file);
  uint64_t seeds = seeds_or(6);
  int64_t deduplicated = 0, after_rebuild = 0;
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    ScenarioResult r = run_scenario(spec, RunOptions{seed, nullptr});
    ASSERT_TRUE(r.cluster_ready) << file << " seed " << seed << ": " << r.outcome.message;
    ASSERT_TRUE(r.expectations_met()) << file << " seed " << seed << " (replay: build/eddy run scenarios/" << file
                                      << " --seed " << seed << ")\n"
                                      << failed_expectations(r) << format_summary(r);
    // Retries answered by a replica whose producer state came from scanning its log (after
    // the power loss) show that the rebuild carries the state across restarts.
    std::set<std::pair<broker_model::BrokerId, broker_model::TopicPartition>> rebuilt;
    for (const auto& e : r.history.timeline_events()) {
      if (e.kind == "producer-state-rebuilt") rebuilt.insert({e.broker, e.tp});
      if (e.kind != "duplicate-batch") continue;
      ++deduplicated;
      if (rebuilt.count({e.broker, e.tp}) != 0) ++after_rebuild;
    }
  }
  EXPECT_GT(deduplicated, 0) << "no leader ever answered a retried batch with its original offset";
  EXPECT_GT(after_rebuild, 0) << "no retry met a leader whose producer state was rebuilt from its log";
  std::printf("idempotent-retries: %llu seeds, %lld retried batches answered with their original offsets (%lld by a "
              "leader that rebuilt its producer state from its log), no duplicates\n",
              static_cast<unsigned long long>(seeds), static_cast<long long>(deduplicated),
              static_cast<long long>(after_rebuild));
}

// A batch whose first attempt timed out against a leader cut off by a zone outage, after the
// follower had copied it, is retried to the new leader only after later batches were
// acknowledged there: the new leader answers OUT_OF_ORDER_SEQUENCE_NUMBER (the batch is older
// than the five it remembers). That proves no gap (the broker took sequences in order, so the
// batch is in its log): Kafka's client retries it as it is until delivery.timeout.ms. eddy's
// producer used to bump its epoch and resend the batch at sequence 0, writing it twice (6 of
// 1,000 seeds of the zone outage with "duplicates: 0"). These seeds took that path then.
TEST(BundledScenarios, ARetryBehindAcknowledgedBatchesIsNeverWrittenTwice) {
  ScenarioSpec spec = load("durability/zone-outage-rack-aware.yaml");
  int64_t behind = 0;
  for (uint64_t seed : {77, 581, 619, 737, 827, 920}) {
    std::ostringstream trace;
    ScenarioResult r = run_scenario(spec, RunOptions{seed, &trace});
    ASSERT_TRUE(r.cluster_ready) << "seed " << seed;
    EXPECT_EQ(testing::check_count(r, "duplicates"), 0) << "seed " << seed << "\n" << format_summary(r);
    const std::string t = trace.str();
    for (size_t at = t.find("producer.retry_behind_acknowledged"); at != std::string::npos;
         at = t.find("producer.retry_behind_acknowledged", at + 1))
      ++behind;
  }
  // If this fails, the seeds no longer reach the path (behaviour changed elsewhere): find new
  // ones with a sweep of the zone outage expecting duplicates: 0 on a binary without the fix.
  EXPECT_GT(behind, 0) << "no seed retried a batch behind the last acknowledged sequence";
}

// The producer-order check judges only producers whose configuration promises order. Without
// idempotence and with five requests in flight, a request lost on the producer's links (the
// datagram-like message-drop fault) is retried after later batches of its partition were
// acknowledged: judged as if order had been promised, the run shows records out of send order,
// while the run itself (no promise) counts nothing. With idempotence the same faults keep the
// order (the broker takes sequences in order), and the check holds it to that.
constexpr const char* kReorder = R"(name: reorder-without-idempotence
cluster:
  brokers: 3
  controllers: 1
topics:
  - {name: orders, partitions: 2, replication_factor: 3, configs: {min.insync.replicas: 2}}
producers:
  - {topic: orders, count: 1, rate: 400/s, message_size: 100B, keys: "uniform 64",
     configs: {acks: all, enable.idempotence: false, max.in.flight.requests.per.connection: 5, linger.ms: 2,
               request.timeout.ms: 500, delivery.timeout.ms: 20000, retry.backoff.ms: 20}}
faults:
  - {at: 1s, for: 5s, kind: message-drop, target: "producer 0", probability: 0.05}
duration: 8s
heal_for: 5s
expect: {acknowledged: "> 1000"}
)";

TEST(BundledScenarios, ProducerOrderIsCheckedWhereTheConfigurationPromisesIt) {
  LoadResult loaded = load_scenario_text(kReorder, "reorder.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().str();
  ScenarioSpec loose = loaded.spec();
  EXPECT_TRUE(producers_promising_order(loose).empty());
  ScenarioResult r = run_scenario(loose, RunOptions{1, nullptr});
  ASSERT_TRUE(r.expectations_met()) << format_summary(r);
  EXPECT_EQ(testing::check_count(r, "producer_order"), 0);
  CheckResult judged = checkers::check_producer_order(r.history, {0});
  EXPECT_GT(judged.count, 100) << "no record out of send order without idempotence";
  ASSERT_FALSE(judged.examples.empty());
  EXPECT_NE(judged.examples[0].summary.find("but orders-"), std::string::npos) << judged.examples[0].summary;

  ScenarioSpec strict = loose;
  strict.producers[0].configs["enable.idempotence"] = "true";
  EXPECT_EQ(producers_promising_order(strict), std::set<int>{0});
  for (uint64_t seed = 1; seed <= seeds_or(3); ++seed) {
    ScenarioResult s = run_scenario(strict, RunOptions{seed, nullptr});
    EXPECT_EQ(testing::check_count(s, "producer_order"), 0) << "seed " << seed << "\n" << format_summary(s);
    EXPECT_EQ(testing::check_count(s, "duplicates"), 0) << "seed " << seed;
  }
  // One request in flight promises order too.
  ScenarioSpec one = loose;
  one.producers[0].configs["max.in.flight.requests.per.connection"] = "1";
  EXPECT_EQ(producers_promising_order(one), std::set<int>{0});
  ScenarioResult o = run_scenario(one, RunOptions{1, nullptr});
  EXPECT_EQ(testing::check_count(o, "producer_order"), 0) << format_summary(o);
}

// A duplicate is explained: the record, its two offsets, and the batch's attempts (where each
// went and what came back), naming the missing producer id.
TEST(BundledScenarios, DuplicateStoryNamesTheRetries) {
  ScenarioResult r = run_scenario(load("durability/duplicates-on-retry.yaml"), RunOptions{1, nullptr});
  const CheckResult* dups = nullptr;
  for (const auto& c : r.checks)
    if (c.check == "duplicates") dups = &c;
  ASSERT_NE(dups, nullptr);
  ASSERT_FALSE(dups->examples.empty());
  const Violation& v = dups->examples.front();
  std::string story;
  for (const auto& line : v.story) story += line + "\n";
  EXPECT_NE(v.summary.find("duplicate: p0#"), std::string::npos) << v.summary;
  EXPECT_NE(story.find("at offsets"), std::string::npos) << story;
  EXPECT_NE(story.find("attempt 1 of the batch sent to broker"), std::string::npos) << story;
  EXPECT_NE(story.find("attempt 2 of the batch sent to broker"), std::string::npos) << story;
  EXPECT_NE(story.find("enable.idempotence=false"), std::string::npos) << story;
  EXPECT_NE(story.find("appends it again"), std::string::npos) << story;
}

// Demonstration 7: every bundled scenario gives the same fingerprint twice for a seed, and
// another seed gives another run.
TEST(BundledScenarios, EveryScenarioIsReproducibleFromItsSeed) {
  for (const char* file : {"ci/acks-all-single-faults.yaml", "durability/acks1-leader-cut-off.yaml",
                           "durability/unclean-election-stale-replica.yaml", "durability/power-loss-no-fsync.yaml",
                           "durability/power-loss-flush-every-message.yaml", "durability/not-enough-replicas.yaml",
                           "durability/duplicates-on-retry.yaml", "durability/idempotent-retries.yaml"}) {
    ScenarioSpec spec = load(file);
    ScenarioResult a = run_scenario(spec, RunOptions{11, nullptr});
    ScenarioResult b = run_scenario(spec, RunOptions{11, nullptr});
    ScenarioResult c = run_scenario(spec, RunOptions{12, nullptr});
    EXPECT_EQ(a.fingerprint, b.fingerprint) << file;
    EXPECT_EQ(a.events, b.events) << file;
    EXPECT_NE(a.fingerprint, c.fingerprint) << file;
  }
}

// A lost write is explained: who acknowledged it, the leader change and the truncation.
TEST(BundledScenarios, LostWriteStoryNamesTheOldLeaderAndTheTruncation) {
  ScenarioResult r = run_scenario(load("durability/acks1-leader-cut-off.yaml"), RunOptions{2, nullptr});
  const CheckResult* lost = nullptr;
  for (const auto& c : r.checks)
    if (c.check == "lost_writes") lost = &c;
  ASSERT_NE(lost, nullptr);
  ASSERT_FALSE(lost->examples.empty());
  const Violation& v = lost->examples.front();
  std::string story;
  for (const auto& line : v.story) story += line + "\n";
  std::string acked_by = v.summary.substr(v.summary.find("by broker ") + 10, 1);
  EXPECT_NE(v.summary.find("acknowledged at orders-0"), std::string::npos) << v.summary;
  EXPECT_NE(story.find("acknowledged by broker " + acked_by), std::string::npos) << story;
  EXPECT_NE(story.find("leader broker"), std::string::npos) << story;  // the new leader's election
  EXPECT_NE(story.find("truncate broker " + acked_by), std::string::npos) << story;
}

// The checker is not blind: the same acks=all scenario with unclean election forced and the
// replicas' disks losing everything unsynced at once must be able to lose data; here we
// just check the default scenario's spec is sane and small enough to run in CI.
TEST(BundledScenarios, DefaultScenarioIsTheIssuesShape) {
  ScenarioSpec s = default_scenario();
  EXPECT_EQ(s.cluster.brokers, 3);
  EXPECT_EQ(s.cluster.controllers, 3);
  ASSERT_EQ(s.topics.size(), 1u);
  EXPECT_EQ(s.topics[0].partitions, 12);
  EXPECT_EQ(s.topics[0].replication_factor, 3);
  double rate = 0;
  for (const auto& p : s.producers) rate += p.messages_per_s * p.count;
  EXPECT_EQ(rate, 10'000);
  EXPECT_EQ(s.duration, sim::seconds(60));
}

}  // namespace
}  // namespace scenarios
