// PartitionLog on the simulated disk: appends as leader and follower, reads across segments,
// follower truncation, retention, concurrent use and disk errors.
#include <gtest/gtest.h>

#include <set>

#include "broker_model/storage/partition_log.h"
#include "storage_test_util.h"

namespace broker_model::storage {
namespace {

using testing::kTp;
using testing::make_batch;
using testing::read_everything;
using testing::run_crash_restart;
using testing::run_on_node;
using testing::small_segments;

// Appends `n` leader batches of 3 records with varying sizes; returns them as stored.
std::vector<RecordBatch> append_n(PartitionLog& log, int n, LeaderEpoch epoch = LeaderEpoch(0),
                                  int64_t timestamp_ms = 1'000, const std::string& tag = "b") {
  std::vector<RecordBatch> out;
  for (int i = 0; i < n; ++i) {
    RecordBatch b = make_batch(tag + std::to_string(i), 3, 20 + static_cast<size_t>(i % 4) * 20, timestamp_ms + i);
    LogAppendInfo info = log.append_as_leader(b, epoch);
    EXPECT_EQ(info.error, ErrorCode::kNone);
    b.base_offset = info.first_offset;
    b.partition_leader_epoch = epoch;
    out.push_back(b);
  }
  return out;
}

void expect_same_batches(const std::vector<RecordBatch>& got, const std::vector<RecordBatch>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].base_offset, want[i].base_offset) << i;
    EXPECT_EQ(got[i].partition_leader_epoch, want[i].partition_leader_epoch) << i;
    EXPECT_EQ(got[i].records, want[i].records) << i;
  }
}

