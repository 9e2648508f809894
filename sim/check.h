// Always-on assertions. A failed check names the condition, file and line, and the
// simulated time and seed of the run it happened in, then aborts the lab (a sweep records
// the seed as a lab crash).
#pragma once

namespace sim {
[[noreturn]] void check_failed(const char* expr, const char* file, int line, const char* msg);
}

#define EDDY_CHECK(cond) \
  do { if (!(cond)) [[unlikely]] ::sim::check_failed(#cond, __FILE__, __LINE__, nullptr); } while (0)
#define EDDY_CHECK_MSG(cond, msg) \
  do { if (!(cond)) [[unlikely]] ::sim::check_failed(#cond, __FILE__, __LINE__, (msg)); } while (0)
