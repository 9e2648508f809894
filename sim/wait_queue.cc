#include "sim/wait_queue.h"

namespace sim {

bool WaitQueue::wait_until(Instant deadline) {
  Parker* k = Parker::current();
  uint64_t token = k->prepare_wait(what_);
  uint32_t slot = k->current_slot();
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
  Parker* k = Parker::current();
  uint64_t token = k->prepare_wait(queues.empty() ? "wait-any" : queues.front()->what_);
  uint32_t slot = k->current_slot();
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
  for (size_t i = head_; i < waiters_.size(); ++i) {
    if (waiters_[i].slot == slot && waiters_[i].token == token) {
      if (i == head_) pop_front();
      else waiters_.erase(waiters_.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
  }
}

void WaitQueue::pop_front() {
  ++head_;
  if (head_ == waiters_.size()) {  // drained: start over at the front of the buffer
    waiters_.clear();
    head_ = 0;
  } else if (head_ >= 64 && head_ * 2 >= waiters_.size()) {  // never drained: drop the dead prefix
    waiters_.erase(waiters_.begin(), waiters_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

bool WaitQueue::notify_one() {
  if (empty()) return false;  // the common case (an append nobody waits for): no kernel lookup
  Parker* k = Parker::current();
  while (!empty()) {
    Waiter w = waiters_[head_];
    pop_front();
    if (k->wake(w.slot, w.token, WakeReason::kNotified)) return true;
  }
  return false;
}

void WaitQueue::notify_all() {
  if (empty()) return;
  // notify_one() until it finds nobody, in one loop: every waiter is woken or, if its
  // wait already ended, dropped, in FIFO order.
  Parker* k = Parker::current();
  while (!empty()) {
    Waiter w = waiters_[head_];
    pop_front();
    k->wake(w.slot, w.token, WakeReason::kNotified);
  }
}

}  // namespace sim
