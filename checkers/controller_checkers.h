// Safety of the controller quorum (Raft, as KRaft runs it), checked from its events: election
// safety (at most one leader per term) and state machine safety (no two members commit
// different entries at one offset of the metadata log). A controller that commits divergent
// metadata can hand two brokers one partition, or lose a topic: data-level checkers see that
// late or never.
#pragma once

#include "checkers/checkers.h"
#include "checkers/history.h"

namespace checkers {

// "controller_divergence": terms with two leaders, and offsets committed with two different
// entries (term or batch).
CheckResult check_controller(const History& h);

}  // namespace checkers
