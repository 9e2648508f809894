// Consumer groups in a run directory: groups.jsonl, written when the scenario has groups.
// One JSON object per line, told apart by "type":
//   {"type":"ownership","group","consumer","member_id","generation","partition":"orders-3",
//    "start_s","end_s","end_reason"}             who owned what, when (the rebalance timeline)
//   {"type":"generation","group","t_s","generation","coordinator","protocol","leader",
//    "assignment":{"<member id>":["orders-0",...]}}   each generation that became stable
//   {"type":"lag","group","t_s","total","partitions":{"orders-0":12,...}}   committed lag samples
//   {"type":"event","group","t_s","kind","consumer","broker","generation","detail"}
//                                                 joins, rebalances, removals, rejected commits, ...
// and what the group checkers judge, so that notebooks/recount.py can recount them from the
// directory alone (times in integer nanoseconds there, as the checkers compare them):
//   {"type":"group_topic","group","topic"}        what each group consumes
//   {"type":"processed","group","consumer","generation","partition","offset","record","at_ns"}
//   {"type":"commit","group","consumer","member_id","generation","sync","offsets":[["orders-0",12],...],
//    "outcome","invoked_ns","completed_ns"}       commits as the client saw them
//   {"type":"accepted_commit","group","coordinator","member_id","generation","partition","offset",
//    "validated_ns","at_ns"}                      commits the coordinator accepted
// Ownership lines carry start_ns/end_ns and generation lines at_ns too. Other times are
// simulated seconds since the start of the run.
#pragma once

#include <ostream>

#include "scenarios/kafka_scenario.h"

namespace reports {

bool has_groups(const scenarios::ScenarioResult& r);
void write_groups_jsonl(const scenarios::ScenarioResult& r, const scenarios::ScenarioSpec& spec, std::ostream& out);

}  // namespace reports
