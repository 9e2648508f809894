#include "sim/prng.h"

#include <cmath>

#include "sim/check.h"

namespace sim {

uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t hash_bytes(std::string_view bytes, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return mix64(h);
}

Prng::Prng(uint64_t seed) : seed_(seed) {
  uint64_t x = seed;
  for (auto& s : s_) {
    x += 0x9e3779b97f4a7c15ULL;
    s = mix64(x);
  }
}

Prng Prng::fork(std::string_view name) const { return Prng(hash_bytes(name, mix64(seed_))); }

Prng Prng::fork(std::string_view name, uint64_t index) const {
  return Prng(mix64(hash_bytes(name, mix64(seed_)) ^ mix64(index + 0x51ed27)));
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t Prng::next_u64() {  // xoshiro256**
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

uint64_t Prng::below(uint64_t bound) {
  EDDY_CHECK(bound > 0);
  unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * bound;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < bound) {
    const uint64_t threshold = -bound % bound;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(next_u64()) * bound;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

int64_t Prng::int_in_range(int64_t min, int64_t max_exclusive) {
  EDDY_CHECK(min < max_exclusive);
  return min + static_cast<int64_t>(below(static_cast<uint64_t>(max_exclusive - min)));
}

double Prng::unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

bool Prng::chance(double p) {
  if (p <= 0.0) return false;
  if (p >= 1.0) return true;
  return unit() < p;
}

Duration Prng::exponential(Duration mean) {
  double u = unit();
  double x = -std::log1p(-u);
  if (x > 50.0) x = 50.0;
  return nanoseconds(static_cast<int64_t>(x * static_cast<double>(mean.ns())));
}

double Prng::normal(double mean, double stddev) {
  double u1 = unit();
  double u2 = unit();
  if (u1 < 1e-300) u1 = 1e-300;
  double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
  return mean + stddev * z;
}

}  // namespace sim
