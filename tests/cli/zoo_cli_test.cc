// The bug zoo from the command line: --variant on run (the header, summary.json, the replay
// command), `eddy hunt` finding a variant and passing without it, and `eddy shrink` reducing
// the failing seed to a file that fails on its own.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "run_command.h"
#include "temp_dir.h"

namespace {

using eddy_test::Result;
using eddy_test::TempDir;

Result eddy(const std::string& args) { return eddy_test::shell(std::string(EDDY_BINARY) + " " + args); }
std::string bundled(const std::string& rel) { return std::string(EDDY_SOURCE_DIR) + "/scenarios/" + rel; }

TEST(CliZoo, UnknownVariantIsAUsageErrorListingTheKnownOnes) {
  Result r = eddy("run " + bundled("ci/leader-failover-10s.yaml") + " --no-out --variant pre-kip-999");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("unknown protocol variant 'pre-kip-999'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pre-kip-101-truncation"), std::string::npos) << r.out;
}

TEST(CliZoo, ListNamesEveryVariantWithItsReference) {
  Result r = eddy("list");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("protocol variants"), std::string::npos);
  EXPECT_NE(r.out.find("pre-kip-101-truncation"), std::string::npos);
  EXPECT_NE(r.out.find("KIP-101"), std::string::npos);
  EXPECT_NE(r.out.find("offsets-not-loaded-on-failover"), std::string::npos);
}

TEST(CliZoo, AVariantRunSaysSoAndItsReplayRepeatsIt) {
  TempDir dir("zoo-run");
  std::string out = (dir.path / "run").string();
  Result r = eddy("run " + bundled("ci/acks-all-swarm.yaml") + " --seed 46 --variant pre-kip-101-truncation --out " + out);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("protocol variants (historical bugs brought back"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--seed 46 --variant pre-kip-101-truncation"), std::string::npos) << r.out;
  std::ifstream summary(dir.path / "run" / "summary.json");
  std::string text((std::istreambuf_iterator<char>(summary)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(std::regex_search(text, std::regex("\"variants\":\\s*\\[\\s*\"pre-kip-101-truncation\"\\s*\\]")))
      << text.substr(0, 600);
}

TEST(CliZoo, HuntFindsAVariantAndTheSameSeedsPassWithoutIt) {
  Result r = eddy("hunt " + bundled("ci/acks-all-swarm.yaml") +
                  " --variant pre-kip-101-truncation --seeds-from 42 --budget 120s --jobs 2 --no-progress --check-off");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("FOUND: seed 46 fails (safety) after 5 seed(s) tried"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("replay: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--seed 46 --variant pre-kip-101-truncation"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("with the variants off, the same 5 seed(s) 42..46 all pass"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hunt: found=1 seed=46 seeds=5"), std::string::npos) << r.out;
}

TEST(CliZoo, HuntEndsCleanWhenTheBudgetOrTheSeedsRunOut) {
  Result r = eddy("hunt " + bundled("ci/leader-failover-10s.yaml") + " --max-seeds 3 --jobs 2 --no-progress");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("no failure in 3 seed(s) (1..3)"), std::string::npos) << r.out;
  EXPECT_EQ(eddy("hunt " + bundled("ci/leader-failover-10s.yaml") + " --budget soon").exit_code, 2);
  EXPECT_EQ(eddy("hunt " + bundled("ci/leader-failover-10s.yaml") + " --check-off --max-seeds 1").exit_code, 2);
}

// CliSlow (label slow: the release pass only): a shrink is dozens of runs, 100 s under ASan.
TEST(CliSlow, ShrinkReducesTheFailingSeedToAFileThatFailsOnItsOwn) {
  TempDir dir("zoo-shrink");
  std::filesystem::create_directories(dir.path);
  std::string min = (dir.path / "min.yaml").string();
  Result r = eddy("shrink " + bundled("ci/acks-all-swarm.yaml") + " --seed 46 --variant pre-kip-101-truncation --out " + min);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("faults (\\d+) -> (\\d+),"))) << r.out;
  EXPECT_GT(std::stoi(m[1]), std::stoi(m[2]));
  EXPECT_LE(std::stoi(m[2]), 3) << r.out;
  EXPECT_NE(r.out.find("on its own: fails with safety"), std::string::npos) << r.out;
  ASSERT_TRUE(std::filesystem::exists(min));
  // Replayed as a user would, it fails the same way; and shrink never overwrites it.
  Result again = eddy("run " + min + " --seed 46 --no-out --include-root " + bundled("ci"));
  EXPECT_EQ(again.exit_code, 1) << again.out;
  EXPECT_NE(again.out.find("expect lost_writes == 0"), std::string::npos) << again.out;
  Result twice = eddy("shrink " + bundled("ci/acks-all-swarm.yaml") + " --seed 46 --variant pre-kip-101-truncation --out " + min);
  EXPECT_EQ(twice.exit_code, 2) << twice.out;
  EXPECT_NE(twice.out.find("never overwrites"), std::string::npos) << twice.out;
}

TEST(CliZoo, ShrinkRefusesAPassingSeed) {
  Result r = eddy("shrink " + bundled("ci/leader-failover-10s.yaml") + " --seed 1 --out /tmp/eddy-never-written.yaml");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("passes; there is no failure to shrink"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists("/tmp/eddy-never-written.yaml"));
}

}  // namespace
