// The lab's own cost on the host, outside any simulation: CPU seconds from getrusage().
#pragma once

#include <sys/resource.h>
#include <sys/time.h>

namespace cli {

inline double seconds_of(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }
// User plus system CPU seconds of a reading.
inline double cpu_seconds_of(const rusage& u) { return seconds_of(u.ru_utime) + seconds_of(u.ru_stime); }

}  // namespace cli
