// Human-readable logs through spdlog, stamped with simulated time and node instead of the
// host clock. The level check comes before the arguments are formatted (a disabled call
// costs a branch). Structured facts belong in the trace, not here.
#pragma once

#include <spdlog/spdlog.h>

namespace sim {

// The shared "eddy" logger (stderr, level "warn" unless set_log_level says otherwise).
spdlog::logger& log();
// "trace", "debug", "info", "warn", "error", "off"; false if the name is unknown.
bool set_log_level(std::string_view level);

}  // namespace sim

#define EDDY_LOG(lvl, ...)                                                                  \
  do {                                                                                        \
    auto& eddy_logger_ = ::sim::log();                                                        \
    if (eddy_logger_.should_log(spdlog::level::lvl)) eddy_logger_.log(spdlog::level::lvl, __VA_ARGS__); \
  } while (0)
