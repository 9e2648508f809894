// Consumer groups in a run directory: groups.jsonl, written when the scenario has groups.
// One JSON object per line, told apart by "type":
//   {"type":"ownership","group","consumer","member_id","generation","partition":"orders-3",
//    "start_s","end_s","end_reason"}             who owned what, when (the rebalance timeline)
//   {"type":"generation","group","t_s","generation","coordinator","protocol","leader",
//    "assignment":{"<member id>":["orders-0",...]}}   each generation that became stable
//   {"type":"lag","group","t_s","total","partitions":{"orders-0":12,...}}   committed lag samples
//   {"type":"event","group","t_s","kind","consumer","broker","generation","detail"}
//                                                 joins, rebalances, removals, rejected commits, ...
// Times are simulated seconds since the start of the run.
#pragma once

#include <ostream>

#include "scenarios/kafka_scenario.h"

namespace reports {

bool has_groups(const scenarios::ScenarioResult& r);
void write_groups_jsonl(const scenarios::ScenarioResult& r, std::ostream& out);

}  // namespace reports
