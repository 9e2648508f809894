// Deterministic randomness. One root seed; every component takes its own stream with
// fork("name"), derived from the *seed* of its parent and the name (not from the parent's
// draws), so adding a component or a draw somewhere never reshuffles another component.
// Distributions are our own: the standard library's differ between implementations.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/time.h"

namespace sim {

uint64_t hash_bytes(std::string_view bytes, uint64_t seed = 0);  // FNV-1a then mixed
uint64_t mix64(uint64_t x);                                      // splitmix64 finalizer

class Prng {
 public:
  explicit Prng(uint64_t seed);

  // A child stream named `name`; the same (seed, name) always gives the same stream.
  Prng fork(std::string_view name) const;
  Prng fork(std::string_view name, uint64_t index) const;
  uint64_t seed() const { return seed_; }

  uint64_t next_u64();
  // Uniform integer in [min, max_exclusive); unbiased (Lemire's method).
  int64_t int_in_range(int64_t min, int64_t max_exclusive);
  uint64_t below(uint64_t bound_exclusive);
  // Uniform in [0, 1) with 53 random bits.
  double unit();
  // True with probability p (p <= 0: never, p >= 1: always).
  bool chance(double p);
  // Exponentially distributed duration with the given mean, capped at 50x the mean.
  Duration exponential(Duration mean);
  // Normal via Box-Muller, our own implementation.
  double normal(double mean, double stddev);

  template <class T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }

 private:
  uint64_t seed_;
  uint64_t s_[4];
};

}  // namespace sim
