// A mutex for the simulated threads of one process. Only one thread runs at a time, but a
// thread that blocks (on disk I/O, say) lets others run; state that spans a blocking call
// needs this lock, as Kafka's UnifiedLog needs its `lock`. The lock is handed to waiters in
// FIFO order, so who gets it next is fair and deterministic. Built on WaitQueue, so it works
// on any engine.
#pragma once

#include "sim/check.h"
#include "sim/parker.h"
#include "sim/wait_queue.h"

namespace sim {

class Mutex {
 public:
  explicit Mutex(const char* what = "mutex") : waiters_(what) {}
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  // Blocks until the lock is ours. Ownership passes from unlock() straight to the longest
  // waiter, so a thread that unlocks and locks again cannot starve the others. A crash
  // unwinds a waiting thread out of here (FiberUnwind); the lock dies with the process.
  void lock() {
    if (!locked_) {
      locked_ = true;
      return;
    }
    waiters_.wait();  // woken only by unlock(), which handed the lock over
    EDDY_CHECK(locked_);
  }
  // Never blocks, so it is safe in a destructor while a crashed thread unwinds.
  void unlock() {
    EDDY_CHECK(locked_);
    // Outside a run (the world tearing down) no thread can take the lock anyway.
    if (!waiters_.empty() && Parker::current() != nullptr && waiters_.notify_one()) return;  // handed over
    locked_ = false;
  }
  bool locked() const { return locked_; }

 private:
  bool locked_ = false;
  WaitQueue waiters_;
};

// Holds a Mutex for a scope.
class MutexLock {
 public:
  explicit MutexLock(Mutex& m) : m_(m) { m_.lock(); }
  ~MutexLock() { m_.unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& m_;
};

}  // namespace sim
