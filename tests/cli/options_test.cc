// Options that several commands share read the same everywhere: seeds (leading zeros are
// decimal, out of range is an error), the wall-clock watchdog, --seed-timeout.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <string>

#include "run_command.h"

namespace {

using eddy_test::Result;
using eddy_test::shell;

const std::string kEddy = EDDY_BINARY;
const std::string kCi = std::string(EDDY_SOURCE_DIR) + "/scenarios/ci/acks-all-single-faults.yaml";

std::string fingerprint_of(const std::string& out) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(out, m, std::regex("fingerprint=([0-9a-f]{16})"))) << out;
  return m.size() > 1 ? m[1].str() : "";
}

TEST(CliOptions, ASeedWithLeadingZerosIsDecimalInEveryCommand) {
  Result plain = shell(kEddy + " run " + kCi + " --seed 42 --no-out");
  Result zeros = shell(kEddy + " run " + kCi + " --seed 0042 --no-out");
  ASSERT_EQ(plain.exit_code, 0) << plain.out;
  ASSERT_EQ(zeros.exit_code, 0) << zeros.out;
  EXPECT_EQ(fingerprint_of(zeros.out), fingerprint_of(plain.out));
  Result replay = shell("cd /tmp && " + kEddy + " replay " + kCi + " --seed 0042 --trace /dev/null --force");
  EXPECT_EQ(replay.exit_code, 0) << replay.out;
  EXPECT_EQ(fingerprint_of(replay.out), fingerprint_of(plain.out));
  Result check = shell(kEddy + " check-determinism " + kCi + " --seed 0042");
  EXPECT_EQ(check.exit_code, 0) << check.out;
  EXPECT_NE(check.out.find("fingerprint=" + fingerprint_of(plain.out)), std::string::npos) << check.out;
}

TEST(CliOptions, AnOutOfRangeOrMalformedSeedIsAnErrorNotClamped) {
  for (const char* seed : {"18446744073709551616", "99999999999999999999", "-1", "+3", "0x10", "4.5", "1e3", ""}) {
    for (const std::string& cmd : {"run " + kCi + " --no-out", "replay " + kCi, "check-determinism " + kCi,
                                   std::string("demo counter")}) {
      Result r = shell(kEddy + " " + cmd + " --seed '" + std::string(seed) + "'");
      EXPECT_EQ(r.exit_code, 2) << cmd << " --seed " << seed << "\n" << r.out;
    }
  }
  Result max = shell(kEddy + " demo counter --seed 18446744073709551615");
  EXPECT_NE(max.exit_code, 2) << max.out;
}

TEST(CliOptions, SeedTimeoutRejectsInfinityNanAndAbsurdValues) {
  for (const char* t : {"inf", "nan", "-1", "0", "1e300", "604801"}) {
    Result r = shell(kEddy + " sweep " + kCi + " --seeds 1..2 --no-progress --out /nonexistent/never --seed-timeout " + t);
    EXPECT_EQ(r.exit_code, 2) << t << "\n" << r.out;
    EXPECT_NE(r.out.find("--seed-timeout"), std::string::npos) << r.out;
  }
}

TEST(CliOptions, ReplayAndCheckDeterminismHaveTheWallClockWatchdog) {
  for (const std::string& cmd : {"replay " + kCi + " --trace /dev/null --force", "check-determinism " + kCi}) {
    auto t0 = std::chrono::steady_clock::now();
    Result r = shell("EDDY_TEST_HANG_SEED=3 timeout 60 " + kEddy + " " + cmd + " --seed 3 --wall-timeout 1");
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(r.exit_code, 5) << cmd << "\n" << r.out;
    EXPECT_NE(r.out.find("the lab hung"), std::string::npos) << r.out;
    EXPECT_LT(s, 30.0);
  }
}

}  // namespace

namespace {

TEST(CliOptions, AnUnknownEngineIsAUsageErrorNamingTheEngines) {
  for (const char* cmd : {"run", "replay", "check-determinism", "sweep"}) {
    std::string extra = std::string(cmd) == "sweep" ? " --seeds 1" : "";
    Result r = shell(kEddy + " " + cmd + " " + kCi + extra + " --engine warp --no-out 2>&1");
    if (std::string(cmd) != "run") r = shell(kEddy + " " + cmd + " " + kCi + extra + " --engine warp 2>&1");
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.out;
    EXPECT_NE(r.out.find("unknown engine 'warp' (expected one of: native, simgrid)"), std::string::npos)
        << cmd << ": " << r.out;
  }
}

// The SimGrid engine from the command line (label simgrid: left out of the sanitized pass).
TEST(CliSimgrid, TheEngineFlagRunsOnSimgridAndTheRunSaysSo) {
  Result run = shell(kEddy + " run " + kCi + " --seed 7 --engine simgrid --no-out");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("engine=simgrid"), std::string::npos) << run.out;
  Result native = shell(kEddy + " run " + kCi + " --seed 7 --no-out");
  ASSERT_EQ(native.exit_code, 0) << native.out;
  EXPECT_NE(native.out.find("engine=native"), std::string::npos) << native.out;
  EXPECT_NE(fingerprint_of(run.out), fingerprint_of(native.out));
  Result check = shell(kEddy + " check-determinism " + kCi + " --seed 7 --engine simgrid");
  EXPECT_EQ(check.exit_code, 0) << check.out;
  EXPECT_NE(check.out.find("fingerprint=" + fingerprint_of(run.out)), std::string::npos) << check.out;
}

TEST(CliSimgrid, ASweepOnSimgridHoldsAndEveryRerunMatches) {
  std::string out = "/tmp/eddy_cli_simgrid_sweep_" + std::to_string(::getpid());
  Result sweep = shell("rm -rf " + out + " && " + kEddy + " sweep " + kCi +
                       " --seeds 1..6 --engine simgrid -j 2 --no-progress --determinism-sample 6 --out " + out + " 2>&1");
  EXPECT_EQ(sweep.exit_code, 0) << sweep.out;
  EXPECT_NE(sweep.out.find("verdicts: ok 6,"), std::string::npos) << sweep.out;
  EXPECT_NE(sweep.out.find("every fingerprint equal"), std::string::npos) << sweep.out;
  shell("rm -rf " + out);
}

}  // namespace
