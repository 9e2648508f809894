// A replication quota (KIP-73; Kafka's ReplicationQuotaManager): bytes/s that a broker lets
// throttled replicas move, as a leader serving them (`leader.replication.throttled.rate`) or a
// follower fetching them (`follower.replication.throttled.rate`). Only replicas named in the
// topic's `leader.replication.throttled.replicas` / `follower.replication.throttled.replicas`
// for this broker are throttled, and only while the follower is out of the ISR (Kafka's
// shouldLeaderThrottle / shouldFollowerThrottle): a reassignment's new replicas catch up under
// the throttle, in-sync replication never waits for it.
//
// Measured as Kafka's Sensor with a Rate does: `kSamples` samples of `kSampleWindow`; the rate
// is the bytes in the samples over the time they span, counted as at least
// (kSamples - 1) windows (Rate.windowSize), and the quota is exceeded when it is above the
// bound (replication.quota.window.num = 11, replication.quota.window.size.seconds = 1).
#pragma once

#include <array>
#include <cstdint>
#include <limits>

#include "sim/time.h"

namespace broker_model {

class ReplicationQuota {
 public:
  static constexpr int kSamples = 11;
  static constexpr sim::Duration kSampleWindow = sim::seconds(1);
  static constexpr int64_t kUnlimited = std::numeric_limits<int64_t>::max();

  void set_rate(int64_t bytes_per_s) { bound_ = bytes_per_s < 0 ? kUnlimited : bytes_per_s; }
  int64_t rate_bound() const { return bound_; }
  void record(int64_t bytes, sim::Instant now);
  // The measured rate (bytes/s) now.
  double rate(sim::Instant now) const;
  bool exceeded(sim::Instant now) const { return bound_ != kUnlimited && rate(now) > static_cast<double>(bound_); }

 private:
  struct Sample {
    sim::Instant start;
    int64_t bytes = 0;
    bool used = false;
  };
  Sample& current(sim::Instant now);

  int64_t bound_ = kUnlimited;
  std::array<Sample, kSamples> samples_{};
  int at_ = 0;
};

}  // namespace broker_model
