// What a metadata quorum member reports to the run's observers (sim/event_bus.h), at the
// moments that matter for Raft's safety properties: who won which term, and which entry each
// member learned is committed. A safety checker (tests/controller/raft_safety_checker.h) and
// the lab's fault targeting ("active controller") subscribe to these.
#pragma once

#include <cstdint>

#include "broker_model/types.h"
#include "sim/ids.h"

namespace broker_model {

// `node` won the election for `term`.
struct RaftLeaderElected {
  Term term;
  sim::NodeId node;
};

// `node` learned that the entry at `offset` (written in `term`; `batch_digest` of its batch)
// is committed. Reported for every offset, in order, by every member, and again from offset
// 0 after a restart (the high watermark is not persisted). Building one costs a digest of the
// batch: emitters check NodeContext::observed first.
struct RaftEntryCommitted {
  sim::NodeId node;
  Offset offset;
  Term term;
  uint64_t batch_digest = 0;
};

}  // namespace broker_model
