// The History's record of access control (checkers/acl_checkers.h): the ACL changes as the
// metadata log committed them, when each broker applied them, and which client produces and
// fetches each broker accepted under which principal. ACLs are plain strings here (Kafka's
// spellings: "Topic", "Read", ...), so the oracle depends on nothing of the model's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checkers/ids.h"
#include "sim/time.h"

namespace checkers {

struct AclEntry {
  std::string resource_type;  // "Topic", "Group", "Cluster", "TransactionalId"
  std::string resource_name;  // "*" with prefixed == false: every name
  bool prefixed = false;      // PREFIXED pattern (else LITERAL)
  std::string principal;      // "User:alice", "User:*"
  std::string host = "*";
  std::string operation;      // "Read", "Write", "Describe", "Create", "Alter", "ClusterAction", "All", ...
  bool allow = true;          // ALLOW (else DENY)
  std::string str() const;
};

// An ACL record committed in the metadata log (the first controller to report it).
struct AclChange {
  sim::Instant committed;
  int64_t id = 0;
  bool removed = false;  // RemoveAccessControlEntryRecord
  AclEntry acl;
};

// A broker applied (or, with the acl-removals-ignored variant, skipped) an ACL record.
struct AclApply {
  sim::Instant at;
  BrokerId broker;
  int64_t id = 0;
  bool removed = false;
  sim::Instant process_started;  // the broker process's start
  bool ignored = false;
};

// A broker accepted a client's write (a produce appended) or read (a fetch returned records).
struct AclAccess {
  sim::Instant at;  // when the broker decided
  BrokerId broker;
  std::string principal;
  std::string operation;  // "Write" or "Read"
  TopicPartition tp;
  int64_t records = 0;
};

struct AclHistory {
  bool enabled = false;
  std::vector<std::string> super_users;
  bool allow_everyone_if_no_acl_found = false;
  // The stated bound: an access the ACLs in force at its time forbid is tolerated when some ACL
  // state in force within this long before it allowed it (the broker may not have learned yet).
  sim::Duration propagation_bound = sim::seconds(10);
  std::vector<AclChange> changes;  // in commit order
  std::vector<AclApply> applies;
  std::vector<AclAccess> accesses;
};

}  // namespace checkers
