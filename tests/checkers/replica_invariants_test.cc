// The replicas' always-on invariants (checkers/replica_invariants.h) on hand-made
// high-watermark reports: each passes what a correct broker reports and catches its violation.
#include <gtest/gtest.h>

#include "checkers/replica_invariants.h"

namespace checkers {
namespace {

sim::Instant ms(int64_t n) { return sim::Instant::epoch() + sim::milliseconds(n); }
const TopicPartition kTp{"orders", 0};

HighWatermarkReport report(int64_t at, int broker, int epoch, bool leader, int64_t from, int64_t hw, int64_t leo,
                           std::vector<std::pair<Offset, LeaderEpoch>> epochs, uint64_t incarnation = 1) {
  return HighWatermarkReport{ms(at),          kTp,       BrokerId{broker}, incarnation, LeaderEpoch{epoch},
                             leader,          Offset{from}, Offset{hw},     Offset{leo}, std::move(epochs)};
}

std::pair<Offset, LeaderEpoch> at(int64_t offset, int epoch) { return {Offset{offset}, LeaderEpoch{epoch}}; }

TEST(ReplicaInvariants, ACorrectLeaderAndFollowerPass) {
  ReplicaInvariants c;
  c.high_watermark(report(1, 0, 1, true, 0, 10, 12, {at(0, 1)}));
  c.high_watermark(report(2, 1, 1, false, 0, 10, 10, {at(0, 1)}));
  c.high_watermark(report(3, 0, 1, true, 10, 20, 25, {at(0, 1)}));
  // Epoch 2 starts at 20 on the new leader; the follower covers both epochs in one move.
  c.high_watermark(report(4, 1, 2, true, 10, 30, 30, {at(0, 1), at(20, 2)}));
  c.high_watermark(report(5, 2, 2, false, 0, 30, 31, {at(0, 1), at(20, 2)}));
  // A truncation lowers a follower's high watermark: not a leader's, no violation.
  c.high_watermark(report(6, 2, 2, false, 30, 25, 25, {}));
  // A restarted leader (new incarnation) starts again at a lower high watermark.
  c.high_watermark(report(7, 1, 2, true, 0, 5, 30, {at(0, 1)}, 2));
  EXPECT_EQ(c.hw_violations().count, 0) << c.hw_violations().examples.front().summary;
  EXPECT_EQ(c.committed_rewrites().count, 0) << c.committed_rewrites().examples.front().summary;
  EXPECT_NE(c.hw_violations().note.find("7 high-watermark move(s) checked"), std::string::npos);
}

TEST(ReplicaInvariants, AHighWatermarkBeyondTheLogEndIsCaught) {
  ReplicaInvariants c;
  c.high_watermark(report(1, 1, 1, false, 0, 40, 25, {at(0, 1)}));
  ASSERT_EQ(c.hw_violations().count, 1);
  EXPECT_NE(c.hw_violations().examples[0].summary.find("high watermark 40 is beyond its log end offset 25"),
            std::string::npos)
      << c.hw_violations().examples[0].summary;
}

TEST(ReplicaInvariants, ALeaderHighWatermarkGoingBackWithinItsEpochIsCaught) {
  ReplicaInvariants c;
  c.high_watermark(report(1, 0, 3, true, 0, 10, 10, {at(0, 3)}));
  c.high_watermark(report(2, 0, 3, true, 10, 8, 10, {}));
  ASSERT_EQ(c.hw_violations().count, 1);
  EXPECT_NE(c.hw_violations().examples[0].summary.find("went back from 10 to 8 within epoch 3"), std::string::npos);
  // The same broker leading a later epoch starts a new count.
  c.high_watermark(report(3, 0, 4, true, 8, 6, 10, {}));
  EXPECT_EQ(c.hw_violations().count, 1);
}

TEST(ReplicaInvariants, ACommittedOffsetUnderAnotherEpochIsCaught) {
  ReplicaInvariants c;
  // The leader of epoch 2 committed [0, 20): epoch 1 up to 10, epoch 2 from 10.
  c.high_watermark(report(1, 0, 2, true, 0, 20, 20, {at(0, 1), at(10, 2)}));
  // A follower that kept a tail of epoch 1 up to 15 (KIP-279's divergence) moves its high
  // watermark over it.
  c.high_watermark(report(2, 1, 2, false, 0, 18, 18, {at(0, 1), at(15, 2)}));
  ASSERT_EQ(c.committed_rewrites().count, 1);
  EXPECT_NE(c.committed_rewrites().examples[0].summary.find("offset 10: committed in leader epoch 2"),
            std::string::npos)
      << c.committed_rewrites().examples[0].summary;
  // A later leader rewriting committed offsets from 12 on in epoch 3.
  c.high_watermark(report(3, 2, 3, true, 0, 25, 25, {at(0, 1), at(10, 2), at(12, 3)}));
  EXPECT_EQ(c.committed_rewrites().count, 2);
}

TEST(ReplicaInvariants, AnUncleanElectionStartsTheLineageAgain) {
  ReplicaInvariants c;
  c.high_watermark(report(1, 0, 1, true, 0, 20, 20, {at(0, 1)}));
  c.unclean_election(kTp);
  c.high_watermark(report(2, 2, 2, true, 0, 15, 15, {at(0, 1), at(5, 2)}));
  EXPECT_EQ(c.committed_rewrites().count, 0);
}

TEST(ReplicaInvariants, OffsetsNoReportCoveredAreNotJudged) {
  ReplicaInvariants c;
  c.high_watermark(report(1, 0, 1, true, 0, 10, 10, {at(0, 1)}));
  // A replica whose log starts at 50 (truncated fully to the leader's log start).
  c.high_watermark(report(2, 1, 3, false, 50, 60, 60, {at(50, 3)}));
  // Another replica covering the gap [10, 50) with epoch 2: nobody committed it before.
  c.high_watermark(report(3, 2, 3, false, 0, 60, 60, {at(0, 1), at(10, 2), at(50, 3)}));
  EXPECT_EQ(c.committed_rewrites().count, 0) << c.committed_rewrites().examples.front().summary;
}

}  // namespace
}  // namespace checkers
