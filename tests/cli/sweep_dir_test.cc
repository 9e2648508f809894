// One writer per sweep directory: a running sweep's directory is locked, default directories
// never collide, foreign directories are refused, --resume needs --out and the same scenario,
// and a --junit path that would overwrite the sweep's own files or has no directory is refused
// before anything runs.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "run_command.h"
#include "spawn.h"
#include "temp_dir.h"

namespace {

namespace fs = std::filesystem;
using eddy_test::read_all;
using eddy_test::Result;
using eddy_test::shell;
using eddy_test::TempDir;

const std::string kEddy = EDDY_BINARY;
const std::string kCi = std::string(EDDY_SOURCE_DIR) + "/scenarios/ci/acks-all-single-faults.yaml";

void wait_for_file(const fs::path& p) {
  for (int i = 0; i < 3000 && !fs::exists(p); ++i) usleep(10'000);
}

TEST(CliSweepDir, ASecondSweepOnALockedDirectoryIsRefused) {
  TempDir dir("sweep-lock");
  std::string out = dir.str("out");
  std::vector<std::string> args = {"sweep", kCi, "--seeds", "1..400", "--jobs", "1", "--no-progress",
                                   "--determinism-sample", "0", "--out", out};
  pid_t first = eddy_test::spawn_eddy(args, dir.str("log"));
  ASSERT_GT(first, 0);
  wait_for_file(fs::path(out) / "results.jsonl");
  Result second = shell(kEddy + " sweep " + kCi + " --seeds 1..400 --no-progress --determinism-sample 0 --out " + out +
                        " --resume");
  EXPECT_EQ(second.exit_code, 2) << second.out;
  EXPECT_NE(second.out.find("another eddy sweep or merge is writing to " + out), std::string::npos) << second.out;
  kill(first, SIGINT);
  EXPECT_EQ(eddy_test::wait_exit(first), 128 + SIGINT);
  // The lock went with the process: the directory can be resumed now (refused only for the seeds).
  Result after = shell(kEddy + " sweep " + kCi + " --seeds 1..401 --out " + out + " --resume");
  EXPECT_EQ(after.exit_code, 2) << after.out;
  EXPECT_NE(after.out.find("another seed range"), std::string::npos) << after.out;
}

TEST(CliSweepDir, TwoSweepsStartedInTheSameSecondGetTheirOwnDirectories) {
  TempDir dir("sweep-same-second");
  std::string one = kEddy + " sweep " + kCi + " --seeds 1 --jobs 1 --no-progress --determinism-sample 0";
  Result r = shell("cd " + dir.str() + " && (" + one + " > a.log 2>&1 & " + one + " > b.log 2>&1 & wait) && cat a.log b.log");
  size_t dirs = 0;
  for (const auto& e : fs::directory_iterator(dir.path / "eddy-out")) {
    ++dirs;
    std::string results = read_all(e.path() / "results.jsonl");
    EXPECT_EQ(std::regex_search(results, std::regex("\"type\":\"seed\"")), true) << e.path();
  }
  EXPECT_EQ(dirs, 2u) << r.out;
  EXPECT_EQ(r.out.find("eddy: error"), std::string::npos) << r.out;
}

TEST(CliSweepDir, ANonEmptyDirectoryEddyDidNotMakeIsRefusedAndLeftAlone) {
  TempDir dir("sweep-foreign");
  fs::create_directories(dir.path / "mine");
  std::ofstream(dir.path / "mine/notes.txt") << "mine\n";
  Result r = shell(kEddy + " sweep " + kCi + " --seeds 1 --no-progress --out " + dir.str("mine"));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("is not an eddy sweep directory"), std::string::npos) << r.out;
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path / "mine"), fs::directory_iterator()), 1);
}

TEST(CliSweepDir, ResumeWithoutOutIsAnError) {
  TempDir dir("sweep-resume-no-out");
  Result r = shell("cd " + dir.str() + " && " + kEddy + " sweep " + kCi + " --seeds 1..3 --resume");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--resume needs --out DIR"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir.path / "eddy-out"));
}

TEST(CliSweepDir, ResumeRefusesAScenarioFileThatChangedSinceTheSweepBegan) {
  TempDir dir("sweep-changed");
  std::string file = dir.str("s.yaml");
  std::string text = read_all(kCi);
  eddy_test::write_all(file, text);
  std::string sweep = kEddy + " sweep " + file + " --seeds 1..3 --no-progress --determinism-sample 0 --out " + dir.str("out");
  Result first = shell(sweep + " --time-budget 1ms");
  ASSERT_NE(first.exit_code, 2) << first.out;
  eddy_test::write_all(file, "# a comment changes nothing\n" + text);
  Result same = shell(sweep + " --resume");
  EXPECT_EQ(same.exit_code, 0) << same.out;
  eddy_test::write_all(file, std::regex_replace(text, std::regex("duration: 20s"), "duration: 19s"));
  Result changed = shell(sweep + " --resume");
  EXPECT_EQ(changed.exit_code, 2) << changed.out;
  EXPECT_NE(changed.out.find(file + " changed since the sweep began"), std::string::npos) << changed.out;
}

TEST(CliSweepDir, AJunitPathOverTheResultsOrWithoutADirectoryIsRefusedUpFront) {
  TempDir dir("sweep-junit");
  std::string out = dir.str("out");
  for (const std::string& junit : {out + "/results.jsonl", out + "/sweep.json", dir.str("missing/junit.xml"), dir.str()}) {
    Result r = shell(kEddy + " sweep " + kCi + " --seeds 1..2 --no-progress --out " + out + " --junit " + junit);
    EXPECT_EQ(r.exit_code, 2) << junit << "\n" << r.out;
    EXPECT_NE(r.out.find("--junit"), std::string::npos) << r.out;
    EXPECT_FALSE(fs::exists(out)) << "nothing was run: " << junit;
  }
  Result ok = shell(kEddy + " sweep " + kCi + " --seeds 1 --no-progress --out " + out + " --junit " + out + "/junit.xml");
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_TRUE(fs::exists(out + "/junit.xml"));
}

}  // namespace
