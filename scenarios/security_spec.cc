#include "scenarios/security_spec.h"

#include "scenarios/value_syntax.h"

namespace scenarios {

namespace sec = broker_model::security;

namespace {

constexpr std::string_view kResourceKeys[] = {"topic", "group", "cluster", "transactional_id"};

// One ACL entry: {principal, operation, permission, topic|group|cluster|transactional_id,
// pattern, host}.
sec::AclBinding read_acl(const YamlValue& e, const std::string& path) {
  require_map(e, path,
              "an ACL entry like {principal: User:alice, operation: Write, topic: orders} (permission allow|deny, "
              "pattern literal|prefixed, host *)");
  check_keys(e, path, {"principal", "operation", "permission", "topic", "group", "cluster", "transactional_id", "pattern", "host"});
  sec::AclBinding b;
  b.principal = read_principal(require_key(e, path, "principal"), path + ".principal");
  const YamlValue& op = require_key(e, path, "operation");
  auto operation = sec::parse_operation(read_text(op, path + ".operation", "an operation"));
  if (!operation)
    fail_at(op.where, path + ".operation: expected one of Read, Write, Describe, Create, Alter, ClusterAction, "
                             "IdempotentWrite, All, got " + op.describe());
  b.operation = *operation;
  if (const YamlValue* x = e.find("permission")) {
    auto p = sec::parse_permission(read_text(*x, path + ".permission", "allow or deny"));
    if (!p) fail_at(x->where, path + ".permission: expected allow or deny, got " + x->describe());
    b.permission = *p;
  }
  int resources = 0;
  for (std::string_view key : kResourceKeys) {
    const YamlValue* x = e.find(key);
    if (x == nullptr) continue;
    ++resources;
    b.resource_type = *sec::parse_resource_type(key);
    b.resource_name = read_text(*x, path + "." + std::string(key), "a resource name");
    if (b.resource_name.empty()) fail_at(x->where, path + "." + std::string(key) + ": expected a name or *, got ''");
    if (b.resource_type == sec::ResourceType::kCluster && b.resource_name != sec::kClusterName)
      fail_at(x->where, path + ".cluster: the cluster resource is named kafka-cluster, got " + x->describe());
  }
  if (resources != 1)
    fail_at(e.where, path + ": expected exactly one resource key (topic, group, cluster or transactional_id), got " +
                         std::to_string(resources));
  if (const YamlValue* x = e.find("pattern")) {
    auto p = sec::parse_pattern_type(read_text(*x, path + ".pattern", "literal or prefixed"));
    if (!p) fail_at(x->where, path + ".pattern: expected literal or prefixed, got " + x->describe());
    b.pattern_type = *p;
    if (b.pattern_type == sec::PatternType::kPrefixed && b.resource_name == sec::kWildcardResource)
      fail_at(x->where, path + ".pattern: a prefixed pattern '*' matches only names starting with '*'; for every name "
                               "use the literal wildcard (pattern: literal)");
  }
  if (const YamlValue* x = e.find("host")) {
    b.host = read_text(*x, path + ".host", "*");
    if (b.host != sec::kAnyHost)
      fail_at(x->where, path + ".host: only '*' is modelled (the lab's clients have no addresses), got " + x->describe());
  }
  return b;
}

}  // namespace

std::string read_principal(const YamlValue& v, std::string_view path) {
  std::string p = read_text(v, path, "a principal like User:alice");
  if (!sec::valid_principal(p))
    fail_at(v.where, std::string(path) + ": expected a principal like User:alice (Type:name), got " + v.describe());
  return p;
}

SecuritySpec read_security(const YamlValue& v, sim::Duration duration) {
  require_map(v, "security", "a map with acls, changes, super_users, broker_principal, allow_everyone_if_no_acl_found, "
                             "propagation_bound");
  check_keys(v, "security", {"acls", "changes", "super_users", "broker_principal", "allow_everyone_if_no_acl_found",
                             "propagation_bound"});
  SecuritySpec s;
  if (const YamlValue* x = v.find("broker_principal")) s.broker_principal = read_principal(*x, "security.broker_principal");
  if (const YamlValue* x = v.find("super_users")) {
    if (!x->is_list()) fail_at(x->where, "security.super_users: expected a list of principals, got " + x->describe());
    for (size_t i = 0; i < x->items.size(); ++i) s.super_users.push_back(read_principal(x->items[i], index_path("security.super_users", i)));
  } else {
    s.super_users = {s.broker_principal};
  }
  if (const YamlValue* x = v.find("allow_everyone_if_no_acl_found"))
    s.allow_everyone_if_no_acl_found = read_bool(*x, "security.allow_everyone_if_no_acl_found");
  if (const YamlValue* x = v.find("propagation_bound")) {
    auto d = parse_duration(read_text(*x, "security.propagation_bound", "a duration like 5s"));
    if (!d.value || *d.value <= sim::Duration::zero() || *d.value > sim::seconds(3600))
      fail_at(x->where, "security.propagation_bound: expected a duration from 1ns to 1h, got " + x->describe());
    s.propagation_bound = *d.value;
  }
  if (const YamlValue* x = v.find("acls")) {
    if (!x->is_list()) fail_at(x->where, "security.acls: expected a list of ACL entries, got " + x->describe());
    if (x->items.size() > kSecurityAclsMax)
      fail_at(x->where, "security.acls: at most " + std::to_string(kSecurityAclsMax) + " entries");
    for (size_t i = 0; i < x->items.size(); ++i) s.acls.push_back(read_acl(x->items[i], index_path("security.acls", i)));
  }
  if (const YamlValue* x = v.find("changes")) {
    if (!x->is_list()) fail_at(x->where, "security.changes: expected a list like [{at: 5s, revoke: {...}}], got " + x->describe());
    if (x->items.size() > kSecurityChangesMax)
      fail_at(x->where, "security.changes: at most " + std::to_string(kSecurityChangesMax) + " entries");
    for (size_t i = 0; i < x->items.size(); ++i) {
      const std::string path = index_path("security.changes", i);
      const YamlValue& e = x->items[i];
      require_map(e, path, "a change like {at: 5s, revoke: {principal: User:alice, operation: Write, topic: orders}}");
      check_keys(e, path, {"at", "grant", "revoke"});
      AclChangeSpec c;
      c.line = e.where.line;
      const YamlValue& when = require_key(e, path, "at");
      auto d = parse_duration(read_text(when, path + ".at", "a duration"));
      if (!d.value || *d.value < sim::Duration::zero() || *d.value > duration)
        fail_at(when.where, path + ".at: expected a duration from 0s to the scenario's duration (" +
                                sim::format_duration(duration) + "), got " + when.describe());
      c.at = *d.value;
      const YamlValue* grant = e.find("grant");
      const YamlValue* revoke = e.find("revoke");
      if ((grant == nullptr) == (revoke == nullptr))
        fail_at(e.where, path + ": expected exactly one of grant (CreateAcls) or revoke (DeleteAcls of that entry)");
      c.grant = grant != nullptr;
      c.acl = read_acl(grant != nullptr ? *grant : *revoke, path + (c.grant ? ".grant" : ".revoke"));
      s.changes.push_back(std::move(c));
    }
  }
  return s;
}

}  // namespace scenarios
