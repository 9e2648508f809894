#include "cli/watchdog.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "cli/exit_codes.h"

namespace cli {

namespace {
uint64_t g_watchdog_seed = 0;
extern "C" void on_watchdog(int) {
  char msg[160];
  int n = std::snprintf(msg, sizeof msg,
                        "eddy: error: the lab hung (no progress within --wall-timeout) at seed %llu; exit 5\n",
                        static_cast<unsigned long long>(g_watchdog_seed));
  if (n > 0) {
    ssize_t ignored = write(STDERR_FILENO, msg, static_cast<size_t>(n));
    (void)ignored;
  }
  _exit(kExitLabCrash);
}
}  // namespace

void arm_wall_watchdog(uint64_t seed, unsigned seconds) {
  if (seconds == 0) return;
  g_watchdog_seed = seed;
  std::signal(SIGALRM, on_watchdog);
  alarm(seconds);
}

}  // namespace cli
