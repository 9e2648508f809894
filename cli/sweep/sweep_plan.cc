#include "cli/sweep/sweep_plan.h"

#include <algorithm>

#include "cli/seed_text.h"

namespace cli::sweep {

namespace {
std::optional<uint64_t> parse_u64(std::string_view s) { return parse_seed(s); }
}  // namespace

std::optional<SeedRange> parse_seed_range(const std::string& text, std::string& error) {
  SeedRange r;
  size_t dots = text.find("..");
  auto a = parse_u64(dots == std::string::npos ? std::string_view(text) : std::string_view(text).substr(0, dots));
  auto b = dots == std::string::npos ? a : parse_u64(std::string_view(text).substr(dots + 2));
  if (!a || !b) {
    error = "--seeds: expected A..B (inclusive, e.g. 1..2000) or one seed N, got '" + text + "'";
    return std::nullopt;
  }
  if (*a > *b) {
    error = "--seeds: the range " + text + " is empty (A must be <= B)";
    return std::nullopt;
  }
  if (*b - *a >= kSweepRunsMax) {
    error = "--seeds: at most " + std::to_string(kSweepRunsMax) + " seeds in one sweep (use --shard to split)";
    return std::nullopt;
  }
  r.first = *a;
  r.last = *b;
  return r;
}

std::optional<Shard> parse_shard(const std::string& text, std::string& error) {
  size_t slash = text.find('/');
  auto i = slash == std::string::npos ? std::nullopt : parse_u64(std::string_view(text).substr(0, slash));
  auto n = slash == std::string::npos ? std::nullopt : parse_u64(std::string_view(text).substr(slash + 1));
  if (!i || !n || *i < 1 || *n < 1 || *i > *n || *n > 100000) {
    error = "--shard: expected I/N with 1 <= I <= N <= 100000 (e.g. 2/8), got '" + text + "'";
    return std::nullopt;
  }
  return Shard{static_cast<int>(*i), static_cast<int>(*n)};
}

bool in_shard(uint64_t seed, const SeedRange& r, const Shard& s) {
  return (seed - r.first) % static_cast<uint64_t>(s.count) == static_cast<uint64_t>(s.index - 1);
}

std::vector<Unit> plan_units(size_t scenarios, const SeedRange& r, const Shard& s) {
  std::vector<Unit> units;
  for (uint64_t seed = r.first;; ++seed) {
    if (in_shard(seed, r, s)) {
      for (size_t f = 0; f < scenarios; ++f) units.push_back(Unit{static_cast<uint32_t>(f), seed});
    }
    if (seed == r.last) break;
  }
  return units;
}

bool in_determinism_sample(size_t unit_index, size_t units, size_t scenarios, size_t sample) {
  if (sample == 0 || units == 0 || scenarios == 0 || unit_index >= units) return false;
  size_t file = unit_index % scenarios;
  size_t index = unit_index / scenarios;  // among this file's units
  size_t file_units = units / scenarios;
  size_t file_sample = std::max<size_t>(1, sample / scenarios + (file < sample % scenarios ? 1 : 0));
  if (file_sample >= file_units) return true;
  // Unit i is sampled when floor((i + 1) * k / n) steps up: k units, evenly spread.
  auto step = [&](size_t i) { return static_cast<unsigned __int128>(i) * file_sample / file_units; };
  return step(index + 1) > step(index);
}

}  // namespace cli::sweep
