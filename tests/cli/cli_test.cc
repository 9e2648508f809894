// The eddy command, run as a user would: fingerprints, exit codes, error messages.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <sys/wait.h>

#include "run_command.h"
#include "temp_dir.h"

namespace {

using eddy_test::Result;

Result run(const std::string& args) { return eddy_test::shell(std::string(EDDY_BINARY) + " " + args); }

std::string fingerprint_of(const std::string& out) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(out, m, std::regex("fingerprint=([0-9a-f]{16})"))) << out;
  return m.size() > 1 ? m[1].str() : "";
}

const std::string kSmallScenario = std::string(EDDY_SOURCE_DIR) + "/scenarios/ci/acks-all-single-faults.yaml";

TEST(Cli, SameSeedSameFingerprintOtherSeedOtherFingerprint) {
  Result a = run("demo counter --seed 7");
  Result b = run("demo counter --seed 7");
  Result c = run("demo counter --seed 8");
  EXPECT_EQ(a.exit_code, 0) << a.out;
  EXPECT_EQ(c.exit_code, 0) << c.out;
  EXPECT_NE(a.out.find("seed=7"), std::string::npos);
  EXPECT_EQ(fingerprint_of(a.out), fingerprint_of(b.out));
  EXPECT_NE(fingerprint_of(a.out), fingerprint_of(c.out));
  EXPECT_NE(a.out.find("converged=yes"), std::string::npos) << a.out;
}

TEST(Cli, ScenarioRunsAreReproducible) {
  Result a = run("run " + kSmallScenario + " --seed 5");
  Result b = run("run " + kSmallScenario + " --seed 5");
  Result c = run("run " + kSmallScenario + " --seed 6");
  EXPECT_EQ(a.exit_code, 0) << a.out;
  EXPECT_EQ(fingerprint_of(a.out), fingerprint_of(b.out));
  EXPECT_NE(fingerprint_of(a.out), fingerprint_of(c.out));
  EXPECT_NE(a.out.find("expect lost_writes == 0: 0 ok"), std::string::npos) << a.out;
  // The lab's own cost, outside the simulation: speed, then the host's CPU split and memory.
  EXPECT_TRUE(std::regex_search(a.out, std::regex("speed: [0-9.]+ simulated s in [0-9.]+ wall s"))) << a.out;
  EXPECT_TRUE(std::regex_search(
      a.out, std::regex("host: [0-9.]+ s user \\+ [0-9.]+ s system CPU, [1-9][0-9]* page faults, [1-9][0-9]* MiB max resident")))
      << a.out;
}

