// Request/response messaging between simulated nodes, as Kafka's NetworkClient gives it:
// a request goes on this process's connection to the peer (opened when needed) with a
// correlation id; the response comes back on the same connection and id. Connections behave
// as TCP does (sim/world/network.h). When a request times out, the connection it went on is
// closed and every other request in flight on it fails too, as Kafka's
// NetworkClient.handleTimedOutRequests does (clients/src/main/java/org/apache/kafka/clients/
// NetworkClient.java: "The connection to the node associated with the request will be
// terminated and will be treated as a disconnection"); a connection the peer resets (its
// process died) fails its requests at once. The next request opens a new connection.
//
// One endpoint per process. It owns the process's inbox: a receive fiber routes responses to
// their callers and requests to the handler; a reaper fiber expires calls whose timeout
// passed (the caller sees nullopt, like a request timeout: the outcome is unknown). Both are
// fibers of the process, so a pause freezes them and a crash unwinds them with everything
// else. Handlers run on the receive fiber (or, with start_routing_requests, at delivery) and
// must not block: a request that has to wait (acks=all, a long-poll fetch) keeps its
// RequestInfo and replies later (Kafka's purgatory), or is queued for a fiber that may wait.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/envelope.h"
#include "sim/payload.h"
#include "sim/wait_queue.h"
#include "sim/node_context.h"

namespace broker_model {

// An RPC message is a sim::Envelope whose payload is the request or response itself and whose
// header carries the correlation id and this kind (0, no kind, is not an RPC message).
enum class RpcKind : uint8_t { kRequest = 1, kResponse = 2, kOneWay = 3 };

// Where a call's callback runs with the response: on the receive fiber (the callback may do
// anything a fiber does but block), or at the response's delivery, outside any fiber
// (sim::NodeContext::route_deliveries), for a callback that only updates the caller's state
// and wakes its fibers: one fiber wake-up less per call. Timeouts end calls on the reaper
// fiber either way, and a response that arrives while the inbox holds older messages (or the
// process is paused) goes through the receive fiber.
enum class ResponseOn : uint8_t { kReceiveFiber, kDelivery };

struct RequestInfo {
  sim::NodeId from;
  sim::ConnectionId connection;  // this process's end: the reply goes back on it
  uint64_t correlation_id = 0;
  sim::Symbol type;
  uint32_t bytes = 0;  // the request's wire size (its CPU cost is charged per byte too)
};

class RpcEndpoint {
 public:
  using Handler = std::function<void(const RequestInfo&, sim::Payload&& body)>;
  // A connection a peer opened to this process closed (the peer closed it, died, or the
  // network gave up on it): a server drops what it kept for it.
  using DisconnectHandler = std::function<void(sim::ConnectionId end, sim::NodeId peer)>;
  using ResponseFn = std::function<void(std::optional<sim::Payload>&& response)>;

  // Requests in flight beyond this are refused at once (the caller sees nullopt).
  static constexpr size_t kMaxPendingCalls = 16'384;

  explicit RpcEndpoint(sim::NodeContext& ctx);
  // Starts the receive and reaper fibers. `on_request` handles requests and one-way messages.
  void start(Handler on_request);
  // The same, but requests and one-way messages go to `on_request` as they are delivered,
  // outside any fiber (sim::NodeContext::route_deliveries), instead of through the receive
  // fiber, which then carries only responses: for a handler that just queues them (a server's
  // per-connection queues), one fiber wake-up less per request. It must not block either.
  void start_routing_requests(Handler on_request);
  // Runs on the receive fiber when a connection a peer opened to this process closes.
  void on_disconnect(DisconnectHandler h) { on_disconnect_ = std::move(h); }

  // Sends a request and returns its correlation id (0 when too many calls are pending: then
  // `on_done` has already run with nullopt); `on_done` runs once, on the receive fiber with the response, or on the
  // reaper fiber with nullopt after `timeout_local` on this node's clock (or, with
  // ResponseOn::kDelivery, at the response's delivery; see ResponseOn).
  uint64_t call_async(sim::NodeId to, sim::Symbol type, uint32_t bytes, sim::Payload body, sim::Duration timeout_local,
                      ResponseFn on_done, ResponseOn on = ResponseOn::kReceiveFiber);
  // Blocking form, for fibers that just wait (handed the response and woken at its delivery).
  std::optional<sim::Payload> call(sim::NodeId to, sim::Symbol type, uint32_t bytes, sim::Payload body,
                               sim::Duration timeout_local);

