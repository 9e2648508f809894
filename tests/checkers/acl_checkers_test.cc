// The ACL checkers (checkers/acl_checkers.h) on hand-made histories: an access inside the
// propagation bound after a revocation is stale, not unauthorized; past the bound it is
// unauthorized; a DENY in force throughout counts as deny_overridden; super users and the
// default rule; the propagation lag excludes broker processes started after the commit.
#include <gtest/gtest.h>

#include "checkers/acl_checkers.h"

namespace checkers {
namespace {

sim::Instant t(int64_t ms) { return sim::Instant::epoch() + sim::milliseconds(ms); }

AclEntry entry(std::string principal, std::string op, std::string topic, bool allow = true, bool prefixed = false) {
  return AclEntry{"Topic", std::move(topic), prefixed, std::move(principal), "*", std::move(op), allow};
}

AclHistory base() {
  AclHistory h;
  h.enabled = true;
  h.super_users = {"User:broker"};
  h.propagation_bound = sim::seconds(2);
  h.changes.push_back(AclChange{t(100), 1, false, entry("User:alice", "Write", "orders")});
  h.changes.push_back(AclChange{t(5'000), 1, true, entry("User:alice", "Write", "orders")});  // revoked at 5 s
  return h;
}

AclAccess write(int64_t ms, std::string who = "User:alice", std::string topic = "orders") {
  return AclAccess{t(ms), BrokerId{1}, std::move(who), "Write", TopicPartition{topic, 0}, 10};
}

TEST(AclCheckers, AllowedAccessesAreFineAndRevokedOnesAreStaleWithinTheBoundThenUnauthorized) {
  AclHistory h = base();
  h.accesses = {write(1'000), write(6'000), write(6'999), write(7'001), write(9'000)};
  AclChecks c = check_acls(h);
  EXPECT_EQ(c.stale_ops.count, 2);         // 6.0 s and 6.999 s: within 2 s of the revocation
  EXPECT_EQ(c.unauthorized_ops.count, 2);  // 7.001 s and 9 s: beyond it
  EXPECT_EQ(c.deny_overridden.count, 0);   // no DENY involved
  ASSERT_FALSE(c.unauthorized_ops.examples.empty());
  const auto& story = c.unauthorized_ops.examples.front().story;
  ASSERT_GE(story.size(), 3u);
  EXPECT_NE(story.back().find("accepted Write"), std::string::npos);
}

TEST(AclCheckers, ADenyInForceThroughoutIsDenyOverriddenAndAnAccessBeforeAGrantIsUnauthorized) {
  AclHistory h;
  h.enabled = true;
  h.propagation_bound = sim::seconds(1);
  h.changes = {AclChange{t(0), 1, false, entry("User:*", "All", "*")},
               AclChange{t(0), 2, false, entry("User:mallory", "Write", "pay", false, true)}};
  h.accesses = {write(2'000, "User:mallory", "payments"), write(2'000, "User:mallory", "orders"),
                write(2'000, "User:alice", "payments"), write(2'000, "User:broker", "payments")};
  AclChecks c = check_acls(h);
  EXPECT_EQ(c.deny_overridden.count, 1);
  EXPECT_EQ(c.unauthorized_ops.count, 1);
  EXPECT_EQ(c.stale_ops.count, 0);
  // A DENY added at 2 s: an access at 2.5 s is within the bound (stale), not overridden.
  AclHistory late = h;
  late.changes.erase(late.changes.begin() + 1);
  late.changes.push_back(AclChange{t(2'000), 2, false, entry("User:mallory", "Write", "pay", false, true)});
  late.accesses = {write(2'500, "User:mallory", "payments")};
  AclChecks d = check_acls(late);
  EXPECT_EQ(d.deny_overridden.count, 0);
  EXPECT_EQ(d.unauthorized_ops.count, 0);
  EXPECT_EQ(d.stale_ops.count, 1);
}

TEST(AclCheckers, TheDefaultRuleAndSuperUsers) {
  AclHistory h;
  h.enabled = true;
  h.super_users = {"User:admin"};
  h.propagation_bound = sim::milliseconds(500);
  h.accesses = {write(1'000, "User:anyone"), write(1'000, "User:admin")};
  EXPECT_EQ(check_acls(h).unauthorized_ops.count, 1);
  h.allow_everyone_if_no_acl_found = true;
  EXPECT_EQ(check_acls(h).unauthorized_ops.count, 0);
  // An ACL on the resource for someone else: no longer "no ACL found" (once the bound has
  // passed since it was created: before, the open default was in force).
  h.changes = {AclChange{t(0), 1, false, entry("User:bob", "Write", "orders")}};
  EXPECT_EQ(check_acls(h).unauthorized_ops.count, 1);
  h.changes = {AclChange{t(800), 1, false, entry("User:bob", "Write", "orders")}};
  EXPECT_EQ(check_acls(h).unauthorized_ops.count, 0);
  EXPECT_EQ(check_acls(h).stale_ops.count, 1);
  h.enabled = false;  // no security in the scenario: nothing judged
  EXPECT_EQ(check_acls(h).unauthorized_ops.count, 0);
}

TEST(AclCheckers, PropagationLagCountsBrokersRunningAtTheCommitOnly) {
  AclHistory h = base();
  h.applies = {AclApply{t(150), BrokerId{0}, 1, false, t(0), false},
               AclApply{t(5'030), BrokerId{0}, 1, true, t(0), false},
               AclApply{t(8'000), BrokerId{1}, 1, true, t(0), false},          // cut off: 3 s late
               AclApply{t(8'100), BrokerId{1}, 1, true, t(0), false},          // a second report: not counted again
               AclApply{t(20'000), BrokerId{2}, 1, true, t(19'000), false},    // started after the commit
               AclApply{t(9'000), BrokerId{2}, 1, true, t(0), true}};          // ignored (variant): no sample
  AclChecks c = check_acls(h);
  EXPECT_EQ(c.max_propagation_ms, 3'000);
  EXPECT_EQ(c.propagation_samples, 3);
  EXPECT_NE(c.propagation_story.find("broker 1"), std::string::npos);
}

TEST(AclCheckers, TheOracleFollowsKafkasMatchingRules) {
  AclHistory h;
  h.enabled = true;
  std::map<int64_t, AclEntry> acls{{1, entry("User:alice", "Write", "orders")}, {2, entry("User:bob", "Read", "ord", true, true)}};
  EXPECT_TRUE(acl_oracle(acls, h, "User:alice", "Describe", "Topic", "orders").allowed);  // Write implies Describe
  EXPECT_FALSE(acl_oracle(acls, h, "User:alice", "Write", "Topic", "orders2").allowed);   // literal is exact
  EXPECT_TRUE(acl_oracle(acls, h, "User:bob", "Read", "Topic", "orders2").allowed);       // prefixed
  EXPECT_FALSE(acl_oracle(acls, h, "User:bob", "Read", "Group", "orders").allowed);       // another resource type
  acls[3] = entry("User:alice", "Describe", "orders", false);
  AclVerdict v = acl_oracle(acls, h, "User:alice", "Describe", "Topic", "orders");
  EXPECT_FALSE(v.allowed);
  EXPECT_TRUE(v.deny_matched);
  EXPECT_TRUE(acl_oracle(acls, h, "User:alice", "Write", "Topic", "orders").allowed);  // a DENY denies its own operation only
}

}  // namespace
}  // namespace checkers
