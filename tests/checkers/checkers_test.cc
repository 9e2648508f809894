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
  CheckResult r = check_duplicates(h).duplicates;
  EXPECT_EQ(r.count, 4);
  ASSERT_EQ(r.examples.size(), 4u);
  EXPECT_EQ(r.examples[0].summary, "duplicate: p1#3 appears 2 times in a-0");
  EXPECT_EQ(r.examples[0].story.front(), "at offsets 0 4");
  EXPECT_EQ(r.examples[1].summary, "duplicate: p2#0 appears 3 times in a-0");
  EXPECT_EQ(r.examples[1].story.front(), "at offsets 1 3 5");
  EXPECT_EQ(r.examples[2].story.front(), "at offsets 0 2");
  EXPECT_EQ(r.examples[3].story.front(), "at offsets 3 100");
}

// Duplicated records of an idempotent producer: p1#0's batch was sent twice under one identity
// (the broker should have recognised the retry: a dedup failure); p1#1's was re-stamped by an
// epoch bump between its sends (KIP-360; Kafka cannot recognise it, KAFKA-14034: a duplicate,
// not a dedup failure); p1#2's retry under the identity already appended was refused as out of
// order before the bump (the broker lost its batch metadata: a dedup failure). A producer
// without idempotence (p2#0) is neither.
TEST(Checkers, DuplicatesTellADedupFailureFromAReStampedBatch) {
  History h;
  ack(h, kA0, make_record_id(1, 0), 0);
  ack(h, kA0, make_record_id(1, 1), 1);
  ack(h, kA0, make_record_id(2, 0), 2);
  ack(h, kA0, make_record_id(1, 2), 3);
  auto send = [&](size_t op, int attempt, int64_t pid, int16_t epoch, int32_t seq, const char* result) {
    ProduceAttempt a;
    a.tp = kA0;
    a.attempt = attempt;
    a.sent = t(attempt * 10);
    a.answered = t(attempt * 10 + 5);
    a.broker = BrokerId(0);
    a.result = result;
    a.producer_id = pid < 0 ? kNoProducerId : ProducerId(pid);
    a.producer_epoch = epoch;
    a.base_sequence = seq;
    if (attempt == 1) a.ops = {op};  // as the producer reports them: the records on the first send only
    h.produce_attempt(a);
  };
  send(0, 1, 7, 0, 0, "no response (request.timeout.ms): may have been appended");
  send(0, 2, 7, 0, 0, "acknowledged at offset 3");
  send(1, 1, 7, 0, 2, "NOT_ENOUGH_REPLICAS_AFTER_APPEND");
  send(1, 2, 7, 1, 1, "acknowledged at offset 4");
  send(2, 1, -1, -1, -1, "no response (request.timeout.ms): may have been appended");
  send(2, 2, -1, -1, -1, "acknowledged at offset 5");
  send(3, 1, 7, 0, 5, "no response (request.timeout.ms): may have been appended");
  send(3, 2, 7, 0, 5, "OUT_OF_ORDER_SEQUENCE_NUMBER");
  send(3, 3, 7, 1, 0, "acknowledged at offset 7");
  h.final_read(final_read(kA0, {{0, make_record_id(1, 0)}, {1, make_record_id(1, 1)}, {2, make_record_id(2, 0)},
                                {3, make_record_id(1, 0)}, {4, make_record_id(1, 1)}, {5, make_record_id(2, 0)},
                                {6, make_record_id(1, 2)}, {7, make_record_id(1, 2)}}));
  Duplicates d = check_duplicates(h);
  EXPECT_EQ(d.duplicates.count, 4);
  ASSERT_EQ(d.dedup_failures.count, 2);
  EXPECT_EQ(d.dedup_failures.examples[0].summary, "dedup failure: p1#0 appears 2 times in a-0");
  EXPECT_EQ(d.dedup_failures.examples[1].summary, "dedup failure: p1#2 appears 2 times in a-0");
  EXPECT_NE(d.dedup_failures.examples[1].story.back().find("refused a retry of a batch it may have appended"),
            std::string::npos);
  EXPECT_NE(d.duplicates.note.find("1 record(s) re-stamped by a producer epoch bump"), std::string::npos) << d.duplicates.note;
  EXPECT_NE(d.duplicates.note.find("1 record(s) retried without idempotence"), std::string::npos) << d.duplicates.note;
  bool told = false;
  for (const auto& line : d.duplicates.examples[1].story) told = told || line.find("KAFKA-14034") != std::string::npos;
  EXPECT_TRUE(told);
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

// Retention deleted offsets 0..39 of a-0 (log start 40): the records acknowledged there are
// expired, not lost; a record below the log start that a truncation removed after its
// acknowledgement is lost even though retention later passed its offset too.
TEST(Checkers, RetentionIsNotLoss) {
  History h;
  for (int64_t o = 0; o < 60; ++o) ack(h, kA0, make_record_id(1, static_cast<uint64_t>(o)), o);
  std::vector<std::pair<int64_t, uint64_t>> kept;
  for (int64_t o = 40; o < 60; ++o) kept.emplace_back(o, make_record_id(1, static_cast<uint64_t>(o)));
  FinalRead fr = final_read(kA0, kept);
  fr.start_offset = Offset(40);
  h.final_read(fr);
  h.log_cut(LogCut{t(100), kA0, BrokerId(1), Offset(0), Offset(20), true});
  h.log_cut(LogCut{t(200), kA0, BrokerId(1), Offset(20), Offset(40), true});
  {
    Durability d = check_durability(h);
    EXPECT_EQ(d.lost_writes.count, 0) << d.lost_writes.note;
    EXPECT_EQ(d.expired.count, 40);
    EXPECT_EQ(d.verified, 60);
    ASSERT_FALSE(d.expired.examples.empty());
    EXPECT_NE(d.expired.examples[0].story.back().find("deleted offsets 0..19"), std::string::npos)
        << d.expired.examples[0].story.back();
  }
  // Without the brokers' retention report the same absence is a loss.
  History bare;
  for (const auto& p : h.produces()) bare.begin_produce(p);
  bare.final_read(fr);
  EXPECT_EQ(check_lost_writes(bare).count, 40);
  // A follower's log end cut back over offsets 30..35 after they were acknowledged: those may
  // have been lost before retention came, so they count as lost.
  h.log_cut(LogCut{t(50), kA0, BrokerId(2), Offset(36), Offset(30), false});
  Durability d = check_durability(h);
  EXPECT_EQ(d.lost_writes.count, 6);
  EXPECT_EQ(d.expired.count, 34);
  // A record missing above the final log's start is lost whatever retention did.
  History above;
  for (int64_t o = 0; o < 60; ++o) ack(above, kA0, make_record_id(1, static_cast<uint64_t>(o)), o);
  kept.erase(kept.begin() + 5);  // offset 45
  FinalRead holed = final_read(kA0, kept);
  holed.start_offset = Offset(40);
  above.final_read(holed);
  above.log_cut(LogCut{t(100), kA0, BrokerId(1), Offset(0), Offset(50), true});
  EXPECT_EQ(check_durability(above).lost_writes.count, 1);
}

void consumed(History& h, const TopicPartition& tp, int consumer, uint64_t id, int64_t offset) {
  ConsumeOp c;
  c.consumer = consumer;
  c.tp = tp;
  c.offset = Offset(offset);
  c.record_id = id;
  c.at = t(1000 + offset);
  c.from = BrokerId(0);
  h.consumed(c);
}

// Records a consumer read and that the final log lacks are lost committed data, even when no
// write was acknowledged (acks=0): counted once per record however many consumers read it.
TEST(Checkers, CommittedReadsThatVanishAreLost) {
  History h;
  for (int64_t o = 0; o < 10; ++o) {
    ProduceOp p;
    p.record_id = make_record_id(1, static_cast<uint64_t>(o));
    p.tp = kA0;
    p.outcome = OpOutcome::kUnknown;  // acks=0: never answered
    h.begin_produce(p);
    consumed(h, kA0, 0, p.record_id, o);
    consumed(h, kA0, 1, p.record_id, o);
  }
  // An unclean leader holding offsets 0..5 only, then new records at 6..7.
  std::vector<std::pair<int64_t, uint64_t>> log;
  for (int64_t o = 0; o < 6; ++o) log.emplace_back(o, make_record_id(1, static_cast<uint64_t>(o)));
  log.emplace_back(6, make_record_id(2, 0));
  log.emplace_back(7, make_record_id(2, 1));
  h.final_read(final_read(kA0, log));
  EXPECT_EQ(check_lost_writes(h).count, 0);  // nothing was acknowledged
  CheckResult r = check_lost_reads(h);
  EXPECT_EQ(r.count, 4);
  ASSERT_FALSE(r.examples.empty());
  EXPECT_EQ(r.examples[0].record_id, make_record_id(1, 6));
  EXPECT_NE(r.examples[0].story.back().find("holds p2#0 at offset 6"), std::string::npos) << r.examples[0].story.back();
  EXPECT_EQ(r.note, "20 reads verified");
  // A record read at one offset and found at another is not lost; a partition with no complete
  // final read is not judged.
  History moved;
  consumed(moved, kA0, 0, make_record_id(1, 1), 1);
  consumed(moved, kB2, 0, make_record_id(1, 2), 1);
  moved.final_read(final_read(kA0, {{0, make_record_id(9, 9)}, {1, make_record_id(9, 8)}, {2, make_record_id(1, 1)}}));
  moved.final_read(final_read(kB2, {}, false));
  EXPECT_EQ(check_lost_reads(moved).count, 0);
  // Read, then deleted by retention: expired, not lost.
  History retained;
  consumed(retained, kA0, 0, make_record_id(1, 1), 1);
  FinalRead fr = final_read(kA0, {{5, make_record_id(1, 5)}});
  fr.start_offset = Offset(5);
  retained.final_read(fr);
  EXPECT_EQ(check_lost_reads(retained).count, 1);
  retained.log_cut(LogCut{t(2000), kA0, BrokerId(0), Offset(0), Offset(5), true});
  CheckResult e = check_lost_reads(retained);
  EXPECT_EQ(e.count, 0);
  EXPECT_NE(e.note.find("deleted by retention"), std::string::npos) << e.note;
}

// Per producer and partition, acknowledged records must sit in the final log in send order
// where the producer's configuration promises it; a producer without that promise may reorder.
TEST(Checkers, ProducerOrderIsJudgedWhereTheConfigurationPromisesIt) {
  History h;
  auto send = [&](int producer, uint64_t seq, const TopicPartition& tp, int64_t offset) {
    ProduceOp p;
    p.record_id = make_record_id(static_cast<uint32_t>(producer), seq);
    p.producer = producer;
    p.tp = tp;
    p.invoked = t(static_cast<int64_t>(seq));
    p.completed = t(static_cast<int64_t>(seq) + 10);
    p.outcome = OpOutcome::kOk;
    p.offset = Offset(offset);
    p.acked_by = BrokerId(0);
    p.leader_epoch = LeaderEpoch(0);
    p.attempts = 1;
    h.begin_produce(p);
  };
  // Producer 1 on a-0: sequences 1, 2, 3 land at offsets 0, 2, 1 (3 passed 2: a retried batch
  // behind a later one). On b-2 its records are in order.
  send(1, 1, kA0, 0);
  send(1, 2, kA0, 2);
  send(1, 3, kA0, 1);
  send(1, 4, kB2, 0);
  send(1, 5, kB2, 1);
  // Producer 2 reorders the same way on a-0 (offsets 3, 5, 4).
  send(2, 1, kA0, 3);
  send(2, 2, kA0, 5);
  send(2, 3, kA0, 4);
  h.final_read(final_read(kA0, {{0, make_record_id(1, 1)}, {1, make_record_id(1, 3)}, {2, make_record_id(1, 2)},
                                {3, make_record_id(2, 1)}, {4, make_record_id(2, 3)}, {5, make_record_id(2, 2)}}));
  h.final_read(final_read(kB2, {{0, make_record_id(1, 4)}, {1, make_record_id(1, 5)}}));
  CheckResult both = check_producer_order(h, {1, 2});
  EXPECT_EQ(both.count, 2);
  ASSERT_FALSE(both.examples.empty());
  EXPECT_EQ(both.examples[0].summary, "producer 1 sent p1#2 before p1#3, but a-0 holds them at offsets 2 and 1");
  EXPECT_EQ(check_producer_order(h, {1}).count, 1);
  EXPECT_EQ(check_producer_order(h, {}).count, 0);  // nobody promised order
  // A record held twice counts where it was acknowledged (a retry appended it again later).
  h = History{};
  send(1, 1, kA0, 0);
  send(1, 2, kA0, 1);
  h.final_read(final_read(kA0, {{0, make_record_id(1, 1)}, {1, make_record_id(1, 2)}, {2, make_record_id(1, 1)}}));
  EXPECT_EQ(check_producer_order(h, {1}).count, 0);
}

}  // namespace
}  // namespace checkers
