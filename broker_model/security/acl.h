// Kafka's access control lists, as KRaft stores and matches them (KIP-801's StandardAuthorizer):
// an ACL binding is a resource pattern (type, name, LITERAL or PREFIXED) plus an access control
// entry (principal, host, operation, ALLOW or DENY). The enum values are Kafka's wire codes
// (org.apache.kafka.common.resource.ResourceType, acl.AclOperation, acl.AclPermissionType,
// resource.PatternType), so a record's bytes mean what Kafka's would. Only the resource types
// and operations eddy's brokers check are listed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace broker_model::security {

enum class ResourceType : uint8_t { kTopic = 2, kGroup = 3, kCluster = 4, kTransactionalId = 5 };
enum class AclOperation : uint8_t {
  kAll = 2,
  kRead = 3,
  kWrite = 4,
  kCreate = 5,
  kAlter = 7,
  kDescribe = 8,
  kClusterAction = 9,
  kIdempotentWrite = 12,
};
enum class AclPermission : uint8_t { kDeny = 2, kAllow = 3 };
enum class PatternType : uint8_t { kLiteral = 3, kPrefixed = 4 };

// ResourcePattern.WILDCARD_RESOURCE, KafkaPrincipal's wildcard, AccessControlEntry's any host,
// and the one Cluster resource's name (Resource.CLUSTER_NAME).
inline constexpr std::string_view kWildcardResource = "*";
inline constexpr std::string_view kWildcardPrincipal = "User:*";
inline constexpr std::string_view kAnyHost = "*";
inline constexpr std::string_view kClusterName = "kafka-cluster";
// The principal of a connection that did not authenticate (Kafka's PLAINTEXT listener).
inline constexpr std::string_view kAnonymousPrincipal = "User:ANONYMOUS";

// At most this many ACLs exist in a cluster (the controller refuses more), so an authorization
// check scans a bounded list.
inline constexpr size_t kMaxAclsTotal = 10'000;

// Identifies an ACL in the metadata log (Kafka uses a random Uuid; eddy numbers them in the
// order the controller creates them, so runs stay deterministic).
using AclId = int64_t;

struct AclBinding {
  ResourceType resource_type = ResourceType::kTopic;
  std::string resource_name;
  PatternType pattern_type = PatternType::kLiteral;
  std::string principal;  // "User:alice"
  std::string host{kAnyHost};
  AclOperation operation = AclOperation::kAll;
  AclPermission permission = AclPermission::kAllow;
  bool operator==(const AclBinding&) const = default;
  auto operator<=>(const AclBinding&) const = default;
  // "User:alice ALLOW Write on Topic:LITERAL:orders from host *"
  std::string str() const;
};

// Which ACLs a DeleteAcls entry removes (Kafka's AclBindingFilter): an unset field matches
// anything (ANY); a set field must be equal.
struct AclBindingFilter {
  std::optional<ResourceType> resource_type;
  std::optional<std::string> resource_name;
  std::optional<PatternType> pattern_type;
  std::optional<std::string> principal;
  std::optional<std::string> host;
  std::optional<AclOperation> operation;
  std::optional<AclPermission> permission;
  bool matches(const AclBinding& b) const;
  // The filter that matches exactly this binding.
  static AclBindingFilter exactly(const AclBinding& b);
};

// Kafka's spellings: "Topic", "Group", "Cluster", "TransactionalId"; "Read", "Write", ...,
// "ClusterAction", "All"; "Allow", "Deny"; "LITERAL", "PREFIXED".
const char* name_of(ResourceType t);
const char* name_of(AclOperation o);
const char* name_of(AclPermission p);
const char* name_of(PatternType p);
// Case-insensitive, also accepting snake_case ("cluster_action", "transactional_id").
std::optional<ResourceType> parse_resource_type(std::string_view s);
std::optional<AclOperation> parse_operation(std::string_view s);
std::optional<AclPermission> parse_permission(std::string_view s);
std::optional<PatternType> parse_pattern_type(std::string_view s);
// "Type:name" with both parts non-empty (KafkaPrincipal's string form).
bool valid_principal(std::string_view p);
// Why the controller refuses to create this ACL (AclControlManager.validateNewAcl: a resource
// name, a principal of the form Type:name), or nullopt when it is fine.
std::optional<std::string> validate_new_acl(const AclBinding& b);

}  // namespace broker_model::security
