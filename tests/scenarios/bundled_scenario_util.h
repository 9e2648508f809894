// Shared by the tests that run bundled scenario files over seeds: the seed count (EDDY_SEEDS
// overrides a test's default, so CI stays small and sweep targets run many) and loading a file
// under scenarios/ with the loader's error as the test failure.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "scenarios/scenario_loader.h"

namespace scenarios::testing {

inline uint64_t seeds_or(uint64_t fallback) {
  const char* env = std::getenv("EDDY_SEEDS");
  if (env == nullptr) return fallback;
  uint64_t n = std::strtoull(env, nullptr, 10);
  return n > 0 ? n : fallback;
}

// `relative` is a path under scenarios/, e.g. "durability/power-loss-no-fsync.yaml".
inline ScenarioSpec load_bundled(const std::string& relative) {
  LoadResult r = load_scenario_file(std::string(EDDY_SOURCE_DIR) + "/scenarios/" + relative);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().str());
  return r.ok() ? r.spec() : ScenarioSpec{};
}

}  // namespace scenarios::testing
