#include "scenarios/omb_rate_controller.h"

#include <algorithm>

namespace scenarios {

namespace {
double per_second(int64_t count, sim::Duration period) {
  return static_cast<double>(count) / static_cast<double>(period.ns()) * 1e9;
}
}  // namespace

double OmbRateController::next_rate(double rate, sim::Duration period, int64_t total_published, int64_t total_received) {
  const auto expected = static_cast<int64_t>(rate / 1e9 * static_cast<double>(period.ns()));
  const int64_t published = total_published - previous_published_;
  const int64_t received = total_received - previous_received_;
  previous_published_ = total_published;
  previous_received_ = total_received;

  // OMB compares the running totals, not the period's (one subscription's worth of copies).
  const int64_t receive_backlog = total_published - total_received;
  if (receive_backlog > kReceiveBacklogLimit) return drop_to(period, received, expected, receive_backlog);
  const int64_t publish_backlog = expected - published;
  if (publish_backlog > kPublishBacklogLimit) return drop_to(period, published, expected, publish_backlog);
  ramping_factor_ = std::min(kMaxRampingFactor, ramping_factor_ * 2);
  return rate + rate * ramping_factor_;
}

double OmbRateController::drop_to(sim::Duration period, int64_t actual, int64_t expected, int64_t backlog) {
  ramping_factor_ = std::max(kMinRampingFactor, ramping_factor_ / 2);
  const int64_t next_expected = std::max<int64_t>(0, expected - backlog);
  return std::min(per_second(actual, period), per_second(next_expected, period));
}

}  // namespace scenarios
