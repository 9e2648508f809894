// Bad input is a located error (exit 2) that writes nothing: text that is not UTF-8, names
// that would break metrics.csv or report.html, includes outside their root, oversized OMB
// files, unexpected summary.json files.
#include <gtest/gtest.h>

#include <algorithm>

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
  const std::string base = read_all(kCi);
  const auto line = std::count(base.begin(), base.end(), '\n') + 1;  // the appended line
  write_all(dir.path / "s.yaml", base + "description: \"caf\xe9\"\n");
  Result r = shell("cd " + dir.str() + " && " + kEddy + " run s.yaml --out o");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("s.yaml:" + std::to_string(line) + ":14: error: text that is not valid UTF-8"), std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(dir.path / "o"));
  write_all(dir.path / "s\xff.yaml", read_all(kCi));
  Result path = shell("cd " + dir.str() + " && " + kEddy + " run s$(printf '\\377').yaml --out p");
  EXPECT_EQ(path.exit_code, 2) << path.out;
  EXPECT_NE(path.out.find("not valid UTF-8"), std::string::npos) << path.out;
  EXPECT_FALSE(fs::exists(dir.path / "p"));
}

// A scenario from an untrusted change includes a secret beside the checkout and /etc/shadow,
// directly and through a symlink in its own tree: each is refused before it is read, so the
// error never shows a byte of it. On main the .env's first line was printed in the error.
TEST(CliInput, IncludeIsConfinedAndAnErrorNeverQuotesAFileOutsideTheRoot) {
  TempDir dir("input-include");
  fs::create_directories(dir.path / "secrets");
  fs::create_directories(dir.path / "repo/scenarios");
  write_all(dir.path / "secrets/.env", "API_KEY=sk-live-0123456789\n");
  fs::create_symlink(dir.path / "secrets/.env", dir.path / "repo/scenarios/base.yaml");
  for (const std::string include : {"../../secrets/.env", "/etc/shadow", "base.yaml"}) {
    write_all(dir.path / "repo/scenarios/s.yaml", "include: " + include + "\nname: s\n");
    Result r = shell("cd " + dir.str("repo") + " && " + kEddy + " run scenarios/s.yaml --no-out");
    EXPECT_EQ(r.exit_code, 2) << include << "\n" << r.out;
    EXPECT_NE(r.out.find("scenarios/s.yaml:1:10: error: include: '" + include + "' resolves to"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("--include-root"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("sk-live"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("root:"), std::string::npos) << r.out;
  }
  // Allowed explicitly, the secret is read, but a file that is not a scenario is not quoted.
  write_all(dir.path / "repo/scenarios/s.yaml", "include: ../../secrets/.env\nname: s\n");
  Result widened = shell("cd " + dir.str("repo") + " && " + kEddy + " run scenarios/s.yaml --no-out --include-root " +
                         dir.str("secrets"));
  EXPECT_EQ(widened.exit_code, 2) << widened.out;
  EXPECT_NE(widened.out.find("expected a map, got a single value (not shown)"), std::string::npos) << widened.out;
  EXPECT_EQ(widened.out.find("sk-live"), std::string::npos) << widened.out;
  // A top-level scenario file that is a symlink out of the tree is refused the same way.
  fs::create_symlink(dir.path / "secrets/.env", dir.path / "repo/scenarios/linked.yaml");
  Result linked = shell("cd " + dir.str("repo") + " && " + kEddy + " run scenarios/linked.yaml --no-out");
  EXPECT_EQ(linked.exit_code, 2) << linked.out;
  EXPECT_EQ(linked.out.find("sk-live"), std::string::npos) << linked.out;
}

// The printed replay and resume commands are pasted into a shell: a file named with a space,
// a quote and $(...) must replay as written and run nothing else.
TEST(CliInput, PrintedReplayAndResumeCommandsAreShellQuoted) {
  TempDir dir("input-quote");
  fs::create_directories(dir.path / "a b");
  const std::string name = "a b/it's $(touch pwned).yaml";
  write_all(dir.path / name, read_all(kCi));
  auto printed = [](const std::string& out, const std::string& label) {
    size_t at = out.find(label);
    if (at == std::string::npos) return std::string();
    size_t end = out.find('\n', at);
    return out.substr(at + label.size(), end - at - label.size());
  };
  Result run = shell("cd " + dir.str() + " && " + kEddy + " run 'a b/it'\\''s $(touch pwned).yaml' --no-out --max-events 1000");
  EXPECT_EQ(run.exit_code, 4) << run.out;
  std::string replay = printed(run.out, "replay: ");
  ASSERT_FALSE(replay.empty()) << run.out;
  replay.replace(0, std::string("build/eddy").size(), kEddy);
  Result replayed = shell("cd " + dir.str() + " && " + replay + " --trace t.jsonl");
  EXPECT_EQ(replayed.exit_code, 0) << replay << "\n" << replayed.out;
  EXPECT_FALSE(fs::exists(dir.path / "pwned")) << replay;

  Result sweep = shell("cd " + dir.str() + " && " + kEddy +
                       " sweep 'a b/it'\\''s $(touch pwned).yaml' --seeds 1..3 --jobs 1 --no-progress --time-budget 1ms"
                       " --determinism-sample 0 --out 'out $(touch pwned)'");
  std::string resume = printed(sweep.out, "finish with: ");
  ASSERT_FALSE(resume.empty()) << sweep.out;
  Result resumed = shell("cd " + dir.str() + " && " + resume);
  EXPECT_EQ(resumed.exit_code, 0) << resume << "\n" << resumed.out;
  EXPECT_NE(resumed.out.find("3 of 3 runs done"), std::string::npos) << resumed.out;
  EXPECT_FALSE(fs::exists(dir.path / "pwned")) << resume;
}

TEST(CliInput, OmbFilesHaveTheScenarioSizeCap) {
  const std::string omb = std::string(EDDY_SOURCE_DIR) + "/scenarios/omb/";
  // On main an endless file was read to the end of memory.
  Result r = shell("timeout 60 " + kEddy + " run --omb-driver /dev/zero --omb-workload " + omb +
                   "1-topic-16-partitions-1kb.yaml --no-out");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("/dev/zero:1:1: error: the file is larger than 4 MiB"), std::string::npos) << r.out;
}

// OMB workloads often share a name ("1 producer / 1 consumers on 1 topic"): each pair of files
// gets its own default run directory instead of overwriting the other's.
TEST(CliInput, TwoOmbWorkloadsWithTheSameNameGetTheirOwnRunDirectories) {
  TempDir dir("input-omb-dirs");
  const std::string omb = std::string(EDDY_SOURCE_DIR) + "/scenarios/omb/";
  for (const char* sub : {"x", "y"}) {
    fs::create_directories(dir.path / sub);
    write_all(dir.path / sub / "w.yaml", read_all(omb + "1-topic-16-partitions-1kb.yaml"));
    Result r = shell("cd " + dir.str() + " && " + kEddy + " run " + omb + "short.yaml --omb-driver " + omb +
                     "kafka-all.yaml --omb-workload " + sub + "/w.yaml --no-history");
    EXPECT_EQ(r.exit_code, 0) << r.out;
  }
  size_t dirs = 0;
  for (const auto& e : fs::directory_iterator(dir.path / "runs")) dirs += fs::exists(e.path() / "summary.json") ? 1 : 0;
  EXPECT_EQ(dirs, 2u);
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
