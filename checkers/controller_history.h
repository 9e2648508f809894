// What the controller quorum did, as the lab heard it from Raft's events: every election won
// and every entry each member learned was committed. Read by checkers/controller_checkers.h.
#pragma once

#include <cstdint>
#include <vector>

#include "broker_model/types.h"
#include "sim/time.h"

namespace checkers {

struct RaftElection {
  sim::Instant at;
  int64_t term = 0;
  uint32_t node = 0;
};

struct RaftCommit {
  sim::Instant at;
  uint32_t node = 0;
  int64_t offset = 0;
  int64_t term = 0;
  uint64_t digest = 0;  // of the entry's batch
};

struct ControllerHistory {
  std::vector<RaftElection> elections;
  std::vector<RaftCommit> commits;
};

}  // namespace checkers
