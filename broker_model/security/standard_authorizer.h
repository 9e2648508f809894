// The broker's authorizer, with the matching rules of KRaft's StandardAuthorizer (Kafka's
// metadata/src/main/java/org/apache/kafka/metadata/authorizer/StandardAuthorizerData.java):
//
//  - a super user (`super.users`) may do anything;
//  - the ACLs whose resource pattern matches the resource are found: LITERAL with the exact
//    name, PREFIXED whose name starts the resource's name, and the LITERAL wildcard `*`
//    (searched last, and only when no DENY was found yet: findAclRule's two checkSection calls);
//  - an entry matches when its principal is the caller's or `User:*`, its host is `*` or the
//    caller's, and its operation is the one asked, or ALL; an ALLOW entry for Read, Write,
//    Alter (or Delete) also allows Describe, a DENY entry only denies its own operation
//    (findResult, IMPLIES_DESCRIBE);
//  - any matching DENY wins; else any matching ALLOW allows; else, when no ACL at all matched
//    the resource pattern, `allow.everyone.if.no.acl.found` decides (MatchingRuleBuilder.build);
//    else DENIED.
//
// The brokers keep it up to date from the metadata log they replicate (AccessControlEntryRecord
// and RemoveAccessControlEntryRecord, as Kafka's AclPublisher does), so an ACL change reaches
// each broker when its metadata fetch brings the record: that lag is real and measured.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "broker_model/security/acl.h"
#include "broker_model/variants.h"

namespace broker_model::security {

struct AuthorizerConfig {
  // authorizer.class.name set (StandardAuthorizer): requests are checked. Off, every request is
  // allowed and nothing is looked up.
  bool enabled = false;
  std::vector<std::string> super_users;          // super.users ("User:broker;User:admin")
  bool allow_everyone_if_no_acl_found = false;   // allow.everyone.if.no.acl.found
};

enum class AuthorizationResult : uint8_t { kAllowed, kDenied };

// Which rule decided, for traces and tests (MatchingRule's toString in Kafka).
enum class MatchingRule : uint8_t { kSuperUser, kDenyAcl, kAllowAcl, kNoAclDefault, kNoMatchingAllow, kDisabled };
const char* name_of(MatchingRule r);

struct Decision {
  AuthorizationResult result = AuthorizationResult::kAllowed;
  MatchingRule rule = MatchingRule::kDisabled;
  bool allowed() const { return result == AuthorizationResult::kAllowed; }
};

class StandardAuthorizer {
 public:
  static constexpr size_t kMaxAcls = kMaxAclsTotal;

  StandardAuthorizer() = default;
  StandardAuthorizer(AuthorizerConfig config, ProtocolVariants variants);

  bool enabled() const { return config_.enabled; }
  const AuthorizerConfig& config() const { return config_; }
  // Replays AccessControlEntryRecord / RemoveAccessControlEntryRecord. Adding an id again
  // replaces it (a restarted broker replays the log from its start); removing an unknown id is
  // ignored.
  void add_acl(AclId id, const AclBinding& acl);
  void remove_acl(AclId id);
  size_t acl_count() const { return acls_.size(); }
  const std::map<AclId, AclBinding>& acls() const { return acls_; }

  Decision authorize(const std::string& principal, const std::string& host, AclOperation op, ResourceType type,
                     const std::string& name) const;
  bool allowed(const std::string& principal, AclOperation op, ResourceType type, const std::string& name) const {
    return authorize(principal, std::string(kAnyHost), op, type, name).allowed();
  }
  bool is_super_user(const std::string& principal) const;

 private:
  AuthorizerConfig config_;
  ProtocolVariants variants_;
  std::map<AclId, AclBinding> acls_;
};

// Does this entry's resource pattern cover `name` (LITERAL: equal; PREFIXED: a prefix of it;
// the LITERAL wildcard `*`: any name)?
bool pattern_matches(const AclBinding& acl, ResourceType type, const std::string& name);

}  // namespace broker_model::security
