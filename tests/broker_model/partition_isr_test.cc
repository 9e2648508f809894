// The leader's high watermark while an ISR change is unsettled. The controller may commit an
// AlterPartition whose answer never reaches the leader (lost, timed out, controller failover);
// from then on the controller counts the proposed members as in sync and may elect one of them
// leader in a clean election. So until the outcome is known the leader's high watermark must
// wait for the proposed members too (Kafka's maximal ISR): otherwise it acknowledges acks=all
// writes that the new leader lacks, and they are truncated away (the swarm's seed 47 on
// ci/acks-all-swarm.yaml at 6841a9c lost 1,041 writes this way).
#include <gtest/gtest.h>

#include "broker_model/broker/partition.h"
#include "storage_test_util.h"

namespace broker_model {
namespace {

using storage::testing::kTp;
using storage::testing::make_batch;
using storage::testing::run_on_node;

PartitionRegistration leader_with_isr(std::vector<BrokerId> isr) {
  PartitionRegistration r;
  r.replicas = {BrokerId(0), BrokerId(1), BrokerId(2)};
  r.isr = std::move(isr);
  r.leader = BrokerId(0);
  r.leader_epoch = LeaderEpoch(1);
  r.partition_epoch = PartitionEpoch(1);
  return r;
}

void follower_fetch(Partition& p, BrokerId follower, Offset at) {
  FetchPartition f{kTp, at, LeaderEpoch(1)};
  ASSERT_EQ(p.fetch(f, follower).error, ErrorCode::kNone);
}

PartitionConfig config() {
  PartitionConfig c;
  c.log = storage::testing::small_segments(64'000);
  return c;
}

TEST(PartitionIsr, HighWatermarkWaitsForAProposedMemberUntilTheChangeSettles) {
  run_on_node([](sim::NodeContext& ctx) {
    Partition p(ctx, BrokerId(0), kTp, config(), nullptr);
    ASSERT_EQ(p.open(), ErrorCode::kNone);
    p.apply(leader_with_isr({BrokerId(0), BrokerId(1)}));
    ASSERT_TRUE(p.is_leader());
    ASSERT_EQ(p.produce(make_batch("a", 3), kAcksLeader, sim::seconds(1)).error, ErrorCode::kNone);
    follower_fetch(p, BrokerId(1), Offset(3));
    ASSERT_EQ(p.high_watermark(), Offset(3));

    // Broker 2 catches up to the high watermark: the leader proposes it back into the ISR.
    follower_fetch(p, BrokerId(2), Offset(3));
    std::optional<IsrProposal> proposal = p.maybe_expand_isr(BrokerId(2));
    ASSERT_TRUE(proposal.has_value());
    p.alter_sent(*proposal);  // sent; the answer is lost
    EXPECT_EQ(p.maximal_isr(), (std::vector<BrokerId>{BrokerId(0), BrokerId(1), BrokerId(2)}));

    // More writes; broker 1 keeps up, broker 2 falls behind.
    ASSERT_EQ(p.produce(make_batch("b", 4), kAcksLeader, sim::seconds(1)).error, ErrorCode::kNone);
    follower_fetch(p, BrokerId(1), Offset(7));
    EXPECT_EQ(p.high_watermark(), Offset(3)) << "the proposed member may already be in the controller's ISR";
    follower_fetch(p, BrokerId(2), Offset(5));
    EXPECT_EQ(p.high_watermark(), Offset(5));

    // The controller says it did not apply the change: the committed ISR alone counts again.
    p.alter_settled(*proposal);
    EXPECT_FALSE(p.alter_in_flight());
    EXPECT_EQ(p.high_watermark(), Offset(7));
  });
}

TEST(PartitionIsr, ANewerRegistrationFromTheMetadataLogSettlesThePendingChange) {
  run_on_node([](sim::NodeContext& ctx) {
    Partition p(ctx, BrokerId(0), kTp, config(), nullptr);
    ASSERT_EQ(p.open(), ErrorCode::kNone);
    p.apply(leader_with_isr({BrokerId(0), BrokerId(1)}));
    ASSERT_EQ(p.produce(make_batch("a", 2), kAcksLeader, sim::seconds(1)).error, ErrorCode::kNone);
    follower_fetch(p, BrokerId(1), Offset(2));
    follower_fetch(p, BrokerId(2), Offset(2));
    std::optional<IsrProposal> proposal = p.maybe_expand_isr(BrokerId(2));
    ASSERT_TRUE(proposal.has_value());
    p.alter_sent(*proposal);
    EXPECT_FALSE(p.maybe_shrink_isr(ctx.now()).has_value()) << "one change at a time";

    // The change committed; the leader learns it from the metadata log, not from the answer.
    PartitionRegistration committed = leader_with_isr({BrokerId(0), BrokerId(1), BrokerId(2)});
    committed.partition_epoch = PartitionEpoch(2);
    p.apply(committed);
    EXPECT_FALSE(p.alter_in_flight());
    EXPECT_EQ(p.isr(), (std::vector<BrokerId>{BrokerId(0), BrokerId(1), BrokerId(2)}));
    // A late answer to the old proposal changes nothing.
    EXPECT_FALSE(p.alter_pending(*proposal));
  });
}

// Fetch long-polls wait on what they read to: a follower to the log end, a consumer to the high
// watermark. An append that does not move the high watermark wakes only followers; a
// high-watermark move only consumers; a new registration (role, epoch, ISR) both.
TEST(PartitionIsr, FetchLongPollsWakeOnlyForWhatTheyRead) {
  run_on_node([](sim::NodeContext& ctx) {
    Partition p(ctx, BrokerId(0), kTp, config(), nullptr);
    ASSERT_EQ(p.open(), ErrorCode::kNone);
    p.apply(leader_with_isr({BrokerId(0), BrokerId(1)}));
    int follower_wakes = 0, consumer_wakes = 0;
    bool stop = false;
    auto waiter = [&](bool follower, int& wakes) {
      while (!stop)
        if (p.fetch_waiters(follower).wait_until(ctx.sim_deadline(sim::seconds(10)))) ++wakes;
    };
    ctx.spawn("follower-long-poll", [&] { waiter(true, follower_wakes); });
    ctx.spawn("consumer-long-poll", [&] { waiter(false, consumer_wakes); });
    ctx.sleep_for(sim::milliseconds(1));

    // Broker 1 has not fetched: the append is not committed, the high watermark stays.
    ASSERT_EQ(p.produce(make_batch("a", 3), kAcksLeader, sim::seconds(1)).error, ErrorCode::kNone);
    ctx.sleep_for(sim::milliseconds(1));
    EXPECT_EQ(p.high_watermark(), Offset(0));
    EXPECT_EQ(follower_wakes, 1);
    EXPECT_EQ(consumer_wakes, 0);

    // Broker 1 fetches past it: the high watermark moves.
    follower_fetch(p, BrokerId(1), Offset(3));
    ctx.sleep_for(sim::milliseconds(1));
    EXPECT_EQ(p.high_watermark(), Offset(3));
    EXPECT_EQ(follower_wakes, 1);
    EXPECT_EQ(consumer_wakes, 1);

    // The controller commits an ISR change: every waiter re-checks.
    PartitionRegistration grown = leader_with_isr({BrokerId(0), BrokerId(1), BrokerId(2)});
    grown.partition_epoch = PartitionEpoch(2);
    p.apply(grown);
    ctx.sleep_for(sim::milliseconds(1));
    EXPECT_EQ(follower_wakes, 2);
    EXPECT_EQ(consumer_wakes, 2);

    // A last change wakes both so they end before `p` goes out of scope.
    stop = true;
    PartitionRegistration shrunk = leader_with_isr({BrokerId(0), BrokerId(1)});
    shrunk.partition_epoch = PartitionEpoch(3);
    p.apply(shrunk);
    ctx.sleep_for(sim::milliseconds(1));
    EXPECT_EQ(follower_wakes, 3);
    EXPECT_EQ(consumer_wakes, 3);
  });
}

}  // namespace
}  // namespace broker_model
