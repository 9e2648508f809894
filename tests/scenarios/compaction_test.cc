// Log compaction end to end: the bundled scenario (basics/compaction.yaml) holds its
// expectations and really compacts; and a harness that runs the real log cleaner on a real
// log, reads it back as the final read does and hands the History to the checkers, showing
// that a cleaner that drops a key's latest value is caught by latest_values and lost_writes.
#include <gtest/gtest.h>

#include <string>

#include "broker_model/protocol/messages.h"
#include "broker_model/storage/partition_log.h"
#include "bundled_scenario_util.h"
#include "checkers/compaction.h"
#include "sim/world/world.h"

namespace scenarios {
namespace {

using broker_model::storage::CleanOptions;
using broker_model::storage::LogConfig;
using broker_model::storage::PartitionLog;
using broker_model::storage::Record;
using broker_model::storage::RecordBatch;
using broker_model::storage::SharedRecords;

TEST(Compaction, BundledScenarioKeepsEveryLatestValueAndCompacts) {
  ScenarioSpec spec = testing::load_bundled("basics/compaction.yaml");
  for (uint64_t seed = 1; seed <= testing::seeds_or(2); ++seed) {
    ScenarioResult r = run_scenario(spec, RunOptions{seed, nullptr});
    ASSERT_TRUE(r.cluster_ready) << r.outcome.message;
    EXPECT_TRUE(r.expectations_met()) << format_summary(r);
    std::string note;
    for (const auto& c : r.checks)
      if (c.check == "latest_values") note = c.note;
    // "20 keys checked, N acknowledged records removed by compaction" with N well above 0.
    int64_t removed = std::stoll(note.substr(note.find(", ") + 2));
    EXPECT_GT(removed, 1'000) << note;
    bool compaction_seen = false;
    for (const auto& e : r.history.timeline_events()) compaction_seen = compaction_seen || e.kind == "compaction";
    EXPECT_TRUE(compaction_seen) << "the cleaner's rounds are on the timeline";
  }
}

// 200 writes over 10 keys, some tombstones, then 30 to one more key, into a compacted log on a simulated disk; the log
// cleaned with `options`; the History the lab would record for it, with the log read back
// from its start as the final read does (removed records skipped).
checkers::History clean_and_record(CleanOptions options) {
  checkers::History h;
  h.compacted_topic("profiles", sim::seconds(60));
  sim::WorldConfig config;
  config.seed = 7;
  sim::World world(config);
  sim::NodeId node = world.add_node("broker", [&](sim::NodeContext& ctx) {
    LogConfig c;
    c.segment_bytes = 1'000;
    EXPECT_TRUE(c.set_text("cleanup.policy", "compact"));
    PartitionLog log(ctx, broker_model::TopicPartition{"profiles", 0}, c);
    ASSERT_EQ(log.open(), broker_model::ErrorCode::kNone);
    // The last 30 writes all to one key: the others' latest values are in closed segments,
    // where the cleaner works.
    for (uint64_t n = 1; n <= 230; ++n) {
      std::string key = n > 200 ? "filler" : "user-" + std::to_string(n % 10);
      bool tombstone = n % 37 == 0;
      uint64_t id = checkers::make_record_id(0, n);
      Record r{1'000, key, broker_model::value_with_record_id(id)};
      r.tombstone = tombstone;
      broker_model::storage::LogAppendInfo info =
          log.append_as_leader(RecordBatch::of(SharedRecords({r})), broker_model::LeaderEpoch(0));
      ASSERT_EQ(info.error, broker_model::ErrorCode::kNone);
      checkers::ProduceOp op;
      op.record_id = id;
      op.tp = broker_model::TopicPartition{"profiles", 0};
      op.invoked = op.completed = sim::Instant::epoch() + sim::milliseconds(static_cast<int64_t>(n));
      op.outcome = checkers::OpOutcome::kOk;
      op.offset = info.first_offset;
      size_t index = h.begin_produce(op);
      h.keyed_produce(index, checkers::KeyedProduce{key, tombstone});
    }
    ASSERT_TRUE(log.clean(2'000, std::nullopt, options).cleaned);
    checkers::FinalRead fr;
    fr.tp = broker_model::TopicPartition{"profiles", 0};
    fr.complete = true;
    for (broker_model::Offset at = log.log_start_offset(); at < log.log_end_offset();) {
      broker_model::storage::LogReadResult read = log.read(at, 1 << 20);
      ASSERT_EQ(read.error, broker_model::ErrorCode::kNone);
      for (const RecordBatch& b : read.batches)
        for (size_t i = 0; i < b.records.size(); ++i)
          if (!b.records[i].compacted)
            fr.records.emplace_back(b.base_offset + static_cast<int64_t>(i), broker_model::record_id_of(b.records[i]));
      at = read.batches.back().next_offset();
    }
    h.final_read(std::move(fr));
  });
  world.start(node);
  EXPECT_TRUE(world.run().ok());
  h.set_end(sim::Instant::epoch() + sim::seconds(10));
  return h;
}

TEST(Compaction, TheCheckersPassARealCleaningAndCatchABrokenOne) {
  checkers::History good = clean_and_record(CleanOptions{});
  EXPECT_EQ(checkers::check_latest_values(good).count, 0) << checkers::check_latest_values(good).note;
  EXPECT_EQ(checkers::check_lost_writes(good).count, 0) << checkers::check_lost_writes(good).note;
  EXPECT_NE(checkers::check_lost_writes(good).note.find("removed by log compaction"), std::string::npos);

  checkers::History broken = clean_and_record(CleanOptions{.drop_latest_for_test = true});
  checkers::CheckResult latest = checkers::check_latest_values(broken);
  EXPECT_GT(latest.count, 0) << "a cleaner that drops the latest values must be caught";
  EXPECT_GT(checkers::check_lost_writes(broken).count, 0);
}

}  // namespace
}  // namespace scenarios
