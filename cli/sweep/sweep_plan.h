// What a sweep runs: the seed range, the shard, and the work units (scenario x seed) in the
// order they are dispatched (seed-major, so every scenario gets early coverage).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cli::sweep {

inline constexpr uint64_t kSweepRunsMax = 100'000'000;  // bound on units in one sweep

struct SeedRange {
  uint64_t first = 1, last = 1;  // inclusive
};
struct Shard {
  int index = 1, count = 1;  // 1-based: shard I of N
};

// "A..B" (inclusive) or "N". Sets `error` (the expected form) on failure.
std::optional<SeedRange> parse_seed_range(const std::string& text, std::string& error);
// "I/N" with 1 <= I <= N <= 100000.
std::optional<Shard> parse_shard(const std::string& text, std::string& error);

// Shard I/N takes the seeds s with (s - first) % N == I - 1, for every scenario: shards are
// disjoint, their union is the whole range, and the split does not depend on the machine.
bool in_shard(uint64_t seed, const SeedRange& r, const Shard& s);

struct Unit {
  uint32_t scenario = 0;  // index into the sweep's files
  uint64_t seed = 0;
};

std::vector<Unit> plan_units(size_t scenarios, const SeedRange& r, const Shard& s);

// The units re-run to check determinism, always the same: `sample` of them shared out among the
// scenario files (each file gets sample / files, the first sample % files one more, and at
// least one when sample > 0), evenly spaced over each file's seeds. `units` is the length of
// plan_units' list for `scenarios` files (seed-major: unit i is file i % scenarios).
bool in_determinism_sample(size_t unit_index, size_t units, size_t scenarios, size_t sample);

}  // namespace cli::sweep
