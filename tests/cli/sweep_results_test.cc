// results.jsonl under a full disk and after one: a write that fails stops the sweep with exit 6
// (never "every expectation held"), and a torn or spliced line is dropped by --resume, merge
// and the reports instead of making the directory unreadable.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "run_command.h"
#include "temp_dir.h"

namespace {

namespace fs = std::filesystem;
using eddy_test::file_size_limit_kib;
using eddy_test::read_all;
using eddy_test::Result;
using eddy_test::shell;
using eddy_test::TempDir;

const std::string kEddy = EDDY_BINARY;
const std::string kCi = std::string(EDDY_SOURCE_DIR) + "/scenarios/ci/acks-all-single-faults.yaml";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t i = text.find(what); i != std::string::npos; i = text.find(what, i + 1)) ++n;
  return n;
}

// The case: 1000 runs "done, every expectation held", exit 0, with 151 recorded.
// CliSlow (label slow: the release pass only): 1,000 runs, 55 s under ASan.
TEST(CliSlow, ASweepThatCannotRecordItsResultsStopsWithExitSix) {
  TempDir dir("sweep-efbig");
  std::string sweep = kEddy + " sweep " + kCi + " --seeds 1..40 --jobs 2 --no-progress --determinism-sample 0 --out " +
                      dir.str("out") + " --junit " + dir.str("junit.xml");
  Result r = shell(file_size_limit_kib(8) + sweep);
  EXPECT_EQ(r.exit_code, 6) << r.out;
  EXPECT_NE(r.out.find("RESULTS NOT RECORDED: cannot write " + dir.str("out/results.jsonl") + ": File too large"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("every expectation held"), std::string::npos) << r.out;
  std::string results = read_all(dir.path / "out/results.jsonl");
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(results.back(), '\n') << "no half line left behind";
  size_t recorded = count(results, "\"type\":\"seed\"");
  EXPECT_GT(recorded, 0u);
  EXPECT_LT(recorded, 40u);

  // Space is back: the sweep finishes where it stopped, and every line is whole.
  Result resumed = shell(sweep + " --resume");
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out;
  EXPECT_NE(resumed.out.find("40 of 40 runs done"), std::string::npos) << resumed.out;
  EXPECT_EQ(count(read_all(dir.path / "out/results.jsonl"), "\"type\":\"seed\""), 40u);
  EXPECT_NE(read_all(dir.path / "junit.xml").find("tests=\"40\""), std::string::npos);
}

// A line cut half-way and the next appended after it: one spliced line in the middle.
TEST(CliSweepResults, ASplicedLineIsDroppedByMergeAndRedoneByResume) {
  TempDir dir("sweep-splice");
  std::string out = dir.str("out");
  std::string sweep =
      kEddy + " sweep " + kCi + " --seeds 1..5 --jobs 2 --no-progress --determinism-sample 0 --out " + out;
  Result first = shell(sweep);
  ASSERT_EQ(first.exit_code, 0) << first.out;
  std::vector<std::string> lines = lines_of(read_all(fs::path(out) / "results.jsonl"));
  ASSERT_EQ(lines.size(), 6u);
  std::string spliced = lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n" + lines[3].substr(0, lines[3].size() / 2) +
                        lines[4] + "\n" + lines[5] + "\n";
  eddy_test::write_all(fs::path(out) / "results.jsonl", spliced);

  Result merged = shell(kEddy + " merge " + out + " --out " + dir.str("merged"));
  EXPECT_EQ(merged.exit_code, 4) << merged.out;
  EXPECT_NE(merged.out.find("1 damaged line(s) dropped"), std::string::npos) << merged.out;
  EXPECT_NE(merged.out.find("INCOMPLETE: 2 run(s) missing"), std::string::npos) << merged.out;
  std::string sweep_json = read_all(fs::path(dir.str("merged")) / "sweep.json");
  EXPECT_NE(sweep_json.find("\"verdict\": \"incomplete\""), std::string::npos) << sweep_json;
  EXPECT_NE(sweep_json.find("\"missing_runs\": 2"), std::string::npos) << sweep_json;
  EXPECT_NE(read_all(fs::path(dir.str("merged")) / "summary.md").find("Incomplete"), std::string::npos);

  Result resumed = shell(sweep + " --resume");
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out;
  EXPECT_NE(resumed.out.find("dropped from"), std::string::npos) << resumed.out;
  EXPECT_NE(resumed.out.find("5 of 5 runs done"), std::string::npos) << resumed.out;
  std::string results = read_all(fs::path(out) / "results.jsonl");
  EXPECT_EQ(count(results, "\"type\":\"seed\""), 5u) << results;
  EXPECT_EQ(lines_of(results).size(), 6u) << results;
  EXPECT_NE(read_all(fs::path(out) / "sweep.json").find("\"verdict\": \"pass\""), std::string::npos);
}

// A sweep stopped by its time budget (or interrupted) publishes reports that say how many
// runs are missing; on main they said "pass" over the runs that happened to be done.
TEST(CliSweepResults, ATimeBudgetedSweepPublishesReportsThatSayItIsPartial) {
  TempDir dir("sweep-partial");
  Result r = shell(kEddy + " sweep " + kCi + " --seeds 1..50 --jobs 1 --no-progress --time-budget 1ms"
                   " --determinism-sample 0 --out " + dir.str("out") + " --junit " + dir.str("junit.xml"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("INCOMPLETE: "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("every expectation held"), std::string::npos) << r.out;
  std::string sweep = read_all(dir.path / "out/sweep.json");
  EXPECT_NE(sweep.find("\"verdict\": \"incomplete\""), std::string::npos) << sweep;
  EXPECT_NE(sweep.find("\"complete\": false"), std::string::npos) << sweep;
  EXPECT_NE(sweep.find("\"expected_runs\": 50"), std::string::npos) << sweep;
  EXPECT_EQ(sweep.find("\"verdict\": \"pass\""), std::string::npos) << sweep;
  std::string md = read_all(dir.path / "out/summary.md");
  EXPECT_NE(md.find("incomplete"), std::string::npos) << md;
  EXPECT_EQ(md.find("pass"), std::string::npos) << md;
  std::string junit = read_all(dir.path / "junit.xml");
  EXPECT_NE(junit.find("runs missing\" time=\"0\">"), std::string::npos) << junit;
  EXPECT_NE(junit.find("<skipped message=\""), std::string::npos) << junit;
}

// Determinism re-runs sample every scenario file: with two files and seed-major units, an even
// spacing over all units hit only the second file.
TEST(CliSweepResults, DeterminismReRunsSampleEveryScenarioFile) {
  TempDir dir("sweep-sample");
  std::string second = std::string(EDDY_SOURCE_DIR) + "/scenarios/ci/leader-failover-10s.yaml";
  Result r = shell(kEddy + " sweep " + kCi + " " + second +
                   " --seeds 1..4 --jobs 2 --no-progress --determinism-sample 2 --out " + dir.str("out"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::string results = read_all(dir.path / "out/results.jsonl");
  for (const std::string& file : {kCi, second}) {
    EXPECT_EQ(count(results, "{\"type\":\"determinism\",\"scenario\":\"" + file + "\""), 1u) << file << "\n" << results;
  }
}

}  // namespace