// A Kafka setting accepted without effect is said so, in the output and in summary.json.
TEST(Cli, AcceptedSettingsWithoutEffectAreNoted) {
  auto dir = std::filesystem::temp_directory_path() / ("eddy-cli-notes-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto path = (dir / "notes.yaml").string();
  std::ofstream(path) << "name: notes\ncluster: {brokers: 1, controllers: 1}\n"
                         "topics: [{name: t, partitions: 1, replication_factor: 1}]\n"
                         "producers: [{topic: t, rate: 100/s, configs: {client.id: billing, partitioner.ignore.keys: true,\n"
                         "  partitioner.class: org.apache.kafka.clients.producer.RoundRobinPartitioner}}]\n"
                         "consumers: [{topic: t, configs: {isolation.level: read_committed}}]\n"
                         "duration: 1s\nheal_for: 1s\n";
  Result r = run("run " + path + " --seed 1 --out " + (dir / "out").string());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  // Kafka applies partitioner.ignore.keys to its built-in partitioner only.
  const std::string note = "accepted, no effect: producers[0].configs.partitioner.ignore.keys=true";
  EXPECT_NE(r.out.find("note: " + note), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("client.id=billing"), std::string::npos) << "client.id has an effect: not noted\n" << r.out;
  // isolation.level has an effect since transactions (KIP-98): not noted.
  EXPECT_EQ(r.out.find("isolation.level"), std::string::npos) << r.out;
  std::ifstream summary(dir / "out" / "summary.json");
  std::string json((std::istreambuf_iterator<char>(summary)), std::istreambuf_iterator<char>());
  EXPECT_NE(json.find("\"notes\""), std::string::npos) << json.substr(0, 2000);
  EXPECT_NE(json.find(note), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Cli, BadScenarioFileNamesFileLineAndColumn) {
  auto dir = std::filesystem::temp_directory_path() / ("eddy-cli-bad-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "bad.yaml").string();
  std::ofstream(path) << "name: bad\ncluster:\n  brokers: three\n";
  Result r = run("run " + path);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find(path + ":3:"), std::string::npos) << r.out;
  Result missing = run("run " + (dir / "nope.yaml").string());
  EXPECT_EQ(missing.exit_code, 2) << missing.out;
  std::filesystem::remove_all(dir);
}

// The built-in default is the full-size scenario (60 simulated seconds, 10,000 messages/s):
// labelled slow, run in the release build only.
TEST(CliSlow, DefaultRunWorksWithoutArguments) {
  Result r = run("run");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("seed=1 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("expect lost_writes == 0: 0 ok"), std::string::npos) << r.out;
}

TEST(Cli, HelpAndVersion) {
  Result h = run("--help");
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("run"), std::string::npos);
  EXPECT_NE(h.out.find("Exit codes"), std::string::npos);
  Result v = run("--version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("eddy 0."), std::string::npos);
}

TEST(Cli, BadArgumentsGiveOneLineErrorUsageAndExitTwo) {
  for (const char* args : {"", "frobnicate", "run --seed banana", "run --seed", "run --bogus", "run --max-events 0",
                           "demo", "demo counter --seed -3"}) {
    Result r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out;
    EXPECT_EQ(r.out.rfind("eddy: error: ", 0), 0u) << args << "\n" << r.out;
    EXPECT_NE(r.out.find("usage: eddy run"), std::string::npos) << args << "\n" << r.out;
  }
}

TEST(Cli, TraceIsWrittenAndNeverOverwrittenWithoutForce) {
  auto dir = std::filesystem::temp_directory_path() / ("eddy-cli-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "trace.jsonl").string();
  Result a = run("demo counter --seed 3 --trace " + path);
  ASSERT_EQ(a.exit_code, 0) << a.out;
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first.rfind("{\"t\":", 0), 0u) << first;
  auto size = std::filesystem::file_size(path);
  Result again = run("demo counter --seed 4 --trace " + path);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.out.find("--force"), std::string::npos);
  EXPECT_EQ(std::filesystem::file_size(path), size);
  Result forced = run("demo counter --seed 3 --trace " + path + " --force");
  EXPECT_EQ(forced.exit_code, 0);
  EXPECT_EQ(std::filesystem::file_size(path), size) << "same seed, same trace";
  std::filesystem::remove_all(dir);
}

TEST(Cli, WallClockWatchdogEndsAStuckRunWithLabCrashCode) {
  // The full-size default takes seconds; a one-second budget must end it with exit 5.
  Result r = run("run --wall-timeout 1 --seed 3");
  EXPECT_EQ(r.exit_code, 5) << r.out;
  EXPECT_NE(r.out.find("the lab hung"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("seed 3"), std::string::npos) << r.out;
}

TEST(Cli, RunLimitEndsWithLabErrorCode) {
  Result r = run("run " + kSmallScenario + " --max-events 1000");
  EXPECT_EQ(r.exit_code, 4) << r.out;
  EXPECT_NE(r.out.find("event limit"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("replay: "), std::string::npos) << r.out;
}

// A violated expectation exits 1 and names the command that replays the seed: `eddy replay`
// for a scenario file, as the sweep prints it.
TEST(Cli, ViolationPrintsTheReplayCommand) {
  const std::string planted = std::string(EDDY_SOURCE_DIR) + "/tests/scenarios/planted-acks1-expects-no-loss.yaml";
  // The planted file includes ../../scenarios/...: outside its tree and ctest's working
  // directory, so the source tree is given as an include root, and the replay command keeps it.
  const std::string root = " --include-root " + std::string(EDDY_SOURCE_DIR);
  Result r = run("run " + planted + " --seed 1 --no-out" + root);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("VIOLATED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("replay: build/eddy replay " + planted + " --seed 1" + root + "\n"), std::string::npos) << r.out;
}

// Exit code 3: a liveness expectation failed. scenarios/durability/no-recovery-in-time.yaml
// gives a cluster that lost power one second to recover (no quiet phase): the final probe times
// out, `eddy run` says so and exits 3, with no safety expectation violated. The same file with a
// quiet phase of 15 s recovers and exits 0, so the 3 is about time, not about the faults.
TEST(Cli, ALivenessFailureExitsWithThree) {
  const std::string file = std::string(EDDY_SOURCE_DIR) + "/scenarios/durability/no-recovery-in-time.yaml";
  Result r = run("run " + file + " --seed 1 --no-out");
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(r.out.find("liveness: FAILED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("expect liveness true: false VIOLATED"), std::string::npos) << r.out;
  size_t violated = 0;
  for (size_t at = r.out.find("VIOLATED"); at != std::string::npos; at = r.out.find("VIOLATED", at + 1)) ++violated;
  EXPECT_EQ(violated, 1u) << "only liveness fails\n" << r.out;
  eddy_test::TempDir dir("liveness-exit");
  std::string text = eddy_test::read_all(file);
  size_t at = text.find("heal_for: 0s");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 12, "heal_for: 15s");
  eddy_test::write_all(dir.path / "recovers.yaml", text);
  Result healed = run("run " + dir.str("recovers.yaml") + " --seed 1 --no-out");
  EXPECT_EQ(healed.exit_code, 0) << healed.out;
}

}  // namespace
