// The brokers' authorizer (broker_model/security/standard_authorizer.h) against the matching
// rules of KRaft's StandardAuthorizerData: LITERAL, PREFIXED and the `*` wildcard, principals
// and `User:*`, operations and All, Describe implied by an ALLOW only, DENY over ALLOW, super
// users, allow.everyone.if.no.acl.found; the ACL records' byte form; the controller's
// CreateAcls/DeleteAcls decisions (AclControl).
#include <gtest/gtest.h>

#include "broker_model/controller/acl_control.h"
#include "broker_model/controller/metadata_image.h"
#include "broker_model/controller/metadata_record_codec.h"
#include "broker_model/security/standard_authorizer.h"

namespace broker_model::security {
namespace {

AclBinding acl(std::string principal, AclOperation op, std::string topic, AclPermission permission = AclPermission::kAllow,
               PatternType pattern = PatternType::kLiteral, ResourceType type = ResourceType::kTopic) {
  return AclBinding{type, std::move(topic), pattern, std::move(principal), "*", op, permission};
}

StandardAuthorizer authorizer(std::vector<AclBinding> acls, std::vector<std::string> super_users = {},
                              bool allow_everyone = false, ProtocolVariants variants = {}) {
  StandardAuthorizer a(AuthorizerConfig{true, std::move(super_users), allow_everyone}, variants);
  AclId id = 1;
  for (const auto& b : acls) a.add_acl(id++, b);
  return a;
}

bool may(const StandardAuthorizer& a, const char* who, AclOperation op, const char* topic) {
  return a.allowed(who, op, ResourceType::kTopic, topic);
}

TEST(StandardAuthorizer, LiteralMatchesTheExactNameOnly) {
  auto a = authorizer({acl("User:alice", AclOperation::kWrite, "orders")});
  EXPECT_TRUE(may(a, "User:alice", AclOperation::kWrite, "orders"));
  EXPECT_FALSE(may(a, "User:alice", AclOperation::kWrite, "orders2"));  // a literal that is a prefix: no match
  EXPECT_FALSE(may(a, "User:alice", AclOperation::kWrite, "order"));
  EXPECT_FALSE(may(a, "User:alice", AclOperation::kRead, "orders"));
  EXPECT_FALSE(may(a, "User:bob", AclOperation::kWrite, "orders"));
  // Another resource type with the same name is another resource.
  EXPECT_FALSE(a.allowed("User:alice", AclOperation::kWrite, ResourceType::kGroup, "orders"));
}

TEST(StandardAuthorizer, PrefixedMatchesEveryNameStartingWithIt) {
  auto a = authorizer({acl("User:alice", AclOperation::kRead, "pay", AclPermission::kAllow, PatternType::kPrefixed)});
  EXPECT_TRUE(may(a, "User:alice", AclOperation::kRead, "pay"));
  EXPECT_TRUE(may(a, "User:alice", AclOperation::kRead, "payments"));
  EXPECT_FALSE(may(a, "User:alice", AclOperation::kRead, "pa"));
  EXPECT_FALSE(may(a, "User:alice", AclOperation::kRead, "xpayments"));
}

TEST(StandardAuthorizer, WildcardResourceAndPrincipalMatchEverything) {
  auto a = authorizer({acl("User:*", AclOperation::kRead, "*")});
  EXPECT_TRUE(may(a, "User:alice", AclOperation::kRead, "orders"));
  EXPECT_TRUE(may(a, "User:bob", AclOperation::kRead, "anything"));
  EXPECT_FALSE(may(a, "User:bob", AclOperation::kWrite, "anything"));
  // A PREFIXED "*" is a prefix, not the wildcard.
  auto p = authorizer({acl("User:alice", AclOperation::kRead, "*", AclPermission::kAllow, PatternType::kPrefixed)});
  EXPECT_FALSE(may(p, "User:alice", AclOperation::kRead, "orders"));
  EXPECT_TRUE(may(p, "User:alice", AclOperation::kRead, "*orders"));
}

TEST(StandardAuthorizer, AllCoversEveryOperation) {
  auto a = authorizer({acl("User:alice", AclOperation::kAll, "orders")});
  for (AclOperation op : {AclOperation::kRead, AclOperation::kWrite, AclOperation::kDescribe, AclOperation::kCreate,
                          AclOperation::kAlter})
    EXPECT_TRUE(may(a, "User:alice", op, "orders")) << name_of(op);
}

TEST(StandardAuthorizer, DescribeIsImpliedByAnAllowOnlyNeverDeniedByADenyOfAnotherOperation) {
  auto a = authorizer({acl("User:alice", AclOperation::kWrite, "orders"), acl("User:bob", AclOperation::kRead, "orders"),
                       acl("User:carol", AclOperation::kCreate, "orders")});
  EXPECT_TRUE(may(a, "User:alice", AclOperation::kDescribe, "orders"));
  EXPECT_TRUE(may(a, "User:bob", AclOperation::kDescribe, "orders"));
  EXPECT_FALSE(may(a, "User:carol", AclOperation::kDescribe, "orders"));  // Create does not imply Describe
  // A DENY of Read does not deny Describe (findResult: the implication is for ALLOW only).
  auto d = authorizer({acl("User:*", AclOperation::kAll, "*"), acl("User:bob", AclOperation::kRead, "orders", AclPermission::kDeny)});
  EXPECT_FALSE(may(d, "User:bob", AclOperation::kRead, "orders"));
  EXPECT_TRUE(may(d, "User:bob", AclOperation::kDescribe, "orders"));
}

TEST(StandardAuthorizer, DenyWinsOverAnyAllowWildcardPrefixedOrLiteral) {
  const AclBinding deny = acl("User:mallory", AclOperation::kWrite, "pay", AclPermission::kDeny, PatternType::kPrefixed);
  for (const AclBinding& allow : {acl("User:*", AclOperation::kAll, "*"), acl("User:mallory", AclOperation::kWrite, "payments"),
                                  acl("User:mallory", AclOperation::kAll, "p", AclPermission::kAllow, PatternType::kPrefixed)}) {
    // In either insertion order (ids), the DENY wins.
    auto a = authorizer({allow, deny});
    auto b = authorizer({deny, allow});
    EXPECT_FALSE(may(a, "User:mallory", AclOperation::kWrite, "payments")) << allow.str();
    EXPECT_FALSE(may(b, "User:mallory", AclOperation::kWrite, "payments")) << allow.str();
    EXPECT_EQ(a.authorize("User:mallory", "*", AclOperation::kWrite, ResourceType::kTopic, "payments").rule, MatchingRule::kDenyAcl);
    EXPECT_TRUE(may(a, "User:mallory", AclOperation::kWrite, "orders") || allow.resource_name != "*") << allow.str();
  }
  // A DENY for User:* denies everyone but super users.
  auto c = authorizer({acl("User:alice", AclOperation::kWrite, "orders"), acl("User:*", AclOperation::kAll, "orders", AclPermission::kDeny)},
                      {"User:admin"});
  EXPECT_FALSE(may(c, "User:alice", AclOperation::kWrite, "orders"));
  EXPECT_TRUE(may(c, "User:admin", AclOperation::kWrite, "orders"));
}

TEST(StandardAuthorizer, TheAllowOverridesDenyVariantLetsTheAllowWin) {
  ProtocolVariants v;
  v.set(Variant::kAclAllowOverridesDeny);
  auto a = authorizer({acl("User:*", AclOperation::kAll, "*"),
                       acl("User:mallory", AclOperation::kWrite, "pay", AclPermission::kDeny, PatternType::kPrefixed)},
                      {}, false, v);
  EXPECT_TRUE(may(a, "User:mallory", AclOperation::kWrite, "payments"));
  // A DENY without a matching ALLOW still denies.
  auto b = authorizer({acl("User:mallory", AclOperation::kWrite, "payments", AclPermission::kDeny)}, {}, false, v);
  EXPECT_FALSE(may(b, "User:mallory", AclOperation::kWrite, "payments"));
}

TEST(StandardAuthorizer, SuperUsersMayDoAnythingEvenWhenDenied) {
  auto a = authorizer({acl("User:broker", AclOperation::kAll, "*", AclPermission::kDeny)}, {"User:broker"});
  EXPECT_TRUE(may(a, "User:broker", AclOperation::kWrite, "orders"));
  EXPECT_TRUE(a.allowed("User:broker", AclOperation::kClusterAction, ResourceType::kCluster, "kafka-cluster"));
  EXPECT_EQ(a.authorize("User:broker", "*", AclOperation::kRead, ResourceType::kTopic, "x").rule, MatchingRule::kSuperUser);
  EXPECT_FALSE(may(a, "User:alice", AclOperation::kWrite, "orders"));
}

TEST(StandardAuthorizer, NoAclOnTheResourceFallsToAllowEveryoneIfNoAclFound) {
  // No ACL at all on `orders`: the default decides.
  EXPECT_FALSE(may(authorizer({}), "User:alice", AclOperation::kRead, "orders"));
  EXPECT_TRUE(may(authorizer({}, {}, true), "User:alice", AclOperation::kRead, "orders"));
  // An ACL on the resource for someone else: the default no longer applies (DefaultDeny).
  auto a = authorizer({acl("User:bob", AclOperation::kRead, "orders")}, {}, true);
  EXPECT_FALSE(may(a, "User:alice", AclOperation::kRead, "orders"));
  EXPECT_TRUE(may(a, "User:alice", AclOperation::kRead, "other"));
  EXPECT_EQ(a.authorize("User:alice", "*", AclOperation::kRead, ResourceType::kTopic, "orders").rule, MatchingRule::kNoMatchingAllow);
}

TEST(StandardAuthorizer, RemovedAclsStopMatchingAndDisabledAllowsAll) {
  StandardAuthorizer a(AuthorizerConfig{true, {}, false}, {});
  a.add_acl(7, acl("User:alice", AclOperation::kWrite, "orders"));
  EXPECT_TRUE(may(a, "User:alice", AclOperation::kWrite, "orders"));
  a.remove_acl(7);
  EXPECT_FALSE(may(a, "User:alice", AclOperation::kWrite, "orders"));
  a.remove_acl(7);  // unknown: ignored
  StandardAuthorizer off;
  EXPECT_TRUE(may(off, "User:anyone", AclOperation::kWrite, "orders"));
}

TEST(AclRecords, RoundTripThroughTheCodecAndRejectUnknownCodes) {
  MetadataBatch b{AccessControlEntryRecord{5, acl("User:alice", AclOperation::kWrite, "pay", AclPermission::kDeny, PatternType::kPrefixed)},
                  RemoveAccessControlEntryRecord{5}};
  std::string bytes = encode_batch(b);
  auto back = decode_batch(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, b);
  for (size_t cut = 0; cut < bytes.size(); ++cut) EXPECT_FALSE(decode_batch(bytes.substr(0, cut)).has_value()) << cut;
  // The operation byte of the first record (after count, tag, id, type, name, pattern,
  // principal, host) replaced by a code eddy does not know.
  std::string bad = bytes;
  size_t op_at = 4 + 1 + 8 + 1 + (4 + 3) + 1 + (4 + 10) + (4 + 1);
  ASSERT_EQ(static_cast<uint8_t>(bad[op_at]), static_cast<uint8_t>(AclOperation::kWrite));
  bad[op_at] = 99;
  EXPECT_FALSE(decode_batch(bad).has_value());
}

TEST(AclControl, CreatesEachNewAclOnceAndValidates) {
  MetadataImage image;
  CreateAclsRequest req{{acl("User:alice", AclOperation::kWrite, "orders"), acl("User:alice", AclOperation::kWrite, "orders"),
                         acl("alice", AclOperation::kWrite, "orders"), acl("User:bob", AclOperation::kRead, "")}};
  auto r = AclControl::create_acls(image, req);
  ASSERT_EQ(r.response.results.size(), 4u);
  EXPECT_EQ(r.response.results[0].error, ErrorCode::kNone);
  EXPECT_EQ(r.response.results[1].error, ErrorCode::kNone);  // already there: answered, not written again
  EXPECT_EQ(r.response.results[2].error, ErrorCode::kInvalidRequest);  // principal without a type
  EXPECT_EQ(r.response.results[3].error, ErrorCode::kInvalidRequest);  // empty resource name
  ASSERT_EQ(r.records.size(), 1u);
  image.apply(r.records);
  EXPECT_EQ(image.acls().size(), 1u);
  // Creating it again writes nothing.
  EXPECT_TRUE(AclControl::create_acls(image, CreateAclsRequest{{acl("User:alice", AclOperation::kWrite, "orders")}}).records.empty());
}

TEST(AclControl, DeleteRemovesEveryMatchingAclOnce) {
  MetadataImage image;
  image.apply(AclControl::create_acls(image, CreateAclsRequest{{acl("User:alice", AclOperation::kWrite, "orders"),
                                                                 acl("User:alice", AclOperation::kRead, "orders"),
                                                                 acl("User:bob", AclOperation::kWrite, "orders")}})
                  .records);
  AclBindingFilter alice;
  alice.principal = "User:alice";
  auto r = AclControl::delete_acls(image, DeleteAclsRequest{{alice, AclBindingFilter::exactly(acl("User:alice", AclOperation::kWrite, "orders"))}});
  ASSERT_EQ(r.response.results.size(), 2u);
  EXPECT_EQ(r.response.results[0].deleted.size(), 2u);
  EXPECT_EQ(r.response.results[1].deleted.size(), 1u);
  EXPECT_EQ(r.records.size(), 2u);  // the ACL both filters matched is removed once
  image.apply(r.records);
  ASSERT_EQ(image.acls().size(), 1u);
  EXPECT_EQ(image.acls().begin()->second.principal, "User:bob");
  EXPECT_GT(image.next_acl_id(), 3);  // ids are never reused
}

}  // namespace
}  // namespace broker_model::security
