#include "sim/native/fiber_scheduler.h"

#include <boost/fiber/operations.hpp>

#include "sim/native/kernel.h"

namespace sim {

namespace {
thread_local FiberScheduler* t_scheduler = nullptr;
}

FiberScheduler::FiberScheduler() { t_scheduler = this; }

FiberScheduler& FiberScheduler::for_this_thread() {
  if (t_scheduler == nullptr) boost::fibers::use_scheduling_algorithm<FiberScheduler>();
  return *t_scheduler;
}

void FiberScheduler::awakened(boost::fibers::context* ctx) noexcept {
  if (ctx->is_context(boost::fibers::type::dispatcher_context)) {
    dispatcher_ = ctx;
  } else if (ctx->is_context(boost::fibers::type::main_context)) {
    host_ready_ = ctx;
  } else if (kernel_ != nullptr) {
    kernel_->adopt_spawned(ctx);
  }
}

boost::fibers::context* FiberScheduler::pick_next() noexcept {
  boost::fibers::context* active = boost::fibers::context::active();
  if (kernel_ != nullptr) return kernel_->next_context(active);
  // No simulation bound: only Boost's own bookkeeping runs (thread start/exit).
  if (host_ready_ != nullptr && host_ready_ != active) {
    auto* h = host_ready_;
    host_ready_ = nullptr;
    return h;
  }
  if (dispatcher_ != nullptr && dispatcher_ != active) return take_dispatcher();
  return nullptr;
}

bool FiberScheduler::has_ready_fibers() const noexcept {
  return (kernel_ != nullptr && kernel_->has_ready()) || host_ready_ != nullptr;
}

}  // namespace sim
