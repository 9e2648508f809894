// The security model end to end (broker_model/security/, checkers/acl_checkers.h): the
// `security:` section's loader and its errors, the bundled scenarios under scenarios/security/
// holding their expectations, and each planted authorizer mutation caught by its checker.
#include <gtest/gtest.h>

#include <string>

#include "tests/scenarios/bundled_scenario_util.h"

namespace scenarios {
namespace {

using testing::check_count;
using testing::expect_holds;
using testing::load_bundled;
using testing::seeds_or;

std::string load_error(const std::string& security) {
  LoadResult r = load_scenario_text("name: s\ntopics: [{name: orders}]\nduration: 10s\nsecurity:\n" + security, "s.yaml");
  return r.ok() ? "" : r.error().str();
}

TEST(SecurityLoader, ReadsPrincipalsAclsSuperUsersAndChanges) {
  LoadResult r = load_scenario_text(R"(name: s
topics: [{name: orders}]
duration: 10s
security:
  broker_principal: User:kafka
  allow_everyone_if_no_acl_found: true
  propagation_bound: 3s
  acls:
    - {principal: "User:*", operation: Read, topic: "*"}
    - {principal: User:mallory, operation: write, permission: deny, topic: ord, pattern: prefixed}
    - {principal: User:alice, operation: ClusterAction, cluster: kafka-cluster}
    - {principal: User:alice, operation: Read, group: readers}
  changes:
    - {at: 4s, revoke: {principal: "User:*", operation: Read, topic: "*"}}
    - {at: 2s, grant: {principal: User:bob, operation: Write, transactional_id: tx}}
producers: [{topic: orders, principal: User:alice}]
consumers: [{topic: orders, principal: User:bob}]
)", "s.yaml");
  ASSERT_TRUE(r.ok()) << r.error().str();
  const ScenarioSpec& s = r.spec();
  ASSERT_TRUE(s.security.has_value());
  EXPECT_EQ(s.security->broker_principal, "User:kafka");
  EXPECT_EQ(s.security->super_users, std::vector<std::string>{"User:kafka"});
  EXPECT_TRUE(s.security->allow_everyone_if_no_acl_found);
  EXPECT_EQ(s.security->propagation_bound, sim::seconds(3));
  ASSERT_EQ(s.security->acls.size(), 4u);
  namespace sec = broker_model::security;
  EXPECT_EQ(s.security->acls[1].permission, sec::AclPermission::kDeny);
  EXPECT_EQ(s.security->acls[1].pattern_type, sec::PatternType::kPrefixed);
  EXPECT_EQ(s.security->acls[1].operation, sec::AclOperation::kWrite);
  EXPECT_EQ(s.security->acls[2].resource_type, sec::ResourceType::kCluster);
  EXPECT_EQ(s.security->acls[3].resource_type, sec::ResourceType::kGroup);
  ASSERT_EQ(s.security->changes.size(), 2u);
  EXPECT_FALSE(s.security->changes[0].grant);
  EXPECT_EQ(s.security->changes[1].acl.resource_type, sec::ResourceType::kTransactionalId);
  EXPECT_EQ(s.producers[0].principal, "User:alice");
  EXPECT_EQ(s.consumers[0].principal, "User:bob");
}

TEST(SecurityLoader, BadInputGetsALocatedClearError) {
  struct Case {
    std::string yaml;
    std::string message;
  };
  const Case cases[] = {
      {"  acls: [{principal: User:a, operation: Fly, topic: t}]\n", "security.acls[0].operation: expected one of Read"},
      {"  acls: [{principal: alice, operation: Read, topic: t}]\n", "security.acls[0].principal: expected a principal like User:alice"},
      {"  acls: [{principal: User:a, operation: Read, topic: t, group: g}]\n", "expected exactly one resource key"},
      {"  acls: [{principal: User:a, operation: Read}]\n", "expected exactly one resource key"},
      {"  acls: [{principal: User:a, operation: Read, topic: t, host: 10.0.0.1}]\n", "only '*' is modelled"},
      {"  acls: [{principal: User:a, operation: Read, topic: t, permission: maybe}]\n", "expected allow or deny"},
      {"  acls: [{principal: User:a, operation: Read, cluster: main}]\n", "the cluster resource is named kafka-cluster"},
      {"  acls: [{principal: User:a, operation: Read, topic: '*', pattern: prefixed}]\n", "use the literal wildcard"},
      {"  changes: [{at: 11s, grant: {principal: User:a, operation: Read, topic: t}}]\n", "security.changes[0].at"},
      {"  changes: [{at: 1s}]\n", "exactly one of grant"},
      {"  changes: [{at: 1s, grant: {principal: User:a, operation: Read, topic: t}, revoke: {principal: User:a, operation: Read, topic: t}}]\n",
       "exactly one of grant"},
      {"  super_users: User:a\n", "security.super_users: expected a list of principals"},
      {"  propagation_bound: 0s\n", "security.propagation_bound"},
      {"  acl: []\n", "unknown key 'acl' in security"},
  };
  for (const Case& c : cases) {
    std::string err = load_error(c.yaml);
    EXPECT_NE(err.find(c.message), std::string::npos) << c.yaml << " gave: " << err;
    EXPECT_NE(err.find("s.yaml:"), std::string::npos) << err;
  }
  LoadResult bad = load_scenario_text("name: s\ntopics: [{name: orders}]\nproducers: [{topic: orders, principal: bob}]\n", "s.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().str().find("producers[0].principal"), std::string::npos);
}

// A revocation under a broker/controller partition: no access beyond the bound, and the window
// shown: the cut-off broker applied the removal seconds late, and accepted writes meanwhile.
TEST(SecurityScenarios, RevocationUnderPartitionStopsWritesWithinTheBound) {
  expect_holds("security/revocation-under-partition.yaml", seeds_or(2, 1), [](const ScenarioResult& r, uint64_t seed) {
    EXPECT_GE(r.acl_propagation_max_ms, 1'000) << "seed " << seed << ": the cut-off broker learns late";
    EXPECT_GT(check_count(r, "acl_stale_ops"), 0) << "seed " << seed;
    EXPECT_GT(r.acl_accesses, 1'000) << "seed " << seed;
  });
}

TEST(SecurityScenarios, DenyWinsOverAWildcardAllow) {
  expect_holds("security/deny-over-wildcard-allow.yaml", seeds_or(2, 1));
}

// Each planted authorizer mutation breaks what its checker guards, on the scenario that holds
// without it.
TEST(SecurityScenarios, BrokersIgnoringRemovalsAreCaughtByUnauthorizedOps) {
  ScenarioSpec spec = load_bundled("security/revocation-under-partition.yaml");
  spec.cluster.variants.set(broker_model::Variant::kAclRemovalsIgnored);
  ScenarioResult r = run_scenario(spec, RunOptions{1, nullptr});
  ASSERT_TRUE(r.cluster_ready);
  EXPECT_GT(check_count(r, "unauthorized_ops"), 0) << format_summary(r);
  EXPECT_TRUE(r.safety_failed());
}

TEST(SecurityScenarios, AnAllowWinningOverADenyIsCaughtByDenyOverridden) {
  ScenarioSpec spec = load_bundled("security/deny-over-wildcard-allow.yaml");
  spec.cluster.variants.set(broker_model::Variant::kAclAllowOverridesDeny);
  ScenarioResult r = run_scenario(spec, RunOptions{1, nullptr});
  ASSERT_TRUE(r.cluster_ready);
  EXPECT_GT(check_count(r, "deny_overridden"), 0) << format_summary(r);
  EXPECT_TRUE(r.safety_failed());
}

// Without an ACL for a principal every write of its is refused (allow.everyone.if.no.acl.found
// is false by default), and refused writes fail, never count as lost.
TEST(SecurityScenarios, APrincipalWithoutAclsIsRefusedEverything) {
  LoadResult loaded = load_scenario_text(R"(name: no-acl
cluster: {brokers: 3, controllers: 1}
topics: [{name: orders, partitions: 2, replication_factor: 3}]
security: {}
producers: [{topic: orders, principal: User:nobody, rate: 100/s, configs: {acks: all, request.timeout.ms: 2000, delivery.timeout.ms: 5000}}]
duration: 3s
heal_for: 1s
expect: {acknowledged: "== 0"}
)", "no-acl.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().str();
  ScenarioResult r = run_scenario(loaded.spec(), RunOptions{1, nullptr});
  ASSERT_TRUE(r.cluster_ready);
  EXPECT_TRUE(r.expectations_met()) << format_summary(r);
  EXPECT_EQ(r.counts.acknowledged, 0);
  EXPECT_GT(r.counts.failed, 0);
  EXPECT_EQ(check_count(r, "unauthorized_ops"), 0);
}

}  // namespace
}  // namespace scenarios
