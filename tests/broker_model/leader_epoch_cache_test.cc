// The leader epoch cache: OffsetsForLeaderEpoch answers as in KIP-101/KIP-279, Kafka's
// assign and truncation rules, the checkpoint surviving restarts and detecting damage, and
// a follower using it to truncate a divergent log.
#include <gtest/gtest.h>

#include "broker_model/storage/leader_epoch_cache.h"
#include "broker_model/storage/partition_log.h"
#include "storage_test_util.h"

namespace broker_model::storage {
namespace {

using testing::make_batch;
using testing::read_everything;
using testing::run_crash_restart;
using testing::run_on_node;

EpochEndOffset answer(int32_t epoch, int64_t offset) { return {LeaderEpoch(epoch), Offset(offset)}; }

// Epochs 0 at 0, 1 at 5, 3 at 12 (epoch 2 never wrote anything here); log end 20.
void assign_example(LeaderEpochCache& cache) {
  ASSERT_EQ(cache.assign(LeaderEpoch(0), Offset(0)), ErrorCode::kNone);
  ASSERT_EQ(cache.assign(LeaderEpoch(1), Offset(5)), ErrorCode::kNone);
  ASSERT_EQ(cache.assign(LeaderEpoch(3), Offset(12)), ErrorCode::kNone);
}

TEST(LeaderEpochCache, EndOffsetForAnswersLikeOffsetsForLeaderEpoch) {
  run_on_node([](sim::NodeContext& ctx) {
    LeaderEpochCache cache(ctx.files(), "t-0/");
    ASSERT_EQ(cache.load(), ErrorCode::kNone);
    EXPECT_TRUE(cache.end_offset_for(LeaderEpoch(0), Offset(0)).undefined()) << "empty cache";
    assign_example(cache);
    Offset leo(20);
    // KIP-101: an epoch ends where the next one starts.
    EXPECT_EQ(cache.end_offset_for(LeaderEpoch(0), leo), answer(0, 5));
    EXPECT_EQ(cache.end_offset_for(LeaderEpoch(1), leo), answer(1, 12));
    // KIP-279: an epoch this replica never saw answers with the largest epoch below it.
    EXPECT_EQ(cache.end_offset_for(LeaderEpoch(2), leo), answer(1, 12));
    // The latest epoch ends at the log end.
    EXPECT_EQ(cache.end_offset_for(LeaderEpoch(3), leo), answer(3, 20));
    // Newer than anything known, or undefined: undefined.
    EXPECT_EQ(cache.end_offset_for(LeaderEpoch(4), leo), (EpochEndOffset{kUndefinedEpoch, kUndefinedEpochOffset}));
    EXPECT_TRUE(cache.end_offset_for(kUndefinedEpoch, leo).undefined());
    // Older than every known epoch (its entries were truncated away with the log start):
    // the requested epoch, ending where the first known one starts.
    ASSERT_EQ(cache.truncate_from_start(Offset(7)), ErrorCode::kNone);
    EXPECT_EQ(cache.entries(), (std::vector<EpochEntry>{{LeaderEpoch(1), Offset(7)}, {LeaderEpoch(3), Offset(12)}}));
    EXPECT_EQ(cache.end_offset_for(LeaderEpoch(0), leo), answer(0, 7));
  });
}

TEST(LeaderEpochCache, AssignIgnoresStaleEpochsAndDropsEpochsThatNeverWrote) {
  run_on_node([](sim::NodeContext& ctx) {
    LeaderEpochCache cache(ctx.files(), "t-0/");
    ASSERT_EQ(cache.load(), ErrorCode::kNone);
    assign_example(cache);
    std::vector<EpochEntry> before = cache.entries();
    EXPECT_EQ(cache.assign(LeaderEpoch(3), Offset(15)), ErrorCode::kNone);  // same epoch: no-op
    EXPECT_EQ(cache.assign(LeaderEpoch(2), Offset(30)), ErrorCode::kNone);  // stale: ignored
    EXPECT_EQ(cache.entries(), before);
    // A leader elected for epoch 4 at offset 20 that then loses leadership before writing;
    // epoch 5 starts at the same offset and replaces it (Kafka drops such entries).
    EXPECT_EQ(cache.assign(LeaderEpoch(4), Offset(20)), ErrorCode::kNone);
    EXPECT_EQ(cache.assign(LeaderEpoch(5), Offset(20)), ErrorCode::kNone);
    EXPECT_EQ(cache.latest_entry(), (EpochEntry{LeaderEpoch(5), Offset(20)}));
    EXPECT_EQ(cache.entries().size(), 4u);
    // A newer epoch starting below existing entries removes those it conflicts with.
    EXPECT_EQ(cache.assign(LeaderEpoch(6), Offset(10)), ErrorCode::kNone);
    EXPECT_EQ(cache.entries(), (std::vector<EpochEntry>{{LeaderEpoch(0), Offset(0)}, {LeaderEpoch(1), Offset(5)},
                                                        {LeaderEpoch(6), Offset(10)}}));
  });
}

TEST(LeaderEpochCache, TruncationFromEndAndStartFollowKafka) {
  run_on_node([](sim::NodeContext& ctx) {
    LeaderEpochCache cache(ctx.files(), "t-0/");
    ASSERT_EQ(cache.load(), ErrorCode::kNone);
    assign_example(cache);
    ASSERT_EQ(cache.truncate_from_end(Offset(13)), ErrorCode::kNone);  // epoch 3 still has offset 12
    EXPECT_EQ(cache.entries().size(), 3u);
    ASSERT_EQ(cache.truncate_from_end(Offset(12)), ErrorCode::kNone);  // epoch 3's first offset is gone
    EXPECT_EQ(cache.latest_epoch(), LeaderEpoch(1));
    ASSERT_EQ(cache.truncate_from_start(Offset(5)), ErrorCode::kNone);
    EXPECT_EQ(cache.entries(), (std::vector<EpochEntry>{{LeaderEpoch(1), Offset(5)}}));
    ASSERT_EQ(cache.truncate_from_start(Offset(9)), ErrorCode::kNone);
    EXPECT_EQ(cache.entries(), (std::vector<EpochEntry>{{LeaderEpoch(1), Offset(9)}}));
    ASSERT_EQ(cache.truncate_from_end(Offset(0)), ErrorCode::kNone);
    EXPECT_TRUE(cache.empty());
  });
}

TEST(LeaderEpochCache, CheckpointFormatIsKafkasPlusACrcLine) {
  std::vector<EpochEntry> entries = {{LeaderEpoch(0), Offset(0)}, {LeaderEpoch(1), Offset(5)}};
  std::string text = LeaderEpochCache::encode(entries);
  EXPECT_TRUE(text.starts_with("0\n2\n0 0\n1 5\ncrc32c ")) << text;
  EXPECT_EQ(LeaderEpochCache::decode(text), entries);
  EXPECT_FALSE(LeaderEpochCache::decode(text.substr(0, text.size() - 1)));
  std::string flipped = text;
  flipped[8] = '6';  // "1 5" -> "1 6": parses, but the crc line catches it
  EXPECT_FALSE(LeaderEpochCache::decode(flipped));
  EXPECT_FALSE(LeaderEpochCache::decode("0\n1\n-1 0\n"));
  EXPECT_FALSE(LeaderEpochCache::decode(LeaderEpochCache::encode({{LeaderEpoch(2), Offset(5)}, {LeaderEpoch(1), Offset(9)}})))
      << "epochs must increase";
  EXPECT_EQ(LeaderEpochCache::decode(LeaderEpochCache::encode({})), std::vector<EpochEntry>{});
}

TEST(LeaderEpochCache, SurvivesACrashAndDetectsACorruptCheckpoint) {
  run_crash_restart(
      [](sim::NodeContext& ctx) {
        LeaderEpochCache cache(ctx.files(), "t-0/");
        ASSERT_EQ(cache.load(), ErrorCode::kNone);
        assign_example(cache);
        ASSERT_EQ(cache.truncate_from_end(Offset(12)), ErrorCode::kNone);
        // A crash in the middle of a checkpoint write leaves a .tmp file behind.
        ctx.files().write(cache.file() + ".tmp", 0, "0\n5\n0 0");
      },
      [](sim::NodeContext& ctx) {
        LeaderEpochCache cache(ctx.files(), "t-0/");
        ASSERT_EQ(cache.load(), ErrorCode::kNone);
        EXPECT_EQ(cache.entries(), (std::vector<EpochEntry>{{LeaderEpoch(0), Offset(0)}, {LeaderEpoch(1), Offset(5)}}));
        EXPECT_FALSE(ctx.files().exists(cache.file() + ".tmp"));
      },
      1, testing::disk_options(sim::CrashMode::kLoseUnsynced));
  run_crash_restart(
      [](sim::NodeContext& ctx) {
        LeaderEpochCache cache(ctx.files(), "t-0/");
        ASSERT_EQ(cache.load(), ErrorCode::kNone);
        assign_example(cache);
      },
      [](sim::NodeContext& ctx) {
        LeaderEpochCache cache(ctx.files(), "t-0/");
        EXPECT_EQ(cache.load(), ErrorCode::kCorruptMessage);
        EXPECT_TRUE(cache.empty());
      },
      2, testing::disk_options(), sim::seconds(100),
      [](sim::Disk& disk) { ASSERT_TRUE(disk.corrupt("t-0/leader-epoch-checkpoint").has_value()); });
}

TEST(LeaderEpochCache, ThePartitionLogKeepsItInStepWithTheLog) {
  run_crash_restart(
      [](sim::NodeContext& ctx) {
        PartitionLog log(ctx, testing::kTp, testing::small_segments(1'000));
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        for (int epoch : {1, 1, 3, 3, 3}) log.append_as_leader(make_batch("e"), LeaderEpoch(epoch));
        // Elected for epoch 4 at the log end, nothing written yet.
        ASSERT_EQ(log.assign_epoch_start_offset(LeaderEpoch(4), log.log_end_offset()), ErrorCode::kNone);
        EXPECT_EQ(log.end_offset_for_epoch(LeaderEpoch(3)), answer(3, 15));
        EXPECT_EQ(log.end_offset_for_epoch(LeaderEpoch(4)), answer(4, 15));
        EXPECT_EQ(log.end_offset_for_epoch(LeaderEpoch(2)), answer(1, 6));
        ASSERT_EQ(log.truncate_to(Offset(9)), ErrorCode::kNone);
        EXPECT_EQ(log.leader_epoch_cache().entries(),
                  (std::vector<EpochEntry>{{LeaderEpoch(1), Offset(0)}, {LeaderEpoch(3), Offset(6)}}));
        ASSERT_EQ(log.flush(), ErrorCode::kNone);
      },
      [](sim::NodeContext& ctx) {
        PartitionLog log(ctx, testing::kTp, testing::small_segments(1'000));
        ASSERT_EQ(log.open(), ErrorCode::kNone);
        EXPECT_FALSE(log.recovery_info().leader_epoch_checkpoint_corrupt);
        EXPECT_EQ(log.leader_epoch_cache().entries(),
                  (std::vector<EpochEntry>{{LeaderEpoch(1), Offset(0)}, {LeaderEpoch(3), Offset(6)}}));
        EXPECT_EQ(log.end_offset_for_epoch(LeaderEpoch(3)), answer(3, 9));
      },
      1, testing::disk_options());
}

// KIP-101's divergence, resolved the KIP-279 way. The leader wrote epoch 1 at offsets 4..5
// that the follower never got; the follower, briefly leader in epoch 2, wrote its own 4..6.
// The leader is back in epoch 3. The follower asks for the end of its latest epoch (2), gets
// (1, 6): "my largest epoch <= 2 is 1, and it ends at 6". The follower's own end offset for
// epoch 1 is 4, so it truncates to min(6, 4) = 4 and then copies the leader from there.
TEST(LeaderEpochCache, AFollowerTruncatesADivergentSuffixAndConverges) {
  run_on_node([](sim::NodeContext& ctx) {
    LogConfig config = testing::small_segments(800);
    PartitionLog leader(ctx, TopicPartition{"t", 0}, config);
    PartitionLog follower(ctx, TopicPartition{"t", 1}, config);  // another replica's disk, in effect
    ASSERT_EQ(leader.open(), ErrorCode::kNone);
    ASSERT_EQ(follower.open(), ErrorCode::kNone);
    auto copy = [](PartitionLog& from, PartitionLog& to, Offset at) {
      LogReadResult r = from.read(at, 1 << 20);
      ASSERT_EQ(r.error, ErrorCode::kNone);
      for (const RecordBatch& b : r.batches) ASSERT_EQ(to.append_as_follower(b).error, ErrorCode::kNone);
    };
    std::vector<Record> two = {Record{1, "k", "v"}, Record{2, "k", "v"}};
    leader.append_as_leader(RecordBatch::of(two), LeaderEpoch(0));  // 0..1
    leader.append_as_leader(RecordBatch::of(two), LeaderEpoch(0));  // 2..3
    copy(leader, follower, Offset(0));
    leader.append_as_leader(RecordBatch::of(two), LeaderEpoch(1));  // 4..5, never replicated
    follower.append_as_leader(RecordBatch::of({Record{9, "f", "diverged"}, Record{9, "f", "x"}, Record{9, "f", "y"}}),
                              LeaderEpoch(2));  // 4..6
    ASSERT_EQ(leader.assign_epoch_start_offset(LeaderEpoch(3), leader.log_end_offset()), ErrorCode::kNone);
    leader.append_as_leader(RecordBatch::of(two), LeaderEpoch(3));  // 6..7

    EpochEndOffset reply = leader.end_offset_for_epoch(*follower.latest_epoch());
    EXPECT_EQ(reply, answer(1, 6));
    EpochEndOffset mine = follower.end_offset_for_epoch(reply.leader_epoch);
    EXPECT_EQ(mine, answer(0, 4)) << "the follower never saw epoch 1: its epoch 0 ends at 4";
    Offset truncate_at = std::min(reply.end_offset, mine.end_offset);
    ASSERT_EQ(follower.truncate_to(truncate_at), ErrorCode::kNone);
    copy(leader, follower, follower.log_end_offset());
    std::vector<std::string> a, b;
    for (const RecordBatch& batch : read_everything(leader)) a.push_back(batch.encode());
    for (const RecordBatch& batch : read_everything(follower)) b.push_back(batch.encode());
    EXPECT_EQ(a, b);
    EXPECT_EQ(follower.leader_epoch_cache().entries(), leader.leader_epoch_cache().entries());
  });
}

}  // namespace
}  // namespace broker_model::storage
