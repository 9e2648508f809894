// Sweep aggregates over results.jsonl lines in the format `eddy sweep` writes (cli/README.md):
// counts, failing seeds with replay commands, distributions, sweep.json/summary.md/sweep.html,
// and JUnit XML read back by Python's XML parser (tests/reports/junit_check.py).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "reports/results_line.h"
#include "reports/sweep_report.h"

namespace reports {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string seed_line(const std::string& file, const std::string& name, uint64_t seed, const std::string& verdict,
                      double rps, double p99, int64_t lost) {
  json j;
  j["type"] = "seed";
  j["scenario"] = file;
  j["name"] = name;
  j["seed"] = seed;
  j["verdict"] = verdict;
  j["exit_code"] = verdict == "ok" ? 0 : 1;
  j["fingerprint"] = verdict == "lab_crash" ? "" : "00000000000000" + std::to_string(10 + seed % 90);
  j["failed"] = verdict == "safety" ? json::array({"lost_writes == 0: " + std::to_string(lost)}) : json::array();
  j["message"] = verdict == "lab_crash" ? "worker died: signal 6 <abort> & \"core\"" : "";
  j["simulated_s"] = 30.5;
  j["wall_s"] = 0.08;
  j["events"] = 70000;
  j["checks"] = {{"lost_writes", lost}, {"duplicates", 0}};
  j["liveness"] = true;
  j["produced"] = {{"attempted", 100}, {"acknowledged", 99}, {"failed", 1}, {"unknown", 0}};
  j["consumed"] = 99;
  j["produce_records_per_s"] = rps;
  j["consume_records_per_s"] = rps;
  j["produce_latency_ms"] = {{"p50", 2.0}, {"p99", p99}, {"max", p99 * 2}};
  j["faults"] = json::array({"5.22s crash broker-0"});
  j["replay"] = "build/eddy replay " + file + " --seed " + std::to_string(seed);
  return j.dump();
}

// 200 seeds of an ok scenario, 50 of a lossy one (every 7th loses writes), one lab crash,
// a determinism re-run that matched and one that did not, and a torn last line.
std::string fixture() {
  std::ostringstream o;
  o << R"({"type":"sweep","version":1,"eddy":"0.1.0","scenarios":["a.yaml","b.yaml"],"seed_first":1,"seed_last":200,"shard":"1/1","started":"2026-11-26T00:00:00Z"})"
    << "\n";
  for (uint64_t s = 1; s <= 200; ++s) o << seed_line("a.yaml", "steady", s, "ok", 400 + static_cast<double>(s % 10), 3.0 + static_cast<double>(s % 5) * 0.1, 0) << "\n";
  for (uint64_t s = 1; s <= 50; ++s) {
    bool lossy = s % 7 == 0;
    o << seed_line("b.yaml", "lossy", s, s == 13 ? "lab_crash" : (lossy ? "safety" : "ok"), 300, 5.0, lossy ? 17 : 0) << "\n";
  }
  o << R"({"type":"determinism","scenario":"a.yaml","seed":3,"fingerprint_first":"ab","fingerprint_second":"ab","equal":true,"message":""})" << "\n";
  o << R"({"type":"determinism","scenario":"b.yaml","seed":4,"fingerprint_first":"ab","fingerprint_second":"cd","equal":false,"message":"differs"})" << "\n";
  o << R"({"type":"seed","scenario":"b.ya)";  // a sweep killed mid-write
  return o.str();
}

TEST(SweepReport, AggregatesCountsFailingSeedsAndDistributions) {
  std::istringstream in(fixture());
  SweepAggregate a = aggregate_sweep(in);
  ASSERT_EQ(a.scenarios.size(), 2u);
  EXPECT_EQ(a.runs(), 250);
  EXPECT_EQ(a.bad_lines, 1);
  const ScenarioAggregate& lossy = a.scenarios[1];
  EXPECT_EQ(lossy.name, "lossy");
  EXPECT_EQ(lossy.verdicts.at("safety"), 7);  // 7, 14, ..., 49
  EXPECT_EQ(lossy.verdicts.at("lab_crash"), 1);
  EXPECT_EQ(lossy.failing_total, 8);
  EXPECT_EQ(lossy.check_seeds.at("lost_writes"), 7);
  EXPECT_EQ(lossy.check_violations.at("lost_writes"), 7 * 17);
  EXPECT_EQ(lossy.failed_expectations.at("lost_writes == 0"), 7);
  json s = sweep_json(a);
  EXPECT_EQ(s["schema"], kSweepSchema);
  EXPECT_EQ(s["verdict"], "fail");
  EXPECT_EQ(s["failures"], 8);
  EXPECT_EQ(s["determinism"]["checked"], 2);
  EXPECT_EQ(s["determinism"]["mismatches"].size(), 1u);
  const json& steady = s["scenarios"][0];
  EXPECT_EQ(steady["seeds"], 200);
  EXPECT_EQ(steady["failing_total"], 0);
  EXPECT_NEAR(steady["produce_records_per_s"]["p50"].get<double>(), 404.5, 404.5 * LogLinearHistogram::kRelativeError + 1);
  EXPECT_EQ(steady["produce_records_per_s"]["max"], 409);
  EXPECT_NEAR(steady["produce_p99_ms"]["max"].get<double>(), 3.4, 0.01);
  const json& first_fail = s["scenarios"][1]["failing"][0];
  EXPECT_EQ(first_fail["seed"], 7);
  EXPECT_EQ(first_fail["reason"], "lost_writes == 0: 17");
  EXPECT_EQ(first_fail["replay"], "build/eddy replay b.yaml --seed 7");
  std::string md = sweep_markdown(s);
  EXPECT_NE(md.find("| lossy | 50 | 42 | 7 | 0 | 1 |"), std::string::npos) << md;
  EXPECT_NE(md.find("`build/eddy replay b.yaml --seed 7`"), std::string::npos) << md;
  EXPECT_NE(md.find("1 mismatched"), std::string::npos) << md;
}

