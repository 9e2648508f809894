#include "broker_model/security/acl.h"

#include <cctype>

namespace broker_model::security {

namespace {

// Lower case without '_' and '-', so "ClusterAction", "CLUSTER_ACTION" and "cluster-action" agree.
std::string folded(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '_' && c != '-') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

template <class E, size_t N>
std::optional<E> parse_named(std::string_view s, const E (&all)[N]) {
  const std::string f = folded(s);
  for (E e : all)
    if (folded(name_of(e)) == f) return e;
  return std::nullopt;
}

}  // namespace

const char* name_of(ResourceType t) {
  switch (t) {
    case ResourceType::kTopic: return "Topic";
    case ResourceType::kGroup: return "Group";
    case ResourceType::kCluster: return "Cluster";
    case ResourceType::kTransactionalId: return "TransactionalId";
  }
  return "Unknown";
}

const char* name_of(AclOperation o) {
  switch (o) {
    case AclOperation::kAll: return "All";
    case AclOperation::kRead: return "Read";
    case AclOperation::kWrite: return "Write";
    case AclOperation::kCreate: return "Create";
    case AclOperation::kAlter: return "Alter";
    case AclOperation::kDescribe: return "Describe";
    case AclOperation::kClusterAction: return "ClusterAction";
    case AclOperation::kIdempotentWrite: return "IdempotentWrite";
  }
  return "Unknown";
}

const char* name_of(AclPermission p) { return p == AclPermission::kAllow ? "Allow" : "Deny"; }
const char* name_of(PatternType p) { return p == PatternType::kLiteral ? "LITERAL" : "PREFIXED"; }

std::optional<ResourceType> parse_resource_type(std::string_view s) {
  static constexpr ResourceType kAll[] = {ResourceType::kTopic, ResourceType::kGroup, ResourceType::kCluster,
                                          ResourceType::kTransactionalId};
  return parse_named(s, kAll);
}

std::optional<AclOperation> parse_operation(std::string_view s) {
  static constexpr AclOperation kAll[] = {AclOperation::kAll,      AclOperation::kRead,     AclOperation::kWrite,
                                          AclOperation::kCreate,   AclOperation::kAlter,    AclOperation::kDescribe,
                                          AclOperation::kClusterAction, AclOperation::kIdempotentWrite};
  return parse_named(s, kAll);
}

std::optional<AclPermission> parse_permission(std::string_view s) {
  static constexpr AclPermission kAll[] = {AclPermission::kAllow, AclPermission::kDeny};
  return parse_named(s, kAll);
}

std::optional<PatternType> parse_pattern_type(std::string_view s) {
  static constexpr PatternType kAll[] = {PatternType::kLiteral, PatternType::kPrefixed};
  return parse_named(s, kAll);
}

bool valid_principal(std::string_view p) {
  size_t colon = p.find(':');
  return colon != std::string_view::npos && colon > 0 && colon + 1 < p.size();
}

std::optional<std::string> validate_new_acl(const AclBinding& b) {
  if (b.resource_name.empty()) return "Resource name should not be empty";
  if (!valid_principal(b.principal)) return "Invalid principal '" + b.principal + "': expected Type:name";
  if (b.host.empty()) return "Host should not be empty";
  return std::nullopt;
}

std::string AclBinding::str() const {
  return principal + " " + name_of(permission) + " " + name_of(operation) + " on " + name_of(resource_type) + ":" +
         name_of(pattern_type) + ":" + resource_name + " from host " + host;
}

bool AclBindingFilter::matches(const AclBinding& b) const {
  return (!resource_type || *resource_type == b.resource_type) && (!resource_name || *resource_name == b.resource_name) &&
         (!pattern_type || *pattern_type == b.pattern_type) && (!principal || *principal == b.principal) &&
         (!host || *host == b.host) && (!operation || *operation == b.operation) &&
         (!permission || *permission == b.permission);
}

AclBindingFilter AclBindingFilter::exactly(const AclBinding& b) {
  return AclBindingFilter{b.resource_type, b.resource_name, b.pattern_type, b.principal, b.host, b.operation, b.permission};
}

}  // namespace broker_model::security
