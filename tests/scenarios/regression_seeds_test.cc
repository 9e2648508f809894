// The pinned regression cases (tests/regressions/pinned.tsv): each scenario, seed and set of
// variants must end with its recorded verdict, so a bug found once stays fixed (or, for a
// variant that brings a historical bug back, stays found).
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "broker_model/variants.h"
#include "scenarios/kafka_scenario.h"
#include "scenarios/scenario_loader.h"

namespace scenarios {
namespace {

struct Pinned {
  int line = 0;
  std::string file, variants, verdict, what;
  uint64_t seed = 0;
};

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, '\t')) out.push_back(field);
  return out;
}

std::vector<Pinned> read_pinned() {
  std::vector<Pinned> out;
  std::ifstream in(std::string(EDDY_SOURCE_DIR) + "/tests/regressions/pinned.tsv");
  EXPECT_TRUE(in.good()) << "tests/regressions/pinned.tsv is missing";
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = split_tabs(line);
    EXPECT_EQ(f.size(), 5U) << "pinned.tsv line " << n << ": expected 5 tab-separated columns";
    if (f.size() != 5) continue;
    Pinned p{n, f[0], f[2], f[3], f[4], std::stoull(f[1])};
    EXPECT_TRUE(p.verdict == "ok" || p.verdict == "safety" || p.verdict == "liveness") << "line " << n;
    out.push_back(p);
  }
  return out;
}

std::string verdict_of(const ScenarioResult& r) {
  if (!r.outcome.ok()) return "lab_error";
  if (r.safety_failed()) return "safety";
  if (r.liveness_failed()) return "liveness";
  return "ok";
}

TEST(RegressionSeeds, EveryPinnedCaseKeepsItsVerdict) {
  std::vector<Pinned> pinned = read_pinned();
  ASSERT_FALSE(pinned.empty());
  for (const Pinned& p : pinned) {
    LoadOptions options;
    LoadResult loaded = load_scenario_file(std::string(EDDY_SOURCE_DIR) + "/" + p.file, options);
    ASSERT_TRUE(loaded.ok()) << "pinned.tsv line " << p.line << ": " << loaded.error().str();
    ScenarioSpec spec = loaded.spec();
    if (p.variants != "-") {
      std::stringstream names(p.variants);
      std::string name;
      while (std::getline(names, name, ',')) {
        std::optional<broker_model::Variant> v = broker_model::variant_from_name(name);
        ASSERT_TRUE(v.has_value()) << "pinned.tsv line " << p.line << ": unknown variant '" << name << "'";
        spec.cluster.variants.set(*v);
      }
    }
    ScenarioResult r = run_scenario(spec, RunOptions{.seed = p.seed});
    std::string failed;
    for (const auto& e : r.expectations)
      if (!e.held) failed += " " + e.check + " " + e.expected + ": " + e.actual + ";";
    EXPECT_EQ(verdict_of(r), p.verdict) << p.file << " seed " << p.seed << " (" << p.what << "):" << failed;
  }
}

}  // namespace
}  // namespace scenarios
