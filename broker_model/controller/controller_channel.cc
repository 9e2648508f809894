#include "broker_model/controller/controller_channel.h"

#include <algorithm>

#include "sim/check.h"
#include "sim/wait_queue.h"

namespace broker_model {

ControllerChannel::ControllerChannel(sim::NodeContext& ctx, RpcEndpoint& rpc, std::vector<sim::NodeId> controllers,
                                     ControllerChannelConfig config)
    : ctx_(ctx), rpc_(rpc), controllers_(std::move(controllers)), config_(config) {
  EDDY_CHECK_MSG(!controllers_.empty(), "no controllers to talk to");
  EDDY_CHECK(config_.max_attempts > 0);
  current_ = static_cast<size_t>(ctx_.prng().below(controllers_.size()));
}

void ControllerChannel::send_any(sim::Symbol type, uint32_t bytes, sim::Payload request, HeaderFn header, DoneFn done) {
  auto a = std::make_shared<Attempt>();
  a->type = type;
  a->bytes = bytes;
  a->request = std::move(request);
  a->header = header;
  a->attempts_left = config_.max_attempts;
  a->done = std::move(done);
  attempt(std::move(a));
}

void ControllerChannel::attempt(std::shared_ptr<Attempt> a) {
  --a->attempts_left;
  size_t target = current_;
  rpc_.call_async(controllers_[target], a->type, a->bytes, a->request, sim::milliseconds(config_.request_timeout_ms),
                  [this, a, target](std::optional<sim::Payload>&& r) { on_response(a, target, std::move(r)); });
}

void ControllerChannel::on_response(std::shared_ptr<Attempt> a, size_t target, std::optional<sim::Payload>&& r) {
  const ControllerResponseHeader* h = r ? a->header(*r) : nullptr;
  bool not_controller = h != nullptr && h->error == ErrorCode::kNotController;
  if (r && !not_controller) {
    a->done(std::move(r));
    return;
  }
  if (a->attempts_left == 0) {
    a->done(std::move(r));
    return;
  }
  if (!r) {
    // No answer: that controller may be down or cut off; try the next one right away.
    if (current_ == target) current_ = (target + 1) % controllers_.size();
    attempt(std::move(a));
    return;
  }
  auto hinted = h->leader_hint ? std::find(controllers_.begin(), controllers_.end(), *h->leader_hint) : controllers_.end();
  if (hinted != controllers_.end() && static_cast<size_t>(hinted - controllers_.begin()) != target) {
    current_ = static_cast<size_t>(hinted - controllers_.begin());
    attempt(std::move(a));
    return;
  }
  // An election is going on (no hint), or the leader is not active yet: wait a little.
  if (hinted == controllers_.end() && current_ == target) current_ = (target + 1) % controllers_.size();
  retry_later(std::move(a));
}

void ControllerChannel::retry_later(std::shared_ptr<Attempt> a) {
  ctx_.spawn("controller-channel-retry", [this, a] {
    ctx_.sleep_for(sim::milliseconds(config_.retry_backoff_ms));
    attempt(a);
  });
}

std::optional<sim::Payload> ControllerChannel::call_any(sim::Symbol type, uint32_t bytes, sim::Payload request,
                                                    HeaderFn header) {
  struct Slot {
    bool done = false;
    std::optional<sim::Payload> response;
    sim::WaitQueue wake{"controller call"};
  };
  auto slot = std::make_shared<Slot>();  // outlives this frame if the caller unwinds first
  send_any(type, bytes, std::move(request), header, [slot](std::optional<sim::Payload>&& r) {
    slot->response = std::move(r);
    slot->done = true;
    slot->wake.notify_all();
  });
  while (!slot->done) slot->wake.wait();
  return std::move(slot->response);
}

}  // namespace broker_model
