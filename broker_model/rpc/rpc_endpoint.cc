#include "broker_model/rpc/rpc_endpoint.h"

#include "broker_model/security/sasl.h"

#include <algorithm>
#include <functional>
#include <utility>
#include <vector>

#include "sim/check.h"
#include "broker_model/fault_sites.h"
#include "sim/fault_point.h"

namespace broker_model {

namespace {

// "Fetch" -> "Fetch.response", worked out once per request type (a handful) instead of
// concatenated and interned on every reply.
sim::Symbol response_type_of(sim::Symbol request) {
  static std::vector<std::pair<sim::Symbol, sim::Symbol>> known;
  for (const auto& [req, resp] : known)
    if (req == request) return resp;
  known.emplace_back(request, sim::Symbol(request + ".response"));
  return known.back().second;
}

}  // namespace

RpcEndpoint::RpcEndpoint(sim::NodeContext& ctx) : ctx_(ctx) {}

void RpcEndpoint::start(Handler on_request) {
  handler_ = std::move(on_request);
  ctx_.spawn("rpc-receive", [this] { receive_loop(); });
  ctx_.spawn("rpc-reaper", [this] { reaper_loop(); });
  ctx_.route_deliveries([this](sim::Envelope& env) { return take_at_delivery(env); });
}

void RpcEndpoint::start_routing_requests(Handler on_request) {
  route_requests_ = true;
  start(std::move(on_request));
}

bool RpcEndpoint::take_at_delivery(sim::Envelope& env) {
  auto kind = static_cast<RpcKind>(env.header.kind);
  if (kind == RpcKind::kResponse) {
    Pending* call = find_live(env.header.correlation);
    if (call == nullptr || call->on != ResponseOn::kDelivery) return false;
    end_call(*call, std::move(env.payload));
    return true;
  }
  if (!route_requests_ || (kind != RpcKind::kRequest && kind != RpcKind::kOneWay)) return false;
  RequestInfo info{env.from, env.connection, env.header.correlation, env.type, env.bytes};
  handler_(info, std::move(env.payload));
  return true;
}

void RpcEndpoint::receive_loop() {
  for (;;) {
    std::optional<sim::Envelope> env = ctx_.receive();
    if (!env) continue;
    if (env->header.kind == sim::kConnectionClosedKind) {
      if (const auto* closed = env->payload.get<sim::ConnectionClosed>()) handle_closed(*closed);
      continue;
    }
    auto kind = static_cast<RpcKind>(env->header.kind);
    if (kind != RpcKind::kRequest && kind != RpcKind::kResponse && kind != RpcKind::kOneWay)
      continue;  // not ours: ignore, as a server ignores garbage
    if (kind == RpcKind::kResponse) {
      Pending* call = find_live(env->header.correlation);
      if (call == nullptr) continue;  // late: the call already ended
      end_call(*call, std::move(env->payload));
      continue;
    }
    RequestInfo info{env->from, env->connection, env->header.correlation, std::move(env->type), env->bytes};
    if (handler_) handler_(info, std::move(env->payload));
  }
}

void RpcEndpoint::handle_closed(const sim::ConnectionClosed& closed) {
  if (closed.as_client) {
    fail_calls_on(closed.connection);
    return;
  }
  if (on_disconnect_) on_disconnect_(closed.connection, closed.peer);
}

sim::ConnectionId RpcEndpoint::connection_to(sim::NodeId peer) {
  auto it = client_conns_.find(peer);
  if (it != client_conns_.end()) return it->second;
  sim::ConnectionId end = ctx_.connect(peer);
  client_conns_.emplace(peer, end);
  if (!sasl_principal_.empty()) {
    SaslAuthenticateRequest auth{sasl_principal_};
    uint32_t bytes = sasl_authenticate_bytes(auth);
    ctx_.send(end, kSaslAuthenticateRpc, bytes, std::move(auth), sim::EnvelopeHeader{0, static_cast<uint8_t>(RpcKind::kOneWay)});
  }
  return end;
}

void RpcEndpoint::fail_calls_on(sim::ConnectionId end) {
  for (auto it = client_conns_.begin(); it != client_conns_.end(); ++it) {
    if (it->second == end) {
      client_conns_.erase(it);
      break;
    }
  }
  // Oldest first; each callback may start new calls (on a new connection), which join the
  // window behind the ones being failed and are never on `end`.
  for (uint64_t id = first_call_id_; id < first_call_id_ + calls_.size(); ++id) {
    Pending* call = find_live(id);
    if (call != nullptr && call->connection == end) end_call(*call, std::nullopt);
  }
}

RpcEndpoint::Pending* RpcEndpoint::find_live(uint64_t id) {
  if (id < first_call_id_ || id - first_call_id_ >= calls_.size()) return nullptr;
  Pending& call = calls_[id - first_call_id_];
  return call.live ? &call : nullptr;
}

RpcEndpoint::ResponseFn RpcEndpoint::finish(Pending& call) {
  ResponseFn done = std::move(call.on_done);
  call.on_done = nullptr;
  call.live = false;
  --live_calls_;
  while (!calls_.empty() && !calls_.front().live) {
    calls_.pop_front();
    ++first_call_id_;
  }
  return done;
}

void RpcEndpoint::drop_finished_deadlines() {
  while (!deadlines_.empty() && find_live(deadlines_.front().second) == nullptr) {
    std::pop_heap(deadlines_.begin(), deadlines_.end(), std::greater<>{});
    deadlines_.pop_back();
  }
}

void RpcEndpoint::reaper_loop() {
  for (;;) {
    while (!resets_.empty()) {
      sim::ConnectionId end = resets_.front();
      resets_.erase(resets_.begin());
      ctx_.close(end);
      fail_calls_on(end);
    }
    drop_finished_deadlines();
    if (deadlines_.empty()) {
      reaper_wakeup_.wait();
      continue;
    }
    sim::Instant due = sim::Instant::from_ns(deadlines_.front().first);
    if (ctx_.now() < due) {
      // Sleep until the earliest deadline, or until an earlier one is armed.
      sim::Duration left = due - ctx_.now();
      reaper_wakeup_.wait_until(ctx_.sim_deadline(left));
      continue;
    }
    uint64_t id = deadlines_.front().second;
    std::pop_heap(deadlines_.begin(), deadlines_.end(), std::greater<>{});
    deadlines_.pop_back();
    Pending* call = find_live(id);
    if (call == nullptr) continue;
    // A request timed out: close its connection, which fails the others in flight on it.
    sim::ConnectionId end = call->connection;
    end_call(*call, std::nullopt);
    ctx_.close(end);
    fail_calls_on(end);
  }
}

void RpcEndpoint::end_call(Pending& call, std::optional<sim::Payload> response) {
  ResponseFn done = finish(call);  // first: the callback may start another call
  done(std::move(response));
}

uint64_t RpcEndpoint::call_async(sim::NodeId to, sim::Symbol type, uint32_t bytes, sim::Payload body,
                                 sim::Duration timeout_local, ResponseFn on_done, ResponseOn on) {
  if (live_calls_ >= kMaxPendingCalls) {
    on_done(std::nullopt);
    return 0;
  }
  uint64_t id = next_correlation_id_++;
  sim::Instant deadline = ctx_.now() + timeout_local;
  drop_finished_deadlines();
  bool earliest = deadlines_.empty() || deadline.ns() < deadlines_.front().first;
  sim::ConnectionId end = connection_to(to);
  if (calls_.empty()) first_call_id_ = id;
  calls_.push_back(Pending{deadline, std::move(on_done), end, true, on});
  ++live_calls_;
  deadlines_.emplace_back(deadline.ns(), id);
  std::push_heap(deadlines_.begin(), deadlines_.end(), std::greater<>{});
  if (earliest) reaper_wakeup_.notify_one();
  ctx_.send(end, type, bytes, std::move(body), sim::EnvelopeHeader{id, static_cast<uint8_t>(RpcKind::kRequest)});
  if (EDDY_FAULT_POINT("rpc.connection_reset")) {
    // The connection breaks right after this request left: the reaper resets it, failing
    // every call on it (this one too), as a reset connection does; not here, where the
    // callbacks would run inside the caller's own send.
    resets_.push_back(end);
    reaper_wakeup_.notify_one();
  }
  return id;
}

std::optional<sim::Payload> RpcEndpoint::call(sim::NodeId to, sim::Symbol type, uint32_t bytes, sim::Payload body,
                                          sim::Duration timeout_local) {
  // In this frame (a shared box and the callback holding it were two allocations per call).
  // If this fiber unwinds while it waits (its process killed), the guard retires the call, so
  // its callback can never reach the frame after it is gone.
  struct Slot {
    explicit Slot(RpcEndpoint& r) : rpc(r) {}
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    RpcEndpoint& rpc;
    uint64_t id = 0;  // the call's correlation id, once sent
    bool done = false;
    std::optional<sim::Payload> response;
    sim::WaitQueue wake{"rpc call"};
    ~Slot() {
      if (done) return;
      if (Pending* call = rpc.find_live(id)) rpc.finish(*call);
    }
  } slot(*this);
  // The callback only stores the response and wakes this fiber: it can run at delivery.
  slot.id = call_async(
      to, type, bytes, std::move(body), timeout_local,
      [&slot](std::optional<sim::Payload>&& r) {
        slot.response = std::move(r);
        slot.done = true;
        slot.wake.notify_all();
      },
      ResponseOn::kDelivery);
  while (!slot.done) slot.wake.wait();
  return std::move(slot.response);
}

void RpcEndpoint::reply(const RequestInfo& req, uint32_t bytes, sim::Payload body) {
  ctx_.send(req.connection, response_type_of(req.type), bytes, std::move(body),
            sim::EnvelopeHeader{req.correlation_id, static_cast<uint8_t>(RpcKind::kResponse)});
}

void RpcEndpoint::send_one_way(sim::NodeId to, sim::Symbol type, uint32_t bytes, sim::Payload body) {
  ctx_.send(connection_to(to), type, bytes, std::move(body), sim::EnvelopeHeader{0, static_cast<uint8_t>(RpcKind::kOneWay)});
}

}  // namespace broker_model
