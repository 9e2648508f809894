// The record checkers on hand-made histories: each counts the violation it exists for, with
// the partitions interleaved and named out of order (the checkers number partitions
// without a map search per operation), final reads out of offset order or read twice, and
// record ids a dense table cannot hold (duplicates are then found by sorting).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "checkers/checkers.h"

namespace checkers {
namespace {

sim::Instant t(int64_t ms) { return sim::Instant::epoch() + sim::milliseconds(ms); }

void ack(History& h, const TopicPartition& tp, uint64_t id, int64_t offset) {
  ProduceOp p;
  p.record_id = id;
  p.tp = tp;
  p.invoked = t(offset);
  p.completed = t(offset + 1);
  p.outcome = OpOutcome::kOk;
  p.offset = Offset(offset);
  p.acked_by = BrokerId(1);
  p.leader_epoch = LeaderEpoch(0);
  p.attempts = 1;
  h.begin_produce(p);
}

FinalRead final_read(const TopicPartition& tp, std::vector<std::pair<int64_t, uint64_t>> records, bool complete = true) {
  FinalRead r;
  r.tp = tp;
  r.complete = complete;
  for (const auto& [off, id] : records) r.records.emplace_back(Offset(off), id);
  return r;
}

const TopicPartition kA0{"a", 0}, kA7{"a", 7}, kB2{"b", 2}, kLong0{"bb", 0};

TEST(Checkers, LostWritesAcrossInterleavedPartitions) {
  History h;
  // Interleaved acknowledgements on four partitions of three topics.
  for (int64_t o = 0; o < 10; ++o) {
    ack(h, kB2, make_record_id(1, static_cast<uint64_t>(o)), o);
    ack(h, kA7, make_record_id(2, static_cast<uint64_t>(o)), o);
    ack(h, kA0, make_record_id(3, static_cast<uint64_t>(o)), o);
    ack(h, kLong0, make_record_id(4, static_cast<uint64_t>(o)), o);
  }
  std::vector<std::pair<int64_t, uint64_t>> b2, a7, a0;
  for (int64_t o = 0; o < 10; ++o) {
    b2.emplace_back(o, make_record_id(1, static_cast<uint64_t>(o)));
    if (o != 4) a7.emplace_back(o, make_record_id(2, static_cast<uint64_t>(o)));  // a7 lost offset 4
    // a0 holds its records shifted by one offset: not where acknowledged, yet present.
    a0.emplace_back(o + 1, make_record_id(3, static_cast<uint64_t>(o)));
  }
  a7.emplace_back(4, make_record_id(9, 9));
  h.final_read(final_read(kB2, b2));
  h.final_read(final_read(kA7, a7));
  h.final_read(final_read(kA0, a0));
  // kLong0 has no final read: unverifiable, not lost.
  CheckResult r = check_lost_writes(h);
  EXPECT_EQ(r.count, 1);
  ASSERT_EQ(r.examples.size(), 1u);
  EXPECT_EQ(r.examples[0].record_id, make_record_id(2, 4));
  EXPECT_NE(r.examples[0].summary.find("a-7 offset 4"), std::string::npos) << r.examples[0].summary;
  EXPECT_NE(r.examples[0].story.back().find("holds p9#9 at offset 4"), std::string::npos) << r.examples[0].story.back();
  EXPECT_EQ(r.note, "30 acknowledged records verified, 10 on partitions with no complete final read");
}

TEST(Checkers, TwoAcknowledgementsAtOneOffsetOnInterleavedPartitions) {
  History h;
  ack(h, kB2, make_record_id(1, 0), 5);
  ack(h, kA0, make_record_id(1, 1), 5);  // same offset, another partition: fine
  ack(h, kA7, make_record_id(1, 2), 3);
  ack(h, kB2, make_record_id(1, 3), 5);  // clash with the first
  ack(h, kA7, make_record_id(1, 4), 3);  // clash
  ack(h, kA0, make_record_id(1, 1), 5);  // the same record again: not a clash
  CheckResult r = check_inconsistent_offsets(h);
  EXPECT_EQ(r.count, 2);
  ASSERT_EQ(r.examples.size(), 2u);
  // Reported by (offset, partition): a-7 offset 3 before b-2 offset 5.
  EXPECT_NE(r.examples[0].summary.find("a-7 offset 3"), std::string::npos) << r.examples[0].summary;
  EXPECT_NE(r.examples[1].summary.find("b-2 offset 5: p1#0 and p1#3"), std::string::npos) << r.examples[1].summary;
}

ReplicaState replica(int broker, const TopicPartition& tp, bool leader, int64_t hw, std::vector<BrokerId> isr,
                     std::vector<std::pair<int64_t, uint64_t>> records) {
  ReplicaState s;
  s.broker = BrokerId(broker);
  s.tp = tp;
  s.leader = leader;
  s.high_watermark = Offset(hw);
  s.isr = std::move(isr);
  for (const auto& [off, id] : records) s.records.emplace_back(Offset(off), id);
  s.log_start_offset = s.records.empty() ? Offset(0) : s.records.front().first;
  s.log_end_offset = s.records.empty() ? Offset(0) : s.records.back().first + 1;
  return s;
}

// Replicas in the ISR must agree below the leader's high watermark; a replica outside it,
// and offsets at or above the high watermark, may differ.
TEST(Checkers, ReplicasDivergingBelowTheHighWatermark) {
  History h;
  std::vector<BrokerId> isr = {BrokerId(1), BrokerId(2), BrokerId(3)};
  auto log = [](uint64_t at3, uint64_t at6) {
    return std::vector<std::pair<int64_t, uint64_t>>{{2, 12}, {3, at3}, {4, 14}, {5, 15}, {6, at6}};
  };
  h.replica_state(replica(2, kA0, false, 5, isr, log(13, 16)));
  h.replica_state(replica(1, kA0, true, 6, isr, log(13, 16)));
  h.replica_state(replica(4, kA0, false, 5, isr, log(99, 16)));  // not in the ISR
  h.replica_state(replica(3, kA0, false, 5, isr, log(98, 97)));  // differs at 3 (and at 6, above the hw)
  h.replica_state(replica(1, kB2, true, 3, {BrokerId(1), BrokerId(2)}, {{0, 1}, {1, 2}, {2, 3}}));
  h.replica_state(replica(2, kB2, false, 3, {BrokerId(1), BrokerId(2)}, {{1, 2}, {2, 4}, {3, 5}}));
  CheckResult r = check_inconsistent_offsets(h);
  EXPECT_EQ(r.count, 2);
  ASSERT_EQ(r.examples.size(), 2u);
  EXPECT_EQ(r.examples[0].summary,
            "replicas diverge at a-0 offset 3 below the high watermark 6: broker 2 has p0#13, broker 3 has p0#98");
  EXPECT_EQ(r.examples[1].summary,
            "replicas diverge at b-2 offset 2 below the high watermark 3: broker 1 has p0#3, broker 2 has p0#4");
}

TEST(Checkers, DuplicatesWithDenseAndSpreadOutRecordIds) {
  History h;
  // Dense ids from two producers, p1#3 held twice and p2#0 three times.
  h.final_read(final_read(kA0, {{0, make_record_id(1, 3)}, {1, make_record_id(2, 0)}, {2, make_record_id(1, 4)},
                                {3, make_record_id(2, 0)}, {4, make_record_id(1, 3)}, {5, make_record_id(2, 0)}}));
  // Ids no table covers (0, the top bit, 70 producers): found by sorting.
  std::vector<std::pair<int64_t, uint64_t>> spread = {{0, 0}, {1, ~uint64_t{0}}, {2, 0}, {3, uint64_t{1} << 63}};
  for (int p = 0; p < 70; ++p) spread.emplace_back(4 + p, make_record_id(static_cast<uint32_t>(100 + p), 1));
  spread.emplace_back(100, uint64_t{1} << 63);
  h.final_read(final_read(kB2, spread));
  CheckResult r = check_duplicates(h);
  EXPECT_EQ(r.count, 4);
  ASSERT_EQ(r.examples.size(), 4u);
  EXPECT_EQ(r.examples[0].summary, "duplicate: p1#3 appears 2 times in a-0");
  EXPECT_EQ(r.examples[0].story.front(), "at offsets 0 4");
  EXPECT_EQ(r.examples[1].summary, "duplicate: p2#0 appears 3 times in a-0");
  EXPECT_EQ(r.examples[1].story.front(), "at offsets 1 3 5");
  EXPECT_EQ(r.examples[2].story.front(), "at offsets 0 2");
  EXPECT_EQ(r.examples[3].story.front(), "at offsets 3 100");
}

TEST(Checkers, OrderUsesTheFinalLogEvenReadOutOfOrder) {
  History h;
  // The final log of a-0 read in two pieces, the later offsets first.
  h.final_read(final_read(kA0, {{3, 13}, {4, 14}, {5, 15}}));
  h.final_read(final_read(kA0, {{0, 10}, {1, 11}, {2, 12}}));
  auto consume = [&](int64_t offset, uint64_t id) {
    ConsumeOp c;
    c.tp = kA0;
    c.offset = Offset(offset);
    c.record_id = id;
    c.at = t(offset);
    h.consumed(c);
  };
  consume(0, 10);
  consume(3, 13);  // skipped 1..2, which the final log holds
  consume(2, 12);  // backwards
  CheckResult r = check_order(h);
  EXPECT_EQ(r.count, 2);
  ASSERT_EQ(r.examples.size(), 2u);
  EXPECT_EQ(r.examples[0].summary, "consumer 0 skipped offsets 1..2 of a-0");
  EXPECT_EQ(r.examples[1].summary, "consumer 0 went backwards on a-0: offset 2 after 3");
}

}  // namespace
}  // namespace checkers
