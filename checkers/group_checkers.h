// Consumer-group checkers: read the History's group record (group_history.h) and its
// ownership intervals (ownership.h) after a run.
//
// - group_exclusivity: two members owning one partition at one simulated instant under the
//   same generation (the assignment or the fencing is broken).
// - zombie_overlaps: the same across generations: a member the group moved on from that
//   still believes it owns the partition (a paused or cut-off member), counted and shown.
// - offset_regressions: a committed offset of a group's partition moving backwards.
// - stale_commits: a commit accepted from a generation older than one already stable.
// - lost_commits: an OffsetFetch answered with less than the group had committed: a
//   coordinator at the same or a later leader epoch of the offsets partition than the one
//   that accepted the partition's last commit answers neither that commit's offset nor one
//   appended after it (the commit was lost, or the coordinator took the group over without
//   its offsets). Answers of a coordinator behind that epoch (deposed, not yet told) are not
//   judged: Kafka makes no promise for them.
// - unprocessed: acknowledged records of the group's topic the group never processed
//   (at-least-once demands none; at-most-once configurations report them here).
// - duplicates_processed: records processed more than once (at-least-once's price).
// - commits_rejected: commits the coordinator refused (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID,
//   FENCED_INSTANCE_ID, REBALANCE_IN_PROGRESS): fencing at work.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "checkers/checkers.h"
#include "checkers/ownership.h"

namespace checkers {

// group -> topic it consumes (what the scenario's groups subscribe to, passed in)
using GroupTopics = std::map<std::string, std::string>;

std::vector<CheckResult> check_groups(const History& h, const std::vector<OwnershipInterval>& timeline,
                                      const GroupTopics& groups);

CheckResult check_group_exclusivity(const std::vector<OwnershipInterval>& timeline, bool same_generation);
CheckResult check_offset_regressions(const History& h);
CheckResult check_stale_commits(const History& h);
CheckResult check_lost_commits(const History& h);
CheckResult check_unprocessed(const History& h, const std::vector<OwnershipInterval>& timeline,
                              const GroupTopics& groups);
CheckResult check_duplicates_processed(const History& h);
CheckResult check_commits_rejected(const History& h);

}  // namespace checkers
