// The idempotent producer on the partition: the producer-state table's rules (duplicate of a
// cached batch, sequence gap, fenced epoch, new epoch at sequence 0, unknown producer), and a
// real Partition on a simulated disk answering retries with their original offsets, as
// leader, after a follower takes over, after a truncation and after a restart.
#include <gtest/gtest.h>

#include "broker_model/broker/partition.h"
#include "broker_model/broker/producer_state.h"
#include "storage_test_util.h"

namespace broker_model {
namespace {

using storage::testing::kTp;
using storage::testing::make_batch;
using storage::testing::run_crash_restart;
using storage::testing::run_on_node;

RecordBatch idempotent(int64_t pid, int16_t epoch, int32_t sequence, int records = 3, const std::string& tag = "b") {
  RecordBatch b = make_batch(tag + std::to_string(sequence), records);
  b.producer_id = ProducerId(pid);
  b.producer_epoch = epoch;
  b.base_sequence = sequence;
  return b;
}

// A batch as the log holds it at `offset`.
RecordBatch at_offset(RecordBatch b, int64_t offset) {
  b.base_offset = Offset(offset);
  return b;
}

TEST(ProducerStateTable, UnknownProducerIsAcceptedAtAnySequence) {
  ProducerStateTable t;
  EXPECT_EQ(t.check(idempotent(7, 0, 0)).verdict, ProducerCheck::kAppend);
  EXPECT_EQ(t.check(idempotent(7, 0, 42)).verdict, ProducerCheck::kAppend);  // KIP-360
  EXPECT_EQ(t.check(make_batch("plain")).verdict, ProducerCheck::kAppend);  // not idempotent
}

TEST(ProducerStateTable, RetryOfACachedBatchIsADuplicateWithItsOriginalOffsets) {
  ProducerStateTable t;
  t.update(at_offset(idempotent(7, 0, 0), 10));  // sequences 0..2 at offsets 10..12
  t.update(at_offset(idempotent(7, 0, 3), 20));  // 3..5 at 20..22
  ProducerCheckResult r = t.check(idempotent(7, 0, 0));
  ASSERT_EQ(r.verdict, ProducerCheck::kDuplicate);
  EXPECT_EQ(r.duplicate_of.first_offset, Offset(10));
  EXPECT_EQ(r.duplicate_of.last_offset, Offset(12));
  r = t.check(idempotent(7, 0, 3));
  ASSERT_EQ(r.verdict, ProducerCheck::kDuplicate);
  EXPECT_EQ(r.duplicate_of.first_offset, Offset(20));
  EXPECT_EQ(t.check(idempotent(7, 0, 6)).verdict, ProducerCheck::kAppend);  // the next one
}

TEST(ProducerStateTable, OnlyTheLastFiveBatchesAreRemembered) {
  ProducerStateTable t;
  for (int i = 0; i < 6; ++i) t.update(at_offset(idempotent(7, 0, i * 3), i * 3));
  ASSERT_EQ(t.entry(ProducerId(7))->batches.size(), ProducerStateTable::kMaxBatchesPerProducer);
  // The oldest fell out of the window: a retry of it is out of order, never appended twice.
  ProducerCheckResult r = t.check(idempotent(7, 0, 0));
  EXPECT_EQ(r.verdict, ProducerCheck::kReject);
  EXPECT_EQ(r.error, ErrorCode::kOutOfOrderSequenceNumber);
  EXPECT_EQ(t.check(idempotent(7, 0, 3)).verdict, ProducerCheck::kDuplicate);
}

TEST(ProducerStateTable, AGapIsOutOfOrder) {
  ProducerStateTable t;
  t.update(at_offset(idempotent(7, 0, 0), 0));
  ProducerCheckResult r = t.check(idempotent(7, 0, 4));  // expected 3
  EXPECT_EQ(r.verdict, ProducerCheck::kReject);
  EXPECT_EQ(r.error, ErrorCode::kOutOfOrderSequenceNumber);
  EXPECT_NE(r.reason.find("expected sequence 3"), std::string::npos) << r.reason;
  // A batch overlapping a cached one without matching it is out of order too.
  EXPECT_EQ(t.check(idempotent(7, 0, 1)).error, ErrorCode::kOutOfOrderSequenceNumber);
}

TEST(ProducerStateTable, OlderEpochIsFencedAndANewEpochStartsAtZero) {
  ProducerStateTable t;
  t.update(at_offset(idempotent(7, 1, 0), 0));
  ProducerCheckResult r = t.check(idempotent(7, 0, 3));
  EXPECT_EQ(r.verdict, ProducerCheck::kReject);
  EXPECT_EQ(r.error, ErrorCode::kInvalidProducerEpoch);
  EXPECT_EQ(t.check(idempotent(7, 2, 5)).error, ErrorCode::kOutOfOrderSequenceNumber);
  EXPECT_EQ(t.check(idempotent(7, 2, 0)).verdict, ProducerCheck::kAppend);
  // Once the new epoch is in the log, the old epoch's batches are gone from the cache.
  t.update(at_offset(idempotent(7, 2, 0), 3));
  EXPECT_EQ(t.entry(ProducerId(7))->producer_epoch, 2);
  EXPECT_EQ(t.check(idempotent(7, 1, 0)).error, ErrorCode::kInvalidProducerEpoch);
}

TEST(ProducerStateTable, ProducersAreIndependentAndReapplyingABatchIsHarmless) {
  ProducerStateTable t;
  t.update(at_offset(idempotent(7, 0, 0), 0));
  t.update(at_offset(idempotent(7, 0, 0), 0));  // a rebuild scan and a follower append both saw it
  EXPECT_EQ(t.entry(ProducerId(7))->batches.size(), 1u);
  t.update(at_offset(idempotent(8, 0, 0), 3));
  EXPECT_EQ(t.producer_count(), 2u);
  EXPECT_EQ(t.check(idempotent(8, 0, 3)).verdict, ProducerCheck::kAppend);
  EXPECT_EQ(t.check(idempotent(7, 0, 3)).verdict, ProducerCheck::kAppend);
}

// ------------------------------------------------------------------ a real partition

PartitionConfig durable_config() {
  PartitionConfig c;
  c.log = storage::testing::small_segments(4'000);
  c.log.flush_messages = 1;  // every append fsynced: the restart test keeps everything
  return c;
}

PartitionRegistration leader_reg(int32_t epoch, BrokerId leader = BrokerId(0)) {
  PartitionRegistration r;
  r.replicas = {BrokerId(0), BrokerId(1)};
  r.isr = {leader};
  r.leader = leader;
  r.leader_epoch = LeaderEpoch(epoch);
  r.partition_epoch = PartitionEpoch(epoch);
  return r;
}

ProducePartitionResponse produce(Partition& p, const RecordBatch& b) {
  return p.produce(b, kAcksAll, sim::seconds(1));
}

TEST(PartitionIdempotence, LeaderAnswersARetryWithTheOriginalOffsetAndRejectsGapsAndOldEpochs) {
  run_on_node([](sim::NodeContext& ctx) {
    Partition p(ctx, BrokerId(0), kTp, durable_config(), nullptr);
    ASSERT_EQ(p.open(), ErrorCode::kNone);
    p.apply(leader_reg(1));
    ASSERT_TRUE(p.is_leader());
    ASSERT_EQ(produce(p, make_batch("plain", 2)).base_offset, Offset(0));
    ProducePartitionResponse first = produce(p, idempotent(5, 0, 0));
    ASSERT_EQ(first.error, ErrorCode::kNone);
    EXPECT_EQ(first.base_offset, Offset(2));
    ProducePartitionResponse second = produce(p, idempotent(5, 0, 3));
    EXPECT_EQ(second.base_offset, Offset(5));
    // The retry of the first batch: success, its original offset, nothing appended.
    ProducePartitionResponse retry = produce(p, idempotent(5, 0, 0));
    EXPECT_EQ(retry.error, ErrorCode::kNone);
    EXPECT_EQ(retry.base_offset, Offset(2));
    EXPECT_EQ(p.log().log_end_offset(), Offset(8));
    EXPECT_EQ(produce(p, idempotent(5, 0, 9)).error, ErrorCode::kOutOfOrderSequenceNumber);
    EXPECT_EQ(produce(p, idempotent(5, 1, 0)).error, ErrorCode::kNone);  // epoch bump, sequence 0
    EXPECT_EQ(produce(p, idempotent(5, 0, 6)).error, ErrorCode::kInvalidProducerEpoch);
    EXPECT_EQ(p.log().log_end_offset(), Offset(11));
  });
}

TEST(PartitionIdempotence, FollowerKeepsProducerStateAndAnswersRetriesAfterTakingOver) {
  run_on_node([](sim::NodeContext& ctx) {
    Partition p(ctx, BrokerId(1), kTp, durable_config(), nullptr);
    ASSERT_EQ(p.open(), ErrorCode::kNone);
    EXPECT_FALSE(p.producer_state_stale());  // an empty log: the empty state is exact
    p.apply(leader_reg(1, BrokerId(0)));
    ASSERT_TRUE(p.is_follower());
    // What the leader (broker 0) appended, replicated as it is.
    std::vector<RecordBatch> from_leader = {at_offset(idempotent(5, 0, 0), 0), at_offset(idempotent(5, 0, 3), 3)};
    for (auto& b : from_leader) b.partition_leader_epoch = LeaderEpoch(1);
    ASSERT_EQ(p.append_as_follower(from_leader, Offset(6)), ErrorCode::kNone);
    EXPECT_FALSE(p.producer_state_stale());
    ASSERT_NE(p.producer_state().entry(ProducerId(5)), nullptr);
    // Broker 0 dies before answering; broker 1 is elected and gets the producer's retry.
    PartitionRegistration reg = leader_reg(2, BrokerId(1));
    reg.isr = {BrokerId(1)};
    p.apply(reg);
    ASSERT_TRUE(p.is_leader());
    ProducePartitionResponse retry = produce(p, idempotent(5, 0, 3));
    EXPECT_EQ(retry.error, ErrorCode::kNone);
    EXPECT_EQ(retry.base_offset, Offset(3));
    EXPECT_EQ(p.log().log_end_offset(), Offset(6));
  });
}

TEST(PartitionIdempotence, TruncationRebuildsTheStateFromTheLog) {
  run_on_node([](sim::NodeContext& ctx) {
    Partition p(ctx, BrokerId(1), kTp, durable_config(), nullptr);
    ASSERT_EQ(p.open(), ErrorCode::kNone);
    p.apply(leader_reg(1, BrokerId(0)));
    std::vector<RecordBatch> from_leader = {at_offset(idempotent(5, 0, 0), 0), at_offset(idempotent(5, 0, 3), 3),
                                            at_offset(idempotent(5, 0, 6), 6)};
    ASSERT_EQ(p.append_as_follower(from_leader, Offset(0)), ErrorCode::kNone);
    // The new leader never had the last two batches: the follower truncates them away.
    ASSERT_EQ(p.truncate_to(Offset(3), "test"), ErrorCode::kNone);
    EXPECT_TRUE(p.producer_state_stale());
    PartitionRegistration reg = leader_reg(2, BrokerId(1));
    reg.isr = {BrokerId(1)};
    p.apply(reg);
    // The state now says what the log says: sequence 0..2 is there, 3..5 is not.
    EXPECT_EQ(produce(p, idempotent(5, 0, 0)).base_offset, Offset(0));   // duplicate
    EXPECT_FALSE(p.producer_state_stale());
    EXPECT_EQ(produce(p, idempotent(5, 0, 6)).error, ErrorCode::kOutOfOrderSequenceNumber);
    ProducePartitionResponse again = produce(p, idempotent(5, 0, 3));   // appended anew, once
    EXPECT_EQ(again.error, ErrorCode::kNone);
    EXPECT_EQ(again.base_offset, Offset(3));
    EXPECT_EQ(p.log().log_end_offset(), Offset(6));
  });
}

TEST(PartitionIdempotence, RestartRecoversProducerStateByScanningTheLog) {
  sim::NodeOptions options = storage::testing::disk_options();
  run_crash_restart(
      [](sim::NodeContext& ctx) {
        Partition p(ctx, BrokerId(0), kTp, durable_config(), nullptr);
        ASSERT_EQ(p.open(), ErrorCode::kNone);
        p.apply(leader_reg(1));
        for (int i = 0; i < 4; ++i) ASSERT_EQ(produce(p, idempotent(5, 0, i * 3)).error, ErrorCode::kNone);
        ASSERT_EQ(produce(p, idempotent(6, 3, 0)).error, ErrorCode::kNone);
      },
      [](sim::NodeContext& ctx) {
        Partition p(ctx, BrokerId(0), kTp, durable_config(), nullptr);
        ASSERT_EQ(p.open(), ErrorCode::kNone);
        EXPECT_TRUE(p.producer_state_stale());
        p.apply(leader_reg(2));
        EXPECT_EQ(produce(p, idempotent(5, 0, 9)).base_offset, Offset(9));  // the last batch: a duplicate
        EXPECT_EQ(produce(p, idempotent(5, 0, 3)).base_offset, Offset(3));
        EXPECT_EQ(produce(p, idempotent(6, 2, 3)).error, ErrorCode::kInvalidProducerEpoch);
        EXPECT_EQ(p.producer_state().producer_count(), 2u);
        EXPECT_EQ(p.log().log_end_offset(), Offset(15));
        EXPECT_EQ(produce(p, idempotent(5, 0, 12)).base_offset, Offset(15));
      },
      /*seed=*/3, options, sim::seconds(10));
}

}  // namespace
}  // namespace broker_model
