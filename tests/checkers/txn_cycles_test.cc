// Write/read cycles between transactions (checkers/txn_cycles.h) on hand-made histories: what
// Kafka's model forbids (one transactional.id's transactions interleaved in a log, a cycle of
// reads) is counted as txn_cycles and told; the interleaving of different transactional.ids
// (G0) only as txn_write_cycles; acyclic histories and aborted transactions count nothing.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "checkers/checkers.h"
#include "checkers/txn_cycles.h"

namespace checkers {
namespace {

using Fate = FinalRecordMeta::Txn;

sim::Instant t(int64_t ms) { return sim::Instant::epoch() + sim::milliseconds(ms); }
const TopicPartition kP0{"orders", 0};
const TopicPartition kP1{"orders", 1};

struct Rec {
  uint64_t id;
  TopicPartition tp;
};

// A transaction of `producer` (producer id `pid`) from `begun_ms` to `done_ms` writing `recs`.
size_t txn(History& h, int producer, int64_t pid, int64_t number, int64_t begun_ms, int64_t done_ms,
           const std::vector<Rec>& recs, TxnResult result = TxnResult::kCommitted) {
  TxnOp op;
  op.producer = producer;
  op.number = number;
  op.producer_id = ProducerId(pid);
  op.producer_epoch = 0;
  op.begun = t(begun_ms);
  op.end_invoked = t(done_ms - 1);
  op.completed = t(done_ms);
  op.result = result;
  op.commit_intended = result != TxnResult::kAborted;
  op.note = "test";
  for (const Rec& r : recs) {
    ProduceOp p;
    p.record_id = r.id;
    p.tp = r.tp;
    p.producer = producer;
    p.outcome = OpOutcome::kOk;
    op.ops.push_back(h.begin_produce(p));
  }
  return h.begin_transaction(op);
}

// A partition's final log: record ids in offset order from 0, each with its fate.
void log(History& h, const TopicPartition& tp, const std::vector<std::pair<uint64_t, Fate>>& records) {
  FinalRead fr;
  fr.tp = tp;
  fr.complete = true;
  int64_t offset = 0;
  for (const auto& [id, fate] : records) {
    fr.records.emplace_back(Offset(offset++), id);
    FinalRecordMeta m;
    m.txn = fate;
    fr.meta.push_back(m);
  }
  h.final_read(fr);
}

constexpr Fate C = Fate::kCommitted;

TEST(TxnCycles, OneIdsTransactionsInLogOrderAreAcyclic) {
  History h;
  txn(h, 0, 7, 1, 0, 10, {{1, kP0}, {2, kP1}});
  txn(h, 0, 7, 2, 20, 30, {{3, kP0}, {4, kP1}});
  log(h, kP0, {{1, C}, {3, C}});
  log(h, kP1, {{2, C}, {4, C}});
  TxnCycleChecks c = check_txn_cycles(h);
  EXPECT_EQ(c.transactions, 2);
  EXPECT_EQ(c.edges, 2);  // ww (one edge per pair and kind) and po
  EXPECT_EQ(c.cycles.count, 0);
  EXPECT_EQ(c.write_cycles.count, 0);
}

// Two transactional.ids writing orders/0 and orders/1 at once, appended in opposite orders:
// G0, which Kafka's model allows. Counted as a write cycle only.
TEST(TxnCycles, InterleavedIdsAreAWriteCycleNotAViolation) {
  History h;
  txn(h, 0, 7, 1, 0, 50, {{1, kP0}, {2, kP1}});
  txn(h, 1, 8, 1, 0, 50, {{3, kP0}, {4, kP1}});
  log(h, kP0, {{1, C}, {3, C}});
  log(h, kP1, {{4, C}, {2, C}});
  TxnCycleChecks c = check_txn_cycles(h);
  EXPECT_EQ(c.cycles.count, 0);
  ASSERT_EQ(c.write_cycles.count, 1);
  EXPECT_EQ(c.write_cycles.examples[0].summary.rfind("G0: ", 0), 0u) << c.write_cycles.examples[0].summary;
}

// Transaction #2 of one transactional.id began after #1 ended, yet a record of #1 follows one
// of #2 in orders/0: one id's transactions interleaved (G0-process), the story names both.
TEST(TxnCycles, OneIdInterleavedIsACycle) {
  History h;
  txn(h, 0, 7, 1, 0, 10, {{1, kP0}, {2, kP1}});
  txn(h, 0, 7, 2, 20, 30, {{3, kP0}});
  log(h, kP0, {{3, C}, {1, C}});
  log(h, kP1, {{2, C}});
  TxnCycleChecks c = check_txn_cycles(h);
  ASSERT_EQ(c.cycles.count, 1);
  const Violation& v = c.cycles.examples[0];
  EXPECT_EQ(v.summary.rfind("G0-process: ", 0), 0u) << v.summary;
  std::string story;
  for (const auto& line : v.story) story += line + "\n";
  EXPECT_NE(story.find("p0#3 at orders-0 offset 0; the next committed record there, p0#1 at offset 1"), std::string::npos)
      << story;
  EXPECT_NE(story.find("of the same transactional.id (producer id 7)"), std::string::npos) << story;
  EXPECT_NE(story.find("one transactional.id: its transactions never interleave"), std::string::npos) << story;
}

// Two consume-transform-produce transactions each read what the other wrote: information
// flowed in a circle (G1c), which reads of committed data cannot make.
TEST(TxnCycles, ReadsInACircleAreG1c) {
  History h;
  const size_t a = txn(h, 0x1000, 7, 1, 0, 50, {{1, kP1}});
  const size_t b = txn(h, 0x1001, 8, 1, 0, 50, {{2, kP0}});
  h.ctp_link(CtpLink{1, 2, kP0, Offset(0), 0, a});  // a read 2 (b's), wrote 1
  h.ctp_link(CtpLink{2, 1, kP1, Offset(0), 1, b});  // b read 1 (a's), wrote 2
  log(h, kP0, {{2, C}});
  log(h, kP1, {{1, C}});
  TxnCycleChecks c = check_txn_cycles(h);
  ASSERT_EQ(c.cycles.count, 1);
  EXPECT_EQ(c.cycles.examples[0].summary.rfind("G1c: ", 0), 0u) << c.cycles.examples[0].summary;
  EXPECT_EQ(c.write_cycles.count, 0);
}

// An aborted transaction is no node: its records (aborted in the log) order nothing.
TEST(TxnCycles, AbortedTransactionsAreLeftOut) {
  History h;
  txn(h, 0, 7, 1, 0, 10, {{1, kP0}, {2, kP1}}, TxnResult::kAborted);
  txn(h, 0, 7, 2, 20, 30, {{3, kP0}, {4, kP1}});
  log(h, kP0, {{3, C}, {1, Fate::kAborted}});
  log(h, kP1, {{2, Fate::kAborted}, {4, C}});
  TxnCycleChecks c = check_txn_cycles(h);
  EXPECT_EQ(c.transactions, 1);
  EXPECT_EQ(c.cycles.count + c.write_cycles.count, 0);
}

// A long chain of one id's transactions, the last one's record appended before the first's:
// one component, told by a shortest cycle; Tarjan runs without recursion.
TEST(TxnCycles, ALongChainIsOneComponent) {
  History h;
  const int n = 5000;
  std::vector<std::pair<uint64_t, Fate>> p0;
  for (int i = 0; i < n; ++i) txn(h, 0, 7, i + 1, 10 * i, 10 * i + 5, {{static_cast<uint64_t>(i + 1), kP0}});
  p0.emplace_back(n, C);
  for (int i = 0; i < n - 1; ++i) p0.emplace_back(i + 1, C);
  log(h, kP0, p0);
  TxnCycleChecks c = check_txn_cycles(h);
  ASSERT_EQ(c.cycles.count, 1);
  EXPECT_NE(c.cycles.examples[0].summary.find(std::to_string(n) + " transactions in the cycle's strongly connected"),
            std::string::npos)
      << c.cycles.examples[0].summary;
}

}  // namespace
}  // namespace checkers