  void reply(const RequestInfo& req, uint32_t bytes, sim::Payload body);

  // The same, sized by the body's wire_bytes(), computed before the body is moved: in
  // `reply(info, wire_bytes(resp), std::move(resp))` the order in which the arguments are
  // evaluated is unspecified, and GCC moves `resp` first (every response was sized empty).
  template <class Body>
  void reply_sized(const RequestInfo& req, Body body) {
    uint32_t bytes = wire_bytes(body);
    reply(req, bytes, std::move(body));
  }
  template <class Body>
  void call_async_sized(sim::NodeId to, sim::Symbol type, Body body, sim::Duration timeout_local, ResponseFn on_done,
                        ResponseOn on = ResponseOn::kReceiveFiber) {
    uint32_t bytes = wire_bytes(body);
    call_async(to, type, bytes, std::move(body), timeout_local, std::move(on_done), on);
  }
  template <class Body>
  std::optional<sim::Payload> call_sized(sim::NodeId to, sim::Symbol type, Body body, sim::Duration timeout_local) {
    uint32_t bytes = wire_bytes(body);
    return call(to, type, bytes, std::move(body), timeout_local);
  }
  void send_one_way(sim::NodeId to, sim::Symbol type, uint32_t bytes, sim::Payload body);

  // SASL (security/sasl.h): every connection this process opens from now on starts with a
  // SaslAuthenticate message naming `principal`. Empty: connections carry no credentials.
  void set_sasl_principal(std::string principal) { sasl_principal_ = std::move(principal); }

  size_t pending_calls() const { return live_calls_; }
  // Connections this process opened and still holds open (one per peer at most).
  size_t open_connections() const { return client_conns_.size(); }
  sim::NodeContext& context() { return ctx_; }

 private:
  struct Pending {
    sim::Instant deadline_local;
    ResponseFn on_done;
    sim::ConnectionId connection;
    bool live = false;
    ResponseOn on = ResponseOn::kReceiveFiber;
  };
  // sim::NodeContext::route_deliveries: what is taken at delivery instead of through the inbox.
  bool take_at_delivery(sim::Envelope& env);
  void receive_loop();
  void reaper_loop();
  // The call with this correlation id if it still waits for its answer, else nullptr.
  Pending* find_live(uint64_t id);
  // Ends a live call: returns its callback and lets the window move past finished calls.
  ResponseFn finish(Pending& call);
  // Ends a live call with its response (nullopt: timed out) and runs its callback.
  void end_call(Pending& call, std::optional<sim::Payload> response);
  // Pops deadlines of calls that have finished off the top of the heap.
  void drop_finished_deadlines();
  // This process's open connection to `peer`, opened if there is none.
  sim::ConnectionId connection_to(sim::NodeId peer);
  // Forgets a connection of ours and fails every call still waiting on it (oldest first).
  void fail_calls_on(sim::ConnectionId end);
  void handle_closed(const sim::ConnectionClosed& closed);

  sim::NodeContext& ctx_;
  Handler handler_;
  DisconnectHandler on_disconnect_;
  std::map<sim::NodeId, sim::ConnectionId> client_conns_;
  std::string sasl_principal_;
  bool route_requests_ = false;
  uint64_t next_correlation_id_ = 1;
  // Calls by correlation id. Ids are handed out in order, so the calls are a window
  // [first_call_id_, first_call_id_ + calls_.size()) in a deque, not a map (two tree nodes
  // per call, allocated and rebalanced, were 1.3% of a run): finished calls are marked and
  // the window's front moves past them. It spans the calls made while its oldest was
  // pending, so its size is bounded by the call rate times the longest timeout.
  std::deque<Pending> calls_;
  uint64_t first_call_id_ = 1;
  size_t live_calls_ = 0;
  // (deadline, correlation id), a min-heap: the reaper sleeps until the top's deadline.
  // A call answered in time leaves its entry, popped once it reaches the top (the top is
  // always a live call's whenever it is read), so the reaper wakes exactly when it did with
  // an ordered map of live deadlines.
  std::vector<std::pair<int64_t, uint64_t>> deadlines_;
  sim::WaitQueue reaper_wakeup_{"rpc reaper"};
  std::vector<sim::ConnectionId> resets_;  // broken by the rpc.connection_reset fault point, for the reaper
};

}  // namespace broker_model