TEST(PartitionLog, AppendAndReadAcrossSegments) {
  run_on_node([](sim::NodeContext& ctx) {
    PartitionLog log(ctx, kTp, small_segments(1'000));
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    EXPECT_EQ(log.dir(), "orders-3/");
    std::vector<RecordBatch> batches = append_n(log, 40);
    EXPECT_EQ(log.log_start_offset(), Offset(0));
    EXPECT_EQ(log.log_end_offset(), Offset(120));
    std::vector<Offset> bases = log.segment_base_offsets();
    EXPECT_GE(bases.size(), 8u);
    int64_t total = 0;
    for (Offset base : bases) {
      std::string data = segment_file_name(log.dir(), base, kLogFileSuffix);
      ASSERT_TRUE(ctx.files().exists(data));
      EXPECT_TRUE(ctx.files().exists(segment_file_name(log.dir(), base, kIndexFileSuffix)));
      EXPECT_LE(*ctx.files().size(data), 1'000);
      total += *ctx.files().size(data);
    }
    EXPECT_EQ(total, log.size_bytes());
    expect_same_batches(read_everything(log), batches);
    // From every offset, mid-batch and mid-segment included: the batch holding it first.
    for (const RecordBatch& b : batches) {
      for (Offset o = b.base_offset; o <= b.last_offset(); o = o + 1) {
        LogReadResult r = log.read(o, 1);
        ASSERT_EQ(r.error, ErrorCode::kNone);
        ASSERT_EQ(r.batches.size(), 1u);
        EXPECT_EQ(r.batches[0].base_offset, b.base_offset);
      }
    }
    // A bounded read spanning segment boundaries returns contiguous whole batches.
    LogReadResult r = log.read(Offset(10), 2'500);
    ASSERT_EQ(r.error, ErrorCode::kNone);
    EXPECT_LE(r.bytes, 2'500);
    EXPECT_GT(r.bytes, 2'500 - 400);
    for (size_t i = 1; i < r.batches.size(); ++i) EXPECT_EQ(r.batches[i].base_offset, r.batches[i - 1].next_offset());
  });
}

TEST(PartitionLog, ReadsOutsideTheLogAreOffsetOutOfRange) {
  run_on_node([](sim::NodeContext& ctx) {
    LogConfig config = small_segments(1'000);
    config.retention_bytes = 0;
    PartitionLog log(ctx, kTp, config);
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    append_n(log, 20);
    LogReadResult beyond = log.read(log.log_end_offset() + 1, 1 << 20);
    EXPECT_EQ(beyond.error, ErrorCode::kOffsetOutOfRange);
    EXPECT_EQ(beyond.log_end_offset, Offset(60));
    LogReadResult at_end = log.read(log.log_end_offset(), 1 << 20);
    EXPECT_EQ(at_end.error, ErrorCode::kNone);
    EXPECT_TRUE(at_end.batches.empty());
    EXPECT_EQ(log.read(Offset(-1), 1 << 20).error, ErrorCode::kOffsetOutOfRange);
    // An upper bound (a high watermark) hides what lies at or above it.
    LogReadResult bounded = log.read(Offset(0), 1 << 20, Offset(7));
    ASSERT_FALSE(bounded.batches.empty());
    EXPECT_LT(bounded.batches.back().last_offset(), Offset(7));
    EXPECT_EQ(bounded.batches.back().next_offset(), Offset(6));
    // Retention moves the log start: below it is out of range too.
    ASSERT_EQ(log.delete_old_segments(0).error, ErrorCode::kNone);
    ASSERT_GT(log.log_start_offset(), Offset(0));
    LogReadResult below = log.read(log.log_start_offset() - 1, 1 << 20);
    EXPECT_EQ(below.error, ErrorCode::kOffsetOutOfRange);
    EXPECT_EQ(below.log_start_offset, log.log_start_offset());
    EXPECT_EQ(log.read(log.log_start_offset(), 1 << 20).error, ErrorCode::kNone);
  });
}

TEST(PartitionLog, LeaderAppendAssignsOffsetsAndStampsTheEpoch) {
  run_on_node([](sim::NodeContext& ctx) {
    PartitionLog log(ctx, kTp, small_segments(2'000));
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    RecordBatch b = make_batch("x", 4);
    b.base_offset = Offset(999);  // the leader's log decides
    b.partition_leader_epoch = LeaderEpoch(42);
    LogAppendInfo first = log.append_as_leader(b, LeaderEpoch(3));
    ASSERT_EQ(first.error, ErrorCode::kNone);
    EXPECT_EQ(first.first_offset, Offset(0));
    EXPECT_EQ(first.last_offset, Offset(3));
    EXPECT_EQ(first.records, 4);
    EXPECT_EQ(first.max_timestamp_ms, 1'003);
    LogAppendInfo second = log.append_as_leader(make_batch("y", 2), LeaderEpoch(3));
    EXPECT_EQ(second.first_offset, Offset(4));
    std::vector<RecordBatch> all = read_everything(log);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].partition_leader_epoch, LeaderEpoch(3));
    EXPECT_EQ(all[0].base_offset, Offset(0));
    EXPECT_EQ(log.leader_epoch_cache().entries(), (std::vector<EpochEntry>{{LeaderEpoch(3), Offset(0)}}));
    EXPECT_EQ(log.append_as_leader(RecordBatch::of({}), LeaderEpoch(3)).error, ErrorCode::kInvalidRecord);
    RecordBatch huge = make_batch("huge", 1, 3'000);
    EXPECT_EQ(log.append_as_leader(huge, LeaderEpoch(3)).error, ErrorCode::kRecordListTooLarge);
    EXPECT_EQ(log.log_end_offset(), Offset(6));
  });
}

TEST(PartitionLog, FollowerAppendKeepsOffsetsAndMustBeContiguous) {
  run_on_node([](sim::NodeContext& ctx) {
    PartitionLog log(ctx, kTp, small_segments(2'000));
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    RecordBatch b0 = make_batch("a");
    b0.partition_leader_epoch = LeaderEpoch(1);
    EXPECT_EQ(log.append_as_follower(b0).error, ErrorCode::kNone);
    RecordBatch gap = make_batch("gap");
    gap.base_offset = Offset(5);
    EXPECT_EQ(log.append_as_follower(gap).error, ErrorCode::kUnexpectedAppendOffset);
    RecordBatch overlap = make_batch("overlap");
    overlap.base_offset = Offset(1);
    EXPECT_EQ(log.append_as_follower(overlap).error, ErrorCode::kUnexpectedAppendOffset);
    RecordBatch b1 = make_batch("b");
    b1.base_offset = Offset(3);
    b1.partition_leader_epoch = LeaderEpoch(4);
    LogAppendInfo info = log.append_as_follower(b1);
    EXPECT_EQ(info.error, ErrorCode::kNone);
    EXPECT_EQ(info.first_offset, Offset(3));
    EXPECT_EQ(log.log_end_offset(), Offset(6));
    EXPECT_EQ(log.leader_epoch_cache().entries(),
              (std::vector<EpochEntry>{{LeaderEpoch(1), Offset(0)}, {LeaderEpoch(4), Offset(3)}}));
    RecordBatch inconsistent = make_batch("c");
    inconsistent.base_offset = Offset(6);
    inconsistent.last_offset_delta = 7;
    EXPECT_EQ(log.append_as_follower(inconsistent).error, ErrorCode::kInvalidRecord);
  });
}

TEST(PartitionLog, FollowerTruncationAcrossASegmentBoundaryIsDurable) {
  std::vector<RecordBatch> kept;
  Offset cut{0};
  std::vector<std::string> deleted_files;
  run_crash_restart(
      [&](sim::NodeContext& ctx) {
        PartitionLog log(ctx, kTp, small_segments(1'000));
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        std::vector<RecordBatch> batches = append_n(log, 30);
        ASSERT_EQ(log.flush(), ErrorCode::kNone);
        std::vector<Offset> bases = log.segment_base_offsets();
        ASSERT_GE(bases.size(), 5u);
        // The second batch of the third segment: a batch boundary inside a segment, two
        // segment boundaries below the end.
        size_t i = 0;
        while (batches[i].base_offset <= bases[2]) ++i;
        cut = batches[i].base_offset;
        kept.assign(batches.begin(), batches.begin() + static_cast<std::ptrdiff_t>(i));
        for (size_t s = 3; s < bases.size(); ++s)
          deleted_files.push_back(segment_file_name(log.dir(), bases[s], kLogFileSuffix));
        ASSERT_EQ(log.truncate_to(cut), ErrorCode::kNone);
        EXPECT_EQ(log.log_end_offset(), cut);
        EXPECT_EQ(log.segment_base_offsets().size(), 3u);
        for (const std::string& f : deleted_files) EXPECT_FALSE(ctx.files().exists(f)) << f;
        expect_same_batches(read_everything(log), kept);
        EXPECT_EQ(log.truncate_to(cut + 100), ErrorCode::kNone) << "above the end: no effect";
        EXPECT_EQ(log.log_end_offset(), cut);
        // The follower then appends the leader's batch at the cut (not flushed).
        RecordBatch next = make_batch("from-new-leader");
        next.base_offset = cut;
        EXPECT_EQ(log.append_as_follower(next).error, ErrorCode::kNone);
      },
      [&](sim::NodeContext& ctx) {
        PartitionLog log(ctx, kTp, small_segments(1'000));
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        EXPECT_EQ(log.log_end_offset(), cut) << "the truncation survived the crash, the unflushed append did not";
        EXPECT_EQ(log.segment_base_offsets().size(), 3u);
        expect_same_batches(read_everything(log), kept);
        for (const std::string& f : deleted_files) EXPECT_FALSE(ctx.files().exists(f)) << f;
      },
      1, testing::disk_options());
}

TEST(PartitionLog, TruncateToASegmentBaseLeavesItEmptyAndActive) {
  run_on_node([](sim::NodeContext& ctx) {
    PartitionLog log(ctx, kTp, small_segments(1'000));
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    append_n(log, 20);
    std::vector<Offset> bases = log.segment_base_offsets();
    ASSERT_EQ(log.truncate_to(bases[1]), ErrorCode::kNone);
    EXPECT_EQ(log.segment_base_offsets(), (std::vector<Offset>{bases[0], bases[1]}));
    EXPECT_TRUE(log.active_segment().empty());
    EXPECT_EQ(log.log_end_offset(), bases[1]);
  });
}

TEST(PartitionLog, TruncateFullyAndStartAtBeginsANewLog) {
  run_crash_restart(
      [](sim::NodeContext& ctx) {
        PartitionLog log(ctx, kTp, small_segments(1'000));
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        append_n(log, 10, LeaderEpoch(2));
        ASSERT_EQ(log.truncate_fully_and_start_at(Offset(500)), ErrorCode::kNone);
        EXPECT_EQ(log.log_start_offset(), Offset(500));
        EXPECT_EQ(log.log_end_offset(), Offset(500));
        EXPECT_EQ(log.segment_base_offsets(), (std::vector<Offset>{Offset(500)}));
        EXPECT_TRUE(log.leader_epoch_cache().empty());
        EXPECT_EQ(ctx.files().list(log.dir()).size(), 3u) << "one segment's two files and the epoch checkpoint";
        EXPECT_EQ(log.read(Offset(0), 100).error, ErrorCode::kOffsetOutOfRange);
        RecordBatch b = make_batch("fresh");
        b.base_offset = Offset(500);
        b.partition_leader_epoch = LeaderEpoch(3);
        EXPECT_EQ(log.append_as_follower(b).error, ErrorCode::kNone);
        EXPECT_EQ(log.flush(), ErrorCode::kNone);
      },
      [](sim::NodeContext& ctx) {
        PartitionLog log(ctx, kTp, small_segments(1'000));
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        EXPECT_EQ(log.log_start_offset(), Offset(500));
        EXPECT_EQ(log.log_end_offset(), Offset(503));
        EXPECT_EQ(log.leader_epoch_cache().entries(), (std::vector<EpochEntry>{{LeaderEpoch(3), Offset(500)}}));
      },
      1, testing::disk_options());
}

TEST(PartitionLog, RetentionByTimeDeletesOldSegmentsButNeverTheActiveOne) {
  run_on_node([](sim::NodeContext& ctx) {
    LogConfig config = small_segments(1'000);
    config.retention_ms = 10'000;
    PartitionLog log(ctx, kTp, config);
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    append_n(log, 12, LeaderEpoch(1), 1'000, "old");
    append_n(log, 12, LeaderEpoch(2), 50'000, "new");
    std::vector<Offset> bases = log.segment_base_offsets();
    // Leading segments whose newest record is more than retention.ms before now (60 s); the
    // one holding the switch from old to new records is not.
    std::vector<RecordBatch> before = read_everything(log);
    size_t expect_deleted = 0;
    for (size_t s = 0; s + 1 < bases.size(); ++s) {
      int64_t max_ts = 0;
      for (const RecordBatch& b : before)
        if (b.base_offset >= bases[s] && b.base_offset < bases[s + 1]) max_ts = std::max(max_ts, b.max_timestamp);
      if (60'000 - max_ts <= 10'000) break;
      ++expect_deleted;
    }
    ASSERT_GE(expect_deleted, 2u);
    RetentionResult r = log.delete_old_segments(60'000);
    EXPECT_EQ(r.error, ErrorCode::kNone);
    EXPECT_EQ(r.segments_deleted, static_cast<int32_t>(expect_deleted));
    EXPECT_EQ(log.log_start_offset(), bases[expect_deleted]);
    for (size_t s = 0; s < expect_deleted; ++s) {
      EXPECT_FALSE(ctx.files().exists(segment_file_name(log.dir(), bases[s], kLogFileSuffix)));
      EXPECT_FALSE(ctx.files().exists(segment_file_name(log.dir(), bases[s], kIndexFileSuffix)));
    }
    EXPECT_EQ(log.leader_epoch_cache().entries().front().start_offset, log.log_start_offset());
    EXPECT_EQ(log.delete_old_segments(60'000).segments_deleted, 0) << "nothing more is old enough";
    // Far in the future everything is old, but the active segment stays.
    Offset end = log.log_end_offset();
    r = log.delete_old_segments(int64_t{1} << 40);
    EXPECT_EQ(log.segment_base_offsets().size(), 1u);
    EXPECT_EQ(log.log_end_offset(), end);
    EXPECT_EQ(log.log_start_offset(), log.active_segment().base_offset());
    EXPECT_FALSE(log.active_segment().empty());
    EXPECT_EQ(log.leader_epoch_cache().entries(), (std::vector<EpochEntry>{{LeaderEpoch(2), log.log_start_offset()}}));
  });
}

TEST(PartitionLog, RetentionByBytesKeepsAtLeastRetentionBytes) {
  run_on_node([](sim::NodeContext& ctx) {
    LogConfig config = small_segments(1'000);
    config.retention_bytes = 2'500;
    PartitionLog log(ctx, kTp, config);
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    append_n(log, 40);
    int64_t size_before = log.size_bytes();
    RetentionResult r = log.delete_old_segments(0);
    EXPECT_EQ(r.error, ErrorCode::kNone);
    EXPECT_GT(r.segments_deleted, 0);
    EXPECT_EQ(r.bytes_deleted, size_before - log.size_bytes());
    EXPECT_GE(log.size_bytes(), 2'500);
    // One more segment gone would leave less than retention.bytes.
    int64_t first_segment_bytes = *ctx.files().size(segment_file_name(log.dir(), log.log_start_offset(), kLogFileSuffix));
    EXPECT_LT(log.size_bytes() - first_segment_bytes, 2'500);
    EXPECT_EQ(log.read(log.log_start_offset(), 1 << 20).error, ErrorCode::kNone);
  });
}

TEST(PartitionLog, RetentionSparesSegmentsAtOrAboveTheHighWatermark) {
  run_on_node([](sim::NodeContext& ctx) {
    LogConfig config = small_segments(1'000);
    config.retention_bytes = 0;
    PartitionLog log(ctx, kTp, config);
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    append_n(log, 30);
    std::vector<Offset> bases = log.segment_base_offsets();
    ASSERT_GE(bases.size(), 5u);
    // Segment 1 ends where segment 2 starts: with the high watermark there, 0 and 1 may go.
    RetentionResult r = log.delete_old_segments(0, bases[2]);
    EXPECT_EQ(r.segments_deleted, 2);
    EXPECT_EQ(log.log_start_offset(), bases[2]);
    r = log.delete_old_segments(0, bases[3] - 1);
    EXPECT_EQ(r.segments_deleted, 0);
    r = log.delete_old_segments(0);
    EXPECT_EQ(log.segment_base_offsets().size(), 1u);
  });
}

TEST(PartitionLog, NoRetentionWhenDisabled) {
  run_on_node([](sim::NodeContext& ctx) {
    LogConfig config = small_segments(1'000);
    config.retention_ms = -1;
    config.retention_bytes = -1;
    PartitionLog log(ctx, kTp, config);
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    append_n(log, 20);
    size_t segments = log.segment_base_offsets().size();
    EXPECT_EQ(log.delete_old_segments(int64_t{1} << 50).segments_deleted, 0);
    EXPECT_EQ(log.segment_base_offsets().size(), segments);
  });
}

TEST(PartitionLog, ConcurrentAppendsFromTwoFibersStayContiguous) {
  run_on_node([](sim::NodeContext& ctx) {
    LogConfig config = small_segments(1'500);
    config.flush_messages = 5;  // fsyncs block mid-append, letting the other fiber in
    PartitionLog log(ctx, kTp, config);
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    int done = 0;
    for (const char* who : {"A", "B"}) {
      ctx.spawn(std::string("appender-") + who, [&, who] {
        for (int i = 0; i < 20; ++i) {
          EXPECT_EQ(log.append_as_leader(make_batch(std::string(who) + std::to_string(i)), LeaderEpoch(0)).error,
                    ErrorCode::kNone);
          if (i % 7 == 0) {
            LogReadResult r = log.read(log.log_start_offset(), 4'000);
            EXPECT_EQ(r.error, ErrorCode::kNone);
          }
        }
        ++done;
      });
    }
    while (done < 2) ctx.sleep_for(sim::milliseconds(1));
    std::vector<RecordBatch> all = read_everything(log);
    ASSERT_EQ(all.size(), 40u);
    std::map<char, int> next_index;
    std::set<char> interleaved;
    for (size_t i = 0; i < all.size(); ++i) {
      if (i > 0) {
        EXPECT_EQ(all[i].base_offset, all[i - 1].next_offset());
        if (all[i].records[0].value[0] != all[i - 1].records[0].value[0]) interleaved.insert('x');
      }
      char who = all[i].records[0].value[0];
      EXPECT_EQ(all[i].records[0].value.substr(1, all[i].records[0].value.find('/') - 1),
                std::to_string(next_index[who]++));
    }
    EXPECT_FALSE(interleaved.empty()) << "the two fibers' appends interleave";
  });
}

TEST(PartitionLog, AFailedFsyncTakesTheLogOffline) {
  run_crash_restart(
      [](sim::NodeContext& ctx) {
        LogConfig config;
        config.flush_messages = 1;
        PartitionLog log(ctx, kTp, config);
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        EXPECT_EQ(log.append_as_leader(make_batch("durable"), LeaderEpoch(0)).error, ErrorCode::kNone);
        testing::world_disk(ctx).faults().fail_next_fsyncs = 1;
        LogAppendInfo failed = log.append_as_leader(make_batch("lost"), LeaderEpoch(0));
        EXPECT_EQ(failed.error, ErrorCode::kKafkaStorageError);
        EXPECT_FALSE(failed.flushed);
        EXPECT_TRUE(log.offline());
        EXPECT_EQ(log.read(Offset(0), 1 << 20).error, ErrorCode::kKafkaStorageError);
        EXPECT_EQ(log.append_as_leader(make_batch("refused"), LeaderEpoch(0)).error, ErrorCode::kKafkaStorageError);
        EXPECT_EQ(log.flush(), ErrorCode::kKafkaStorageError) << "a later fsync must not pretend all is well";
      },
      [](sim::NodeContext& ctx) {
        LogConfig config;
        config.flush_messages = 1;
        PartitionLog log(ctx, kTp, config);
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        EXPECT_FALSE(log.offline());
        EXPECT_EQ(log.log_end_offset(), Offset(3)) << "the batch whose fsync failed never reached the platter";
      },
      1, testing::disk_options());
}

TEST(PartitionLog, AFullDiskTakesTheLogOffline) {
  run_on_node([](sim::NodeContext& ctx) {
    PartitionLog log(ctx, kTp, LogConfig{});
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    EXPECT_EQ(log.append_as_leader(make_batch("fits"), LeaderEpoch(0)).error, ErrorCode::kNone);
    testing::world_disk(ctx).faults().full = true;
    EXPECT_EQ(log.append_as_leader(make_batch("no room"), LeaderEpoch(0)).error, ErrorCode::kKafkaStorageError);
    EXPECT_TRUE(log.offline());
    EXPECT_EQ(log.log_end_offset(), Offset(3));
  });
}

// A log going offline tells its directory's failure channel once, with what failed (the
// broker halts on it, as Kafka's LogDirFailureHandler does): an fsync at a segment roll
// failing with EIO, and a write failing with ENOSPC.
TEST(PartitionLog, AnIoFailureIsReportedToTheLogDirFailureChannelOnce) {
  run_on_node([](sim::NodeContext& ctx) {
    std::vector<std::string> failures;
    LogDirFailureChannel channel(
        [&](std::string_view log, std::string_view during) { failures.push_back(std::string(log) + " " + std::string(during)); });
    PartitionLog log(ctx, kTp, small_segments(400));
    log.set_failure_channel(&channel);
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    EXPECT_EQ(log.append_as_leader(make_batch("a"), LeaderEpoch(0)).error, ErrorCode::kNone);
    EXPECT_TRUE(failures.empty());
    testing::world_disk(ctx).faults().fsync_error_probability = 1.0;
    ErrorCode e = ErrorCode::kNone;
    for (int i = 0; i < 10 && e == ErrorCode::kNone; ++i) e = log.append_as_leader(make_batch("b"), LeaderEpoch(0)).error;
    EXPECT_EQ(e, ErrorCode::kKafkaStorageError) << "a roll flushes the old segment: its fsync fails";
    EXPECT_EQ(failures, (std::vector<std::string>{kTp.str() + "/ roll"}));
    EXPECT_TRUE(channel.has_failed());
    // Offline now: further failures do not report again.
    EXPECT_EQ(log.append_as_leader(make_batch("c"), LeaderEpoch(0)).error, ErrorCode::kKafkaStorageError);
    EXPECT_EQ(failures.size(), 1u);
  });
  run_on_node([](sim::NodeContext& ctx) {
    std::vector<std::string> failures;
    LogDirFailureChannel channel(
        [&](std::string_view log, std::string_view during) { failures.push_back(std::string(log) + " " + std::string(during)); });
    PartitionLog log(ctx, kTp, LogConfig{});
    log.set_failure_channel(&channel);
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    testing::world_disk(ctx).faults().full = true;
    EXPECT_EQ(log.append_as_leader(make_batch("no room"), LeaderEpoch(0)).error, ErrorCode::kKafkaStorageError);
    EXPECT_EQ(failures, (std::vector<std::string>{kTp.str() + "/ append"}));
  });
}

// The tail kept in memory answers exactly as the disk would: same batches (every field, the
// CRC included) and the same byte count, for every offset, size limit and upper bound, across
// segment rolls, a follower truncation and odd batches (null keys, padding, producer ids).
void expect_identical(const LogReadResult& a, const LogReadResult& b, const std::string& where) {
  ASSERT_EQ(a.error, b.error) << where;
  ASSERT_EQ(a.bytes, b.bytes) << where;
  ASSERT_EQ(a.batches.size(), b.batches.size()) << where;
  for (size_t i = 0; i < a.batches.size(); ++i) {
    const RecordBatch& x = a.batches[i];
    const RecordBatch& y = b.batches[i];
    EXPECT_EQ(x.base_offset, y.base_offset) << where;
    EXPECT_EQ(x.partition_leader_epoch, y.partition_leader_epoch) << where;
    EXPECT_EQ(x.magic, y.magic) << where;
    EXPECT_EQ(x.crc, y.crc) << where;
    EXPECT_EQ(x.attributes, y.attributes) << where;
    EXPECT_EQ(x.last_offset_delta, y.last_offset_delta) << where;
    EXPECT_EQ(x.base_timestamp, y.base_timestamp) << where;
    EXPECT_EQ(x.max_timestamp, y.max_timestamp) << where;
    EXPECT_EQ(x.producer_id, y.producer_id) << where;
    EXPECT_EQ(x.producer_epoch, y.producer_epoch) << where;
    EXPECT_EQ(x.base_sequence, y.base_sequence) << where;
    EXPECT_EQ(x.records, y.records) << where;
  }
}

TEST(PartitionLog, TailReadsFromMemoryMatchTheDisk) {
  run_on_node([](sim::NodeContext& ctx) {
    PartitionLog log(ctx, kTp, small_segments(1'500));
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    for (int i = 0; i < 30; ++i) {
      RecordBatch b = make_batch("t" + std::to_string(i), 1 + i % 4, 10 + static_cast<size_t>(i % 5) * 30, 5'000 - i * 7);
      if (i % 3 == 0) b.records.mutate()[0].key.reset();
      if (i % 4 == 1) b.records.mutate().back().value_padding = 1000 + i;
      if (i % 5 == 2) {
        b.producer_id = ProducerId(7);
        b.producer_epoch = 2;
        b.base_sequence = i;
        b.attributes = 0x10;
      }
      ASSERT_EQ(log.append_as_leader(b, LeaderEpoch(i < 20 ? 1 : 2)).error, ErrorCode::kNone);
    }
    ASSERT_EQ(log.truncate_to(Offset(50)), ErrorCode::kNone);
    for (int i = 0; i < 6; ++i) {
      RecordBatch b = make_batch("f" + std::to_string(i), 2, 25, 9'000 + i);
      b.base_offset = log.log_end_offset();
      b.partition_leader_epoch = LeaderEpoch(3);
      ASSERT_EQ(log.append_as_follower(b).error, ErrorCode::kNone);
    }
    std::vector<std::optional<Offset>> uppers = {std::nullopt, Offset(40), Offset(55), log.log_end_offset()};
    for (Offset at = log.log_start_offset(); at <= log.log_end_offset(); at = at + 1) {
      for (int64_t max_bytes : {int64_t{0}, int64_t{1}, int64_t{150}, int64_t{700}, int64_t{2'500}, int64_t{1} << 20}) {
        for (const auto& upper : uppers) {
          for (bool min_one : {true, false}) {
            std::string where = "at " + at.str() + " max_bytes " + std::to_string(max_bytes) + " upper " +
                                (upper ? upper->str() : "-") + (min_one ? " min_one" : "");
            LogReadResult cached = log.read(at, max_bytes, upper, min_one);
            testing::world_disk(ctx).model().read_latency = sim::nanoseconds(1);  // the cache is bypassed
            LogReadResult disk = log.read(at, max_bytes, upper, min_one);
            testing::world_disk(ctx).model().read_latency = sim::Duration::zero();
            expect_identical(cached, disk, where);
          }
        }
      }
    }
  });
}

// A flipped bit on the platter reaches the page cache: a read of that batch fails its CRC,
// as it would without the copy in memory.
TEST(PartitionLog, TailCacheStepsAsideAfterCorruption) {
  run_on_node([](sim::NodeContext& ctx) {
    PartitionLog log(ctx, kTp, small_segments(100'000));
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    append_n(log, 5);
    ASSERT_EQ(log.flush(), ErrorCode::kNone);
    ASSERT_EQ(log.read(Offset(3), 1 << 20).error, ErrorCode::kNone);
    std::string data = segment_file_name(log.dir(), Offset(0), kLogFileSuffix);
    int64_t second_batch = log.read(Offset(0), 1).bytes;
    ASSERT_TRUE(testing::world_disk(ctx).corrupt(data, second_batch + 70).has_value());
    EXPECT_EQ(log.read(Offset(3), 1 << 20).error, ErrorCode::kCorruptMessage);
    EXPECT_EQ(log.read(Offset(0), 1).error, ErrorCode::kNone);  // the first batch is intact
  });
}

TEST(LogConfig, SetsByKafkaNameAndValidates) {
  LogConfig c;
  EXPECT_EQ(c.segment_bytes, 1 << 30);
  EXPECT_EQ(c.retention_ms, 604'800'000);
  EXPECT_EQ(c.retention_bytes, -1);
  EXPECT_EQ(c.flush_messages, kLongMax);
  EXPECT_EQ(c.flush_ms, kLongMax);
  EXPECT_EQ(c.index_interval_bytes, 4096);
  EXPECT_TRUE(c.set("segment.bytes", 4096));
  EXPECT_EQ(c.segment_bytes, 4096);
  EXPECT_TRUE(c.set("flush.messages", 1));
  EXPECT_TRUE(c.set("retention.ms", -1));
  EXPECT_FALSE(c.set("segment.bytes", 10));
  EXPECT_FALSE(c.set("segment.bytes", int64_t{1} << 40));
  EXPECT_FALSE(c.set("flush.messages", 0));
  EXPECT_FALSE(c.set("retention.bytes", -2));
  EXPECT_FALSE(c.set("segment_bytes", 4096));
  EXPECT_EQ(c.segment_bytes, 4096);
  EXPECT_TRUE(c.validate().empty());
}

}  // namespace
}  // namespace broker_model::storage
