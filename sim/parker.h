// What simulated code's blocking primitives (WaitQueue, Channel, Mutex, sleeps) need from the
// engine that runs it: park the current simulated thread until woken or until a simulated
// instant, and wake a parked one. The native engine implements it with fibers (sim/native/),
// a SimGrid engine with actors. Simulated code never sees the engine itself, only this.
//
// A parked thread is named by (slot, token): the slot says which thread, the token which of
// its waits, so a wake meant for a wait that already ended (by timeout, or because another
// queue woke it) is recognised as stale and does nothing.
#pragma once

#include <cstdint>

#include "sim/time.h"

namespace sim {

// Thrown out of a blocking call when the calling thread's process was killed or the run is
// ending. Simulated code must let it propagate (never swallow it in a bare catch (...)).
struct FiberUnwind {
  const char* why;
};

enum class WakeReason : uint8_t { kNone, kNotified, kTimeout, kKilled };

class Parker {
 public:
  // The engine running on this thread, or nullptr outside a run.
  static Parker* current() { return current_; }

  // Simulated (true) time.
  virtual Instant now() const = 0;
  // Marks the current thread as about to block and returns its wait token.
  virtual uint64_t prepare_wait(const char* what) = 0;
  // The current thread's slot (valid between prepare_wait and block).
  virtual uint32_t current_slot() const = 0;
  // Makes the prepared wait end with kTimeout at `deadline`.
  virtual void arm_wake_at(Instant deadline, uint64_t token) = 0;
  // Parks the current thread; throws FiberUnwind if its process is killed meanwhile.
  virtual WakeReason block() = 0;
  // Wakes thread `slot` if it is still parked in the wait `token`; false otherwise.
  virtual bool wake(uint32_t slot, uint64_t token, WakeReason reason) = 0;
  // Parks the current thread until `t`.
  virtual void sleep_until(Instant t, const char* what) = 0;
  // Lets other threads ready at this instant run first.
  virtual void yield() = 0;
  // Throws FiberUnwind if the current thread's process is dead or the run is ending.
  virtual void check_alive() const = 0;

 protected:
  Parker() = default;
  ~Parker() = default;
  // For engines: installs `p` as this thread's parker while it runs, returns the previous one.
  static Parker* install(Parker* p) {
    Parker* previous = current_;
    current_ = p;
    return previous;
  }

 private:
  static thread_local Parker* current_;
};

// For code running on a simulated thread of the world (not a node's process): the engine's
// time and sleeps, without a process context.
namespace this_fiber {
inline Instant now() { return Parker::current()->now(); }
inline void sleep_until(Instant t) { Parker::current()->sleep_until(t, "sleep"); }
inline void sleep_for(Duration d) { sleep_until(Parker::current()->now() + d); }
inline void yield() { Parker::current()->yield(); }
}  // namespace this_fiber

}  // namespace sim
