// Simulated time: integer nanoseconds, strong types. No floating point anywhere in the
// kernel's notion of time, so runs are exact and reproducible.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <string>

namespace sim {

class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration from_ns(int64_t ns) { return Duration(ns); }
  static constexpr Duration max() { return Duration(std::numeric_limits<int64_t>::max()); }
  static constexpr Duration zero() { return Duration(0); }

  constexpr int64_t ns() const { return ns_; }
  constexpr int64_t us() const { return ns_ / 1'000; }
  constexpr int64_t ms() const { return ns_ / 1'000'000; }
  constexpr int64_t s() const { return ns_ / 1'000'000'000; }

  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return Duration(ns_ + o.ns_); }
  constexpr Duration operator-(Duration o) const { return Duration(ns_ - o.ns_); }
  constexpr Duration operator*(int64_t k) const { return Duration(ns_ * k); }
  constexpr Duration operator/(int64_t k) const { return Duration(ns_ / k); }
  constexpr int64_t operator/(Duration o) const { return ns_ / o.ns_; }
  constexpr Duration& operator+=(Duration o) { ns_ += o.ns_; return *this; }
  constexpr Duration& operator-=(Duration o) { ns_ -= o.ns_; return *this; }

 private:
  constexpr explicit Duration(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

constexpr Duration nanoseconds(int64_t n) { return Duration::from_ns(n); }
constexpr Duration microseconds(int64_t n) { return Duration::from_ns(n * 1'000); }
constexpr Duration milliseconds(int64_t n) { return Duration::from_ns(n * 1'000'000); }
constexpr Duration seconds(int64_t n) { return Duration::from_ns(n * 1'000'000'000); }

// How long `bytes` (>= 0) take at `bytes_per_s` (> 0): bytes * 1e9 / rate, truncated. In
// 64 bits whenever bytes * 1e9 fits (any transfer under 9.2 GB), else in 128; the same
// value either way (a 128-bit division is a library call, on every message and disk write).
constexpr Duration transfer_time(int64_t bytes, int64_t bytes_per_s) {
  constexpr int64_t kNsPerS = 1'000'000'000;
  if (bytes <= std::numeric_limits<int64_t>::max() / kNsPerS) return Duration::from_ns(bytes * kNsPerS / bytes_per_s);
  return Duration::from_ns(static_cast<int64_t>(static_cast<__int128>(bytes) * kNsPerS / bytes_per_s));
}

// A point in simulated time, measured from the start of the run.
class Instant {
 public:
  constexpr Instant() = default;
  static constexpr Instant from_ns(int64_t ns) { return Instant(ns); }
  static constexpr Instant epoch() { return Instant(0); }
  static constexpr Instant max() { return Instant(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t ns() const { return ns_; }
  constexpr auto operator<=>(const Instant&) const = default;
  constexpr Instant operator+(Duration d) const { return Instant(saturating_add(ns_, d.ns())); }
  constexpr Instant operator-(Duration d) const { return Instant(ns_ - d.ns()); }
  constexpr Duration operator-(Instant o) const { return Duration::from_ns(ns_ - o.ns_); }
  constexpr Instant& operator+=(Duration d) { ns_ = saturating_add(ns_, d.ns()); return *this; }

 private:
  constexpr explicit Instant(int64_t ns) : ns_(ns) {}
  // Deadlines like `now + Duration::max()` must not wrap around into the past.
  static constexpr int64_t saturating_add(int64_t a, int64_t b) {
    if (b > 0 && a > std::numeric_limits<int64_t>::max() - b) return std::numeric_limits<int64_t>::max();
    return a + b;
  }
  int64_t ns_ = 0;
};

// "12.345678901s" — fixed width fractional part so logs and traces line up.
std::string format_instant(Instant t);
std::string format_duration(Duration d);

}  // namespace sim
