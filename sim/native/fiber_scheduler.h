// eddy's Boost.Fiber scheduling algorithm. It owns no policy of its own: it asks the
// kernel bound to this thread which context runs next. Boost's dispatcher fiber is parked
// and only run when the kernel has nothing else to hand out (it frees finished fibers).
#pragma once

#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/context.hpp>

namespace sim {

class Kernel;

class FiberScheduler final : public boost::fibers::algo::algorithm {
 public:
  FiberScheduler();
  // Installs the algorithm on this thread once, and returns it.
  static FiberScheduler& for_this_thread();

  void bind(Kernel* k) { kernel_ = k; }
  Kernel* kernel() const { return kernel_; }

  // Takes the parked dispatcher (nullptr if it is running).
  boost::fibers::context* take_dispatcher() {
    auto* d = dispatcher_;
    dispatcher_ = nullptr;
    return d;
  }

  void awakened(boost::fibers::context* ctx) noexcept override;
  boost::fibers::context* pick_next() noexcept override;
  bool has_ready_fibers() const noexcept override;
  // Nothing in a simulation waits on the host clock; the kernel never lets the
  // dispatcher get here with work outstanding.
  void suspend_until(std::chrono::steady_clock::time_point const&) noexcept override {}  // determinism-ok: Boost interface, never waits
  void notify() noexcept override {}

 private:
  Kernel* kernel_ = nullptr;
  boost::fibers::context* dispatcher_ = nullptr;
  boost::fibers::context* host_ready_ = nullptr;  // the host context, when Boost makes it ready
};

}  // namespace sim
