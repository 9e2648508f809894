#include "checkers/acl_checkers.h"

#include <algorithm>
#include <tuple>

namespace checkers {

namespace {

bool covers(const AclEntry& acl, const std::string& type, const std::string& name) {
  if (acl.resource_type != type) return false;
  if (!acl.prefixed) return acl.resource_name == "*" || acl.resource_name == name;
  return name.compare(0, acl.resource_name.size(), acl.resource_name) == 0;
}

bool operation_matches(const AclEntry& acl, const std::string& op) {
  if (acl.operation == "All" || acl.operation == op) return true;
  // An ALLOW for Read, Write or Alter also allows Describe; a DENY only denies its own.
  return acl.allow && op == "Describe" && (acl.operation == "Read" || acl.operation == "Write" || acl.operation == "Alter");
}

std::string at(sim::Instant t) { return sim::format_instant(t); }

// The ACLs in force at `t`: every change committed at or before it, in order.
std::map<int64_t, AclEntry> state_at(const AclHistory& h, sim::Instant t) {
  std::map<int64_t, AclEntry> acls;
  for (const AclChange& c : h.changes) {
    if (c.committed > t) break;
    if (c.removed) acls.erase(c.id);
    else acls[c.id] = c.acl;
  }
  return acls;
}

// Every ACL state in force during [from, to]: the one at `from`, then one after each change.
std::vector<std::map<int64_t, AclEntry>> states_during(const AclHistory& h, sim::Instant from, sim::Instant to) {
  std::vector<std::map<int64_t, AclEntry>> out{state_at(h, from)};
  std::map<int64_t, AclEntry> acls = out.front();
  for (const AclChange& c : h.changes) {
    if (c.committed <= from) continue;
    if (c.committed > to) break;
    if (c.removed) acls.erase(c.id);
    else acls[c.id] = c.acl;
    out.push_back(acls);
  }
  return out;
}

bool concerns(const AclEntry& acl, const AclAccess& a) {
  return covers(acl, "Topic", a.tp.topic.str()) && (acl.principal == a.principal || acl.principal == "User:*");
}

// The story of an access: the changes that touched its principal and topic up to it, and when
// the accepting broker applied each (after the access, for a change it had not learned yet).
std::vector<std::string> story_of(const AclHistory& h, const AclAccess& a) {
  std::vector<std::string> story;
  for (const AclChange& c : h.changes) {
    if (c.committed > a.at) break;
    if (!concerns(c.acl, a)) continue;
    story.push_back(at(c.committed) + " committed: " + (c.removed ? "removed " : "created ") + c.acl.str());
    for (const AclApply& p : h.applies) {
      if (p.broker != a.broker || p.id != c.id || p.removed != c.removed || p.process_started > a.at) continue;
      story.push_back(at(p.at) + " broker " + a.broker.str() + (p.ignored ? " ignored" : " applied") + " that " +
                      (c.removed ? "removal" : "ACL") + (p.at > a.at ? " (after the access below)" : ""));
      break;
    }
  }
  story.push_back(at(a.at) + " broker " + a.broker.str() + " accepted " + a.operation + " of " + std::to_string(a.records) +
                  " records on " + a.tp.str() + " from " + a.principal);
  return story;
}

}  // namespace

std::string AclEntry::str() const {
  return principal + " " + (allow ? "Allow" : "Deny") + " " + operation + " on " + resource_type + ":" +
         (prefixed ? "PREFIXED:" : "LITERAL:") + resource_name + " from host " + host;
}

AclVerdict acl_oracle(const std::map<int64_t, AclEntry>& acls, const AclHistory& h, const std::string& principal,
                      const std::string& operation, const std::string& resource_type, const std::string& name) {
  if (std::find(h.super_users.begin(), h.super_users.end(), principal) != h.super_users.end()) return {true, false};
  bool on_resource = false, allow = false, deny = false;
  for (const auto& [id, acl] : acls) {
    if (!covers(acl, resource_type, name)) continue;
    on_resource = true;
    if (acl.principal != principal && acl.principal != "User:*") continue;
    if (acl.host != "*") continue;  // the lab's clients have no host of their own: only `*` matches
    if (!operation_matches(acl, operation)) continue;
    if (acl.allow) allow = true;
    else deny = true;
  }
  if (deny) return {false, true};
  if (allow) return {true, false};
  return {!on_resource && h.allow_everyone_if_no_acl_found, false};
}

AclChecks check_acls(const AclHistory& h) {
  AclChecks out;
  out.unauthorized_ops.check = "unauthorized_ops";
  out.deny_overridden.check = "deny_overridden";
  out.stale_ops.check = "acl_stale_ops";
  if (!h.enabled) return out;
  for (const AclAccess& a : h.accesses) {
    const std::string topic = a.tp.topic.str();
    if (acl_oracle(state_at(h, a.at), h, a.principal, a.operation, "Topic", topic).allowed) continue;
    bool allowed_within_bound = false, denied_throughout = true;
    for (const auto& acls : states_during(h, a.at - h.propagation_bound, a.at)) {
      AclVerdict v = acl_oracle(acls, h, a.principal, a.operation, "Topic", topic);
      allowed_within_bound = allowed_within_bound || v.allowed;
      denied_throughout = denied_throughout && v.deny_matched;
    }
    const std::string what = a.operation + " of " + std::to_string(a.records) + " records on " + a.tp.str() + " by " +
                             a.principal + " accepted by broker " + a.broker.str() + " at " + at(a.at);
    if (denied_throughout)
      add_example(out.deny_overridden, Violation{what + ": a DENY entry matched throughout the last " +
                                                     sim::format_duration(h.propagation_bound) + ", yet the broker let it through",
                                                 story_of(h, a)});
    if (allowed_within_bound) {
      add_example(out.stale_ops, Violation{what + ": forbidden by then, allowed within the propagation bound", story_of(h, a)});
    } else {
      add_example(out.unauthorized_ops,
                  Violation{what + ": no ACL state within the propagation bound (" + sim::format_duration(h.propagation_bound) +
                                ") allowed it",
                            story_of(h, a)});
    }
  }
  // Propagation: the first application of each record by each broker process that was running
  // when it committed.
  std::map<std::tuple<int32_t, int64_t, bool, int64_t>, bool> seen;
  for (const AclApply& p : h.applies) {
    if (p.ignored) continue;
    auto key = std::make_tuple(p.broker.value(), p.id, p.removed, p.process_started.ns());
    if (seen.count(key) != 0) continue;
    seen[key] = true;
    for (const AclChange& c : h.changes) {
      if (c.id != p.id || c.removed != p.removed || p.process_started > c.committed) continue;
      int64_t lag_ms = std::max<int64_t>(0, (p.at - c.committed).ns() / 1'000'000);
      ++out.propagation_samples;
      if (lag_ms >= out.max_propagation_ms) {
        out.max_propagation_ms = lag_ms;
        out.propagation_story = "broker " + p.broker.str() + " applied " + (c.removed ? "the removal of " : "") + c.acl.str() +
                                " " + std::to_string(lag_ms) + " ms after it committed at " + at(c.committed);
      }
    }
  }
  out.unauthorized_ops.note = "max propagation lag " + std::to_string(out.max_propagation_ms) + " ms over " +
                              std::to_string(out.propagation_samples) + " (record, broker) pairs; bound " +
                              sim::format_duration(h.propagation_bound);
  out.stale_ops.note = out.propagation_story;
  return out;
}

}  // namespace checkers
