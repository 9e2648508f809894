// The pipeline's end-to-end checker on hand-made histories (checkers/pipeline_checkers.h): an
// acknowledged reading missing from the store, a reading in two documents told with its cause
// (a queue re-delivery while an invocation ran; a sink replay after a restart), an older
// reading overwriting a newer one, and quiet on a clean history.
#include <gtest/gtest.h>

#include "checkers/pipeline_checkers.h"

namespace checkers {
namespace {

sim::Instant ms(int64_t v) { return sim::Instant::epoch() + sim::milliseconds(v); }

History base(int readings) {
  History h;
  PipelineHistory& p = h.pipeline();
  p.active = true;
  p.visibility_timeout = sim::seconds(1);
  p.function_timeout = sim::seconds(1);
  for (int s = 1; s <= readings; ++s) {
    PipelineReading r;
    r.sent = ms(s * 10);
    r.acked = true;
    r.acked_at = ms(s * 10 + 1);
    r.publishes = 1;
    p.readings[{0, s}] = r;
  }
  return h;
}

void write(History& h, int64_t seq, int64_t offset, const std::string& id, int64_t at, int task = 0, int64_t replaced = -1) {
  PipelineWrite w;
  w.task = task;
  w.tp = TopicPartition{"readings", 0};
  w.offset = offset;
  w.reading = {0, seq};
  w.doc_id = id;
  w.invoked = ms(at);
  w.completed = ms(at + 1);
  w.ok = true;
  w.replaced_seq = replaced;
  h.pipeline().writes.push_back(w);
}

TEST(PipelineChecker, CleanHistoryHasNothingToReport) {
  History h = base(3);
  for (int s = 1; s <= 3; ++s) {
    write(h, s, s - 1, "d" + std::to_string(s), 100 + s);
    h.pipeline().documents.push_back(PipelineDocument{"d" + std::to_string(s), {0, s}});
  }
  h.pipeline().store_read = true;
  PipelineChecks c = check_pipeline(h);
  EXPECT_EQ(c.missing.count, 0);
  EXPECT_EQ(c.duplicates.count, 0);
  EXPECT_EQ(c.out_of_order.count, 0);
  EXPECT_EQ(c.delivered, 3);
  EXPECT_EQ(c.latency.count, 3);
  EXPECT_EQ(c.latency.series.size(), 3u);
}

TEST(PipelineChecker, AnAcknowledgedReadingWithoutADocumentIsMissingWithItsStory) {
  History h = base(2);
  h.pipeline().forwards.push_back(PipelineForward{ms(25), {0, 2}, false, "m2"});
  write(h, 1, 0, "d1", 100);
  h.pipeline().documents.push_back(PipelineDocument{"d1", {0, 1}});
  PipelineChecks c = check_pipeline(h);
  ASSERT_EQ(c.missing.count, 1);
  EXPECT_NE(c.missing.examples[0].summary.find("device 0 reading #2"), std::string::npos);
  ASSERT_GE(c.missing.examples[0].story.size(), 3u);
  EXPECT_NE(c.missing.examples[0].story.back().find("m2"), std::string::npos);
  // A reading never acknowledged to its device was never promised.
  h.pipeline().readings[{0, 2}].acked = false;
  EXPECT_EQ(check_pipeline(h).missing.count, 0);
}

TEST(PipelineChecker, ADuplicateFromARedeliveryWhileAnInvocationRanIsToldSo) {
  History h = base(1);
  PipelineHistory& p = h.pipeline();
  p.receives.push_back(PipelineReceive{ms(20), 0, {0, 1}, "m1", 1});
  p.receives.push_back(PipelineReceive{ms(1030), 1, {0, 1}, "m1", 2});
  PipelineInvocation a;
  a.id = 1;
  a.start = ms(500);
  a.end = ms(1300);
  a.readings = {{0, 1}};
  a.outcome = "ok";
  p.invocations.push_back(a);
  write(h, 1, 0, "oid-1", 1200);
  write(h, 1, 1, "oid-2", 1500);
  p.documents = {PipelineDocument{"oid-1", {0, 1}}, PipelineDocument{"oid-2", {0, 1}}};
  PipelineChecks c = check_pipeline(h);
  ASSERT_EQ(c.duplicates.count, 1);
  EXPECT_NE(c.duplicates.examples[0].summary.find("visibility timeout"), std::string::npos) << c.duplicates.examples[0].summary;
  EXPECT_EQ(c.redelivered.count, 1);
}

TEST(PipelineChecker, AReplayAfterARestartIsToldWithTheLastCommit) {
  History h = base(1);
  PipelineHistory& p = h.pipeline();
  p.commits.push_back(PipelineCommit{0, ms(50), {{TopicPartition{"readings", 0}, 0}}, true});
  write(h, 1, 0, "oid-1", 100);
  p.task_events.push_back(PipelineTaskEvent{0, ms(300), "started"});
  write(h, 1, 0, "oid-2", 400);
  p.documents = {PipelineDocument{"oid-1", {0, 1}}, PipelineDocument{"oid-2", {0, 1}}};
  PipelineChecks c = check_pipeline(h);
  ASSERT_EQ(c.duplicates.count, 1);
  EXPECT_NE(c.duplicates.examples[0].summary.find("replayed from the last committed offset"), std::string::npos)
      << c.duplicates.examples[0].summary;
  EXPECT_EQ(c.replayed.count, 1);
}

TEST(PipelineChecker, AnOlderReadingOverwritingANewerOneIsOutOfOrder) {
  History h = base(2);
  h.pipeline().write_mode = "upsert";
  h.pipeline().upsert_key = "device";
  write(h, 2, 1, "d0", 100);
  write(h, 1, 0, "d0", 200, 0, 2);
  h.pipeline().documents = {PipelineDocument{"d0", {0, 1}}};
  PipelineChecks c = check_pipeline(h);
  EXPECT_EQ(c.out_of_order.count, 1);
  EXPECT_EQ(c.missing.count, 0) << "upsert by device: one document per device";
  EXPECT_EQ(c.duplicates.count, 0);
}

}  // namespace
}  // namespace checkers
