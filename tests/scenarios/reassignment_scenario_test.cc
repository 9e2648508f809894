// Partition reassignment and cluster operations end to end (scenarios/operations/): brokers
// added while the workload runs, 100 partitions moved onto them under faults, a broker
// decommissioned; the reassignment checker shown to fail when the move cannot finish (a
// 1 B/s throttle holds the new replicas back); the loader's errors for bad operations; the
// Amazon MSK scenarios.
#include <gtest/gtest.h>

#include <set>

#include "bundled_scenario_util.h"
#include "scenarios/kafka_scenario.h"
#include "scenarios/scenario_loader.h"

namespace scenarios {
namespace {

using testing::load_bundled;
using testing::ran_check_count;
using testing::seeds_or;

TEST(Reassignment, HundredPartitionsMoveOntoNewBrokersUnderFaults) {
  ScenarioSpec spec = load_bundled("operations/reassignment-under-faults.yaml");
  for (uint64_t seed = 1; seed <= seeds_or(2, 1); ++seed) {
    ScenarioResult r = run_scenario(spec, RunOptions{seed, nullptr});
    ASSERT_TRUE(r.expectations_met()) << "seed " << seed << "\n" << format_summary(r);
    EXPECT_EQ(ran_check_count(r, "reassignment_unconverged"), 0);
    EXPECT_EQ(r.history.reassignments().targets.size(), 100u);
    EXPECT_GT(r.moved_bytes_total, 0);
    EXPECT_FALSE(r.moved_bytes.empty());
    // No replica is left on the old brokers 0-2.
    for (const auto& s : r.history.replicas()) EXPECT_GE(s.broker.value(), 3) << s.tp.str();
  }
}

// The throttle only lets a replica out of the ISR fetch while the quota is not exceeded: at
// 1 B/s the new replicas get their first fetch and then almost nothing, so the reassignment
// cannot finish and the checker says which partitions did not converge.
TEST(Reassignment, AThrottleTooLowForTheMoveLeavesPartitionsUnconverged) {
  ScenarioSpec spec = load_bundled("operations/reassignment-under-faults.yaml");
  ScenarioResult fast = run_scenario(spec, RunOptions{1, nullptr});
  ASSERT_EQ(spec.operations[1].kind, OperationSpec::Kind::kReassign);
  spec.operations[1].throttle_bytes_per_s = 1;
  ScenarioResult r = run_scenario(spec, RunOptions{1, nullptr});
  EXPECT_GT(ran_check_count(r, "reassignment_unconverged"), 0) << format_summary(r);
  EXPECT_FALSE(r.expectations_met());
  EXPECT_TRUE(r.safety_failed());
  // Less moves, though not nothing: Kafka's Rate counts a young window as 10 s long, so the
  // first fetches pass before the quota reads as exceeded.
  EXPECT_LT(r.moved_bytes_total, fast.moved_bytes_total);
  EXPECT_EQ(ran_check_count(r, "lost_writes"), 0) << "a throttle never costs data";
}

TEST(Reassignment, ABrokerIsAddedAndAnotherDecommissioned) {
  ScenarioSpec spec = load_bundled("operations/add-and-decommission.yaml");
  for (uint64_t seed = 1; seed <= seeds_or(2, 1); ++seed) {
    ScenarioResult r = run_scenario(spec, RunOptions{seed, nullptr});
    ASSERT_TRUE(r.expectations_met()) << "seed " << seed << "\n" << format_summary(r);
    std::set<int> holders;
    for (const auto& s : r.history.replicas()) holders.insert(s.broker.value());
    EXPECT_EQ(holders, (std::set<int>{1, 2, 3}));
    EXPECT_EQ(r.leaders_per_broker.count(0), 0u) << "a decommissioned broker is not counted";
    bool unregistered = false;
    for (const auto& f : r.faults_fired) unregistered = unregistered || f.find("stopped and unregistered") != std::string::npos;
    EXPECT_TRUE(unregistered);
  }
}

// The Amazon MSK bundle (scenarios/msk/): an AZ outage under acks=all with min.insync.replicas
// 2, patching (a rolling restart) under load, and one broker's disk filling up.
TEST(MskScenarios, EachHoldsItsExpectations) {
  for (const char* file : {"msk/az-outage-acks-all.yaml", "msk/patching-under-load.yaml", "msk/disk-full-one-broker.yaml"}) {
    ScenarioSpec spec = load_bundled(file);
    for (uint64_t seed = 1; seed <= seeds_or(1); ++seed) {
      ScenarioResult r = run_scenario(spec, RunOptions{seed, nullptr});
      EXPECT_TRUE(r.expectations_met()) << file << " seed " << seed << "\n" << format_summary(r);
    }
  }
}

TEST(Reassignment, BadOperationsAreClearErrors) {
  const std::string head = R"(name: ops
cluster: {brokers: 4}
topics: [{name: orders, partitions: 2, replication_factor: 3}]
duration: 5s
)";
  struct Case {
    std::string operations, says;
  };
  for (const Case& c : std::vector<Case>{
           {"[{at: 1s, kind: move, brokers: [1]}]", "expected add-brokers, reassign or decommission"},
           {"[{at: 1s, kind: reassign, brokers: [1, 7]}]", "operations[0].brokers[1]"},
           {"[{at: 1s, kind: reassign, brokers: [1, 2]}]", "replication factor 3, more than the 2 broker(s)"},
           {"[{at: 1s, kind: reassign, brokers: [1, 1, 2]}]", "broker 1 named twice"},
           {"[{at: 1s, kind: reassign, brokers: [0, 1, 2], topics: [nope]}]", "'nope' is not one of the scenario's topics"},
           {"[{at: 1s, kind: decommission, brokers: [0, 1]}]", "needs 3 brokers, 2 would be left"},
           {"[{at: 9s, kind: add-brokers, brokers: [3]}]", "operations[0].at"},
           {"[{at: 1s, kind: reassign, brokers: [1, 2, 3]}, {at: 2s, kind: add-brokers, brokers: [3]}]",
            "broker 3 is only added at 2s"},
           {"[{at: 1s, kind: add-brokers, brokers: [3], throttle: 1MB/s}]", "add-brokers moves nothing to throttle"},
           {"[{at: 1s, kind: add-brokers, brokers: [3], when: now}]", "when"},
       }) {
    LoadResult r = load_scenario_text(head + "operations: " + c.operations + "\n", "ops.yaml");
    ASSERT_FALSE(r.ok()) << c.operations;
    EXPECT_NE(r.error().str().find(c.says), std::string::npos) << c.operations << "\n  got: " << r.error().str();
  }
  LoadResult ok = load_scenario_text(head + "operations: [{at: 1s, kind: add-brokers, brokers: [3]}, "
                                            "{at: 2s, kind: reassign, brokers: [1, 2, 3], throttle: 1MB/s}]\n",
                                     "ops.yaml");
  ASSERT_TRUE(ok.ok()) << ok.error().str();
  EXPECT_TRUE(ok.spec().started_later(3));
  EXPECT_FALSE(ok.spec().started_later(0));
  EXPECT_EQ(ok.spec().operations[1].throttle_bytes_per_s, 1'000'000);
}

}  // namespace
}  // namespace scenarios
