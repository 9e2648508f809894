#include "sim/time.h"

#include <cinttypes>
#include <cstdio>

namespace sim {

std::string format_instant(Instant t) {
  char buf[40];
  int64_t ns = t.ns();
  std::snprintf(buf, sizeof buf, "%" PRId64 ".%09" PRId64 "s", ns / 1'000'000'000, ns % 1'000'000'000);
  return buf;
}

std::string format_duration(Duration d) {
  char buf[40];
  int64_t ns = d.ns();
  if (ns % 1'000'000'000 == 0) std::snprintf(buf, sizeof buf, "%" PRId64 "s", ns / 1'000'000'000);
  else if (ns % 1'000'000 == 0) std::snprintf(buf, sizeof buf, "%" PRId64 "ms", ns / 1'000'000);
  else if (ns % 1'000 == 0) std::snprintf(buf, sizeof buf, "%" PRId64 "us", ns / 1'000);
  else std::snprintf(buf, sizeof buf, "%" PRId64 "ns", ns);
  return buf;
}

}  // namespace sim
