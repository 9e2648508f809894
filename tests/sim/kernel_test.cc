// The kernel: fibers, ordering, blocking primitives, limits, deadlock reports.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/channel.h"
#include "sim/native/kernel.h"
#include "sim/wait_queue.h"

namespace sim {
namespace {

TEST(Kernel, FibersRunInSpawnOrderAndSleepAdvancesTime) {
  Kernel k;
  std::vector<std::string> log;
  for (int i = 0; i < 3; ++i) {
    k.spawn("f" + std::to_string(i), [&, i] {
      log.push_back("start" + std::to_string(i));
      this_fiber::sleep_for(milliseconds(10 * (3 - i)));
      log.push_back("woke" + std::to_string(i) + "@" + std::to_string(this_fiber::now().ns() / 1'000'000));
    });
  }
  RunOutcome out = k.run();
  EXPECT_EQ(out.status, RunStatus::kQuiescent) << out.message;
  EXPECT_EQ(log, (std::vector<std::string>{"start0", "start1", "start2", "woke2@10", "woke1@20", "woke0@30"}));
  EXPECT_EQ(k.now().ns(), 30'000'000);
  EXPECT_EQ(k.live_fibers(), 0u);
}

TEST(Kernel, SameInstantWakeupsKeepSchedulingOrder) {
  Kernel k;
  std::vector<int> order;
  for (int i = 0; i < 50; ++i)
    k.spawn("f", [&, i] {
      this_fiber::sleep_until(Instant::from_ns(1000));
      order.push_back(i);
    });
  k.run();
  ASSERT_EQ(order.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(order[i], i);
}

// A sleep whose wake-up would be the next event anyway takes a shortcut (no park and resume);
// it must count and order exactly as the wake-up event would: after fibers already ready,
// after an event due at the same instant that was scheduled first, one event per wake-up.
TEST(Kernel, ASleepThatIsNextInLineCountsAndOrdersAsItsWakeUp) {
  Kernel k;
  std::vector<std::string> log;
  auto now_ns = [] { return std::to_string(this_fiber::now().ns()); };
  k.at(Instant::from_ns(2'000), [&] { log.push_back("callback@2000"); });
  k.spawn("sleeper", [&] {
    this_fiber::sleep_until(Instant::from_ns(1'000));  // "other" is ready: it runs first
    log.push_back("sleeper@" + now_ns());
    this_fiber::sleep_until(Instant::from_ns(2'000));  // the callback, scheduled earlier, first
    log.push_back("sleeper@" + now_ns());
    this_fiber::sleep_until(Instant::from_ns(3'000));  // nothing else left: next in line
    log.push_back("sleeper@" + now_ns());
    this_fiber::sleep_until(Instant::from_ns(3'000));  // zero-length
    log.push_back("sleeper@" + now_ns());
  });
  k.spawn("other", [&] { log.push_back("other@" + now_ns()); });
  RunOutcome out = k.run();
  EXPECT_EQ(out.status, RunStatus::kQuiescent) << out.message;
  EXPECT_EQ(log, (std::vector<std::string>{"other@0", "sleeper@1000", "callback@2000", "sleeper@2000", "sleeper@3000",
                                           "sleeper@3000"}));
  EXPECT_EQ(k.events_processed(), 5u);  // four wake-ups and the callback
  EXPECT_EQ(k.now().ns(), 3'000);
}

TEST(Kernel, CallbacksRunAtTheirTimeAndCanBeCancelled) {
  Kernel k;
  std::vector<int64_t> fired;
  k.at(Instant::from_ns(50), [&] { fired.push_back(k.now().ns()); });
  TimerHandle h = k.at(Instant::from_ns(20), [&] { fired.push_back(-1); });
  k.at(Instant::from_ns(10), [&] { fired.push_back(k.now().ns()); });
  k.cancel(h);
  EXPECT_EQ(k.run().status, RunStatus::kQuiescent);
  EXPECT_EQ(fired, (std::vector<int64_t>{10, 50}));
}

TEST(Kernel, WaitQueueNotifyAndTimeout) {
  WaitQueue q("test-queue");
  Kernel k;
  std::vector<std::string> log;
  k.spawn("waiter-timeout", [&] {
    bool notified = q.wait_until(Instant::from_ns(100));
    log.push_back(std::string("a:") + (notified ? "notified" : "timeout") + "@" + std::to_string(this_fiber::now().ns()));
  });
  k.spawn("waiter-notified", [&] {
    bool notified = q.wait_until(Instant::from_ns(10'000));
    log.push_back(std::string("b:") + (notified ? "notified" : "timeout") + "@" + std::to_string(this_fiber::now().ns()));
  });
  k.spawn("notifier", [&] {
    this_fiber::sleep_for(nanoseconds(500));
    EXPECT_TRUE(q.notify_one());   // a timed out and left the queue; b is woken
    EXPECT_FALSE(q.notify_one());
  });
  k.run();
  EXPECT_EQ(log, (std::vector<std::string>{"a:timeout@100", "b:notified@500"}));
}

TEST(Kernel, ChannelIsFifoAndBounded) {
  Channel<int> ch(2);
  Kernel k;
  std::vector<int> got;
  k.spawn("producer", [&] {
    for (int i = 0; i < 5; ++i) ch.send(i);  // blocks while full
    ch.close();
  });
  k.spawn("consumer", [&] {
    while (auto v = ch.receive()) {
      got.push_back(*v);
      this_fiber::sleep_for(microseconds(1));
    }
  });
  k.run();
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4}));
  Channel<int> small(1);
  Kernel k2;
  k2.spawn("t", [&] {
    EXPECT_TRUE(small.try_send(1));
    EXPECT_FALSE(small.try_send(2));
    auto none = Channel<int>(1).receive_until(this_fiber::now() + milliseconds(3));
    EXPECT_FALSE(none.has_value());
    EXPECT_EQ(this_fiber::now().ns(), 3'000'000);
  });
  EXPECT_EQ(k2.run().status, RunStatus::kQuiescent);
}

TEST(Kernel, DeadlockIsReportedWithTheBlockedFibers) {
  Kernel k;
  WaitQueue never("lock-that-nobody-releases");
  Channel<int> empty(1, "empty-channel");
  k.spawn("stuck-on-lock", [&] { never.wait(); });
  k.spawn("stuck-on-channel", [&] { empty.receive(); });
  k.spawn("finishes", [&] { this_fiber::sleep_for(seconds(1)); });
  RunOutcome out = k.run();
  EXPECT_EQ(out.status, RunStatus::kDeadlock);
  EXPECT_NE(out.message.find("'stuck-on-lock'"), std::string::npos) << out.message;
  EXPECT_NE(out.message.find("lock-that-nobody-releases"), std::string::npos) << out.message;
  EXPECT_NE(out.message.find("'stuck-on-channel'"), std::string::npos) << out.message;
  EXPECT_EQ(out.message.find("finishes"), std::string::npos) << out.message;
  EXPECT_EQ(k.now(), Instant::epoch() + seconds(1));
  k.shutdown();  // unwinds the stuck fibers
  EXPECT_EQ(k.live_fibers(), 0u);
}

TEST(Kernel, DaemonFibersMayWaitForever) {
  WaitQueue q;  // declared before the kernel: the fiber waiting on it unwinds in ~Kernel
  Kernel k;
  k.spawn("server", [&] { q.wait(); }, FiberOptions{kWorldGroup, true});
  EXPECT_EQ(k.run().status, RunStatus::kQuiescent);
}

TEST(Kernel, EventAndTimeLimitsEndTheRunWithAMessage) {
  Kernel k(RunLimits{.max_events = 1'000, .max_time = Instant::max()});
  k.spawn("spinner", [] {
    for (;;) this_fiber::sleep_for(microseconds(1));
  });
  RunOutcome out = k.run();
  EXPECT_EQ(out.status, RunStatus::kEventLimit);
  EXPECT_NE(out.message.find("event limit"), std::string::npos);

  Kernel k2(RunLimits{.max_events = 1'000'000, .max_time = Instant::epoch() + milliseconds(5)});
  k2.spawn("spinner", [] {
    for (;;) this_fiber::sleep_for(microseconds(100));
  });
  out = k2.run();
  EXPECT_EQ(out.status, RunStatus::kTimeLimit);
  EXPECT_LE(k2.now(), Instant::epoch() + milliseconds(5));

  // A livelock that never advances time is bounded too.
  Kernel k3(RunLimits{.max_events = 10'000, .max_time = Instant::max()});
  k3.spawn("yielder", [] {
    for (;;) this_fiber::yield();
  });
  EXPECT_EQ(k3.run().status, RunStatus::kEventLimit);
}

TEST(Kernel, RunUntilPausesAndResumes) {
  Kernel k;
  int ticks = 0;
  k.spawn("ticker", [&] {
    for (int i = 0; i < 10; ++i) {
      this_fiber::sleep_for(milliseconds(1));
      ++ticks;
    }
  });
  EXPECT_EQ(k.run(Instant::epoch() + microseconds(4'500)).status, RunStatus::kReachedUntil);
  EXPECT_EQ(ticks, 4);
  EXPECT_EQ(k.now(), Instant::epoch() + microseconds(4'500));
  EXPECT_EQ(k.run().status, RunStatus::kQuiescent);
  EXPECT_EQ(ticks, 10);
}

TEST(Kernel, UnexpectedExceptionIsALabError) {
  Kernel k;
  k.spawn("thrower", [] {
    this_fiber::sleep_for(milliseconds(1));
    throw std::runtime_error("boom");
  });
  RunOutcome out = k.run();
  EXPECT_EQ(out.status, RunStatus::kLabError);
  EXPECT_NE(out.message.find("boom"), std::string::npos);
  EXPECT_NE(out.message.find("thrower"), std::string::npos);
}

TEST(Kernel, StopEndsTheRun) {
  Kernel k;
  k.spawn("forever", [] {
    for (;;) this_fiber::sleep_for(milliseconds(1));
  });
  k.spawn("stopper", [&] {
    this_fiber::sleep_for(milliseconds(10));
    k.stop("enough");
  });
  RunOutcome out = k.run();
  EXPECT_EQ(out.status, RunStatus::kStopped);
  EXPECT_EQ(out.message, "enough");
  EXPECT_EQ(k.now(), Instant::epoch() + milliseconds(10));
}

TEST(Kernel, ManySequentialKernelsOnOneThread) {
  for (int round = 0; round < 50; ++round) {
    Kernel k;
    int done = 0;
    for (int i = 0; i < 20; ++i) k.spawn("f", [&] { this_fiber::sleep_for(microseconds(round + 1)); ++done; });
    k.run();
    EXPECT_EQ(done, 20);
  }
}

}  // namespace
}  // namespace sim
