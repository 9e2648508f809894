// OpenMessaging Benchmark's maximum-rate search (`producerRate: 0`, or `rate: max` on a
// producer): the publish rate starts at 10,000 messages/s in all and, every 3 s, is moved by
// OMB's RateController (benchmark-framework WorkloadGenerator.findMaximumSustainableRate and
// RateController.nextRate): when the consumers fall more than 1,000 messages behind what was
// published, or the producers more than 1,000 behind what the rate asked, the rate drops to
// what was really done (and the ramping factor halves, to at least 0.01); otherwise it grows by
// the ramping factor (which doubles, to at most 1). The same arithmetic, in simulated time.
#pragma once

#include <cstdint>

#include "sim/time.h"

namespace scenarios {

class OmbRateController {
 public:
  static constexpr double kInitialRate = 10'000;               // WorkloadGenerator: targetPublishRate
  static constexpr sim::Duration kControlPeriod = sim::seconds(3);  // controlPeriodMillis
  static constexpr int64_t kPublishBacklogLimit = 1'000;       // PUBLISH_BACKLOG_LIMIT default
  static constexpr int64_t kReceiveBacklogLimit = 1'000;       // RECEIVE_BACKLOG_LIMIT default
  static constexpr double kMinRampingFactor = 0.01;            // MIN_RAMPING_FACTOR default
  static constexpr double kMaxRampingFactor = 1.0;             // MAX_RAMPING_FACTOR default

  // RateController.nextRate: the rate for the next period, from the current one, the period's
  // length and the running totals of messages published (acknowledged) and received.
  double next_rate(double rate, sim::Duration period, int64_t total_published, int64_t total_received);
  double ramping_factor() const { return ramping_factor_; }

 private:
  double drop_to(sim::Duration period, int64_t actual, int64_t expected, int64_t backlog);

  double ramping_factor_ = kMaxRampingFactor;
  int64_t previous_published_ = 0;
  int64_t previous_received_ = 0;
};

}  // namespace scenarios
