// Who owned which partition of a consumer group, when: the History's ownership changes
// (group_history.h) paired into intervals. The group checkers and the reports' rebalance
// timeline read these.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checkers/history.h"
#include "sim/time.h"

namespace checkers {

// One interval of a member owning a partition.
struct OwnershipInterval {
  std::string group;
  int consumer = 0;  // node "consumer-N"
  std::string member_id;
  int32_t generation = -1;
  TopicPartition tp;
  sim::Instant from;
  sim::Instant to;
  std::string end_reason;  // "revoked", "lost", "crashed", "kept" (renewed in the next generation), "end of run"
};

// Ownership changes paired into intervals; open ones end at `end`.
std::vector<OwnershipInterval> ownership_intervals(const History& h, sim::Instant end);

}  // namespace checkers
