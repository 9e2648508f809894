// Crashes and damage: the flush policy decides what survives a power cut; recovery cuts a
// torn tail exactly, detects latent corruption, and keeps the log contiguous.
#include <gtest/gtest.h>

#include <tuple>

#include "broker_model/storage/partition_log.h"
#include "sim/prng.h"
#include "storage_test_util.h"

namespace broker_model::storage {
namespace {

using testing::kTp;
using testing::make_batch;
using testing::read_everything;
using testing::run_crash_restart;
using testing::small_segments;

// The stored form of every batch of the log (as read back), keyed by order.
std::vector<std::string> encodings(const std::vector<RecordBatch>& batches) {
  std::vector<std::string> out;
  for (const RecordBatch& b : batches) out.push_back(b.encode());
  return out;
}

// Appends forever, recording each acknowledged batch; the crash cuts it at a seeded time.
void append_until_crash(sim::NodeContext& ctx, PartitionLog& log, std::vector<RecordBatch>& acked) {
  sim::Prng prng = ctx.prng().fork("appender");
  for (int i = 0;; ++i) {
    RecordBatch b = make_batch("a" + std::to_string(i), 1 + static_cast<int>(prng.below(4)),
                               static_cast<size_t>(prng.int_in_range(10, 900)));
    LogAppendInfo info = log.append_as_leader(b, LeaderEpoch(0));
    ASSERT_EQ(info.error, ErrorCode::kNone);
    EXPECT_TRUE(info.flushed || log.config().flush_messages != 1);
    b.base_offset = info.first_offset;
    acked.push_back(b);
    ctx.sleep_for(sim::microseconds(prng.int_in_range(0, 300)));
  }
}

void expect_prefix_kept(const std::vector<RecordBatch>& recovered, const std::vector<RecordBatch>& acked,
                        uint64_t seed) {
  ASSERT_GE(recovered.size(), acked.size()) << "seed " << seed;
  for (size_t i = 0; i < acked.size(); ++i) {
    EXPECT_EQ(recovered[i].base_offset, acked[i].base_offset) << "seed " << seed << " batch " << i;
    EXPECT_EQ(recovered[i].records, acked[i].records) << "seed " << seed << " batch " << i;
  }
}

TEST(LogRecovery, FlushMessagesOneMakesEveryAcknowledgedAppendDurable) {
  for (uint64_t seed = 1; seed <= 24; ++seed) {
    sim::CrashMode mode = seed % 3 == 0 ? sim::CrashMode::kTornLastSector : sim::CrashMode::kLoseUnsynced;
    LogConfig config = small_segments(4'000);
    config.flush_messages = 1;
    std::vector<RecordBatch> acked;
    sim::Duration crash_at = sim::microseconds(10'000 + static_cast<int64_t>(sim::Prng(seed).below(40'000)));
    run_crash_restart(
        [&](sim::NodeContext& ctx) {
          auto& log = ctx.make<PartitionLog>(ctx, kTp, config);
          ASSERT_EQ(log.open(), ErrorCode::kNone);
          append_until_crash(ctx, log, acked);
        },
        [&](sim::NodeContext& ctx) {
          PartitionLog log(ctx, kTp, config);
          ASSERT_EQ(log.open(), ErrorCode::kNone);
          ASSERT_GE(acked.size(), 3u) << "seed " << seed;
          expect_prefix_kept(read_everything(log), acked, seed);
          // At most the one batch in flight at the crash (written, fsync not returned) is
          // there beyond the acknowledged ones.
          EXPECT_LE(log.log_end_offset() - acked.back().next_offset(), 4) << "seed " << seed;
        },
        seed, testing::disk_options(mode), crash_at);
  }
}

TEST(LogRecovery, DefaultFlushPolicyLosesUnsyncedAppends) {
  run_crash_restart(
      [](sim::NodeContext& ctx) {
        PartitionLog log(ctx, kTp, LogConfig{});
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        for (int i = 0; i < 10; ++i)
          ASSERT_EQ(log.append_as_leader(make_batch("x" + std::to_string(i)), LeaderEpoch(0)).error, ErrorCode::kNone);
        EXPECT_EQ(log.unflushed_messages(), 30);
        EXPECT_EQ(log.recovery_point(), Offset(0));
      },
      [](sim::NodeContext& ctx) {
        PartitionLog log(ctx, kTp, LogConfig{});
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        EXPECT_EQ(log.log_end_offset(), Offset(0)) << "acknowledged by the log, never fsynced, gone";
        EXPECT_TRUE(read_everything(log).empty());
      },
      1, testing::disk_options());
  // An explicit flush in the middle: exactly the flushed part survives.
  run_crash_restart(
      [](sim::NodeContext& ctx) {
        PartitionLog log(ctx, kTp, LogConfig{});
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        for (int i = 0; i < 10; ++i) {
          ASSERT_EQ(log.append_as_leader(make_batch("x" + std::to_string(i)), LeaderEpoch(0)).error, ErrorCode::kNone);
          if (i == 4) {
            ASSERT_EQ(log.flush(), ErrorCode::kNone);
          }
        }
        EXPECT_EQ(log.recovery_point(), Offset(15));
        EXPECT_EQ(log.unflushed_messages(), 15);
      },
      [](sim::NodeContext& ctx) {
        PartitionLog log(ctx, kTp, LogConfig{});
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        EXPECT_EQ(log.log_end_offset(), Offset(15));
      },
      1, testing::disk_options());
}

TEST(LogRecovery, RollingFlushesTheOldSegmentLikeKafka) {
  run_crash_restart(
      [](sim::NodeContext& ctx) {
        PartitionLog log(ctx, kTp, small_segments(1'000));
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        for (int i = 0; i < 20; ++i)
          ASSERT_EQ(log.append_as_leader(make_batch("x" + std::to_string(i)), LeaderEpoch(0)).error, ErrorCode::kNone);
        EXPECT_EQ(log.recovery_point(), log.active_segment().base_offset());
      },
      [](sim::NodeContext& ctx) {
        PartitionLog log(ctx, kTp, small_segments(1'000));
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        EXPECT_EQ(log.log_end_offset(), log.active_segment().base_offset()) << "only the active segment was lost";
        EXPECT_TRUE(log.active_segment().empty());
        EXPECT_GT(log.log_end_offset(), Offset(0));
      },
      1, testing::disk_options());
}

TEST(LogRecovery, FlushMsFlushesOnceTheIntervalHasPassed) {
  testing::run_on_node([](sim::NodeContext& ctx) {
    LogConfig config;
    config.flush_ms = 100;
    PartitionLog log(ctx, kTp, config);
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    EXPECT_FALSE(log.append_as_leader(make_batch("a"), LeaderEpoch(0)).flushed);
    ctx.sleep_for(sim::milliseconds(50));
    EXPECT_FALSE(log.append_as_leader(make_batch("b"), LeaderEpoch(0)).flushed);
    EXPECT_EQ(log.unflushed_messages(), 6);
    ctx.sleep_for(sim::milliseconds(60));
    EXPECT_TRUE(log.append_as_leader(make_batch("c"), LeaderEpoch(0)).flushed);
    EXPECT_EQ(log.unflushed_messages(), 0);
    // The periodic flusher: nothing due yet, then due.
    log.append_as_leader(make_batch("d"), LeaderEpoch(0));
    ASSERT_EQ(log.maybe_flush(), ErrorCode::kNone);
    EXPECT_EQ(log.unflushed_messages(), 3);
    ctx.sleep_for(sim::milliseconds(150));
    ASSERT_EQ(log.maybe_flush(), ErrorCode::kNone);
    EXPECT_EQ(log.unflushed_messages(), 0);
    EXPECT_EQ(log.recovery_point(), log.log_end_offset());
  });
}

// A torn last write: recovery keeps every fsynced batch and the unsynced ones that reached
// the platter whole, and cuts exactly the bytes after the last intact batch.
TEST(LogRecovery, TornTailIsCutExactlyAndFsyncedBatchesSurvive) {
  int torn_seen = 0;
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    LogConfig config = small_segments(6'000);
    std::vector<RecordBatch> written;
    Offset flushed_end{0};
    run_crash_restart(
        [&](sim::NodeContext& ctx) {
          PartitionLog log(ctx, kTp, config);
          ASSERT_EQ(log.open(), ErrorCode::kNone);
          sim::Prng prng = ctx.prng().fork("sizes");
          for (int i = 0; i < 14; ++i) {
            RecordBatch b = make_batch("t" + std::to_string(i), 2, static_cast<size_t>(prng.int_in_range(200, 900)));
            ASSERT_EQ(log.append_as_leader(b, LeaderEpoch(1)).error, ErrorCode::kNone);
            if (i == 7) {
              ASSERT_EQ(log.flush(), ErrorCode::kNone);
              flushed_end = log.log_end_offset();
            }
          }
          written = read_everything(log);  // as stored: offsets and epoch stamped
        },
        [&](sim::NodeContext& ctx) {
          // What the crash left in the active segment, before recovery touches it: the
          // longest prefix of intact batches, compared byte for byte with what was written.
          std::vector<std::string> expected = encodings(written);
          std::vector<std::string> files = ctx.files().list(PartitionLog::dir_for(kTp));
          std::string active_file;
          for (const std::string& f : files)
            if (f.ends_with(".log")) active_file = f;  // names sort by base offset
          std::string image = ctx.files().read_all(active_file).data;
          Offset active_base = *parse_segment_file_name(active_file.substr(PartitionLog::dir_for(kTp).size()), ".log");
          size_t first = 0;
          while (first < written.size() && written[first].base_offset < active_base) ++first;
          size_t intact = first;
          int64_t intact_bytes = 0;
          while (intact < expected.size() && image.compare(static_cast<size_t>(intact_bytes), expected[intact].size(),
                                                            expected[intact]) == 0) {
            intact_bytes += static_cast<int64_t>(expected[intact].size());
            ++intact;
          }
          PartitionLog log(ctx, kTp, config);
          ASSERT_EQ(log.open(), ErrorCode::kNone);
          const LogRecoveryInfo& info = log.recovery_info();
          EXPECT_EQ(info.truncated_bytes, static_cast<int64_t>(image.size()) - intact_bytes) << "seed " << seed;
          EXPECT_EQ(*ctx.files().size(active_file), intact_bytes) << "seed " << seed;
          EXPECT_EQ(testing::world_disk(ctx).durable_image(active_file), image.substr(0, static_cast<size_t>(intact_bytes)));
          EXPECT_GE(log.log_end_offset(), flushed_end) << "seed " << seed;
          std::vector<RecordBatch> recovered = read_everything(log);
          ASSERT_EQ(recovered.size(), intact) << "seed " << seed;
          EXPECT_EQ(encodings(recovered), std::vector<std::string>(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(intact)));
          if (info.truncated_bytes > 0) ++torn_seen;
          // The log goes on from the cut.
          Offset end = log.log_end_offset();
          EXPECT_EQ(log.append_as_leader(make_batch("after"), LeaderEpoch(2)).first_offset, end);
        },
        seed, testing::disk_options(sim::CrashMode::kTornLastSector));
  }
  EXPECT_GT(torn_seen, 5) << "torn tails happen and are cut";
}

TEST(LogRecovery, LatentCorruptionInTheMiddleOfTheLastSegmentIsCut) {
  std::vector<RecordBatch> written;
  std::string data_file;
  int64_t corrupt_batch_position = 0;
  run_crash_restart(
      [&](sim::NodeContext& ctx) {
        PartitionLog log(ctx, kTp, LogConfig{});
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        for (int i = 0; i < 12; ++i)
          ASSERT_EQ(log.append_as_leader(make_batch("c" + std::to_string(i)), LeaderEpoch(0)).error, ErrorCode::kNone);
        ASSERT_EQ(log.flush(), ErrorCode::kNone);
        written = read_everything(log);
        data_file = log.active_segment().data_file();
        for (size_t i = 0; i < 6; ++i) corrupt_batch_position += written[i].size_in_bytes();
      },
      [&](sim::NodeContext& ctx) {
        int64_t size_before = *ctx.files().size(data_file);
        PartitionLog log(ctx, kTp, LogConfig{});
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        EXPECT_STREQ(log.recovery_info().truncation_reason, "crc-mismatch");
        EXPECT_EQ(log.recovery_info().truncated_bytes, size_before - corrupt_batch_position);
        EXPECT_EQ(log.log_end_offset(), written[6].base_offset);
        EXPECT_EQ(encodings(read_everything(log)), encodings({written.begin(), written.begin() + 6}));
      },
      1, testing::disk_options(), sim::seconds(100), [&](sim::Disk& disk) {
        // A bit flip inside batch 6's records, on the platter.
        ASSERT_TRUE(disk.corrupt(data_file, corrupt_batch_position + 80).has_value());
      });
}

TEST(LogRecovery, CorruptionInAnEarlierSegmentDropsTheSegmentsAfterIt) {
  std::vector<RecordBatch> written;
  std::vector<Offset> bases;
  std::string damaged_file;
  run_crash_restart(
      [&](sim::NodeContext& ctx) {
        PartitionLog log(ctx, kTp, small_segments(1'000));
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        for (int i = 0; i < 20; ++i)
          ASSERT_EQ(log.append_as_leader(make_batch("c" + std::to_string(i)), LeaderEpoch(0)).error, ErrorCode::kNone);
        ASSERT_EQ(log.flush(), ErrorCode::kNone);
        written = read_everything(log);
        bases = log.segment_base_offsets();
        damaged_file = segment_file_name(log.dir(), bases[1], kLogFileSuffix);
      },
      [&](sim::NodeContext& ctx) {
        PartitionLog log(ctx, kTp, small_segments(1'000));
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        EXPECT_EQ(log.segment_base_offsets(), (std::vector<Offset>{bases[0], bases[1]}));
        EXPECT_EQ(log.recovery_info().segments_deleted, static_cast<int32_t>(bases.size()) - 2);
        EXPECT_EQ(log.log_end_offset(), bases[1]) << "the first batch of segment 1 was hit";
        for (size_t s = 2; s < bases.size(); ++s)
          EXPECT_FALSE(ctx.files().exists(segment_file_name(log.dir(), bases[s], kLogFileSuffix)));
        std::vector<RecordBatch> recovered = read_everything(log);
        ASSERT_FALSE(recovered.empty());
        EXPECT_EQ(recovered.back().next_offset(), bases[1]);
      },
      1, testing::disk_options(), sim::seconds(100),
      [&](sim::Disk& disk) { ASSERT_TRUE(disk.corrupt(damaged_file, 40).has_value()); });
}

TEST(LogRecovery, LeaderEpochsAreRebuiltFromBatchesWhenTheCheckpointIsDamaged) {
  std::string checkpoint;
  std::vector<EpochEntry> expected = {{LeaderEpoch(0), Offset(0)}, {LeaderEpoch(2), Offset(6)},
                                      {LeaderEpoch(5), Offset(12)}};
  run_crash_restart(
      [&](sim::NodeContext& ctx) {
        PartitionLog log(ctx, kTp, small_segments(1'000));
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        for (int epoch : {0, 0, 2, 2, 5}) log.append_as_leader(make_batch("e"), LeaderEpoch(epoch));
        ASSERT_EQ(log.flush(), ErrorCode::kNone);
        EXPECT_EQ(log.leader_epoch_cache().entries(), expected);
        checkpoint = log.leader_epoch_cache().file();
      },
      [&](sim::NodeContext& ctx) {
        PartitionLog log(ctx, kTp, small_segments(1'000));
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        EXPECT_TRUE(log.recovery_info().leader_epoch_checkpoint_corrupt);
        EXPECT_EQ(log.leader_epoch_cache().entries(), expected);
        EXPECT_EQ(log.end_offset_for_epoch(LeaderEpoch(2)), (EpochEndOffset{LeaderEpoch(2), Offset(12)}));
      },
      1, testing::disk_options(), sim::seconds(100),
      [&](sim::Disk& disk) { ASSERT_TRUE(disk.corrupt(checkpoint, 5).has_value()); });
}

// A clean stop does not fsync (the page cache keeps the data); the next incarnation's open
// makes what it recovers durable, so a later power cut cannot take it back.
TEST(LogRecovery, OpenMakesDataLeftUnsyncedByACleanStopDurable) {
  sim::World w(sim::WorldConfig{});
  Offset end_after_power_cut{-1};
  sim::NodeId n = w.add_node("n", [&](sim::NodeContext& ctx) {
    PartitionLog log(ctx, kTp, LogConfig{});
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    if (ctx.incarnation() == 1) {
      for (int i = 0; i < 4; ++i) log.append_as_leader(make_batch("u" + std::to_string(i)), LeaderEpoch(0));
    } else if (ctx.incarnation() == 2) {
      EXPECT_EQ(log.log_end_offset(), Offset(12));
      EXPECT_EQ(log.recovery_point(), Offset(12));
    } else {
      end_after_power_cut = log.log_end_offset();
    }
    ctx.receive();
  }, testing::disk_options());
  w.start(n);
  w.at(sim::Instant::epoch() + sim::seconds(1), [&] { w.shutdown(n); });
  w.at(sim::Instant::epoch() + sim::seconds(2), [&] { w.start(n); });
  w.at(sim::Instant::epoch() + sim::seconds(3), [&] { w.restart(n); });  // power cut
  EXPECT_TRUE(w.run().ok());
  EXPECT_EQ(end_after_power_cut, Offset(12));
}

// Same seed, same run: the crash, the torn write, the recovery and the trace they leave.
TEST(LogRecovery, ACrashAndRecoveryReplaysExactlyFromItsSeed) {
  auto run = [](uint64_t seed) {
    std::vector<RecordBatch> acked;
    std::vector<std::string> recovered;
    uint64_t fingerprint = 0;
    LogConfig config = small_segments(8'000);
    config.flush_messages = 3;
    run_crash_restart(
        [&](sim::NodeContext& ctx) {
          auto& log = ctx.make<PartitionLog>(ctx, kTp, config);
          ASSERT_EQ(log.open(), ErrorCode::kNone);
          append_until_crash(ctx, log, acked);
        },
        [&](sim::NodeContext& ctx) {
          PartitionLog log(ctx, kTp, config);
          ASSERT_EQ(log.open(), ErrorCode::kNone);
          recovered = encodings(read_everything(log));
        },
        seed, testing::disk_options(sim::CrashMode::kTornLastSector), sim::milliseconds(23), {}, &fingerprint);
    return std::make_tuple(fingerprint, acked.size(), recovered);
  };
  for (uint64_t seed : {3, 4}) {
    auto a = run(seed);
    auto b = run(seed);
    EXPECT_EQ(std::get<0>(a), std::get<0>(b)) << "seed " << seed;
    EXPECT_EQ(std::get<1>(a), std::get<1>(b)) << "seed " << seed;
    EXPECT_EQ(std::get<2>(a), std::get<2>(b)) << "seed " << seed;
    EXPECT_FALSE(std::get<2>(a).empty());
  }
  EXPECT_NE(std::get<0>(run(3)), std::get<0>(run(4))) << "a different seed is a different run";
}

}  // namespace
}  // namespace broker_model::storage
