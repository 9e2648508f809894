#include "broker_model/controller/controller_server.h"

namespace broker_model {

ControllerServer::ControllerServer(sim::NodeContext& ctx, const ControllerServerConfig& config)
    : rpc_(ctx), raft_(ctx, rpc_, config.voters, config.raft), controller_(ctx, rpc_, raft_, config.controller) {}

void ControllerServer::start() {
  controller_.start();  // registers as the Raft listener before any commit
  raft_.start();
  rpc_.start([this](const RequestInfo& info, sim::Payload&& body) { on_request(info, std::move(body)); });
}

void ControllerServer::on_request(const RequestInfo& info, sim::Payload&& body) {
  if (raft_.handle(info, body)) return;
  controller_.handle(info, body);  // anything else is ignored, as a server ignores garbage
}

sim::BootFn make_controller_server_boot(ControllerServerConfig config,
                                 std::function<void(sim::NodeContext&, ControllerServer&)> on_started) {
  return [config = std::move(config), on_started = std::move(on_started)](sim::NodeContext& ctx) {
    ControllerServer& server = ctx.make<ControllerServer>(ctx, config);
    server.start();
    if (on_started) on_started(ctx, server);
  };
}

}  // namespace broker_model