// Inconclusive seeds (every check held, a progress floor did not) are neither ok nor failing:
// a scenario may have the header's max_inconclusive_percent of its seeds so (rounded down),
// and beyond that all of them fail the sweep; JUnit skips them, or fails them when over.
TEST(SweepReport, InconclusiveSeedsPassWithinTheAllowanceAndFailBeyondIt) {
  auto sweep_of = [](int inconclusive) {
    std::ostringstream o;
    o << R"({"type":"sweep","version":1,"eddy":"0.1.0","scenarios":["a.yaml"],"seed_first":1,"seed_last":200,"shard":"1/1","started":"x","max_inconclusive_percent":1})"
      << "\n";
    for (uint64_t s = 1; s <= 200; ++s) {
      json j = json::parse(seed_line("a.yaml", "steady", s, "ok", 400, 3.0, 0));
      if (static_cast<int>(s) <= inconclusive) {
        j["verdict"] = "inconclusive";
        j["failed"] = json::array({"acknowledged > 4000: 0"});
      }
      o << j.dump() << "\n";
    }
    return o.str();
  };
  {
    std::istringstream in(sweep_of(2));  // 1% of 200
    SweepAggregate a = aggregate_sweep(in);
    EXPECT_EQ(a.scenarios[0].inconclusive_total, 2);
    EXPECT_EQ(a.scenarios[0].failing_total, 0);
    EXPECT_EQ(a.failures(), 0);
    json s = sweep_json(a);
    EXPECT_EQ(s["verdict"], "pass");
    EXPECT_EQ(s["scenarios"][0]["inconclusive_allowed"], 2);
    EXPECT_EQ(s["scenarios"][0]["inconclusive"][1]["reason"], "acknowledged > 4000: 0");
    EXPECT_NE(sweep_markdown(s).find("| steady | 200 | 198 | 0 | 0 | 0 | 2 (2) |"), std::string::npos) << sweep_markdown(s);
    std::istringstream again(sweep_of(2));
    std::ostringstream xml;
    write_junit(a, again, xml);
    EXPECT_NE(xml.str().find("skipped=\"2\""), std::string::npos) << xml.str();
    EXPECT_EQ(xml.str().find("<failure"), std::string::npos) << xml.str();
  }
  {
    std::istringstream in(sweep_of(3));
    SweepAggregate a = aggregate_sweep(in);
    EXPECT_EQ(a.failures(), 3);
    json s = sweep_json(a);
    EXPECT_EQ(s["verdict"], "fail");
    EXPECT_NE(sweep_markdown(s).find("**over the allowance**"), std::string::npos) << sweep_markdown(s);
    std::istringstream again(sweep_of(3));
    std::ostringstream xml;
    write_junit(a, again, xml);
    EXPECT_NE(xml.str().find("failures=\"3\""), std::string::npos) << xml.str();
  }
}

