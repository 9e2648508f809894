// The RPC layer's bookkeeping of calls in flight: every call ends exactly once, with its
// answer or without one; a call that times out closes its connection and ends every other call
// in flight on it, as Kafka's NetworkClient does; answers on a closed connection are refused.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "broker_model/rpc/rpc_endpoint.h"
#include "sim/world/world.h"

namespace broker_model {
namespace {

const sim::Symbol kEchoRpc{"RpcTestEcho"};

// The server answers `value` after `delay_ms` (never, when negative).
struct EchoRequest {
  int value = 0;
  int delay_ms = 0;
};

struct Ending {
  int value;          // the request's value
  int64_t at_ms;      // when the call ended
  bool answered;      // with an answer (else timed out)
};

// A world whose links take 100 us each way.
sim::WorldConfig echo_world() {
  sim::WorldConfig c;
  c.seed = 1;
  c.link.latency = sim::LatencyModel::constant(sim::microseconds(100));
  return c;
}

// A server that answers each EchoRequest with its value after its delay (never, when the delay
// is negative); it takes requests at delivery when `routed`, else through its receive fiber.
// `seen_at_us`, if given, gets the instant each request reached the handler.
sim::NodeId add_echo_server(sim::World& w, bool routed, std::vector<int64_t>* seen_at_us = nullptr) {
  return w.add_node("server", [routed, seen_at_us](sim::NodeContext& ctx) {
    auto& rpc = ctx.make<RpcEndpoint>(ctx);
    auto handler = [&ctx, &rpc, seen_at_us](const RequestInfo& info, sim::Payload&& body) {
      if (seen_at_us != nullptr) seen_at_us->push_back((ctx.true_now() - sim::Instant::epoch()).ns() / 1'000);
      const EchoRequest* req = sim::payload_cast<EchoRequest>(&body);
      if (req == nullptr || req->delay_ms < 0) return;  // never answered
      EchoRequest copy = *req;
      ctx.spawn("answer", [&ctx, &rpc, info, copy] {
        ctx.sleep_for(sim::milliseconds(copy.delay_ms));
        rpc.reply(info, 8, copy.value);
      });
    };
    if (routed) rpc.start_routing_requests(handler);
    else rpc.start(handler);
    for (;;) ctx.sleep_for(sim::seconds(1));
  });
}

TEST(RpcEndpoint, EveryCallEndsOnceAndATimeoutClosesTheConnection) {
  sim::World w(echo_world());
  sim::NodeId server = add_echo_server(w, /*routed=*/false);
  std::vector<Ending> endings;
  size_t pending_at_end = 99;
  size_t connections_after_timeout = 99;
  sim::NodeId client = w.add_node("client", [&](sim::NodeContext& ctx) {
    auto& rpc = ctx.make<RpcEndpoint>(ctx);
    rpc.start([](const RequestInfo&, sim::Payload&&) {});
    // (value, answer delay, timeout): a long call stays open while many short ones finish,
    // timeouts differ so deadlines are not in issue order, and one answer would come too late.
    struct Call {
      int value, delay_ms, timeout_ms;
    };
    auto send = [&](const Call& call) {
      rpc.call_async(server, kEchoRpc, 16, EchoRequest{call.value, call.delay_ms}, sim::milliseconds(call.timeout_ms),
                     [&ctx, &endings, value = call.value](std::optional<sim::Payload>&& r) {
                       endings.push_back(Ending{value, (ctx.true_now() - sim::Instant::epoch()).ms(), r.has_value()});
                       if (r) {
                         EXPECT_EQ(sim::payload_cast<int>(*r), value);
                       }
                     });
    };
    std::vector<Call> calls = {{1, -1, 500}, {2, 5, 100}, {3, -1, 50}, {4, 200, 100}, {5, 1, 1000}};
    for (int i = 0; i < 200; ++i) calls.push_back({100 + i, i % 7, 300});
    for (const Call& call : calls) send(call);
    ctx.sleep_for(sim::milliseconds(60));
    connections_after_timeout = rpc.open_connections();
    send({6, 1, 100});  // on a new connection
    ctx.sleep_for(sim::seconds(2));
    pending_at_end = rpc.pending_calls();
    for (;;) ctx.sleep_for(sim::seconds(1));
  });
  w.start(server);
  w.start(client);
  w.run(sim::Instant::epoch() + sim::seconds(3));

  EXPECT_EQ(pending_at_end, 0u);
  ASSERT_EQ(endings.size(), 206u);  // each call ended once
  std::vector<int> seen(400, 0);
  for (const Ending& e : endings) ++seen[static_cast<size_t>(e.value)];
  for (int v : {1, 2, 3, 4, 5, 6}) EXPECT_EQ(seen[static_cast<size_t>(v)], 1) << v;
  for (int i = 0; i < 200; ++i) EXPECT_EQ(seen[static_cast<size_t>(100 + i)], 1) << 100 + i;
  auto ending_of = [&](int value) {
    for (const Ending& e : endings)
      if (e.value == value) return e;
    return Ending{value, -1, false};
  };
  // Call 3 times out at its deadline (50 ms) and takes its connection down with it: the
  // calls still waiting on it (1, and 4 whose answer was due at 200 ms) end then, unanswered.
  EXPECT_FALSE(ending_of(3).answered);
  EXPECT_EQ(ending_of(3).at_ms, 50);
  EXPECT_FALSE(ending_of(1).answered);
  EXPECT_EQ(ending_of(1).at_ms, 50);
  EXPECT_FALSE(ending_of(4).answered);
  EXPECT_EQ(ending_of(4).at_ms, 50);
  EXPECT_EQ(connections_after_timeout, 0u);
  // Answered in time, before the timeout.
  EXPECT_TRUE(ending_of(2).answered);
  EXPECT_TRUE(ending_of(5).answered);
  for (int i = 0; i < 200; ++i) EXPECT_TRUE(ending_of(100 + i).answered) << 100 + i;
  // The next call opens a new connection and is answered.
  EXPECT_TRUE(ending_of(6).answered);
  size_t idx3 = 0, idx1 = 0;
  for (size_t i = 0; i < endings.size(); ++i) {
    if (endings[i].value == 3) idx3 = i;
    if (endings[i].value == 1) idx1 = i;
  }
  EXPECT_LT(idx3, idx1);  // the one that timed out first, then the others on its connection
}

// With the server routing requests at delivery and the client blocking in call() (both taken
// at delivery, without the receive fiber), each blocked call still gets its own answer at the
// instant it arrives, or nothing when a call times out on its connection; a late answer wakes
// no one; async callbacks (run on the receive fiber) are unaffected.
TEST(RpcEndpoint, BlockingCallsAndRoutedRequestsEndAtDelivery) {
  sim::World w(echo_world());
  std::vector<int64_t> requests_at_us;  // when the server's handler saw each request
  sim::NodeId server = add_echo_server(w, /*routed=*/true, &requests_at_us);
  struct Result {
    int value;
    int64_t at_us;
    std::optional<int> answer;
  };
  std::vector<Result> blocking, async;
  sim::NodeId client = w.add_node("client", [&](sim::NodeContext& ctx) {
    auto& rpc = ctx.make<RpcEndpoint>(ctx);
    rpc.start([](const RequestInfo&, sim::Payload&&) {});
    auto now_us = [&ctx] { return (ctx.true_now() - sim::Instant::epoch()).ns() / 1'000; };
    // Async calls answered while the blocking calls below wait: one run on the receive fiber,
    // one at delivery, one at delivery that times out.
    auto record = [&](int value) {
      return [&, value](std::optional<sim::Payload>&& r) {
        async.push_back(Result{value, now_us(), r ? std::optional<int>(sim::payload_cast<int>(*r)) : std::nullopt});
      };
    };
    rpc.call_async(server, kEchoRpc, 16, EchoRequest{7, 3}, sim::milliseconds(100), record(7));
    rpc.call_async(server, kEchoRpc, 16, EchoRequest{8, 4}, sim::milliseconds(100), record(8), ResponseOn::kDelivery);
    rpc.call_async(server, kEchoRpc, 16, EchoRequest{9, 50}, sim::milliseconds(20), record(9), ResponseOn::kDelivery);
    for (auto [value, delay_ms, timeout_ms] : {std::tuple{1, 2, 50}, {2, 0, 50}, {3, 30, 10}, {4, 1, 50}}) {
      auto r = rpc.call(server, kEchoRpc, 16, EchoRequest{value, delay_ms}, sim::milliseconds(timeout_ms));
      blocking.push_back(Result{value, now_us(), r ? std::optional<int>(sim::payload_cast<int>(*r)) : std::nullopt});
    }
    for (;;) ctx.sleep_for(sim::seconds(1));
  });
  w.start(server);
  w.start(client);
  w.run(sim::Instant::epoch() + sim::seconds(1));

  // Requests are handled as they arrive: 100 us after each send.
  EXPECT_EQ(requests_at_us, (std::vector<int64_t>{100, 100, 100, 100, 2'300, 2'500, 12'500}));
  ASSERT_EQ(blocking.size(), 4u);
  EXPECT_EQ(blocking[0].answer, 1);
  EXPECT_EQ(blocking[0].at_us, 2'200);   // 100 there, 2 ms, 100 back
  EXPECT_EQ(blocking[1].answer, 2);
  EXPECT_EQ(blocking[1].at_us, 2'400);
  EXPECT_EQ(blocking[2].answer, std::nullopt);  // timed out; its answer at 32.6 ms is dropped
  EXPECT_EQ(blocking[2].at_us, 12'400);
  EXPECT_EQ(blocking[3].answer, 4);  // on a new connection
  EXPECT_EQ(blocking[3].at_us, 13'600);
  ASSERT_EQ(async.size(), 3u);
  EXPECT_EQ(async[0].answer, 7);
  EXPECT_EQ(async[0].at_us, 3'200);
  EXPECT_EQ(async[1].answer, 8);
  EXPECT_EQ(async[1].at_us, 4'200);
  // Its connection closed when call 3 timed out at 12.4 ms (before its own 20 ms deadline);
  // its answer at 50.2 ms is refused.
  EXPECT_EQ(async[2].answer, std::nullopt);
  EXPECT_EQ(async[2].at_us, 12'400);
}

// A fiber whose process is killed while it waits in call() unwinds out of the call; its answer,
// arriving after the crash, reaches nothing, and the restarted process calls again as new.
// (The call's state lives in the waiting fiber's frame, which the unwinding destroys; the
// sanitizer build checks that nothing touches it afterwards.)
TEST(RpcEndpoint, ACallerKilledWhileItWaitsLeavesNothingBehind) {
  sim::World w(echo_world());
  sim::NodeId server = add_echo_server(w, /*routed=*/true);
  std::vector<std::pair<int, std::optional<int>>> answers;  // (incarnation, answer)
  int incarnation = 0;
  sim::NodeId client = w.add_node("client", [&](sim::NodeContext& ctx) {
    int mine = ++incarnation;
    auto& rpc = ctx.make<RpcEndpoint>(ctx);
    rpc.start([](const RequestInfo&, sim::Payload&&) {});
    auto r = rpc.call(server, kEchoRpc, 16, EchoRequest{mine, 50}, sim::milliseconds(200));
    answers.emplace_back(mine, r ? std::optional<int>(sim::payload_cast<int>(*r)) : std::nullopt);
    for (;;) ctx.sleep_for(sim::seconds(1));
  });
  w.start(server);
  w.start(client);
  w.run(sim::Instant::epoch() + sim::milliseconds(10));
  w.crash(client);  // its call waits for an answer due at ~50.2 ms
  w.run(sim::Instant::epoch() + sim::milliseconds(100));
  EXPECT_TRUE(answers.empty());
  w.start(client);
  w.run(sim::Instant::epoch() + sim::seconds(1));
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].first, 2);
  EXPECT_EQ(answers[0].second, 2);
}


// A killed server's operating system resets its connections, so a call waiting on it ends one
// latency later; a server whose machine lost power says nothing, so the call waits for its own
// timeout (Kafka's request.timeout.ms), as a real client would.
TEST(RpcEndpoint, AKilledServerFailsItsCallsAtOnceAPowerLossAtTheirTimeout) {
  auto ended_at_ms = [](bool power_loss) {
    sim::World w(echo_world());
    sim::NodeId server = add_echo_server(w, /*routed=*/true);
    int64_t ended = -1;
    bool answered = true;
    sim::NodeId client = w.add_node("client", [&](sim::NodeContext& ctx) {
      auto& rpc = ctx.make<RpcEndpoint>(ctx);
      rpc.start([](const RequestInfo&, sim::Payload&&) {});
      auto r = rpc.call(server, kEchoRpc, 16, EchoRequest{1, -1}, sim::seconds(30));
      ended = (ctx.true_now() - sim::Instant::epoch()).ms();
      answered = r.has_value();
      for (;;) ctx.sleep_for(sim::seconds(1));
    });
    w.start(server);
    w.start(client);
    w.at(sim::Instant::epoch() + sim::milliseconds(10), [&] {
      if (power_loss) w.crash(server);
      else w.kill(server);
    });
    w.run(sim::Instant::epoch() + sim::seconds(60));
    EXPECT_FALSE(answered);
    return ended;
  };
  EXPECT_EQ(ended_at_ms(/*power_loss=*/false), 10);  // the reset, 100 us after the kill
  EXPECT_EQ(ended_at_ms(/*power_loss=*/true), 30'000);
}

}  // namespace
}  // namespace broker_model
