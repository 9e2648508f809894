// WaitQueue: the one blocking primitive the others are built on, over the engine's Parker.
// Simulated threads wait in FIFO order, optionally with a deadline; notify wakes them in that
// order.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sim/parker.h"
#include "sim/time.h"

namespace sim {

class WaitQueue {
 public:
  explicit WaitQueue(const char* what = "wait-queue") : what_(what) {}

  // Blocks the current fiber until notified (true) or `deadline` (false).
  bool wait_until(Instant deadline);
  void wait() { wait_until(Instant::max()); }
  // Blocks the current fiber until any of `queues` notifies it (true) or `deadline`
  // (false). It waits in each queue in FIFO order like wait_until; the first notify wakes
  // it and it leaves the other queues (a notify that finds it gone wakes the next waiter).
  static bool wait_any(std::span<WaitQueue* const> queues, Instant deadline);

  // Wakes the longest waiter still waiting; false if there was none.
  bool notify_one();
  void notify_all();
  bool empty() const { return head_ == waiters_.size(); }

 private:
  struct Waiter {
    uint32_t slot;
    uint64_t token;
  };
  void forget(uint32_t slot, uint64_t token);
  void pop_front();

  const char* what_;
  // FIFO in [head_, size()): a vector with a moving head instead of a std::deque, which
  // allocates on construction and a WaitQueue is built for every blocking RPC call.
  std::vector<Waiter> waiters_;
  size_t head_ = 0;
};

}  // namespace sim