TEST(SweepReport, JunitIsReadByAnXmlParserWithTheCommonShape) {
  fs::path dir = fs::path(EDDY_ARTIFACTS) / "sweep-fixture";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "results.jsonl") << fixture();
  std::string junit = (dir / "junit.xml").string();
  ASSERT_FALSE(write_sweep_reports(dir, junit).has_value());
  for (const char* f : {"sweep.json", "sweep.html", "summary.md"}) EXPECT_GT(fs::file_size(dir / f), 100u) << f;
  std::ifstream x(junit);
  std::string xml((std::istreambuf_iterator<char>(x)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("<testcase classname=\"eddy.lossy\" name=\"seed 7\""), std::string::npos);
  EXPECT_NE(xml.find("&lt;abort&gt; &amp; &quot;core&quot;"), std::string::npos);  // escaped
  // 250 seeds + 1 determinism mismatch + the skipped "150 runs missing" (200 seeds x 2 files
  // were asked); 7 safety failures + 1 determinism failure; 1 lab crash.
  EXPECT_NE(xml.find("name=\"150 runs missing\""), std::string::npos) << xml.substr(0, 600);
  std::string cmd = "/usr/bin/python3 " + std::string(EDDY_SOURCE_DIR) + "/tests/reports/junit_check.py " + junit + " 252 8 1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  // The checker can fail: wrong expected counts are caught.
  std::string wrong = "/usr/bin/python3 " + std::string(EDDY_SOURCE_DIR) + "/tests/reports/junit_check.py " + junit + " 251 8 1 >/dev/null";
  EXPECT_NE(std::system(wrong.c_str()), 0);
}

// A sweep of 1 file x seeds 1..4 (format 2, sealed lines) whose third result was cut by a full
// disk and the fourth appended after it once space came back: one spliced line.
std::string spliced_fixture(bool splice) {
  std::string header = seal_line(
      R"({"type":"sweep","version":2,"eddy":"0.1.0","scenarios":["a.yaml"],"seed_first":1,"seed_last":4,"shard":"1/1","started":"2026-11-26T00:00:00Z"})");
  std::string out = header + "\n";
  for (uint64_t s = 1; s <= 2; ++s) out += seal_line(seed_line("a.yaml", "steady", s, "ok", 400, 3.0, 0)) + "\n";
  std::string third = seal_line(seed_line("a.yaml", "steady", 3, "ok", 400, 3.0, 0));
  std::string fourth = seal_line(seed_line("a.yaml", "steady", 4, "ok", 400, 3.0, 0));
  out += (splice ? third.substr(0, third.size() / 2) : third + "\n") + fourth + "\n";
  return out;
}

TEST(SweepReport, ASealedLineThatWasCutOrChangedIsDetected) {
  std::string line = seal_line(seed_line("a.yaml", "steady", 3, "ok", 400, 3.0, 0));
  EXPECT_EQ(check_line(line), LineSeal::kIntact);
  EXPECT_EQ(check_line(seed_line("a.yaml", "steady", 3, "ok", 400, 3.0, 0)), LineSeal::kUnsealed);
  EXPECT_EQ(check_line(line.substr(0, line.size() - 5)), LineSeal::kUnsealed);
  std::string changed = line;
  changed[changed.find("\"seed\":3") + 7] = '5';
  EXPECT_EQ(check_line(changed), LineSeal::kDamaged);
  EXPECT_EQ(check_line(line.substr(0, 40) + line), LineSeal::kDamaged);
  EXPECT_EQ(json::parse(line)["crc32c"].get<std::string>().size(), 8u) << "still one JSON object";
}

TEST(SweepReport, ASplicedLineIsDroppedAndThePartialSweepSaysSo) {
  std::istringstream whole_in(spliced_fixture(false));
  json whole = sweep_json(aggregate_sweep(whole_in));
  EXPECT_EQ(whole["verdict"], "pass");
  EXPECT_EQ(whole["complete"], true);
  EXPECT_EQ(whole["expected_runs"], 4);

  std::istringstream in(spliced_fixture(true));
  SweepAggregate a = aggregate_sweep(in);
  EXPECT_EQ(a.runs(), 2);
  EXPECT_EQ(a.bad_lines, 1);
  json s = sweep_json(a);
  EXPECT_EQ(s["verdict"], "incomplete");
  EXPECT_EQ(s["complete"], false);
  EXPECT_EQ(s["expected_runs"], 4);
  EXPECT_EQ(s["missing_runs"], 2);
  std::string md = sweep_markdown(s);
  EXPECT_EQ(md.find("pass"), std::string::npos) << md;
  EXPECT_NE(md.find("**Incomplete:** 2 of 4 runs are missing"), std::string::npos) << md;

  fs::path dir = fs::path(EDDY_ARTIFACTS) / "sweep-spliced";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "results.jsonl") << spliced_fixture(true);
  std::string junit = (dir / "junit.xml").string();
  ASSERT_FALSE(write_sweep_reports(dir, junit).has_value());
  std::ifstream x(junit);
  std::string xml((std::istreambuf_iterator<char>(x)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("<skipped message=\"2 of 4 runs missing"), std::string::npos) << xml;
  std::string cmd = "/usr/bin/python3 " + std::string(EDDY_SOURCE_DIR) + "/tests/reports/junit_check.py " + junit + " 3 0 0";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

}  // namespace
}  // namespace reports
