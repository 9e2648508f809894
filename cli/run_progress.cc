#include "cli/run_progress.h"

#include <unistd.h>

#include <cstdio>

namespace cli {

namespace {
// Shown only once a run has taken this long: short runs print nothing extra.
constexpr std::chrono::seconds kQuietFor{3};

void format_hms(double s, char* out, size_t size) {
  if (s < 0 || s > 1e7) {
    std::snprintf(out, size, "?");
    return;
  }
  auto t = static_cast<long long>(s + 0.5);
  if (t >= 3600) std::snprintf(out, size, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
  else std::snprintf(out, size, "%lld:%02lld", t / 60, t % 60);
}
}  // namespace

RunProgressLine::RunProgressLine(bool forced)
    : tty_(isatty(STDERR_FILENO) == 1), enabled_(forced || tty_), start_(std::chrono::steady_clock::now()), last_(start_) {}

void RunProgressLine::update(const scenarios::RunProgress& p) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - start_ < kQuietFor) return;
  if (drawn_ && now - last_ < (tty_ ? std::chrono::milliseconds(500) : std::chrono::milliseconds(10'000))) return;
  last_ = now;
  double wall_s = std::chrono::duration<double>(now - start_).count();
  double sim_s = static_cast<double>(p.now.ns()) / 1e9;
  double end_s = static_cast<double>(p.expected_end.ns()) / 1e9;
  double speed = wall_s > 0 ? sim_s / wall_s : 0;
  char eta[32] = "?";
  if (end_s > sim_s && speed > 0) format_hms((end_s - sim_s) / speed, eta, sizeof eta);
  else if (end_s > 0) std::snprintf(eta, sizeof eta, "final checks");
  char of[48] = "";
  if (end_s > 0) std::snprintf(of, sizeof of, " of ~%.1f s", end_s);
  std::fprintf(stderr, "%srun: simulated %.1f s%s  %.2f M events/s  %.1fx real time  ETA %s%s", tty_ ? "\r\033[K" : "",
               sim_s, of, wall_s > 0 ? static_cast<double>(p.events) / wall_s / 1e6 : 0.0, speed, eta, tty_ ? "" : "\n");
  std::fflush(stderr);
  drawn_ = true;
}

void RunProgressLine::finish() {
  if (drawn_ && tty_) std::fputs("\r\033[K", stderr);
  drawn_ = false;
}

}  // namespace cli
