// The compaction oracle and the "latest value of every key survives" checker on hand-made
// histories: records a cleaner may remove are counted as compacted (never as lost writes);
// a key whose latest acknowledged value is gone is a violation for both checks, and so is a
// tombstone removed before delete.retention.ms.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "checkers/checkers.h"
#include "checkers/compaction.h"

namespace checkers {
namespace {

sim::Instant t(int64_t ms) { return sim::Instant::epoch() + sim::milliseconds(ms); }

const TopicPartition kC0{"c", 0};

// Acknowledged produce of key `key` at `offset` (invoked at `offset` ms).
void ack(History& h, uint64_t id, int64_t offset, const std::string& key, bool tombstone = false) {
  ProduceOp p;
  p.record_id = id;
  p.tp = kC0;
  p.invoked = t(offset);
  p.completed = t(offset + 1);
  p.outcome = OpOutcome::kOk;
  p.offset = Offset(offset);
  p.acked_by = BrokerId(0);
  p.attempts = 1;
  size_t index = h.begin_produce(p);
  h.keyed_produce(index, KeyedProduce{key, tombstone});
}

FinalRead final_read(std::vector<std::pair<int64_t, uint64_t>> records) {
  FinalRead r;
  r.tp = kC0;
  r.complete = true;
  for (const auto& [off, id] : records) r.records.emplace_back(Offset(off), id);
  return r;
}

// k1 written at offsets 0, 2, 4; k2 at 1, 3; a compacted log keeps offsets 3 and 4.
History compacted_history(sim::Duration delete_retention = sim::seconds(60)) {
  History h;
  h.compacted_topic("c", delete_retention);
  ack(h, 10, 0, "k1");
  ack(h, 11, 1, "k2");
  ack(h, 12, 2, "k1");
  ack(h, 13, 3, "k2");
  ack(h, 14, 4, "k1");
  h.set_end(t(10'000));
  return h;
}

TEST(CompactionChecker, SupersededRecordsAreCompactedNotLost) {
  History h = compacted_history();
  h.final_read(final_read({{3, 13}, {4, 14}}));
  EXPECT_EQ(check_lost_writes(h).count, 0) << check_lost_writes(h).note;
  EXPECT_NE(check_lost_writes(h).note.find("3 of them removed by log compaction"), std::string::npos)
      << check_lost_writes(h).note;
  CheckResult latest = check_latest_values(h);
  EXPECT_EQ(latest.count, 0);
  EXPECT_EQ(latest.note, "2 keys checked, 3 acknowledged records removed by compaction");
}

TEST(CompactionChecker, ALostLatestValueIsAViolation) {
  History h = compacted_history();
  h.final_read(final_read({{2, 12}, {3, 13}}));  // k1's latest (offset 4) is gone; 2 stayed
  CheckResult latest = check_latest_values(h);
  EXPECT_EQ(latest.count, 1);
  ASSERT_EQ(latest.examples.size(), 1u);
  EXPECT_NE(latest.examples[0].summary.find("key 'k1'"), std::string::npos) << latest.examples[0].summary;
  EXPECT_EQ(check_lost_writes(h).count, 1) << "nothing later of k1 explains it";
}

TEST(CompactionChecker, WithoutCompactionEveryAbsenceIsLoss) {
  History h = compacted_history();
  History plain;  // the same writes to a topic that is not compacted
  for (const auto& p : h.produces()) plain.begin_produce(p);
  plain.final_read(final_read({{3, 13}, {4, 14}}));
  EXPECT_EQ(check_lost_writes(plain).count, 3);
  EXPECT_EQ(check_latest_values(plain).count, 0) << "not a compacted topic: not this check's business";
}

TEST(CompactionChecker, TombstonesMayGoOnlyAfterDeleteRetention) {
  // k1: a value at 0, a tombstone at 1 (invoked at 1 ms). The run ends at 10 s.
  for (int64_t retention_ms : {5'000, 60'000}) {
    History h;
    h.compacted_topic("c", sim::milliseconds(retention_ms));
    ack(h, 20, 0, "k1");
    ack(h, 21, 1, "k1", /*tombstone=*/true);
    ack(h, 22, 2, "k2");
    h.set_end(t(10'000));
    h.final_read(final_read({{2, 22}}));  // both k1 records removed
    bool expired = retention_ms < 10'000;
    EXPECT_EQ(check_latest_values(h).count, expired ? 0 : 1) << "delete.retention.ms " << retention_ms;
    EXPECT_EQ(check_lost_writes(h).count, expired ? 0 : 2) << "delete.retention.ms " << retention_ms;
  }
}

}  // namespace
}  // namespace checkers
