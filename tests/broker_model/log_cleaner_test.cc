// The log cleaner (PartitionLog::clean, cleanup.policy=compact) on the simulated disk: the
// latest record of each key survives at its offset, superseded ones become hollow records
// every reader skips, tombstones go after delete.retention.ms, the dirty ratio gates a
// cleaning, the active segment and anything at or above the high watermark are never touched,
// and a cleaned log survives a restart.
#include <gtest/gtest.h>

#include <map>

#include "broker_model/storage/partition_log.h"
#include "storage_test_util.h"

namespace broker_model::storage {
namespace {

using testing::kTp;
using testing::run_crash_restart;
using testing::run_on_node;

LogConfig compacted(int32_t segment_bytes = 400) {
  LogConfig c;
  c.segment_bytes = segment_bytes;
  c.index_interval_bytes = 100;
  EXPECT_TRUE(c.set_text("cleanup.policy", "compact"));
  EXPECT_TRUE(c.set_text("min.cleanable.dirty.ratio", "0"));
  EXPECT_TRUE(c.set_text("delete.retention.ms", "1000"));
  return c;
}

// One record per batch: key "k<key>", value "v<n>", timestamp `ts`.
Offset put(PartitionLog& log, int key, int n, int64_t ts = 1'000, bool tombstone = false) {
  Record r{ts, "k" + std::to_string(key), "v" + std::to_string(n)};
  r.tombstone = tombstone;
  LogAppendInfo info = log.append_as_leader(RecordBatch::of(SharedRecords({r})), LeaderEpoch(0));
  EXPECT_EQ(info.error, ErrorCode::kNone);
  return info.first_offset;
}

// Every live (not removed) record: offset -> "key=value".
std::map<int64_t, std::string> live(PartitionLog& log) {
  std::map<int64_t, std::string> out;
  Offset at = log.log_start_offset();
  while (at < log.log_end_offset()) {
    LogReadResult r = log.read(at, 1 << 20);
    EXPECT_EQ(r.error, ErrorCode::kNone);
    if (r.batches.empty()) break;
    for (const RecordBatch& b : r.batches)
      for (size_t i = 0; i < b.records.size(); ++i) {
        const Record& rec = b.records[i];
        if (rec.compacted) {
          EXPECT_FALSE(rec.key.has_value());
          EXPECT_TRUE(rec.value.empty());
          continue;
        }
        out[(b.base_offset + static_cast<int64_t>(i)).value()] = rec.key.value_or("-") + "=" + rec.value +
                                                                     (rec.tombstone ? " (tombstone)" : "");
      }
    at = r.batches.back().next_offset();
  }
  return out;
}

// 60 writes over 4 keys, segments of a few records: 15 rounds of k0..k3.
void write_rounds(PartitionLog& log, int rounds, int64_t ts = 1'000) {
  int n = 0;
  for (int round = 0; round < rounds; ++round)
    for (int key = 0; key < 4; ++key) put(log, key, n++, ts);
}

TEST(LogCleaner, KeepsTheLatestRecordOfEachKeyAtItsOffset) {
  run_on_node([](sim::NodeContext& ctx) {
    PartitionLog log(ctx, kTp, compacted());
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    write_rounds(log, 15);
    ASSERT_GE(log.segment_base_offsets().size(), 4u);
    Offset end = log.log_end_offset();
    Offset active_base = log.segment_base_offsets().back();
    CleanResult r = log.clean(2'000);
    ASSERT_EQ(r.error, ErrorCode::kNone);
    ASSERT_TRUE(r.cleaned);
    EXPECT_EQ(r.first_uncleanable, active_base) << "the active segment is never cleaned";
    EXPECT_GT(r.records_removed, 0);
    EXPECT_EQ(log.log_end_offset(), end) << "offsets never move";
    std::map<int64_t, std::string> after = live(log);
    // Below the active segment only each key's latest there is left; the active segment is whole.
    std::map<std::string, int64_t> latest_below;
    for (const auto& [off, kv] : after)
      if (off < active_base.value()) {
        std::string key = kv.substr(0, kv.find('='));
        EXPECT_EQ(latest_below.count(key), 0u) << key << " twice below the active segment";
        latest_below[key] = off;
      }
    EXPECT_EQ(static_cast<int64_t>(after.size()), (end - active_base) + static_cast<int64_t>(latest_below.size()));
    // The latest value of every key is the one written last.
    std::map<std::string, std::string> last_value;
    for (const auto& [off, kv] : after) last_value[kv.substr(0, kv.find('='))] = kv;
    EXPECT_EQ(last_value["k0"], "k0=v56");
    EXPECT_EQ(last_value["k3"], "k3=v59");
    // Nothing new: the next round finds nothing dirty.
    EXPECT_FALSE(log.clean(2'000).cleaned);
  });
}

TEST(LogCleaner, NeverPassesTheHighWatermark) {
  run_on_node([](sim::NodeContext& ctx) {
    PartitionLog log(ctx, kTp, compacted());
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    write_rounds(log, 15);
    std::map<int64_t, std::string> before = live(log);
    CleanResult r = log.clean(2'000, Offset(10));
    ASSERT_EQ(r.error, ErrorCode::kNone);
    EXPECT_LE(r.first_uncleanable, Offset(10));
    std::map<int64_t, std::string> after = live(log);
    for (const auto& [off, kv] : before)
      if (off >= 10) {
        EXPECT_EQ(after[off], kv) << "offset " << off << " is at or above the high watermark";
      }
  });
}

TEST(LogCleaner, RemovesATombstoneOnlyAfterDeleteRetention) {
  run_on_node([](sim::NodeContext& ctx) {
    PartitionLog log(ctx, kTp, compacted());
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    put(log, 7, 1, 1'000);
    Offset tombstone = put(log, 7, 2, 1'000, /*tombstone=*/true);
    write_rounds(log, 15, 1'000);  // other keys: the tombstone's segment closes
    CleanResult early = log.clean(1'500);  // 500 ms after the tombstone: kept
    ASSERT_TRUE(early.cleaned);
    EXPECT_EQ(early.tombstones_removed, 0);
    std::map<int64_t, std::string> after = live(log);
    EXPECT_EQ(after[tombstone.value()], "k7=v2 (tombstone)");
    EXPECT_EQ(after.count(0), 0u) << "the value the tombstone deletes is gone";
    put(log, 0, 100, 3'000);  // something dirty, so the cleaner runs again
    write_rounds(log, 3, 3'000);
    CleanResult late = log.clean(3'000);  // 2 s later, past delete.retention.ms = 1 s
    ASSERT_TRUE(late.cleaned);
    EXPECT_EQ(late.tombstones_removed, 1);
    EXPECT_EQ(live(log).count(tombstone.value()), 0u);
  });
}

TEST(LogCleaner, WaitsForTheDirtyRatio) {
  run_on_node([](sim::NodeContext& ctx) {
    LogConfig c = compacted();
    ASSERT_TRUE(c.set_text("min.cleanable.dirty.ratio", "0.6"));
    PartitionLog log(ctx, kTp, c);
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    write_rounds(log, 15);
    CleanResult first = log.clean(2'000);
    ASSERT_TRUE(first.cleaned);  // all of it dirty: ratio 1
    EXPECT_DOUBLE_EQ(first.dirty_ratio, 1.0);
    write_rounds(log, 1);  // a little more: below 60 % of the cleanable log
    CleanResult second = log.clean(2'000);
    EXPECT_FALSE(second.cleaned) << "dirty ratio " << second.dirty_ratio;
    write_rounds(log, 30);
    EXPECT_TRUE(log.clean(2'000).cleaned);
  });
}

TEST(LogCleaner, CompactedTopicsRefuseRecordsWithoutAKey) {
  run_on_node([](sim::NodeContext& ctx) {
    PartitionLog log(ctx, kTp, compacted());
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    Record keyless{1'000, std::nullopt, "v"};
    EXPECT_EQ(log.append_as_leader(RecordBatch::of(SharedRecords({keyless})), LeaderEpoch(0)).error,
              ErrorCode::kInvalidRecord);
  });
}

TEST(LogCleaner, RetentionDeletesNothingUnderCompactAlone) {
  run_on_node([](sim::NodeContext& ctx) {
    LogConfig c = compacted();
    ASSERT_TRUE(c.set("retention.ms", 1));
    PartitionLog log(ctx, kTp, c);
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    write_rounds(log, 15);
    EXPECT_EQ(log.delete_old_segments(1'000'000).segments_deleted, 0);
    ASSERT_TRUE(c.set_text("cleanup.policy", "compact,delete"));
    PartitionLog both(ctx, TopicPartition{"both", 0}, c);
    ASSERT_EQ(both.open(), ErrorCode::kNone);
    write_rounds(both, 15);
    EXPECT_GT(both.delete_old_segments(1'000'000).segments_deleted, 0);
  });
}

TEST(LogCleaner, SegmentMsRollsByTimestamp) {
  run_on_node([](sim::NodeContext& ctx) {
    LogConfig c = compacted(1 << 20);
    ASSERT_TRUE(c.set("segment.ms", 1'000));
    PartitionLog log(ctx, kTp, c);
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    put(log, 1, 1, 1'000);
    put(log, 1, 2, 1'900);
    EXPECT_EQ(log.segment_base_offsets().size(), 1u);
    put(log, 1, 3, 2'100);  // 1.1 s after the segment's first batch
    EXPECT_EQ(log.segment_base_offsets().size(), 2u);
    CleanResult r = log.clean(3'000);
    EXPECT_EQ(r.records_removed, 1) << "v1 is superseded by v2 in the closed segment";
  });
}

TEST(LogCleaner, ACleanedLogRecoversAfterPowerLoss) {
  std::map<int64_t, std::string> cleaned;
  run_crash_restart(
      [&](sim::NodeContext& ctx) {
        PartitionLog log(ctx, kTp, compacted());
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        write_rounds(log, 15);
        ASSERT_EQ(log.flush(), ErrorCode::kNone);
        ASSERT_TRUE(log.clean(2'000).cleaned);
        cleaned = live(log);
      },
      [&](sim::NodeContext& ctx) {
        PartitionLog log(ctx, kTp, compacted());
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        EXPECT_EQ(log.recovery_info().truncated_bytes, 0);
        EXPECT_EQ(live(log), cleaned);
      },
      1, testing::disk_options());
}

}  // namespace
}  // namespace broker_model::storage
