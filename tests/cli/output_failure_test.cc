// A result that could not be written is an error (exit 6), never a success: run directories,
// traces of run / replay / check-determinism. A write failure is provoked without root with
// a file-size limit (writes fail with EFBIG, as ENOSPC does on a full disk) or /dev/full.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "run_command.h"
#include "temp_dir.h"

namespace {

using eddy_test::file_size_limit_kib;
using eddy_test::Result;
using eddy_test::shell;
using eddy_test::TempDir;

const std::string kEddy = EDDY_BINARY;
const std::string kCi = std::string(EDDY_SOURCE_DIR) + "/scenarios/ci/acks-all-single-faults.yaml";

TEST(CliOutput, ATraceThatCannotBeWrittenExitsSixNotZero) {
  Result r = shell(kEddy + " run " + kCi + " --seed 1 --no-out --trace /dev/full --force");
  EXPECT_EQ(r.exit_code, 6) << r.out;
  EXPECT_NE(r.out.find("the trace is incomplete: cannot write /dev/full: No space left on device"), std::string::npos)
      << r.out;
}

TEST(CliOutput, ARunDirectoryThatCannotBeWrittenExitsSix) {
  TempDir dir("run-efbig");
  Result r = shell("cd " + dir.str() + " && " + file_size_limit_kib(64) + kEddy + " run " + kCi + " --out o");
  EXPECT_EQ(r.exit_code, 6) << r.out;
  EXPECT_NE(r.out.find("the run directory is incomplete: cannot write o/"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("File too large"), std::string::npos) << r.out;
}

TEST(CliOutput, AReplayWhoseTraceIsCutExitsSix) {
  TempDir dir("replay-efbig");
  Result r = shell("cd " + dir.str() + " && " + file_size_limit_kib(64) + kEddy + " replay " + kCi + " --seed 2");
  EXPECT_EQ(r.exit_code, 6) << r.out;
  EXPECT_NE(r.out.find("the trace is incomplete"), std::string::npos) << r.out;
}

// Two traces cut at the same size are identical: on main this printed "deterministic".
TEST(CliOutput, CheckDeterminismTellsAFullDiskFromNondeterminism) {
  TempDir dir("determinism-efbig");
  Result r = shell("TMPDIR=" + dir.str() + " sh -c \"" + file_size_limit_kib(64) + kEddy + " check-determinism " +
                   kCi + " --seed 2\"");
  EXPECT_EQ(r.exit_code, 6) << r.out;
  EXPECT_NE(r.out.find("nothing is known about determinism"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("deterministic\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("NOT DETERMINISTIC"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path)) << "the private directory is removed";
}

// The traces went to $TMPDIR/eddy-determinism-PID, a name anyone could plant as a symlink.
// Links are planted for the next few hundred process ids; none may be followed.
TEST(CliOutput, CheckDeterminismNeverFollowsAPlantedSymlink) {
  TempDir dir("determinism-plant");
  std::filesystem::create_directories(dir.path / "victim");
  std::filesystem::create_directories(dir.path / "tmp");
  long last = 0;
  std::ifstream("/proc/sys/kernel/ns_last_pid") >> last;
  for (long pid = last + 1; pid < last + 400; ++pid) {
    std::filesystem::create_directory_symlink(dir.path / "victim",
                                              dir.path / "tmp" / ("eddy-determinism-" + std::to_string(pid)));
  }
  Result r = shell("TMPDIR=" + dir.str("tmp") + " " + kEddy + " check-determinism " + kCi + " --seed 2");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path / "victim")) << "a trace was written through a planted symlink";
}

// A dangling link does not "exist", and was followed: the trace landed where it pointed.
TEST(CliOutput, AnExplicitTraceIsNeverWrittenThroughASymlinkWithoutForce) {
  TempDir dir("trace-link");
  std::filesystem::create_symlink(dir.path / "elsewhere", dir.path / "t.jsonl");
  Result r = shell(kEddy + " replay " + kCi + " --seed 2 --trace " + dir.str("t.jsonl"));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("exists; pass --force"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir.path / "elsewhere"));
}

}  // namespace
