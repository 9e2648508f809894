#include "cli/sweep/progress.h"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace cli::sweep {

namespace {
std::string hms(double s) {
  if (s < 0 || s > 1e7) return "?";
  auto t = static_cast<long long>(s + 0.5);
  char buf[32];
  if (t >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", t / 60, t % 60);
  }
  return buf;
}
}  // namespace

Progress::Progress(uint64_t total, uint64_t already_done, bool enabled)
    : total_(total), start_done_(already_done), done_(already_done), enabled_(enabled),
      tty_(isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()), last_(start_) {}

double Progress::rate() const {
  double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return el > 0 ? static_cast<double>(done_ - start_done_) / el : 0.0;
}

void Progress::update(uint64_t done, uint64_t failures, bool force) {
  done_ = done;
  failures_ = failures;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  auto every = tty_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(10'000);
  if (!force && now - last_ < every) return;
  last_ = now;
  double r = rate();
  double eta = r > 0 ? static_cast<double>(total_ - done_) / r : -1;
  char line[256];
  if (tty_) {
    constexpr int kWidth = 30;
    int filled = total_ ? static_cast<int>(kWidth * done_ / total_) : kWidth;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(kWidth - filled), '.');
    std::snprintf(line, sizeof line, "\r\033[K[%s] %llu/%llu runs  failures %llu  %.1f runs/s  ETA %s", bar.c_str(),
                  static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total_),
                  static_cast<unsigned long long>(failures_), r, hms(eta).c_str());
  } else {
    std::snprintf(line, sizeof line, "sweep: %llu/%llu runs, failures %llu, %.1f runs/s, ETA %s\n",
                  static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total_),
                  static_cast<unsigned long long>(failures_), r, hms(eta).c_str());
  }
  std::fputs(line, stderr);
  std::fflush(stderr);
}

void Progress::finish() {
  if (!enabled_) return;
  update(done_, failures_, true);
  if (tty_) std::fputs("\n", stderr);
}

}  // namespace cli::sweep
