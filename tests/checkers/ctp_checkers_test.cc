// The consume-transform-produce checkers (checkers/ctp_checkers.h) on hand-made histories: a
// clean pipeline passes, and each way of breaking exactly-once (a duplicate output, a lost
// input, outputs out of input order, an output made from an aborted input) is found and told.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "checkers/ctp_checkers.h"

namespace checkers {
namespace {

using Fate = FinalRecordMeta::Txn;

sim::Instant t(int64_t ms) { return sim::Instant::epoch() + sim::milliseconds(ms); }
const TopicPartition kIn{"in", 0};
const TopicPartition kOut{"out", 0};
constexpr int kMember = 0;

uint64_t input_id(uint64_t n) { return make_record_id(1, n); }
uint64_t output_id(uint64_t n) { return make_record_id(static_cast<uint32_t>(kCtpProducerBase), n); }

// The pipeline's run, built up: inputs on in-0 at offsets 0.., outputs on out-0 at 0.., each
// output made in a transaction of the member's producer.
struct Pipeline {
  History h;
  FinalRead in, out;
  uint64_t outputs = 0;
  Pipeline() {
    in.tp = kIn;
    out.tp = kOut;
    in.complete = out.complete = true;
    h.ctp_pipeline("in", "out");
  }
  void input(uint64_t n, Fate fate = Fate::kNone) {
    in.records.emplace_back(Offset(static_cast<int64_t>(n)), input_id(n));
    FinalRecordMeta m;
    m.txn = fate;
    in.meta.push_back(m);
  }
  // One transaction making an output from each of `inputs` (in this order), ending `result`
  // and committing offset `next`; its outputs land in the final log with `fate`.
  void transaction(const std::vector<uint64_t>& inputs, TxnResult result, int64_t next, Fate fate) {
    TxnOp op;
    op.producer = kCtpProducerBase;
    op.number = static_cast<int64_t>(h.transactions().size()) + 1;
    op.producer_id = ProducerId(9);
    op.begun = t(static_cast<int64_t>(op.number) * 10);
    op.end_invoked = op.completed = t(static_cast<int64_t>(op.number) * 10 + 5);
    op.result = result;
    op.note = "test";
    op.group = "g";
    op.offsets.emplace_back(kIn, Offset(next));
    const size_t index = h.begin_transaction(op);
    for (uint64_t n : inputs) {
      const uint64_t id = output_id(++outputs);
      h.ctp_link(CtpLink{id, input_id(n), kIn, Offset(static_cast<int64_t>(n)), kMember, index});
      out.records.emplace_back(Offset(static_cast<int64_t>(out.records.size())), id);
      FinalRecordMeta m;
      m.txn = fate;
      out.meta.push_back(m);
    }
  }
  CtpChecks check() {
    h.final_read(in);
    h.final_read(out);
    return check_ctp(h);
  }
};

int64_t total(const CtpChecks& c) { return c.duplicates.count + c.lost.count + c.order.count + c.aborted_reads.count; }

std::string story(const CheckResult& r) {
  std::string s;
  if (r.examples.empty()) return s;
  s = r.examples.front().summary + "\n";
  for (const auto& line : r.examples.front().story) s += line + "\n";
  return s;
}

TEST(CtpCheckers, ExactlyOnceInOrderIsClean) {
  Pipeline p;
  for (uint64_t n = 0; n < 4; ++n) p.input(n);
  p.transaction({0, 1}, TxnResult::kCommitted, 2, Fate::kCommitted);
  p.transaction({2, 3}, TxnResult::kAborted, 2, Fate::kAborted);  // aborted: its outputs do not count
  p.transaction({2, 3}, TxnResult::kCommitted, 4, Fate::kCommitted);
  CtpChecks c = p.check();
  EXPECT_EQ(total(c), 0) << story(c.duplicates) << story(c.lost);
  EXPECT_EQ(c.verified, 4);
}

// The offsets committed outside the transaction: the output committed, the offsets not, and
// the next owner made the outputs again.
TEST(CtpCheckers, AnInputMadeTwiceIsADuplicate) {
  Pipeline p;
  for (uint64_t n = 0; n < 2; ++n) p.input(n);
  p.transaction({0, 1}, TxnResult::kCommitted, 0, Fate::kCommitted);
  p.transaction({0, 1}, TxnResult::kCommitted, 2, Fate::kCommitted);
  CtpChecks c = p.check();
  EXPECT_EQ(c.duplicates.count, 2);
  EXPECT_EQ(c.lost.count + c.order.count + c.aborted_reads.count, 0);
  const std::string s = story(c.duplicates);
  EXPECT_NE(s.find("2 committed outputs"), std::string::npos) << s;
  EXPECT_NE(s.find("transaction #1"), std::string::npos) << s;
  EXPECT_NE(s.find("transaction #2"), std::string::npos) << s;
}

// Offsets committed past an input whose output was aborted: the input is lost.
TEST(CtpCheckers, AnInputPassedWithoutCommittedOutputIsLost) {
  Pipeline p;
  for (uint64_t n = 0; n < 3; ++n) p.input(n);
  p.transaction({0, 1}, TxnResult::kCommitted, 2, Fate::kCommitted);
  p.transaction({2}, TxnResult::kAborted, 3, Fate::kAborted);
  p.transaction({}, TxnResult::kCommitted, 3, Fate::kCommitted);  // offsets only
  CtpChecks c = p.check();
  EXPECT_EQ(c.lost.count, 1);
  const std::string s = story(c.lost);
  EXPECT_NE(s.find("no committed output"), std::string::npos) << s;
  EXPECT_NE(s.find("not committed in the final log"), std::string::npos) << s;
  // An input above every committed offset is not claimed done: not lost.
  Pipeline q;
  q.input(0);
  q.input(1);
  q.transaction({0}, TxnResult::kCommitted, 1, Fate::kCommitted);
  EXPECT_EQ(q.check().lost.count, 0);
}

TEST(CtpCheckers, OutputsOutOfInputOrderAreFound) {
  Pipeline p;
  for (uint64_t n = 0; n < 2; ++n) p.input(n);
  p.transaction({1, 0}, TxnResult::kCommitted, 2, Fate::kCommitted);
  CtpChecks c = p.check();
  EXPECT_EQ(c.order.count, 1);
  EXPECT_EQ(c.duplicates.count + c.lost.count, 0);
}

// read_uncommitted in the pipeline: an aborted input made into a committed output.
TEST(CtpCheckers, AnOutputOfAnAbortedInputIsAnAbortedRead) {
  Pipeline p;
  p.input(0, Fate::kCommitted);
  p.input(1, Fate::kAborted);
  p.transaction({0, 1}, TxnResult::kCommitted, 2, Fate::kCommitted);
  CtpChecks c = p.check();
  EXPECT_EQ(c.aborted_reads.count, 1);
  EXPECT_EQ(c.lost.count + c.duplicates.count, 0);
  EXPECT_NE(story(c.aborted_reads).find("aborted (an ABORT marker follows it)"), std::string::npos) << story(c.aborted_reads);
}

}  // namespace
}  // namespace checkers
