// The reassignment checker on hand-made final states: converged, a replica left behind, a
// target replica missing, and a target replica lacking a committed record.
#include <gtest/gtest.h>

#include "checkers/reassignment_checkers.h"

namespace checkers {
namespace {

const TopicPartition kTp{"t", 0};

ReplicaState replica(int broker, bool leader, std::vector<uint64_t> ids) {
  ReplicaState s{BrokerId(broker), kTp, Offset{0}, Offset{static_cast<int64_t>(ids.size())},
                 Offset{static_cast<int64_t>(ids.size())}, LeaderEpoch(2), leader, {}, {}};
  for (size_t i = 0; i < ids.size(); ++i) s.records.emplace_back(Offset{static_cast<int64_t>(i)}, ids[i]);
  return s;
}

History with(std::vector<ReplicaState> replicas) {
  History h;
  h.reassignments().targets[kTp] = {BrokerId(3), BrokerId(4)};
  for (auto& r : replicas) h.replica_state(std::move(r));
  return h;
}

TEST(ReassignmentChecker, ConvergedReplicasPass) {
  EXPECT_EQ(check_reassignments(with({replica(3, true, {1, 2, 3}), replica(4, false, {1, 2, 3})})).count, 0);
}

TEST(ReassignmentChecker, AnOldReplicaLeftBehindOrATargetMissingFails) {
  CheckResult extra = check_reassignments(
      with({replica(0, false, {1, 2, 3}), replica(3, true, {1, 2, 3}), replica(4, false, {1, 2, 3})}));
  EXPECT_EQ(extra.count, 1);
  EXPECT_NE(extra.examples[0].summary.find("replicas [0,3,4] at the end, target [3,4]"), std::string::npos)
      << extra.examples[0].summary;
  EXPECT_EQ(check_reassignments(with({replica(3, true, {1, 2, 3})})).count, 1);
}

TEST(ReassignmentChecker, ATargetReplicaWithoutTheLeadersLogFails) {
  CheckResult r = check_reassignments(with({replica(3, true, {1, 2, 3}), replica(4, false, {1, 9, 3})}));
  EXPECT_EQ(r.count, 1);
  EXPECT_NE(r.examples[0].summary.find("broker 4 lacks or differs at 1"), std::string::npos) << r.examples[0].summary;
  EXPECT_EQ(check_reassignments(with({replica(3, true, {1, 2, 3}), replica(4, false, {1, 2})})).count, 1);
}

}  // namespace
}  // namespace checkers
