// ControllerServer: the process of a KRaft controller node — one RpcEndpoint whose handler
// hands Raft messages to the RaftNode and controller requests to the QuorumController.
// make_controller_server_boot() gives the sim::BootFn that builds it in process memory and
// starts it (a restart builds a fresh one that recovers from the node's disk).
#pragma once

#include <functional>
#include <vector>

#include "broker_model/controller/quorum_controller.h"
#include "broker_model/controller/raft_node.h"
#include "broker_model/rpc/rpc_endpoint.h"

namespace broker_model {

struct ControllerServerConfig {
  std::vector<sim::NodeId> voters;  // controller.quorum.voters
  RaftConfig raft;
  QuorumControllerConfig controller;
};

class ControllerServer {
 public:
  ControllerServer(sim::NodeContext& ctx, const ControllerServerConfig& config);
  ControllerServer(const ControllerServer&) = delete;
  ControllerServer& operator=(const ControllerServer&) = delete;

  void start();

  RpcEndpoint& rpc() { return rpc_; }
  RaftNode& raft() { return raft_; }
  QuorumController& controller() { return controller_; }

 private:
  void on_request(const RequestInfo& info, sim::Payload&& body);

  RpcEndpoint rpc_;
  RaftNode raft_;
  QuorumController controller_;
};

// `on_started` (optional) sees every incarnation's server once it runs — tests keep a handle.
sim::BootFn make_controller_server_boot(ControllerServerConfig config,
                                 std::function<void(sim::NodeContext&, ControllerServer&)> on_started = {});

}  // namespace broker_model
