// Bad input is a located error (exit 2) that writes nothing: text that is not UTF-8, names
// that would break metrics.csv or report.html, includes outside their root, oversized OMB
// files, unexpected summary.json files.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "run_command.h"
#include "temp_dir.h"

namespace {

namespace fs = std::filesystem;
using eddy_test::read_all;
using eddy_test::Result;
using eddy_test::shell;
using eddy_test::TempDir;
using eddy_test::write_all;

const std::string kEddy = EDDY_BINARY;
const std::string kCi = std::string(EDDY_SOURCE_DIR) + "/scenarios/ci/acks-all-single-faults.yaml";

// On main: "terminate called after throwing ... invalid UTF-8 byte", a half-written directory.
TEST(CliInput, TextThatIsNotUtf8IsALocatedErrorAndNothingIsWritten) {
  TempDir dir("input-utf8");
  write_all(dir.path / "s.yaml", read_all(kCi) + "description: \"caf\xe9\"\n");
  Result r = shell("cd " + dir.str() + " && " + kEddy + " run s.yaml --out o");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("s.yaml:31:14: error: text that is not valid UTF-8"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir.path / "o"));
  write_all(dir.path / "s\xff.yaml", read_all(kCi));
  Result path = shell("cd " + dir.str() + " && " + kEddy + " run s$(printf '\\377').yaml --out p");
  EXPECT_EQ(path.exit_code, 2) << path.out;
  EXPECT_NE(path.out.find("not valid UTF-8"), std::string::npos) << path.out;
  EXPECT_FALSE(fs::exists(dir.path / "p"));
}

TEST(CliInput, OmbFilesHaveTheScenarioSizeCap) {
  const std::string omb = std::string(EDDY_SOURCE_DIR) + "/scenarios/omb/";
  // On main an endless file was read to the end of memory.
  Result r = shell("timeout 60 " + kEddy + " run --omb-driver /dev/zero --omb-workload " + omb +
                   "1-topic-16-partitions-1kb.yaml --no-out");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("/dev/zero:1:1: error: the file is larger than 4 MiB"), std::string::npos) << r.out;
}

TEST(CliInput, CompareGivesALocatedErrorOnAnUnexpectedSummary) {
  TempDir dir("input-compare");
  Result made = shell(kEddy + " run " + kCi + " --seed 1 --no-history --out " + dir.str("a"));
  ASSERT_EQ(made.exit_code, 0) << made.out;
  fs::create_directories(dir.path / "b");
  write_all(dir.path / "b/summary.json", "{\n  \"schema\": \"eddy.summary/1\",\n  \"seed\": 1,\n  oops\n}\n");
  Result syntax = shell(kEddy + " compare " + dir.str("a") + " " + dir.str("b"));
  EXPECT_EQ(syntax.exit_code, 2) << syntax.out;
  EXPECT_NE(syntax.out.find(dir.str("b") + "/summary.json:4:3: invalid JSON"), std::string::npos) << syntax.out;
  // Right schema, wrong shape: on main an uncaught exception ended eddy.
  std::string text = read_all(dir.path / "a/summary.json");
  size_t at = text.find("\"latency\": {");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, std::string("\"latency\": {").size(), "\"latency\": \"fast\", \"old_latency\": {");
  write_all(dir.path / "b/summary.json", text);
  Result shape = shell(kEddy + " compare " + dir.str("a") + " " + dir.str("b"));
  EXPECT_EQ(shape.exit_code, 2) << shape.out;
  EXPECT_NE(shape.out.find(dir.str("b") + "/summary.json: /latency: expected an object, got string"), std::string::npos)
      << shape.out;
}

}  // namespace
