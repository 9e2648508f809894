#include "broker_model/controller_process.h"

#include "broker_model/controller/quorum_controller.h"
#include "broker_model/controller/raft_node.h"

namespace broker_model {

namespace {

// Tells the lab which controller is active, for fault targeting ("active controller").
class LabRaftObserver final : public RaftObserver {
 public:
  explicit LabRaftObserver(History* history) : history_(history) {}
  void on_become_leader(Term term, sim::NodeId node) override {
    if (history_ != nullptr) history_->note_active_controller(static_cast<int>(node.value), term.value());
  }
  void on_commit(sim::NodeId, Offset, Term, uint64_t) override {}

 private:
  History* history_;
};

struct ControllerProcess {
  ControllerProcess(sim::NodeContext& ctx, const ControllerProcessConfig& config)
      : observer(config.history),
        rpc(ctx),
        raft(ctx, rpc, config.voters, RaftConfig{}, &observer),
        controller(ctx, rpc, raft, controller_config(config)) {}

  static QuorumControllerConfig controller_config(const ControllerProcessConfig& c) {
    QuorumControllerConfig q;
    q.cluster.broker_session_timeout_ms = c.broker_session_timeout_ms;
    q.replication.unclean_leader_election_enable = c.unclean_leader_election;
    return q;
  }

  LabRaftObserver observer;
  RpcEndpoint rpc;
  RaftNode raft;
  QuorumController controller;
};

}  // namespace

sim::BootFn make_controller_boot(ControllerProcessConfig config) {
  return [config](sim::NodeContext& ctx) {
    ControllerProcess& p = ctx.make<ControllerProcess>(ctx, config);
    p.rpc.start([&p](const RequestInfo& info, std::any&& body) {
      if (p.raft.handle(info, body)) return;
      p.controller.handle(info, body);
    });
    p.controller.start();  // registers with the raft node before it starts
    p.raft.start();
  };
}

}  // namespace broker_model
