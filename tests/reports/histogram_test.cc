// The log-linear histogram against exact nearest-rank percentiles of the raw samples.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "reports/histogram.h"
#include "reports/run_metrics.h"

namespace reports {
namespace {

// splitmix64: a small deterministic generator for test data.
struct Gen {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
};

int64_t exact_percentile(const std::vector<int64_t>& sorted, double q) {
  auto n = static_cast<int64_t>(sorted.size());
  auto rank = static_cast<int64_t>(std::ceil(q / 100.0 * static_cast<double>(n)));
  rank = std::clamp<int64_t>(rank, 1, n);
  return sorted[static_cast<size_t>(rank - 1)];
}

void expect_within_error(std::vector<int64_t> samples, const char* what) {
  LogLinearHistogram h;
  for (int64_t v : samples) h.record(v);
  std::sort(samples.begin(), samples.end());
  ASSERT_EQ(h.count(), static_cast<int64_t>(samples.size()));
  EXPECT_EQ(h.max(), samples.back()) << what;
  EXPECT_EQ(h.min(), samples.front()) << what;
  for (double q : {0.0, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.5, 99.9, 99.99, 99.999, 100.0}) {
    int64_t exact = exact_percentile(samples, q);
    int64_t got = h.percentile(q);
    double err = std::abs(static_cast<double>(got - exact));
    EXPECT_LE(err, LogLinearHistogram::kRelativeError * static_cast<double>(exact))
        << what << " q=" << q << " exact=" << exact << " histogram=" << got;
  }
}

TEST(Histogram, StatedErrorIsHalfABucketOverItsLowerBound) {
  EXPECT_DOUBLE_EQ(LogLinearHistogram::kRelativeError, 1.0 / 256);
  for (int64_t v : {0LL, 1LL, 127LL, 128LL, 129LL, 255LL, 256LL, 1'000LL, 123'456'789LL, 1LL << 40, (1LL << 62) + 12345}) {
    size_t i = LogLinearHistogram::index_of(v);
    int64_t lo = LogLinearHistogram::lower_bound_of(i), hi = LogLinearHistogram::upper_bound_of(i);
    EXPECT_LE(lo, v);
    EXPECT_GE(hi, v);
    if (lo > 0) {
      EXPECT_LE(static_cast<double>(hi - lo + 1) / 2.0, LogLinearHistogram::kRelativeError * static_cast<double>(lo) + 0.5);
    }
    EXPECT_EQ(LogLinearHistogram::index_of(lo), i);
    EXPECT_EQ(LogLinearHistogram::index_of(hi), i);
    EXPECT_EQ(LogLinearHistogram::index_of(hi + 1), i + 1);
  }
}

TEST(Histogram, ExactBelowTheFirstPowerOfTwoRange) {
  LogLinearHistogram h;
  for (int64_t v = 0; v < 100; ++v) h.record(v);
  EXPECT_EQ(h.percentile(50), 49);
  EXPECT_EQ(h.percentile(100), 99);
  EXPECT_EQ(h.percentile(0), 0);
}

TEST(Histogram, PercentilesWithinStatedErrorOnRawSamples) {
  Gen g{42};
  std::vector<int64_t> uniform, log_uniform, bimodal, latency_like;
  for (int i = 0; i < 50'000; ++i) {
    uniform.push_back(static_cast<int64_t>(g.unit() * 1e7));
    log_uniform.push_back(static_cast<int64_t>(std::exp(g.unit() * std::log(1e12))));
    bimodal.push_back(g.unit() < 0.97 ? 2'000'000 + static_cast<int64_t>(g.unit() * 500'000)
                                      : 800'000'000 + static_cast<int64_t>(g.unit() * 1e9));
    // Exponential tail on a floor, like produce latencies in nanoseconds.
    latency_like.push_back(1'500'000 + static_cast<int64_t>(-std::log(1.0 - g.unit()) * 900'000.0));
  }
  expect_within_error(uniform, "uniform");
  expect_within_error(log_uniform, "log-uniform");
  expect_within_error(bimodal, "bimodal");
  expect_within_error(latency_like, "latency-like");
  expect_within_error({7}, "single");
  expect_within_error({5, 5, 5, 1'000'000'007}, "repeated with outlier");
}

TEST(Histogram, MergeEqualsRecordingEverything) {
  Gen g{7};
  LogLinearHistogram a, b, all;
  for (int i = 0; i < 10'000; ++i) {
    auto v = static_cast<int64_t>(g.unit() * 1e9);
    (i % 2 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  for (double q : kPercentiles) EXPECT_EQ(a.percentile(q), all.percentile(q));
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.max(), all.max());
}

TEST(Histogram, EmptyIsZero) {
  LogLinearHistogram h;
  EXPECT_EQ(h.percentile(99), 0);
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.max(), 0);
}

TEST(Windows, WidthKeepsTheWindowCountBounded) {
  for (int64_t span : {1'000'000LL, 14'000'000'000LL, 73'000'000'000LL, 3'600'000'000'000LL, 86'400'000'000'000LL}) {
    int64_t w = pick_window_ns(span);
    EXPECT_GT(w, 0);
    EXPECT_LE(span / w, static_cast<int64_t>(kWindowsMax)) << span;
  }
  EXPECT_EQ(pick_window_ns(14'000'000'000LL), 100'000'000);
}

}  // namespace
}  // namespace reports
