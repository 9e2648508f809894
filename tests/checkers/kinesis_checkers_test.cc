// The Kinesis checkers (checkers/kinesis_checkers.h) on hand-made histories: each fires on the
// violation it is for and tells it, and a clean history counts nothing.
#include <gtest/gtest.h>

#include <string>

#include "checkers/kinesis_checkers.h"

namespace checkers {
namespace {

sim::Instant t(int64_t ms) { return sim::Instant::epoch() + sim::milliseconds(ms); }
const TopicPartition kShard0{"kinesis.orders", 0};
const TopicPartition kShard1{"kinesis.orders", 1};

// Records 1..n in shard 0 at sequences 0..n-1 with partition keys "k<id % 2>", and two workers
// (consumers 0 and 1) of application "app".
History base(int n) {
  History h;
  FinalRead fr;
  fr.tp = kShard0;
  fr.complete = true;
  for (int i = 0; i < n; ++i) {
    const uint64_t id = make_record_id(0, static_cast<uint64_t>(i + 1));
    ProduceOp p;
    p.record_id = id;
    p.tp = kShard0;
    p.offset = Offset(i);
    p.outcome = OpOutcome::kOk;
    h.begin_produce(p);
    h.kinesis().partition_keys[id] = "k" + std::to_string(i % 2);
    fr.records.emplace_back(Offset(i), id);
  }
  h.final_read(fr);
  for (int w : {0, 1}) {
    h.kinesis().kcl_consumers.insert(w);
    h.kinesis().worker_ids[w] = "app-worker-" + std::to_string(w);
    h.kinesis().applications["app"].insert(w);
  }
  return h;
}

void process(History& h, int worker, int64_t seq, int64_t at_ms, bool first = false) {
  h.consumed(ConsumeOp{worker, kShard0, Offset(seq), make_record_id(0, static_cast<uint64_t>(seq + 1)), t(at_ms), kNoBroker, first});
}

std::string story(const CheckResult& r) {
  std::string s;
  for (const auto& v : r.examples) {
    s += v.summary + "\n";
    for (const auto& l : v.story) s += "  " + l + "\n";
  }
  return s;
}

TEST(KinesisCheckers, CleanHistoryCountsNothing) {
  History h = base(6);
  for (int64_t s = 0; s < 6; ++s) process(h, 0, s, 10 + s, s == 0);
  h.kinesis().checkpoints.push_back(KinesisCheckpoint{t(20), 0, kShard0, 5, true});
  KinesisChecks k = check_kinesis(h);
  EXPECT_EQ(k.processed_twice.count, 0);
  EXPECT_EQ(k.processed_skipped.count, 0);
  EXPECT_EQ(k.key_order.count, 0);
  EXPECT_EQ(k.throttled_writes.count, 0);
  EXPECT_EQ(k.lease_changes.count, 0);
  EXPECT_EQ(k.expired_unread.count, 0);
}

// Retention: records trimmed before the application read them (or checkpointed past them)
// are expired unread, not skipped; a record a checkpoint went past before its trim is still a
// skip, and one processed before its trim counts nothing.
TEST(KinesisCheckers, RecordsTrimmedBeforeTheyWereReadAreExpiredNotSkipped) {
  History h = base(8);
  h.kinesis().retention_hours[kShard0.topic] = 24;
  process(h, 0, 0, 10, true);
  process(h, 0, 1, 11);
  h.kinesis().checkpoints.push_back(KinesisCheckpoint{t(12), 0, kShard0, 1, true});
  // The worker stalls; retention trims 0..4 at t=100 (the trim horizon is 5); the worker reads
  // on from 5, the oldest record kept, and checkpoints past everything.
  h.kinesis().trims.push_back(KinesisTrim{t(100), kShard0, 5});
  for (int64_t s = 5; s < 8; ++s) process(h, 0, s, 200 + s);
  h.kinesis().checkpoints.push_back(KinesisCheckpoint{t(210), 0, kShard0, 7, true});
  KinesisChecks k = check_kinesis(h);
  EXPECT_EQ(k.expired_unread.count, 3);  // 2, 3, 4 (0 and 1 were processed before the trim)
  EXPECT_EQ(k.processed_skipped.count, 0) << story(k.processed_skipped);
  const std::string s = story(k.expired_unread);
  EXPECT_NE(s.find("expired (trimmed by retention) before application app read it"), std::string::npos) << s;
  EXPECT_NE(s.find("retention trimmed kinesis.orders-0 past sequence 2"), std::string::npos) << s;
  EXPECT_NE(s.find("read on at sequence 5, the oldest record kept"), std::string::npos) << s;
  // Checkpointed past 2..4 before the trim without processing them: skips, not expiries.
  History bad = base(8);
  process(bad, 0, 0, 10, true);
  process(bad, 0, 1, 11);
  bad.kinesis().checkpoints.push_back(KinesisCheckpoint{t(12), 0, kShard0, 4, true});
  bad.kinesis().trims.push_back(KinesisTrim{t(100), kShard0, 5});
  for (int64_t q = 5; q < 8; ++q) process(bad, 0, q, 200 + q);
  bad.kinesis().checkpoints.push_back(KinesisCheckpoint{t(210), 0, kShard0, 7, true});
  KinesisChecks kb = check_kinesis(bad);
  EXPECT_EQ(kb.processed_skipped.count, 3);
  EXPECT_EQ(kb.expired_unread.count, 0);
}

TEST(KinesisCheckers, RecordProcessedAgainAfterALeaseIsStolenIsTold) {
  History h = base(6);
  for (int64_t s = 0; s < 4; ++s) process(h, 0, s, 10 + s, s == 0);
  h.kinesis().checkpoints.push_back(KinesisCheckpoint{t(11), 0, kShard0, 1, true});
  h.kinesis().leases.push_back(KinesisLeaseEvent{t(30), 1, kShard0, "taken", "app-worker-0", 5});
  for (int64_t s = 2; s < 6; ++s) process(h, 1, s, 40 + s, s == 2);
  h.kinesis().checkpoints.push_back(KinesisCheckpoint{t(50), 0, kShard0, 3, false});
  KinesisChecks k = check_kinesis(h);
  EXPECT_EQ(k.processed_twice.count, 2);  // sequences 2 and 3
  EXPECT_EQ(k.lease_changes.count, 1);
  const std::string s = story(k.processed_twice);
  EXPECT_NE(s.find("processed 2 times by application app"), std::string::npos) << s;
  EXPECT_NE(s.find("taken from app-worker-0"), std::string::npos) << s;
  EXPECT_NE(s.find("at sequence 1 (the last before it)"), std::string::npos) << s;
  EXPECT_EQ(k.processed_skipped.count, 0);
}

TEST(KinesisCheckers, CheckpointPastUnprocessedRecordsIsASkip) {
  History h = base(6);
  process(h, 0, 0, 10, true);
  process(h, 0, 1, 11);
  // Checkpointed the whole batch before processing it, then died: 2..4 never processed.
  h.kinesis().checkpoints.push_back(KinesisCheckpoint{t(12), 0, kShard0, 4, true});
  h.kinesis().leases.push_back(KinesisLeaseEvent{t(30), 1, kShard0, "taken", "app-worker-0", 5});
  process(h, 1, 5, 40, true);
  KinesisChecks k = check_kinesis(h);
  EXPECT_EQ(k.processed_skipped.count, 3);
  const std::string s = story(k.processed_skipped);
  EXPECT_NE(s.find("was never processed by application app, yet the shard's checkpoint is past it (4)"), std::string::npos) << s;
}

TEST(KinesisCheckers, KeyProcessedOutOfSequenceOrder) {
  History h = base(4);
  process(h, 0, 2, 10, true);  // key k0, sequence 2
  process(h, 0, 0, 11);        // key k0, sequence 0: after 2
  process(h, 0, 1, 12);
  process(h, 0, 3, 13);
  KinesisChecks k = check_kinesis(h);
  EXPECT_EQ(k.key_order.count, 1);
  EXPECT_NE(story(k.key_order).find("partition key 'k0' processed out of order"), std::string::npos) << story(k.key_order);
  // Processing a record again (at-least-once) is not an order violation.
  History again = base(4);
  for (int64_t s = 0; s < 4; ++s) process(again, 0, s, 10 + s, s == 0);
  process(again, 1, 0, 20, true);
  EXPECT_EQ(check_kinesis(again).key_order.count, 0);
}

// A split of shard 0 into shards 2 and 3: records 1..4 in the parent (keys k0, k1, k0, k1),
// records 5..6 in child 2 (k0, k1) at sequences 0..1, record 7 in shard 1 (key k0).
const TopicPartition kChild2{"kinesis.orders", 2};
History resharded() {
  History h = base(4);
  FinalRead child;
  child.tp = kChild2;
  child.complete = true;
  for (int i = 0; i < 2; ++i) {
    const uint64_t id = make_record_id(0, static_cast<uint64_t>(5 + i));
    h.kinesis().partition_keys[id] = "k" + std::to_string(i % 2);
    child.records.emplace_back(Offset(i), id);
  }
  h.final_read(child);
  h.kinesis().partition_keys[make_record_id(0, 7)] = "k0";
  h.kinesis().shards[kShard0] = KinesisShardInfo{{}, true, 3};
  h.kinesis().shards[kChild2] = KinesisShardInfo{{0}, false, std::nullopt};
  h.kinesis().shards[kShard1] = KinesisShardInfo{{}, false, std::nullopt};
  h.timeline(TimelineEvent{t(5), "reshard", kShard0, kNoBroker, "reshard of kinesis.orders: SplitShard shardId-000000000000"});
  return h;
}
void process_child(History& h, int worker, int64_t seq, int64_t at_ms) {
  h.consumed(ConsumeOp{worker, kChild2, Offset(seq), make_record_id(0, static_cast<uint64_t>(5 + seq)), t(at_ms), kNoBroker, seq == 0});
}

TEST(KinesisCheckers, ParentRecordAfterChildRecordOfTheSameKeyIsAReshardOrderViolation) {
  History h = resharded();
  process(h, 0, 0, 10, true);  // k0
  process(h, 0, 1, 11);        // k1
  h.kinesis().leases.push_back(KinesisLeaseEvent{t(12), 1, kChild2, "taken", "", 1});
  process_child(h, 1, 0, 13);  // k0 in the child
  process(h, 0, 2, 14);        // k0 in the parent, later: violation
  process(h, 0, 3, 15);        // k1 in the parent, before any k1 of the child: fine
  process_child(h, 1, 1, 16);  // k1 in the child
  h.kinesis().checkpoints.push_back(KinesisCheckpoint{t(17), 0, kShard0, kShardEndSequence, true});
  KinesisChecks k = check_kinesis(h);
  EXPECT_EQ(k.reshard_key_order.count, 1) << story(k.reshard_key_order);
  const std::string s = story(k.reshard_key_order);
  EXPECT_NE(s.find("partition key 'k0': p0#3 of parent shard kinesis.orders-0 (sequence 2) processed by application app "
                   "after p0#5 of its child shard kinesis.orders-2"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("SplitShard shardId-000000000000"), std::string::npos) << s;
  EXPECT_NE(s.find("lease of kinesis.orders-2: taken"), std::string::npos) << s;
  EXPECT_NE(s.find("at SHARD_END: only now was the parent finished"), std::string::npos) << s;
  EXPECT_EQ(k.key_order.count, 0);  // within each shard the order holds
  EXPECT_EQ(k.processed_skipped.count, 0) << story(k.processed_skipped);
}

TEST(KinesisCheckers, ParentFinishedBeforeChildHoldsTheOrder) {
  History h = resharded();
  for (int64_t s = 0; s < 4; ++s) process(h, 0, s, 10 + s, s == 0);
  h.kinesis().checkpoints.push_back(KinesisCheckpoint{t(15), 0, kShard0, kShardEndSequence, true});
  // Another shard's record of k0 (shard 1 is no descendant of shard 0) processed early is fine.
  h.consumed(ConsumeOp{1, kShard1, Offset(0), make_record_id(0, 7), t(9), kNoBroker, true});
  process_child(h, 1, 0, 16);
  process_child(h, 1, 1, 17);
  KinesisChecks k = check_kinesis(h);
  EXPECT_EQ(k.reshard_key_order.count, 0) << story(k.reshard_key_order);
  EXPECT_EQ(k.processed_skipped.count, 0) << story(k.processed_skipped);
}

// A SHARD_END checkpoint covers the shard up to its EndingSequenceNumber, no further.
TEST(KinesisCheckers, ShardEndCheckpointCoversTheShardUpToItsEnd) {
  History h = resharded();
  h.kinesis().shards[kShard0].ending_sequence = 2;  // sequence 3 lies beyond the end: never served
  process(h, 0, 0, 10, true);
  process(h, 0, 2, 12);  // sequence 1 skipped
  h.kinesis().checkpoints.push_back(KinesisCheckpoint{t(15), 0, kShard0, kShardEndSequence, true});
  KinesisChecks k = check_kinesis(h);
  EXPECT_EQ(k.processed_skipped.count, 1) << story(k.processed_skipped);
  EXPECT_NE(story(k.processed_skipped).find("sequence 1 was never processed by application app, yet the shard's checkpoint "
                                            "is past it (SHARD_END)"),
            std::string::npos)
      << story(k.processed_skipped);
}

TEST(KinesisCheckers, ThrottlingPerShardAndTimeThrottled) {
  History h = base(2);
  for (int i = 0; i < 5; ++i) h.kinesis().throttles.push_back(KinesisThrottle{t(1'000 + i * 10), kShard1, true, 0});
  h.kinesis().throttles.push_back(KinesisThrottle{t(1'250), kShard1, true, 0});
  h.kinesis().throttles.push_back(KinesisThrottle{t(2'000), kShard0, false, 1});
  KinesisChecks k = check_kinesis(h);
  EXPECT_EQ(k.throttled_writes.count, 6);
  EXPECT_EQ(k.throttled_reads.count, 1);
  bool found = false;
  for (const auto& s : k.throttling)
    if (s.tp == kShard1) {
      found = true;
      EXPECT_EQ(s.writes_throttled, 6);
      EXPECT_EQ(s.throttled_ms, 200);  // two 100 ms windows
    }
  EXPECT_TRUE(found);
  EXPECT_NE(k.throttled_writes.note.find("kinesis.orders-1: 6"), std::string::npos) << k.throttled_writes.note;
}

}  // namespace
}  // namespace checkers
