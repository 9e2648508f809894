#include "broker_model/security/standard_authorizer.h"

#include <algorithm>
#include <optional>

namespace broker_model::security {

namespace {

// StandardAuthorizerData.findResult: nullopt when the entry says nothing about this request.
std::optional<AuthorizationResult> find_result(const AclBinding& acl, const std::string& principal, const std::string& host,
                                               AclOperation op) {
  if (acl.principal != principal && acl.principal != kWildcardPrincipal) return std::nullopt;
  if (acl.host != kAnyHost && acl.host != host) return std::nullopt;
  if (acl.operation != AclOperation::kAll) {
    if (acl.permission == AclPermission::kAllow && op == AclOperation::kDescribe) {
      // IMPLIES_DESCRIBE = {DESCRIBE, READ, WRITE, DELETE, ALTER}: for ALLOW entries only.
      static constexpr AclOperation kImplies[] = {AclOperation::kDescribe, AclOperation::kRead, AclOperation::kWrite,
                                                  AclOperation::kAlter};
      if (std::find(std::begin(kImplies), std::end(kImplies), acl.operation) == std::end(kImplies)) return std::nullopt;
    } else if (acl.operation != op) {
      return std::nullopt;
    }
  }
  return acl.permission == AclPermission::kAllow ? AuthorizationResult::kAllowed : AuthorizationResult::kDenied;
}

bool is_wildcard(const AclBinding& acl) {
  return acl.pattern_type == PatternType::kLiteral && acl.resource_name == kWildcardResource;
}

}  // namespace

const char* name_of(MatchingRule r) {
  switch (r) {
    case MatchingRule::kSuperUser: return "SuperUser";
    case MatchingRule::kDenyAcl: return "MatchingAcl(DENY)";
    case MatchingRule::kAllowAcl: return "MatchingAcl(ALLOW)";
    case MatchingRule::kNoAclDefault: return "DefaultRule(no ACL for the resource)";
    case MatchingRule::kNoMatchingAllow: return "DefaultDeny";
    case MatchingRule::kDisabled: return "NoAuthorizer";
  }
  return "?";
}

bool pattern_matches(const AclBinding& acl, ResourceType type, const std::string& name) {
  if (acl.resource_type != type) return false;
  if (is_wildcard(acl)) return true;
  if (acl.pattern_type == PatternType::kLiteral) return acl.resource_name == name;
  return name.size() >= acl.resource_name.size() && name.compare(0, acl.resource_name.size(), acl.resource_name) == 0;
}

StandardAuthorizer::StandardAuthorizer(AuthorizerConfig config, ProtocolVariants variants)
    : config_(std::move(config)), variants_(variants) {}

void StandardAuthorizer::add_acl(AclId id, const AclBinding& acl) {
  if (acls_.size() >= kMaxAcls && acls_.count(id) == 0) return;  // the controller never writes more
  acls_[id] = acl;
}

void StandardAuthorizer::remove_acl(AclId id) { acls_.erase(id); }

bool StandardAuthorizer::is_super_user(const std::string& principal) const {
  return std::find(config_.super_users.begin(), config_.super_users.end(), principal) != config_.super_users.end();
}

Decision StandardAuthorizer::authorize(const std::string& principal, const std::string& host, AclOperation op,
                                       ResourceType type, const std::string& name) const {
  if (!config_.enabled) return {AuthorizationResult::kAllowed, MatchingRule::kDisabled};
  if (is_super_user(principal)) return {AuthorizationResult::kAllowed, MatchingRule::kSuperUser};
  bool has_resource_acls = false;
  bool allow = false;
  bool deny = false;
  const bool allow_wins = variants_.has(Variant::kAclAllowOverridesDeny);
  // findAclRule: first the ACLs for this name (LITERAL equal, PREFIXED prefixes), stopping at
  // the first DENY; then, if none denied, the LITERAL wildcard ones.
  for (int section = 0; section < 2 && (!deny || allow_wins); ++section) {
    for (const auto& [id, acl] : acls_) {
      if (is_wildcard(acl) != (section == 1) || !pattern_matches(acl, type, name)) continue;
      has_resource_acls = true;
      std::optional<AuthorizationResult> r = find_result(acl, principal, host, op);
      if (r == AuthorizationResult::kAllowed) allow = true;
      if (r == AuthorizationResult::kDenied) {
        deny = true;
        if (!allow_wins) break;
      }
    }
  }
  // BUG ZOO (`acl-allow-overrides-deny`): a matching ALLOW is taken before looking at DENYs,
  // the mistake MatchingRuleBuilder.build's order (deny, then allow) exists to prevent.
  if (allow_wins && allow) return {AuthorizationResult::kAllowed, MatchingRule::kAllowAcl};
  if (deny) return {AuthorizationResult::kDenied, MatchingRule::kDenyAcl};
  if (allow) return {AuthorizationResult::kAllowed, MatchingRule::kAllowAcl};
  if (!has_resource_acls)
    return {config_.allow_everyone_if_no_acl_found ? AuthorizationResult::kAllowed : AuthorizationResult::kDenied,
            MatchingRule::kNoAclDefault};
  return {AuthorizationResult::kDenied, MatchingRule::kNoMatchingAllow};
}

}  // namespace broker_model::security
