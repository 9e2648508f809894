#include "broker_model/broker/replication_quota.h"

#include <algorithm>

namespace broker_model {

ReplicationQuota::Sample& ReplicationQuota::current(sim::Instant now) {
  Sample& s = samples_[static_cast<size_t>(at_)];
  if (s.used && now - s.start < kSampleWindow) return s;
  if (s.used) at_ = (at_ + 1) % kSamples;
  Sample& next = samples_[static_cast<size_t>(at_)];
  next = Sample{now, 0, true};
  return next;
}

void ReplicationQuota::record(int64_t bytes, sim::Instant now) { current(now).bytes += bytes; }

double ReplicationQuota::rate(sim::Instant now) const {
  int64_t bytes = 0;
  sim::Instant oldest = now;
  const sim::Duration span = kSampleWindow * kSamples;
  for (const Sample& s : samples_) {
    if (!s.used || now - s.start >= span) continue;  // expired (Kafka's purgeObsoleteSamples)
    bytes += s.bytes;
    oldest = std::min(oldest, s.start);
  }
  // Rate.windowSize: the elapsed time, but at least (samples - 1) full windows.
  sim::Duration elapsed = std::max(now - oldest, kSampleWindow * (kSamples - 1));
  return static_cast<double>(bytes) * 1e9 / static_cast<double>(elapsed.ns());
}

}  // namespace broker_model
