// What the security model reports to the run's observers (sim/event_bus.h): when an ACL change
// commits in the metadata log, when each broker applies it to its authorizer, and which client
// produce and fetch requests a broker let through, under which principal: typed facts for
// whoever judges authorization; the model knows nothing of how. Emitted only when someone
// observes them.
#pragma once

#include <string>

#include "broker_model/security/acl.h"
#include "broker_model/types.h"
#include "sim/ids.h"
#include "sim/time.h"

namespace broker_model {

// A controller learned that an ACL record at `offset` is committed (every member reports it,
// and again after a restart; the first report is the commit). `removed`: a
// RemoveAccessControlEntryRecord, with the binding it removed.
struct AclRecordCommitted {
  sim::NodeId node;
  Offset offset;
  security::AclId id = 0;
  bool removed = false;
  security::AclBinding acl;
};

// `broker` applied an ACL record to its authorizer. `process_started`: when this broker
// process started (a broker that started after the commit learned it while booting, before it
// served anything: no propagation lag to speak of). `ignored`: the broker did not apply it
// (the `acl-removals-ignored` variant).
struct AclRecordApplied {
  BrokerId broker;
  Offset offset;
  security::AclId id = 0;
  bool removed = false;
  sim::Instant process_started;
  bool ignored = false;
};

// `broker` accepted a client's request on `tp` for `operation` (Write: a produce appended;
// Read: a fetch that returned records) from `principal`. Super users' and replicas' requests
// are not reported.
struct AclAccessAccepted {
  BrokerId broker;
  std::string principal;
  security::AclOperation operation = security::AclOperation::kWrite;
  TopicPartition tp;
  int64_t records = 0;
  sim::Instant at;  // when the broker decided to let it through (a produce's arrival)
};

}  // namespace broker_model
