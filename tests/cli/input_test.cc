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

}  // namespace
