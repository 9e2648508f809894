// RaftObserver: how a checker watches the quorum from outside. The model calls it at the
// moments that matter for Raft's safety properties and never reads anything back, so an
// observer cannot change a run (beyond the cost of the call). It must outlive the World.
#pragma once

#include <cstdint>

#include "broker_model/types.h"
#include "sim/ids.h"

namespace broker_model {

class RaftObserver {
 public:
  virtual ~RaftObserver() = default;
  // `node` won an election for `term`.
  virtual void on_become_leader(Term term, sim::NodeId node) = 0;
  // `node` learned that the entry at `offset` (written in `term`, whose batch has the digest
  // `batch_digest`) is committed. Called for every offset, in order, by every member, and
  // again from offset 0 after a restart (the high watermark is not persisted).
  virtual void on_commit(sim::NodeId node, Offset offset, Term term, uint64_t batch_digest) = 0;
};

}  // namespace broker_model
