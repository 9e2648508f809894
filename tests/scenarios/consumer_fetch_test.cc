// The assign() consumer and the group consumer share one fetch path (broker_model/clients/
// fetcher.h): both validate their position after a leader change (KIP-320) and both honour
// auto.offset.reset. Before, only the assign() consumer validated and only the group consumer
// honoured auto.offset.reset.
#include <gtest/gtest.h>

#include <string>

#include "tests/scenarios/bundled_scenario_util.h"

namespace scenarios {
namespace {

int64_t timeline_count(const ScenarioResult& r, const std::string& kind) {
  int64_t n = 0;
  for (const auto& e : r.history.timeline_events()) n += e.kind == kind;
  return n;
}

int64_t group_event_count(const ScenarioResult& r, const std::string& kind) {
  int64_t n = 0;
  for (const auto& e : r.history.groups().events) n += e.kind == kind;
  return n;
}

// An unclean election of a stale replica: the new leader's log ends before what consumers read
// from the old one. A group member finds out after the leader change, as an assign() consumer
// does, and goes back to where the logs agree.
TEST(ConsumerFetch, AGroupMemberValidatesItsPositionAfterALeaderChange) {
  ScenarioSpec spec = testing::load_bundled("durability/unclean-election-stale-replica.yaml");
  spec.consumers.push_back(ConsumerSpec{"orders", 1, {}});
  ScenarioSpec as_group = spec;
  as_group.consumers[0].configs["group.id"] = "readers";
  int64_t assign_detected = 0, member_detected = 0;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    assign_detected += timeline_count(run_scenario(spec, RunOptions{seed, nullptr}), "consumer-truncation-detected");
    member_detected += group_event_count(run_scenario(as_group, RunOptions{seed, nullptr}), "truncation-detected");
  }
  EXPECT_GT(assign_detected, 0) << "the assign() consumer never saw the truncation";
  EXPECT_GT(member_detected, 0) << "the group member never validated its position after the leader change";
}

// auto.offset.reset=none: with nothing committed and no position, the assign() consumer
// consumes nothing (Kafka throws NoOffsetForPartitionException) instead of reading from 0.
TEST(ConsumerFetch, TheAssignConsumerHonoursAutoOffsetReset) {
  ScenarioSpec spec = testing::load_bundled("basics/producers-and-consumers.yaml");
  spec.expect = {};
  for (auto& c : spec.consumers) c.configs["auto.offset.reset"] = "none";
  ScenarioResult none = run_scenario(spec, RunOptions{1, nullptr});
  EXPECT_EQ(none.counts.consumed, 0);
  EXPECT_GT(timeline_count(none, "consumer-no-offset"), 0);
  for (auto& c : spec.consumers) c.configs["auto.offset.reset"] = "earliest";
  ScenarioResult earliest = run_scenario(spec, RunOptions{1, nullptr});
  EXPECT_GT(earliest.counts.consumed, 1000);
}

}  // namespace
}  // namespace scenarios
