// The sweep's progress on stderr: a bar redrawn in place on a terminal
//   [##########..........] 1043/2000 runs  failures 0  23.4 runs/s  ETA 0:41
// and a plain line every 10 seconds otherwise (CI logs).
#pragma once

#include <chrono>
#include <cstdint>

namespace cli::sweep {

class Progress {
 public:
  Progress(uint64_t total, uint64_t already_done, bool enabled);
  void update(uint64_t done, uint64_t failures, bool force = false);
  void finish();  // ends the bar's line
  double rate() const;  // runs per second in this session

 private:
  uint64_t total_, start_done_, done_ = 0, failures_ = 0;
  bool enabled_, tty_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace cli::sweep
