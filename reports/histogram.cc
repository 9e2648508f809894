#include "reports/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace reports {

namespace {
constexpr int64_t kSubBuckets = int64_t{1} << LogLinearHistogram::kSubBucketBits;
}

size_t LogLinearHistogram::index_of(int64_t value) {
  if (value < kSubBuckets) return static_cast<size_t>(std::max<int64_t>(value, 0));
  // value in [2^m, 2^(m+1)) with m >= kSubBucketBits: shift so it keeps kSubBucketBits+1 bits.
  int m = 63 - std::countl_zero(static_cast<uint64_t>(value));
  int shift = m - kSubBucketBits;
  int64_t sub = (value >> shift) - kSubBuckets;  // [0, kSubBuckets)
  return static_cast<size_t>((shift + 1) * kSubBuckets + sub);
}

int64_t LogLinearHistogram::lower_bound_of(size_t index) {
  auto i = static_cast<int64_t>(index);
  if (i < kSubBuckets) return i;
  int64_t shift = i / kSubBuckets - 1;
  int64_t sub = i % kSubBuckets;
  return (kSubBuckets + sub) << shift;
}

int64_t LogLinearHistogram::upper_bound_of(size_t index) {
  auto i = static_cast<int64_t>(index);
  if (i < kSubBuckets) return i;
  int64_t shift = i / kSubBuckets - 1;
  return lower_bound_of(index) + (int64_t{1} << shift) - 1;
}

void LogLinearHistogram::record(int64_t value, int64_t count) {
  if (count <= 0) return;
  value = std::max<int64_t>(value, 0);
  size_t i = index_of(value);
  if (i >= counts_.size()) counts_.resize(i + 1, 0);
  counts_[i] += count;
  if (count_ == 0 || value < min_) min_ = value;
  if (count_ == 0 || value > max_) max_ = value;
  count_ += count;
  sum_ += static_cast<double>(value) * static_cast<double>(count);
}

void LogLinearHistogram::merge(const LogLinearHistogram& other) {
  if (other.count_ == 0) return;
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  if (count_ == 0 || other.min_ < min_) min_ = other.min_;
  if (count_ == 0 || other.max_ > max_) max_ = other.max_;
  count_ += other.count_;
  sum_ += other.sum_;
}

int64_t LogLinearHistogram::percentile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 100.0);
  auto rank = static_cast<int64_t>(std::ceil(q / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<int64_t>(rank, 1, count_);
  if (rank == count_) return max_;
  int64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      int64_t lo = lower_bound_of(i), hi = upper_bound_of(i);
      int64_t mid = lo + (hi - lo + 1) / 2;
      if (hi == lo) mid = lo;
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

}  // namespace reports
