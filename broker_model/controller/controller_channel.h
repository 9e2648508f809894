// ControllerChannel: how a broker or an admin client reaches the active controller (Kafka's
// NodeToControllerChannelManager). It sends to the controller it believes active; on
// NOT_CONTROLLER it follows the leader hint (or, without one, tries the next controller
// after retry.backoff.ms), and after a timeout it moves on to the next controller — up to
// max_attempts sends per request. Any controller answers with a hint, so one address is
// enough to find the rest.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/controller/controller_messages.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "sim/payload.h"

namespace broker_model {

struct ControllerChannelConfig {
  int64_t request_timeout_ms = 1'000;  // per send
  int64_t retry_backoff_ms = 100;      // retry.backoff.ms
  uint32_t max_attempts = 10;
};

class ControllerChannel {
 public:
  ControllerChannel(sim::NodeContext& ctx, RpcEndpoint& rpc, std::vector<sim::NodeId> controllers,
                    ControllerChannelConfig config = {});

  // Async: `done` runs once, on an RPC or retry fiber, with the last response (which may
  // carry NOT_CONTROLLER when attempts ran out), or nullopt when no controller answered.
  template <class Response>
  void send(sim::Symbol type, uint32_t bytes, sim::Payload request, std::function<void(std::optional<Response>)> done) {
    send_any(type, bytes, std::move(request), &header_of<Response>,
             [done = std::move(done)](std::optional<sim::Payload>&& r) {
               const Response* resp = r ? sim::payload_cast<Response>(&*r) : nullptr;
               done(resp ? std::optional<Response>(*resp) : std::nullopt);
             });
  }

  // Blocking form, for fibers that just wait.
  template <class Response>
  std::optional<Response> call(sim::Symbol type, uint32_t bytes, sim::Payload request) {
    std::optional<sim::Payload> r = call_any(type, bytes, std::move(request), &header_of<Response>);
    const Response* resp = r ? sim::payload_cast<Response>(&*r) : nullptr;
    return resp ? std::optional<Response>(*resp) : std::nullopt;
  }

  // The controller requests go to first.
  sim::NodeId current_controller() const { return controllers_[current_]; }

 private:
  using HeaderFn = const ControllerResponseHeader* (*)(const sim::Payload&);
  using DoneFn = std::function<void(std::optional<sim::Payload>&&)>;
  struct Attempt {
    sim::Symbol type;
    uint32_t bytes = 0;
    sim::Payload request;
    HeaderFn header = nullptr;
    uint32_t attempts_left = 0;
    DoneFn done;
  };

  template <class Response>
  static const ControllerResponseHeader* header_of(const sim::Payload& a) {
    return sim::payload_cast<Response>(&a);
  }

  void send_any(sim::Symbol type, uint32_t bytes, sim::Payload request, HeaderFn header, DoneFn done);
  std::optional<sim::Payload> call_any(sim::Symbol type, uint32_t bytes, sim::Payload request, HeaderFn header);
  void attempt(std::shared_ptr<Attempt> a);
  void on_response(std::shared_ptr<Attempt> a, size_t target, std::optional<sim::Payload>&& r);
  void retry_later(std::shared_ptr<Attempt> a);

  sim::NodeContext& ctx_;
  RpcEndpoint& rpc_;
  std::vector<sim::NodeId> controllers_;
  ControllerChannelConfig config_;
  size_t current_ = 0;
};

}  // namespace broker_model
