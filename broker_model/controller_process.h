// A controller node's process: the Raft metadata quorum member and, while it leads, the
// active QuorumController, sharing the process's one RpcEndpoint.
#pragma once

#include <vector>

#include "broker_model/history/history.h"
#include "sim/world.h"

namespace broker_model {

struct ControllerProcessConfig {
  std::vector<sim::NodeId> voters;
  int64_t broker_session_timeout_ms = 9'000;  // broker.session.timeout.ms
  bool unclean_leader_election = false;       // unclean.leader.election.enable (cluster default)
  int32_t min_insync_replicas = 1;
  History* history = nullptr;                 // the lab notes the active controller here
};

sim::BootFn make_controller_boot(ControllerProcessConfig config);

}  // namespace broker_model
