// A mutex for the fibers of one simulated process. Only one fiber runs at a time, but a
// fiber that blocks (on disk I/O, say) lets others run; state that spans a blocking call
// needs this lock, as Kafka's UnifiedLog needs its `lock`. The lock is handed to waiters in
// FIFO order, so who gets it next is fair and deterministic. (A candidate for sim/ as sim::Mutex.)
#pragma once

#include "sim/check.h"
#include "sim/kernel.h"
#include "sim/wait_queue.h"

namespace broker_model {

class FiberMutex {
 public:
  explicit FiberMutex(const char* what = "fiber-mutex") : waiters_(what) {}
  FiberMutex(const FiberMutex&) = delete;
  FiberMutex& operator=(const FiberMutex&) = delete;

  // Blocks until the lock is ours. Ownership passes from unlock() straight to the longest
  // waiter, so a fiber that unlocks and locks again cannot starve the others. A crash
  // unwinds a waiting fiber out of here (FiberUnwind); the lock dies with the process.
  void lock() {
    if (!locked_) {
      locked_ = true;
      return;
    }
    waiters_.wait();  // woken only by unlock(), which handed the lock over
    EDDY_CHECK(locked_);
  }
  // Never blocks, so it is safe in a destructor while a crashed fiber unwinds.
  void unlock() {
    EDDY_CHECK(locked_);
    // Outside a run (the world tearing down) no fiber can take the lock anyway.
    if (!waiters_.empty() && sim::Kernel::current_kernel() != nullptr && waiters_.notify_one()) return;  // handed over
    locked_ = false;
  }
  bool locked() const { return locked_; }

 private:
  bool locked_ = false;
  sim::WaitQueue waiters_;
};

// Holds a FiberMutex for a scope.
class FiberLock {
 public:
  explicit FiberLock(FiberMutex& m) : m_(m) { m_.lock(); }
  ~FiberLock() { m_.unlock(); }
  FiberLock(const FiberLock&) = delete;
  FiberLock& operator=(const FiberLock&) = delete;

 private:
  FiberMutex& m_;
};

}  // namespace broker_model
