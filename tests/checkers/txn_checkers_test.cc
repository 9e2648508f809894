// The transaction checkers (checkers/txn_checkers.h) on hand-made histories: each violation
// is found and told, and what is allowed (a read_uncommitted consumer reading aborted records,
// a committed transaction fully visible) is not counted.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "checkers/checkers.h"
#include "checkers/txn_checkers.h"

namespace checkers {
namespace {

using Fate = FinalRecordMeta::Txn;

sim::Instant t(int64_t ms) { return sim::Instant::epoch() + sim::milliseconds(ms); }
const TopicPartition kP0{"orders", 0};
const TopicPartition kP1{"orders", 1};

size_t produce(History& h, uint64_t id, const TopicPartition& tp, int64_t offset) {
  ProduceOp p;
  p.record_id = id;
  p.tp = tp;
  p.invoked = t(offset);
  p.completed = t(offset + 1);
  p.outcome = OpOutcome::kOk;
  p.offset = Offset(offset);
  p.attempts = 1;
  return h.begin_produce(p);
}

// Transaction #n of producer 0: records `ids` (id i on partition i % 2 at offset i), ended at
// `end_ms` with `result`.
void transaction(History& h, int64_t n, std::vector<uint64_t> ids, TxnResult result, int64_t end_ms = 100) {
  TxnOp op;
  op.producer = 0;
  op.number = n;
  op.producer_id = ProducerId(7);
  op.producer_epoch = 0;
  op.begun = t(0);
  op.end_invoked = t(end_ms);
  op.completed = t(end_ms + 5);
  op.commit_intended = result != TxnResult::kAborted;
  op.result = result;
  op.note = "test";
  for (uint64_t id : ids) op.ops.push_back(produce(h, id, id % 2 == 0 ? kP0 : kP1, static_cast<int64_t>(id)));
  h.begin_transaction(op);
}

// The final log: each (id, fate) on partition id % 2 at offset id.
void final_log(History& h, const std::vector<std::pair<uint64_t, Fate>>& records) {
  FinalRead p0, p1;
  p0.tp = kP0;
  p1.tp = kP1;
  p0.complete = p1.complete = true;
  for (const auto& [id, fate] : records) {
    FinalRead& fr = id % 2 == 0 ? p0 : p1;
    fr.records.emplace_back(Offset(static_cast<int64_t>(id)), id);
    FinalRecordMeta m;
    m.txn = fate;
    fr.meta.push_back(m);
  }
  h.final_read(p0);
  h.final_read(p1);
}

void consume(History& h, int consumer, uint64_t id, int64_t at_ms) {
  h.consumed(ConsumeOp{consumer, id % 2 == 0 ? kP0 : kP1, Offset(static_cast<int64_t>(id)), id, t(at_ms), BrokerId(0), false});
}

TEST(TxnCheckers, ACommittedTransactionFullyVisibleIsClean) {
  History h;
  transaction(h, 1, {1, 2, 3}, TxnResult::kCommitted);
  final_log(h, {{1, Fate::kCommitted}, {2, Fate::kCommitted}, {3, Fate::kCommitted}});
  h.set_read_committed(0);
  consume(h, 0, 1, 200);
  TransactionChecks c = check_transactions(h);
  EXPECT_EQ(c.committed, 1);
  EXPECT_EQ(c.aborted_reads.count + c.read_past_lso.count + c.torn_transactions.count + c.lost_committed_writes.count, 0);
}

TEST(TxnCheckers, PartOfACommittedTransactionMissingIsTornAndLost) {
  History h;
  transaction(h, 1, {1, 2, 3}, TxnResult::kCommitted);
  final_log(h, {{1, Fate::kCommitted}, {3, Fate::kAborted}});  // 2 gone, 3 aborted by the log
  TransactionChecks c = check_transactions(h);
  EXPECT_EQ(c.torn_transactions.count, 1);
  EXPECT_EQ(c.lost_committed_writes.count, 2);
  ASSERT_FALSE(c.torn_transactions.examples.empty());
  const Violation& v = c.torn_transactions.examples.front();
  EXPECT_NE(v.summary.find("1 of its 3 records are visible as committed"), std::string::npos) << v.summary;
  std::string story;
  for (const auto& line : v.story) story += line + "\n";
  EXPECT_NE(story.find("began transaction #1"), std::string::npos) << story;
  EXPECT_NE(story.find("does not hold p0#2"), std::string::npos) << story;
  EXPECT_NE(story.find("aborted (an ABORT marker follows it)"), std::string::npos) << story;
}

TEST(TxnCheckers, AWhollyMissingCommittedTransactionIsLostNotTorn) {
  History h;
  transaction(h, 1, {1, 2}, TxnResult::kCommitted);
  final_log(h, {{1, Fate::kOpen}});
  TransactionChecks c = check_transactions(h);
  EXPECT_EQ(c.torn_transactions.count, 0);
  EXPECT_EQ(c.lost_committed_writes.count, 2);
}

TEST(TxnCheckers, AReadCommittedConsumerReadingAnAbortedRecordIsAnAbortedRead) {
  History h;
  transaction(h, 1, {1, 2}, TxnResult::kAborted);
  transaction(h, 2, {4}, TxnResult::kCommitted);
  final_log(h, {{1, Fate::kAborted}, {2, Fate::kCommitted}, {4, Fate::kCommitted}});  // 2: committed later by mistake
  h.set_read_committed(0);
  consume(h, 0, 2, 300);
  consume(h, 1, 1, 300);  // read_uncommitted: allowed
  TransactionChecks c = check_transactions(h);
  EXPECT_EQ(c.aborted_reads.count, 1);
  ASSERT_FALSE(c.aborted_reads.examples.empty());
  EXPECT_NE(c.aborted_reads.examples.front().summary.find("read p0#2 of aborted transaction #1"), std::string::npos)
      << c.aborted_reads.examples.front().summary;
  EXPECT_EQ(c.committed, 1);
  EXPECT_EQ(c.aborted, 1);
}

TEST(TxnCheckers, AReadBeforeTheCommitWasAskedIsPastTheLso) {
  History h;
  transaction(h, 1, {1, 2}, TxnResult::kCommitted, /*end_ms=*/500);
  final_log(h, {{1, Fate::kCommitted}, {2, Fate::kCommitted}});
  h.set_read_committed(0);
  consume(h, 0, 1, 100);  // before commitTransaction was called
  consume(h, 0, 2, 600);
  TransactionChecks c = check_transactions(h);
  EXPECT_EQ(c.read_past_lso.count, 1);
  EXPECT_EQ(c.aborted_reads.count, 0);
}

TEST(TxnCheckers, ARecordOfAnUndecidedTransactionReadCommittedIsPastTheLso) {
  History h;
  transaction(h, 1, {1}, TxnResult::kUnknown);
  final_log(h, {{1, Fate::kOpen}});
  h.set_read_committed(0);
  consume(h, 0, 1, 900);
  EXPECT_EQ(check_transactions(h).read_past_lso.count, 1);
}

// A read_committed consumer skipping aborted records leaves a gap in its offsets that is not
// an order violation; the same gap over committed records is one.
TEST(TxnCheckers, SkippingAbortedRecordsIsNotAnOrderViolation) {
  History h;
  transaction(h, 1, {0, 2, 4}, TxnResult::kCommitted);
  final_log(h, {{0, Fate::kCommitted}, {2, Fate::kAborted}, {4, Fate::kCommitted}});
  h.set_read_committed(0);
  consume(h, 0, 0, 200);
  consume(h, 0, 4, 210);
  EXPECT_EQ(check_order(h).count, 0);
  History g;
  transaction(g, 1, {0, 2, 4}, TxnResult::kCommitted);
  final_log(g, {{0, Fate::kCommitted}, {2, Fate::kCommitted}, {4, Fate::kCommitted}});
  g.set_read_committed(0);
  consume(g, 0, 0, 200);
  consume(g, 0, 4, 210);
  EXPECT_EQ(check_order(g).count, 1);
}

}  // namespace
}  // namespace checkers
