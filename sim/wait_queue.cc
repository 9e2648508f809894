#include "sim/wait_queue.h"

namespace sim {

bool WaitQueue::wait_until(Instant deadline) {
  Kernel* k = Kernel::current_kernel();
  uint64_t token = k->prepare_wait(what_);
  uint32_t slot = k->current_fiber()->slot;
  waiters_.push_back(Waiter{slot, token});
  if (deadline != Instant::max()) k->arm_wake_at(deadline, token);
  WakeReason why;
  try {
    why = k->block();
  } catch (const FiberUnwind&) {
    forget(slot, token);
    throw;
  }
  if (why == WakeReason::kNotified) return true;
  forget(slot, token);
  return false;
}

bool WaitQueue::wait_any(std::span<WaitQueue* const> queues, Instant deadline) {
  Kernel* k = Kernel::current_kernel();
  uint64_t token = k->prepare_wait(queues.empty() ? "wait-any" : queues.front()->what_);
  uint32_t slot = k->current_fiber()->slot;
  for (WaitQueue* q : queues) q->waiters_.push_back(Waiter{slot, token});
  if (deadline != Instant::max()) k->arm_wake_at(deadline, token);
  WakeReason why;
  try {
    why = k->block();
  } catch (const FiberUnwind&) {
    for (WaitQueue* q : queues) q->forget(slot, token);
    throw;
  }
  // The queue that woke us already dropped us; forget() finds nothing there.
  for (WaitQueue* q : queues) q->forget(slot, token);
  return why == WakeReason::kNotified;
}

void WaitQueue::forget(uint32_t slot, uint64_t token) {
  for (auto it = waiters_.begin(); it != waiters_.end(); ++it) {
    if (it->slot == slot && it->token == token) {
      waiters_.erase(it);
      return;
    }
  }
}

bool WaitQueue::notify_one() {
  Kernel* k = Kernel::current_kernel();
  while (!waiters_.empty()) {
    Waiter w = waiters_.front();
    waiters_.pop_front();
    if (k->wake(w.slot, w.token, WakeReason::kNotified)) return true;
  }
  return false;
}

void WaitQueue::notify_all() {
  while (notify_one()) {
  }
}

}  // namespace sim
