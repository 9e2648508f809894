// A long run's progress on stderr, like a sweep's: on a terminal one line redrawn in place,
//   run: simulated 412.0 s of ~935.0 s  0.21 M events/s  1.6x real time  ETA 5:31
// and otherwise (with --progress, for CI logs) a plain line every 10 seconds. Nothing is shown
// for a run shorter than a few seconds.
#pragma once

#include <chrono>

#include "scenarios/kafka_scenario.h"

namespace cli {

class RunProgressLine {
 public:
  explicit RunProgressLine(bool forced);
  void update(const scenarios::RunProgress& p);
  void finish();  // ends the redrawn line, if one was drawn

 private:
  bool tty_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace cli
