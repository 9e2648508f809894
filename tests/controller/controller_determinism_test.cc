// Same seed, same run: the quorum sweep and a full metadata-plane scenario (controllers,
// brokers, an admin client, broker and controller crashes) give the same fingerprint and
// the same JSONL trace twice; different seeds give different runs.
#include <gtest/gtest.h>

#include <set>

#include "broker_model/controller/admin_client.h"
#include "tests/controller/controller_cluster.h"
#include "tests/controller/raft_sweep.h"

namespace broker_model::testing {
namespace {

struct ScenarioRun {
  uint64_t fingerprint;
  std::string trace;
};

ScenarioRun metadata_scenario(uint64_t seed) {
  ClusterOptions o;
  o.seed = seed;
  o.record_trace = true;
  o.racks = {"a", "b", "c"};
  ControllerCluster c(o);
  c.run_for(sim::seconds(8));
  EXPECT_TRUE(c.admin([](AdminProcess& a) { create_topics(a.channel, {CreatableTopic{"orders", 4, 3, {}}}); }));
  c.run_for(sim::seconds(2));
  c.world().crash(c.broker_node(static_cast<int>(seed % 3)));
  c.run_for(sim::seconds(3));
  for (int i = 0; i < 3; ++i)
    if (ControllerServer* s = c.controller(i); s != nullptr && s->controller().active()) c.world().crash(c.controller_node(i));
  c.run_for(sim::seconds(10));
  c.world().start(c.broker_node(static_cast<int>(seed % 3)));
  c.run_for(sim::seconds(5));
  return {c.world().fingerprint(), c.trace()};
}

TEST(ControllerDeterminism, MetadataScenarioRepeatsExactly) {
  std::set<uint64_t> distinct;
  constexpr uint64_t kSeeds = 5;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    ScenarioRun a = metadata_scenario(seed);
    ScenarioRun b = metadata_scenario(seed);
    ASSERT_EQ(a.fingerprint, b.fingerprint) << "seed " << seed;
    ASSERT_EQ(a.trace, b.trace) << "seed " << seed;
    ASSERT_NE(a.trace.find("\"ev\":\"controller.active\""), std::string::npos);
    ASSERT_NE(a.trace.find("\"ev\":\"controller.partition_change\""), std::string::npos);
    distinct.insert(a.fingerprint);
  }
  EXPECT_EQ(distinct.size(), kSeeds);
}

TEST(ControllerDeterminism, QuorumSweepRepeatsExactly) {
  RaftSweepOptions options;
  options.keep_trace = true;
  std::set<uint64_t> distinct;
  constexpr uint64_t kSeeds = 10;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    RaftSweepResult a = run_raft_sweep(seed, options);
    RaftSweepResult b = run_raft_sweep(seed, options);
    ASSERT_EQ(a.fingerprint, b.fingerprint) << "seed " << seed;
    ASSERT_EQ(a.trace, b.trace) << "seed " << seed;
    distinct.insert(a.fingerprint);
  }
  EXPECT_EQ(distinct.size(), kSeeds);
}

}  // namespace
}  // namespace broker_model::testing
