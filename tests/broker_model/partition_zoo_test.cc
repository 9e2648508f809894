// The bug zoo's replication and idempotence variants (broker_model/variants.h) at the level of
// one Partition: each does what its historical bug did, and the same steps without it keep
// Kafka's rule. These pin the mechanism; docs/bug-zoo.md says which scenarios and seeds show
// the consequences end to end (and which the lab does not find yet).
#include <gtest/gtest.h>

#include "broker_model/broker/partition.h"
#include "storage_test_util.h"

namespace broker_model {
namespace {

using storage::testing::kTp;
using storage::testing::make_batch;
using storage::testing::run_on_node;

PartitionRegistration leader_reg(std::vector<BrokerId> isr, int32_t epoch) {
  PartitionRegistration r;
  r.replicas = {BrokerId(0), BrokerId(1), BrokerId(2)};
  r.isr = std::move(isr);
  r.leader = BrokerId(0);
  r.leader_epoch = LeaderEpoch(epoch);
  r.partition_epoch = PartitionEpoch(epoch);
  return r;
}

PartitionConfig config_with(std::optional<Variant> v) {
  PartitionConfig c;
  c.log = storage::testing::small_segments(64'000);
  if (v) c.variants.set(*v);
  return c;
}

void fetch_at(Partition& p, BrokerId follower, Offset at, int32_t epoch) {
  FetchPartition f{kTp, at, LeaderEpoch(epoch)};
  ASSERT_EQ(p.fetch(f, follower).error, ErrorCode::kNone);
}

// KAFKA-7128: a new leader whose high watermark lags the start of its epoch. A follower at
// that high watermark rejoins the ISR with the variant, not without it.
void isr_expansion_below_epoch_start(std::optional<Variant> v, bool expect_expansion) {
  run_on_node([&](sim::NodeContext& ctx) {
    Partition p(ctx, BrokerId(0), kTp, config_with(v), nullptr);
    ASSERT_EQ(p.open(), ErrorCode::kNone);
    p.apply(leader_reg({BrokerId(0), BrokerId(1)}, 1));
    ASSERT_EQ(p.produce(make_batch("a", 10), kAcksLeader, sim::seconds(1)).error, ErrorCode::kNone);
    fetch_at(p, BrokerId(1), Offset(4), 1);
    ASSERT_EQ(p.high_watermark(), Offset(4));
    p.apply(leader_reg({BrokerId(0), BrokerId(1)}, 2));  // leader again, epoch 2 starts at 10
    fetch_at(p, BrokerId(2), Offset(4), 2);               // broker 2 reaches the high watermark
    EXPECT_EQ(p.maybe_expand_isr(BrokerId(2)).has_value(), expect_expansion);
  });
}

TEST(PartitionZoo, Kafka7128LetsAFollowerBelowTheEpochStartIntoTheIsr) {
  isr_expansion_below_epoch_start(Variant::kKafka7128IsrExpansion, true);
  isr_expansion_below_epoch_start(std::nullopt, false);
}

// eddy's seed-47 finding: while an expansion is unsettled, the high watermark counts the
// proposed member too; with the variant it does not.
void high_watermark_while_expansion_pending(std::optional<Variant> v, Offset expected) {
  run_on_node([&](sim::NodeContext& ctx) {
    Partition p(ctx, BrokerId(0), kTp, config_with(v), nullptr);
    ASSERT_EQ(p.open(), ErrorCode::kNone);
    p.apply(leader_reg({BrokerId(0), BrokerId(1)}, 1));
    ASSERT_EQ(p.produce(make_batch("a", 3), kAcksLeader, sim::seconds(1)).error, ErrorCode::kNone);
    fetch_at(p, BrokerId(1), Offset(3), 1);
    fetch_at(p, BrokerId(2), Offset(3), 1);
    std::optional<IsrProposal> proposal = p.maybe_expand_isr(BrokerId(2));
    ASSERT_TRUE(proposal.has_value());
    p.alter_sent(*proposal);  // its answer is lost
    ASSERT_EQ(p.produce(make_batch("b", 4), kAcksLeader, sim::seconds(1)).error, ErrorCode::kNone);
    fetch_at(p, BrokerId(1), Offset(7), 1);
    EXPECT_EQ(p.high_watermark(), expected);
  });
}

TEST(PartitionZoo, HwOverCommittedIsrAcknowledgesWhatAProposedMemberLacks) {
  high_watermark_while_expansion_pending(Variant::kHwOverCommittedIsr, Offset(7));
  high_watermark_while_expansion_pending(std::nullopt, Offset(3));
}

// KIP-320: a fetch with an older leader epoch is fenced, unless the variant is on.
void fetch_with_old_epoch(std::optional<Variant> v, ErrorCode expected) {
  run_on_node([&](sim::NodeContext& ctx) {
    Partition p(ctx, BrokerId(0), kTp, config_with(v), nullptr);
    ASSERT_EQ(p.open(), ErrorCode::kNone);
    p.apply(leader_reg({BrokerId(0), BrokerId(1)}, 3));
    ASSERT_EQ(p.produce(make_batch("a", 3), kAcksLeader, sim::seconds(1)).error, ErrorCode::kNone);
    FetchPartition f{kTp, Offset(0), LeaderEpoch(2)};
    EXPECT_EQ(p.fetch(f, BrokerId(1)).error, expected);
    EpochQuery q{kTp, LeaderEpoch(2), LeaderEpoch(2)};
    EXPECT_EQ(p.end_offset_for(q).error, expected);
  });
}

TEST(PartitionZoo, PreKip320ServesAFetchFromAStaleEpoch) {
  fetch_with_old_epoch(Variant::kPreKip320UnfencedFetch, ErrorCode::kNone);
  fetch_with_old_epoch(std::nullopt, ErrorCode::kFencedLeaderEpoch);
}

// KAFKA-5494: the broker keeps five batches per producer; the variant keeps one, so a retry of
// the second-newest batch is no longer recognised as a duplicate.
RecordBatch idempotent(int32_t sequence) {
  RecordBatch b = make_batch("s" + std::to_string(sequence), 2);
  b.producer_id = ProducerId(9);
  b.producer_epoch = 0;
  b.base_sequence = sequence;
  return b;
}

void retry_of_an_older_batch(std::optional<Variant> v, ErrorCode expected) {
  run_on_node([&](sim::NodeContext& ctx) {
    Partition p(ctx, BrokerId(0), kTp, config_with(v), nullptr);
    ASSERT_EQ(p.open(), ErrorCode::kNone);
    p.apply(leader_reg({BrokerId(0)}, 1));
    ASSERT_EQ(p.produce(idempotent(0), kAcksAll, sim::seconds(1)).error, ErrorCode::kNone);
    ASSERT_EQ(p.produce(idempotent(2), kAcksAll, sim::seconds(1)).error, ErrorCode::kNone);
    ProducePartitionResponse retry = p.produce(idempotent(0), kAcksAll, sim::seconds(1));
    EXPECT_EQ(retry.error, expected);
    if (expected == ErrorCode::kNone) {
      EXPECT_EQ(retry.base_offset, Offset(0));  // answered with the original offsets
    }
  });
}

TEST(PartitionZoo, PreKafka5494ForgetsAllButTheLastBatch) {
  retry_of_an_older_batch(Variant::kPreKafka5494OneBatch, ErrorCode::kOutOfOrderSequenceNumber);
  retry_of_an_older_batch(std::nullopt, ErrorCode::kNone);
}

}  // namespace
}  // namespace broker_model
