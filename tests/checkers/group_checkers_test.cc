// The group checkers on hand-made histories: each must count the violation it exists for (so
// a broken protocol would be caught), and stay silent on the legitimate look-alikes.
#include <gtest/gtest.h>

#include "checkers/group_checkers.h"

namespace checkers {
namespace {

sim::Instant t(int64_t ms) { return sim::Instant::epoch() + sim::milliseconds(ms); }
const TopicPartition kP0{"orders", 0};

void own(History& h, int64_t from_ms, int64_t to_ms, int consumer, int32_t generation, const char* end = "revoked") {
  h.groups().ownership.push_back(OwnershipChange{t(from_ms), "g", consumer, "m" + std::to_string(consumer), generation, kP0, true, "assigned"});
  h.groups().ownership.push_back(OwnershipChange{t(to_ms), "g", consumer, "m" + std::to_string(consumer), generation, kP0, false, end});
}

std::vector<OwnershipInterval> timeline_of(const History& h) {
  std::vector<OwnershipInterval> tl = ownership_intervals(h, t(100'000));
  return tl;
}

TEST(GroupCheckers, TwoOwnersInOneGenerationIsAViolationAcrossGenerationsAZombie) {
  History same;
  own(same, 0, 5'000, 0, 3);
  own(same, 4'000, 9'000, 1, 3);
  EXPECT_EQ(check_group_exclusivity(timeline_of(same), true).count, 1);
  EXPECT_EQ(check_group_exclusivity(timeline_of(same), false).count, 0);

  History zombie;
  own(zombie, 0, 5'000, 0, 3, "lost");
  own(zombie, 4'000, 9'000, 1, 4);
  EXPECT_EQ(check_group_exclusivity(timeline_of(zombie), true).count, 0);
  CheckResult z = check_group_exclusivity(timeline_of(zombie), false);
  EXPECT_EQ(z.count, 1);
  ASSERT_FALSE(z.examples.empty());
  EXPECT_NE(z.examples[0].summary.find("zombie"), std::string::npos) << z.examples[0].summary;

  History handover;  // revoked, then assigned to the next owner: no overlap
  own(handover, 0, 5'000, 0, 3);
  own(handover, 5'000, 9'000, 1, 4);
  EXPECT_EQ(check_group_exclusivity(timeline_of(handover), true).count, 0);
  EXPECT_EQ(check_group_exclusivity(timeline_of(handover), false).count, 0);
}

TEST(GroupCheckers, CommittedOffsetsMovingBackIsCounted) {
  History h;
  auto commit = [&](int64_t ms, int64_t offset, int32_t generation) {
    h.groups().accepted_commits.push_back(AcceptedCommit{t(ms), t(ms), "g", BrokerId{0}, "m", generation, kP0, Offset{offset}});
  };
  commit(1'000, 10, 1);
  commit(2'000, 20, 1);
  commit(3'000, 20, 2);  // equal is fine
  EXPECT_EQ(check_offset_regressions(h).count, 0);
  commit(4'000, 15, 2);
  EXPECT_EQ(check_offset_regressions(h).count, 1);
}

TEST(GroupCheckers, ACommitFromAGenerationOlderThanAStableOneIsStale) {
  History h;
  h.groups().generations.push_back(StableGeneration{t(5'000), "g", BrokerId{0}, 2, "range", "m1", {}});
  h.groups().accepted_commits.push_back(AcceptedCommit{t(4'000), t(4'500), "g", BrokerId{0}, "m0", 1, kP0, Offset{10}});
  EXPECT_EQ(check_stale_commits(h).count, 0) << "validated before generation 2 was stable";
  h.groups().accepted_commits.push_back(AcceptedCommit{t(6'000), t(6'100), "g", BrokerId{0}, "m0", 1, kP0, Offset{11}});
  EXPECT_EQ(check_stale_commits(h).count, 1);
}

TEST(GroupCheckers, AnOffsetFetchBelowTheLastCommitIsALostCommitUnlessTheCoordinatorIsBehindIt) {
  auto accepted = [](History& h, int64_t validated_ms, int64_t at_ms, int64_t offset, int32_t epoch) {
    h.groups().accepted_commits.push_back(
        AcceptedCommit{t(validated_ms), t(at_ms), "g", BrokerId{0}, "m0", 1, kP0, Offset{offset}, epoch});
    h.groups().appending_commits.push_back(AppendingCommit{t(validated_ms), "g", BrokerId{0}, kP0, Offset{offset}, false});
  };
  auto fetched = [](History& h, int64_t ms, int64_t offset, int32_t epoch) {
    h.groups().fetched_offsets.push_back(FetchedOffset{t(ms), "g", BrokerId{1}, epoch, kP0, Offset{offset}});
  };
  {
    History h;  // the new coordinator answers the committed offset: fine
    accepted(h, 1'000, 1'100, 10, 3);
    fetched(h, 2'000, 10, 4);
    fetched(h, 500, -1, 3);  // before any commit: nothing to hold it to
    EXPECT_EQ(check_lost_commits(h).count, 0);
  }
  {
    History h;  // the new coordinator took the group over without its offsets
    accepted(h, 1'000, 1'100, 10, 3);
    fetched(h, 2'000, -1, 4);
    CheckResult r = check_lost_commits(h);
    EXPECT_EQ(r.count, 1);
    ASSERT_FALSE(r.examples.empty());
    EXPECT_NE(r.examples[0].summary.find("no committed offset"), std::string::npos) << r.examples[0].summary;
  }
  {
    History h;  // an older offset from a coordinator at the same epoch: the commit is lost
    accepted(h, 1'000, 1'100, 5, 3);
    accepted(h, 1'500, 1'600, 10, 3);
    fetched(h, 2'000, 5, 3);
    EXPECT_EQ(check_lost_commits(h).count, 1);
  }
  {
    History h;  // a deposed coordinator (epoch 3) answering after epoch 4 accepted a commit
    accepted(h, 1'000, 1'100, 5, 3);
    accepted(h, 1'500, 1'600, 10, 4);
    fetched(h, 2'000, 5, 3);
    EXPECT_EQ(check_lost_commits(h).count, 0) << "judged against epoch 3's last commit, which it holds";
    fetched(h, 2'100, -1, 3);
    EXPECT_EQ(check_lost_commits(h).count, 1) << "but it must still hold what epoch 3 committed";
  }
  {
    History h;  // an append that was never answered survived in the log and was loaded: fine
    accepted(h, 1'000, 1'100, 5, 3);
    h.groups().appending_commits.push_back(AppendingCommit{t(1'200), "g", BrokerId{0}, kP0, Offset{12}, false});
    fetched(h, 2'000, 12, 4);
    EXPECT_EQ(check_lost_commits(h).count, 0);
    h.groups().appending_commits.push_back(AppendingCommit{t(900), "g", BrokerId{0}, kP0, Offset{4}, false});
    fetched(h, 2'100, 4, 4);
    EXPECT_EQ(check_lost_commits(h).count, 1) << "appended before the last commit was validated: superseded";
  }
}

TEST(GroupCheckers, UnprocessedAndDuplicatesProcessed) {
  History h;
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    size_t i = h.begin_produce(ProduceOp{.record_id = make_record_id(0, seq), .tp = kP0, .invoked = t(0), .completed = t(1),
                                         .error = "", .offset = Offset{static_cast<int64_t>(seq - 1)}, .producer = 0,
                                         .acked_by = BrokerId{0}, .leader_epoch = LeaderEpoch{0}, .attempts = 1,
                                         .outcome = OpOutcome::kOk});
    (void)i;
  }
  auto process = [&](uint64_t seq, int consumer) {
    h.groups().processed.push_back(ProcessOp{t(10), "g", consumer, 1, kP0, Offset{static_cast<int64_t>(seq - 1)}, make_record_id(0, seq)});
  };
  process(1, 0);
  process(2, 0);
  process(2, 1);
  GroupTopics groups{{"g", "orders"}};
  CheckResult u = check_unprocessed(h, timeline_of(h), groups);
  EXPECT_EQ(u.count, 1);
  ASSERT_FALSE(u.examples.empty());
  EXPECT_NE(u.examples[0].summary.find("p0#3"), std::string::npos) << u.examples[0].summary;
  EXPECT_EQ(check_duplicates_processed(h).count, 1);
}

TEST(GroupCheckers, FencedCommitsAreCountedAsRejected) {
  History h;
  h.groups().commits.push_back(CommitOp{t(1), t(2), "g", 0, "m0", 1, true, {{kP0, Offset{5}}}, "ok"});
  h.groups().commits.push_back(CommitOp{t(3), t(4), "g", 0, "m0", 1, true, {{kP0, Offset{6}}}, "ILLEGAL_GENERATION"});
  h.groups().commits.push_back(CommitOp{t(5), t(6), "g", 0, "m0", 1, true, {{kP0, Offset{6}}}, "unknown"});
  EXPECT_EQ(check_commits_rejected(h).count, 1);
}

}  // namespace
}  // namespace checkers
