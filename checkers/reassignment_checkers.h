// Partition reassignment (KIP-455): did every reassigned partition converge? For each
// partition the lab asked to move (History::reassignments().targets), the brokers that hold a
// replica at the end (the final dump: a replica removed by a reassignment deletes its log and
// is not dumped) must be exactly the target replicas, and every target replica must hold the
// leader's log: the same record at every offset from the leader's log start to its high
// watermark. A partition that fails either counts once in `reassignment_unconverged`.
#pragma once

#include "checkers/checkers.h"
#include "checkers/history.h"

namespace checkers {

CheckResult check_reassignments(const History& h);

}  // namespace checkers
