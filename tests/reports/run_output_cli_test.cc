// `eddy run --out`: the run directory as a user gets it, and the refusal to write into a
// directory eddy did not make.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>
#include <sys/wait.h>
#include <unistd.h>

#include "../cli/run_command.h"

namespace {

namespace fs = std::filesystem;

using eddy_test::Result;

Result run(const std::string& args) { return eddy_test::shell(std::string(EDDY_BINARY) + " " + args); }

const std::string kScenario = std::string(EDDY_SOURCE_DIR) + "/scenarios/ci/acks-all-single-faults.yaml";

TEST(RunOutputCli, WritesTheRunDirectoryAndReusesItsOwn) {
  fs::path dir = fs::temp_directory_path() / ("eddy-out-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  Result a = run("run " + kScenario + " --seed 3 --out " + dir.string());
  ASSERT_EQ(a.exit_code, 0) << a.out;
  EXPECT_NE(a.out.find("report: " + dir.string() + "/report.html"), std::string::npos) << a.out;
  for (const char* f : {"summary.json", "summary.md", "metrics.csv", "history.jsonl", "timeline.jsonl", "final_log.jsonl",
                        "attempts.jsonl", "report.html", ".eddy-run"})
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  std::ifstream in(dir / "summary.json");
  nlohmann::json s = nlohmann::json::parse(in);
  EXPECT_NE(a.out.find("fingerprint=" + s["fingerprint"].get<std::string>()), std::string::npos);
  EXPECT_EQ(s["seed"], 3);
  EXPECT_EQ(s["verdict"], "pass");
  Result b = run("run " + kScenario + " --seed 4 --out " + dir.string() + " --no-history");
  EXPECT_EQ(b.exit_code, 0) << b.out;
  EXPECT_FALSE(fs::exists(dir / "history.jsonl"));  // the earlier run's is gone, not left stale
  fs::remove_all(dir);
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Names are the scenario's: a consumer group named with a newline, a formula and a comma used
// to add a line to metrics.csv (starting "=HYPERLINK(...)"), and "<!--<script>" in a name or
// the description made the browser swallow report.html's data and show a blank page.
TEST(RunOutputCli, HostileNamesCannotBreakMetricsCsvOrReportHtml) {
  fs::path dir = fs::temp_directory_path() / ("eddy-names-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string yaml = read_all(kScenario);
  // The file's consumers entry, whatever its configs: up to the end of its line.
  size_t at = yaml.find("consumers:\n  - {topic: orders");
  ASSERT_NE(at, std::string::npos);
  const std::string plain_consumers = yaml.substr(at, yaml.find('\n', yaml.find("- {topic: orders", at)) - at);
  const std::string hostile = "g\\n=HYPERLINK(\\\"http://x\\\"),\\\"<!--<script>";
  yaml.replace(at, plain_consumers.size(),
               "description: \"<!--<script> and </script> in a description\"\nconsumers:\n"
               "  - {topic: orders, count: 1, configs: {group.id: \"" + hostile + "\"}}");
  std::ofstream(dir / "s.yaml") << yaml;
  Result r = run("run " + (dir / "s.yaml").string() + " --seed 1 --out " + (dir / "o").string());
  ASSERT_NE(r.exit_code, 2) << r.out;

  std::istringstream csv(read_all(dir / "o/metrics.csv"));
  std::string header, line;
  ASSERT_TRUE(std::getline(csv, header));
  EXPECT_NE(header.find("lag_group_g_"), std::string::npos) << header;
  auto cells = [](const std::string& l) {
    std::vector<std::string> v;
    std::string cell;
    std::istringstream in(l);
    while (std::getline(in, cell, ',')) v.push_back(cell);
    if (!l.empty() && l.back() == ',') v.push_back("");
    return v;
  };
  size_t columns = cells(header).size();
  for (const std::string& c : cells(header)) {
    ASSERT_FALSE(c.empty());
    EXPECT_EQ(std::string("=+-@").find(c[0]), std::string::npos) << c;
    EXPECT_EQ(c.find('"'), std::string::npos) << c;
  }
  int rows = 0;
  while (std::getline(csv, line)) {
    ++rows;
    EXPECT_EQ(cells(line).size(), columns) << "row " << rows << ": " << line;
    EXPECT_EQ(std::string("=+@").find(line[0]), std::string::npos) << line;
  }
  EXPECT_GT(rows, 0);

  std::string html = read_all(dir / "o/report.html");
  size_t open = html.find("<script type=\"application/json\" id=\"eddy-data\">");
  ASSERT_NE(open, std::string::npos);
  size_t start = html.find('>', open) + 1;
  size_t end = html.find("</script>", start);
  std::string data = html.substr(start, end - start);
  EXPECT_EQ(data.find("<!--"), std::string::npos);
  EXPECT_EQ(data.find('<'), std::string::npos);
  nlohmann::json j = nlohmann::json::parse(data, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << "the data element ends where it should";
  EXPECT_NE(j.dump().find("<!--<script> and </script> in a description"), std::string::npos);
  fs::remove_all(dir);
}

TEST(RunOutputCli, RefusesADirectoryItDidNotMake) {
  fs::path dir = fs::temp_directory_path() / ("eddy-foreign-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "thesis.tex") << "precious";
  Result r = run("run " + kScenario + " --seed 3 --out " + dir.string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("is not an eddy run directory"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir / "summary.json"));
  EXPECT_TRUE(fs::exists(dir / "thesis.tex"));
  fs::remove_all(dir);
}

}  // namespace

namespace {

// The built-in default: 60 simulated seconds at 10,000 messages/s (1.2 M operations). Its
// report stays small because the page holds sampled points and per-window numbers, not the
// operations (history.jsonl is skipped at this size unless --history).
TEST(RunOutputCliSlow, SixtySecondRunReportIsUnderFiveMegabytes) {
  fs::path dir = fs::temp_directory_path() / ("eddy-default-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  Result r = run("run --out " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_LT(fs::file_size(dir / "report.html"), 5'000'000u);
  EXPECT_FALSE(fs::exists(dir / "history.jsonl"));
  EXPECT_NE(r.out.find("history.jsonl not written"), std::string::npos) << r.out;
  std::ifstream in(dir / "summary.json");
  nlohmann::json s = nlohmann::json::parse(in);
  EXPECT_EQ(s["files"]["history_jsonl"], nullptr);
  EXPECT_GT(s["counts"]["acknowledged"].get<int64_t>(), 500'000);
  fs::remove_all(dir);
}

}  // namespace
