// A log-linear (HDR-style) histogram of non-negative integers (nanoseconds, bytes, counts).
//
// Values below 2^kSubBucketBits are counted exactly. Above, each power-of-two range
// [2^k, 2^(k+1)) is cut into 2^kSubBucketBits equal buckets, so a bucket is never wider than
// 1/2^kSubBucketBits of its lower bound. A percentile reports the midpoint of the bucket that
// holds the sample of that rank (clamped to the exact min and max), which is within
// kRelativeError of the exact nearest-rank percentile of the recorded samples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace reports {

class LogLinearHistogram {
 public:
  static constexpr int kSubBucketBits = 7;                        // 128 buckets per power of two
  static constexpr double kRelativeError = 1.0 / (2 << kSubBucketBits);  // 1/256 = 0.39%

  void record(int64_t value, int64_t count = 1);
  void merge(const LogLinearHistogram& other);

  int64_t count() const { return count_; }
  int64_t min() const { return count_ == 0 ? 0 : min_; }
  int64_t max() const { return count_ == 0 ? 0 : max_; }
  double mean() const { return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_); }

  // The nearest-rank percentile q in [0, 100]: the value of the ceil(q/100 * count)-th
  // smallest sample (the first for q = 0), within kRelativeError. 0 when empty.
  int64_t percentile(double q) const;

  // Bucket index of a value and the value range [lower, upper] a bucket covers.
  static size_t index_of(int64_t value);
  static int64_t lower_bound_of(size_t index);
  static int64_t upper_bound_of(size_t index);

 private:
  std::vector<int64_t> counts_;  // grown to the highest index seen
  int64_t count_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace reports
