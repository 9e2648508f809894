// Access control (the security model, broker_model/security/): is every produce and fetch a
// broker accepted one its principal was allowed at that moment, give or take the stated
// propagation bound, and does a DENY always win. Judged by an oracle of its own over the ACL
// changes as the metadata log committed them (AclHistory), with Kafka's rules
// (StandardAuthorizerData): super users may do anything; a DENY entry matching principal
// (or User:*), host and operation (or All) forbids; else a matching ALLOW allows (an ALLOW for
// Read, Write or Alter also allows Describe); else, with no ACL on the resource at all,
// allow.everyone.if.no.acl.found decides; else forbidden.
//
//  - unauthorized_ops: accepted accesses that every ACL state in force during
//    [t - propagation_bound, t] forbids: the broker let a principal in beyond the bound.
//  - deny_overridden: accepted accesses that a matching DENY entry forbade throughout that
//    window: an ALLOW (or the default) won over a DENY.
//  - acl_stale_ops (informative): accesses forbidden at their moment but allowed by a state
//    within the bound: the window a revocation leaves open while brokers learn of it.
//  - the propagation lag: for every ACL record and every broker process running when it
//    committed, the time until that broker applied it; the largest is reported.
#pragma once

#include <cstdint>
#include <map>

#include "checkers/acl_history.h"
#include "checkers/checkers.h"

namespace checkers {

struct AclVerdict {
  bool allowed = false;
  bool deny_matched = false;
};

// The oracle: the ACLs in force (by id), the scenario's super users and default.
AclVerdict acl_oracle(const std::map<int64_t, AclEntry>& acls, const AclHistory& h, const std::string& principal,
                      const std::string& operation, const std::string& resource_type, const std::string& name);

struct AclChecks {
  CheckResult unauthorized_ops;
  CheckResult deny_overridden;
  CheckResult stale_ops;
  int64_t max_propagation_ms = 0;  // the largest lag measured (0 without samples)
  int64_t propagation_samples = 0;
  std::string propagation_story;   // which record and broker took longest
};

AclChecks check_acls(const AclHistory& h);

}  // namespace checkers
