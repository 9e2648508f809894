#include "reports/sweep_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "broker_model/fault_sites.h"
#include "reports/output_file.h"
#include "reports/results_line.h"
#include "reports/web_assets.h"

namespace reports {

using nlohmann::json;

namespace {

template <typename T>
T get_or(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    return fallback;
  }
}

double r3(double x) { return std::round(x * 1000.0) / 1000.0; }

json distribution_json(const LogLinearHistogram& h, double scale) {
  if (h.count() == 0) return nullptr;
  auto v = [&](int64_t x) { return r3(static_cast<double>(x) / scale); };
  return {{"seeds", h.count()}, {"min", v(h.min())},          {"p10", v(h.percentile(10))}, {"p50", v(h.percentile(50))},
          {"p90", v(h.percentile(90))}, {"p99", v(h.percentile(99))}, {"max", v(h.max())},  {"mean", r3(h.mean() / scale)}};
}

std::string xml_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters, even escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') o += ' ';
        else o += c;
    }
  }
  return o;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

std::string SweepSeed::reason() const {
  if (!failed.empty()) {
    std::string s;
    for (const auto& f : failed) s += (s.empty() ? "" : "; ") + f;
    return s;
  }
  if (!message.empty()) return message;
  return verdict;
}

std::optional<SweepSeed> sweep_seed_from_json(const json& j) {
  if (!j.is_object() || get_or<std::string>(j, "type", "") != "seed") return std::nullopt;
  SweepSeed s;
  s.scenario = get_or<std::string>(j, "scenario", "");
  s.name = get_or<std::string>(j, "name", "");
  s.seed = get_or<uint64_t>(j, "seed", 0);
  s.verdict = get_or<std::string>(j, "verdict", "lab_error");
  s.fingerprint = get_or<std::string>(j, "fingerprint", "");
  s.failed = get_or<std::vector<std::string>>(j, "failed", {});
  s.message = get_or<std::string>(j, "message", "");
  s.wall_s = get_or<double>(j, "wall_s", 0);
  s.simulated_s = get_or<double>(j, "simulated_s", 0);
  s.checks = get_or<std::map<std::string, int64_t>>(j, "checks", {});
  s.produce_records_per_s = get_or<double>(j, "produce_records_per_s", 0);
  if (auto l = j.find("produce_latency_ms"); l != j.end() && l->is_object()) s.produce_p99_ms = get_or<double>(*l, "p99", 0);
  s.fault_points = get_or<std::map<std::string, uint64_t>>(j, "fault_points", {});
  s.replay = get_or<std::string>(j, "replay", "");
  return s;
}

void SweepAggregate::add(const SweepSeed& s) {
  ScenarioAggregate* agg = nullptr;
  for (auto& a : scenarios)
    if (a.scenario == s.scenario) agg = &a;
  if (agg == nullptr) {
    scenarios.push_back(ScenarioAggregate{});
    agg = &scenarios.back();
    agg->scenario = s.scenario;
    agg->name = s.name;
  }
  ++agg->seeds;
  ++agg->verdicts[s.verdict];
  for (const auto& [check, n] : s.checks) {
    if (n > 0) ++agg->check_seeds[check];
    agg->check_violations[check] += n;
  }
  for (const auto& f : s.failed) {
    // "lost_writes == 0: 968" -> "lost_writes == 0"
    size_t colon = f.rfind(':');
    ++agg->failed_expectations[colon == std::string::npos ? f : f.substr(0, colon)];
  }
  for (const auto& [site, n] : s.fault_points) {
    FaultPointCoverage& c = fault_points[site];
    ++c.seeds;
    c.firings += n;
  }
  agg->wall_s += s.wall_s;
  agg->simulated_s += s.simulated_s;
  if (!s.lab_problem()) {
    agg->throughput.record(std::llround(s.produce_records_per_s));
    if (s.produce_p99_ms > 0) agg->p99_us.record(std::llround(s.produce_p99_ms * 1000.0));
  }
  if (s.inconclusive()) {
    ++agg->inconclusive_total;
    if (agg->inconclusive.size() < kSweepFailingKept) agg->inconclusive.push_back(s);
  } else if (!s.ok()) {
    ++agg->failing_total;
    if (agg->failing.size() < kSweepFailingKept) agg->failing.push_back(s);
  }
  if (agg->points.size() < kSweepPointsKept || !s.ok())
    if (agg->points.size() < 2 * kSweepPointsKept)
      agg->points.push_back(ScenarioAggregate::Point{s.seed, s.produce_records_per_s, s.produce_p99_ms, s.verdict});
}

bool SweepAggregate::usable(const std::string& line) const {
  LineSeal seal = check_line(line);
  return seal == LineSeal::kIntact || (seal == LineSeal::kUnsealed && !sealed);
}

void SweepAggregate::add_line(const std::string& line) {
  if (line.empty()) return;
  bool first = lines_read++ == 0;
  if (first && check_line(line) == LineSeal::kIntact) sealed = true;
  json j = usable(line) ? json::parse(line, nullptr, false) : json(json::value_t::discarded);
  if (j.is_discarded() || !j.is_object()) {
    ++bad_lines;
    return;
  }
  std::string type = get_or<std::string>(j, "type", "");
  if (type == "sweep") {
    if (!first) {
      ++bad_lines;  // a second header: a foreign file appended
      return;
    }
    header = j;
  } else if (type == "seed") {
    if (auto s = sweep_seed_from_json(j)) add(*s);
  } else if (type == "determinism") {
    ++determinism_checked;
    if (!get_or<bool>(j, "equal", true) && determinism_mismatches.size() < kSweepFailingKept) determinism_mismatches.push_back(j);
  }
}

int64_t SweepAggregate::runs() const {
  int64_t n = 0;
  for (const auto& s : scenarios) n += s.seeds;
  return n;
}

int64_t runs_in_shard(uint64_t first, uint64_t last, int index, int count, size_t scenarios) {
  if (last < first || count < 1 || index < 1 || index > count) return 0;
  uint64_t n = last - first + 1;
  uint64_t per = n / static_cast<uint64_t>(count) + (n % static_cast<uint64_t>(count) > static_cast<uint64_t>(index - 1) ? 1 : 0);
  return static_cast<int64_t>(per * scenarios);
}

int64_t SweepAggregate::expected_runs() const {
  if (!header.is_object()) return -1;
  int index = 1, count = 1;
  if (std::sscanf(get_or<std::string>(header, "shard", "1/1").c_str(), "%d/%d", &index, &count) != 2) return -1;
  auto scenario_files = get_or<std::vector<std::string>>(header, "scenarios", {});
  return runs_in_shard(get_or<uint64_t>(header, "seed_first", 1), get_or<uint64_t>(header, "seed_last", 0), index, count,
                       scenario_files.size());
}

int64_t SweepAggregate::missing_runs() const {
  int64_t expected = expected_runs();
  return expected < 0 ? 0 : std::max<int64_t>(0, expected - runs());
}

int64_t SweepAggregate::failures() const {
  int64_t n = 0;
  for (const auto& s : scenarios) n += s.failing_total + (over_inconclusive_allowance(s) ? s.inconclusive_total : 0);
  return n;
}

double SweepAggregate::max_inconclusive_percent() const {
  // The sweep's default, 1%, also for results written before the field existed.
  return header.is_object() ? get_or<double>(header, "max_inconclusive_percent", 1.0) : 1.0;
}

int64_t inconclusive_allowed(int64_t seeds, double percent) {
  return static_cast<int64_t>(std::floor(static_cast<double>(seeds) * percent / 100.0));
}

int64_t SweepAggregate::inconclusive_allowed(const ScenarioAggregate& s) const {
  return reports::inconclusive_allowed(s.seeds, max_inconclusive_percent());
}

SweepAggregate aggregate_sweep(std::istream& in) {
  SweepAggregate a;
  std::string line;
  while (std::getline(in, line)) a.add_line(line);
  return a;
}

namespace {

// Every site of the catalogue, fired or not, so a user sees what the seeds did not exercise.
// Empty when no site fired (fault points were never on).
json fault_point_coverage_json(const SweepAggregate& a) {
  json sites = json::array();
  if (a.fault_points.empty()) return {{"sites_fired", 0}, {"sites_known", broker_model::kFaultSites.size()}, {"sites", sites}};
  for (const broker_model::FaultSite& site : broker_model::kFaultSites) {
    auto it = a.fault_points.find(std::string(site.name));
    FaultPointCoverage c = it == a.fault_points.end() ? FaultPointCoverage{} : it->second;
    sites.push_back({{"site", site.name}, {"area", site.area}, {"seeds", c.seeds}, {"firings", c.firings}});
  }
  for (const auto& [name, c] : a.fault_points) {  // a site the catalogue does not know (an older eddy's)
    bool known = false;
    for (const broker_model::FaultSite& site : broker_model::kFaultSites) known = known || site.name == name;
    if (!known) sites.push_back({{"site", name}, {"area", "unknown"}, {"seeds", c.seeds}, {"firings", c.firings}});
  }
  return {{"sites_fired", a.fault_points.size()}, {"sites_known", broker_model::kFaultSites.size()}, {"sites", sites}};
}

}  // namespace

json sweep_json(const SweepAggregate& a) {
  json j;
  j["schema"] = kSweepSchema;
  j["sweep"] = a.header;
  j["expected_runs"] = a.expected_runs() < 0 ? json(nullptr) : json(a.expected_runs());
  j["runs"] = a.runs();
  j["missing_runs"] = a.missing_runs();
  j["complete"] = a.expected_runs() >= 0 && a.missing_runs() == 0;
  j["failures"] = a.failures();
  j["max_inconclusive_percent"] = a.max_inconclusive_percent();
  bool failed = a.failures() > 0 || !a.determinism_mismatches.empty();
  j["verdict"] = failed ? "fail" : !j["complete"].get<bool>() ? "incomplete" : "pass";
  j["latency_relative_error"] = LogLinearHistogram::kRelativeError;
  j["scenarios"] = json::array();
  for (const auto& s : a.scenarios) {
    json sj;
    sj["scenario"] = s.scenario;
    sj["name"] = s.name;
    sj["seeds"] = s.seeds;
    sj["verdicts"] = s.verdicts;
    json checks = json::object();
    for (const auto& [c, n] : s.check_violations)
      checks[c] = {{"violations", n}, {"seeds", s.check_seeds.count(c) ? s.check_seeds.at(c) : 0}};
    sj["checks"] = checks;
    sj["failed_expectations"] = s.failed_expectations;
    sj["produce_records_per_s"] = distribution_json(s.throughput, 1.0);
    sj["produce_p99_ms"] = distribution_json(s.p99_us, 1000.0);
    sj["wall_s"] = r3(s.wall_s);
    sj["simulated_s"] = r3(s.simulated_s);
    sj["failing_total"] = s.failing_total;
    sj["inconclusive_total"] = s.inconclusive_total;
    sj["inconclusive_allowed"] = a.inconclusive_allowed(s);
    sj["inconclusive"] = json::array();
    for (const auto& f : s.inconclusive)
      sj["inconclusive"].push_back({{"seed", f.seed}, {"reason", f.reason()}, {"replay", f.replay}});
    sj["failing"] = json::array();
    for (const auto& f : s.failing)
      sj["failing"].push_back({{"seed", f.seed}, {"verdict", f.verdict}, {"reason", f.reason()},
                               {"fingerprint", f.fingerprint}, {"replay", f.replay}});
    j["scenarios"].push_back(std::move(sj));
  }
  j["determinism"] = {{"checked", a.determinism_checked}, {"mismatches", a.determinism_mismatches}};
  j["fault_point_coverage"] = fault_point_coverage_json(a);
  j["bad_lines"] = a.bad_lines;
  return j;
}

std::string sweep_markdown(const json& s) {
  std::string verdict = s["verdict"] == "pass" ? "✅ pass" : s["verdict"] == "fail" ? "❌ fail" : "⚠️ incomplete";
  std::string out = "### eddy sweep — " + verdict + " (" + std::to_string(s["runs"].get<int64_t>()) + " runs, " +
                    std::to_string(s["failures"].get<int64_t>()) + " failing)\n\n";
  if (!s["complete"].get<bool>()) {
    out += "**Incomplete:** " + std::to_string(s["missing_runs"].get<int64_t>()) + " of " +
           (s["expected_runs"].is_null() ? std::string("?") : std::to_string(s["expected_runs"].get<int64_t>())) +
           " runs are missing (interrupted, stopped by a time budget or a failure, shards not merged, or lines "
           "dropped as damaged); nothing is known about them.\n\n";
  }
  out += "| scenario | seeds | ok | safety | liveness | lab | inconclusive (allowed) | throughput p50 (rec/s) | produce p99 p50 / max (ms) |\n";
  out += "|---|---|---|---|---|---|---|---|---|\n";
  auto v = [](const json& verdicts, const char* k) { return verdicts.contains(k) ? verdicts[k].get<int64_t>() : 0; };
  for (const auto& sc : s["scenarios"]) {
    const json& vd = sc["verdicts"];
    int64_t lab = v(vd, "lab_error") + v(vd, "lab_crash") + v(vd, "lab_hang");
    std::string tp = sc["produce_records_per_s"].is_null() ? "—" : fmt("%.0f", sc["produce_records_per_s"]["p50"].get<double>());
    std::string p99 = sc["produce_p99_ms"].is_null() ? "—"
                                                     : fmt("%.2f", sc["produce_p99_ms"]["p50"].get<double>()) + " / " +
                                                           fmt("%.2f", sc["produce_p99_ms"]["max"].get<double>());
    out += "| " + sc["name"].get<std::string>() + " | " + std::to_string(sc["seeds"].get<int64_t>()) + " | " +
           std::to_string(v(vd, "ok")) + " | " + std::to_string(v(vd, "safety")) + " | " + std::to_string(v(vd, "liveness")) +
           " | " + std::to_string(lab) + " | " + std::to_string(v(vd, "inconclusive")) + " (" +
           std::to_string(sc.value("inconclusive_allowed", int64_t{0})) + ") | " + tp + " | " + p99 + " |\n";
  }
  bool any = false;
  for (const auto& sc : s["scenarios"]) {
    size_t shown = 0;
    for (const auto& f : sc["failing"]) {
      if (!any) out += "\nFailing seeds:\n\n";
      any = true;
      if (shown++ >= 10) break;
      out += "- `" + sc["name"].get<std::string>() + "` seed " + std::to_string(f["seed"].get<uint64_t>()) + " (" +
             f["verdict"].get<std::string>() + "): " + f["reason"].get<std::string>() + " — `" +
             f["replay"].get<std::string>() + "`\n";
    }
    if (sc["failing_total"].get<int64_t>() > 10)
      out += "- … " + std::to_string(sc["failing_total"].get<int64_t>() - 10) + " more for `" +
             sc["name"].get<std::string>() + "` (sweep.json)\n";
  }
  for (const auto& sc : s["scenarios"]) {
    int64_t total = sc.value("inconclusive_total", int64_t{0});
    if (total == 0) continue;
    int64_t allowed = sc.value("inconclusive_allowed", int64_t{0});
    out += "\nInconclusive seeds of `" + sc["name"].get<std::string>() + "` (every check held, a progress floor did not): " +
           std::to_string(total) + ", allowed " + std::to_string(allowed) + (total > allowed ? " — **over the allowance**" : "") +
           "\n\n";
    size_t shown = 0;
    for (const auto& f : sc["inconclusive"]) {
      if (shown++ >= 10) break;
      out += "- seed " + std::to_string(f["seed"].get<uint64_t>()) + ": " + f["reason"].get<std::string>() + " — `" +
             f["replay"].get<std::string>() + "`\n";
    }
  }
  if (const json& fp = s["fault_point_coverage"]; fp.is_object() && fp["sites_fired"].get<int64_t>() > 0)
    out += "\nFault points: " + std::to_string(fp["sites_fired"].get<int64_t>()) + " of " +
           std::to_string(fp["sites_known"].get<int64_t>()) + " sites fired (sweep.json, sweep.html).\n";
  const json& d = s["determinism"];
  out += "\nDeterminism re-runs: " + std::to_string(d["checked"].get<int64_t>()) + " checked, " +
         std::to_string(d["mismatches"].size()) + " mismatched.\n";
  return out;
}

void write_junit(const SweepAggregate& a, std::istream& in, std::ostream& out) {
  int64_t errors_total = 0, skipped_total = 0;
  double time_total = 0;
  for (const auto& s : a.scenarios) {
    // Inconclusive seeds are skipped test cases, or failures when their scenario is over its allowance.
    if (!a.over_inconclusive_allowance(s)) skipped_total += s.inconclusive_total;
    errors_total += s.verdicts.count("lab_error") ? s.verdicts.at("lab_error") : 0;
    errors_total += s.verdicts.count("lab_crash") ? s.verdicts.at("lab_crash") : 0;
    errors_total += s.verdicts.count("lab_hang") ? s.verdicts.at("lab_hang") : 0;
    time_total += s.wall_s;
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  auto mismatches = static_cast<int64_t>(a.determinism_mismatches.size());
  int64_t missing = a.missing_runs();
  int64_t incomplete = missing > 0 || a.expected_runs() < 0 ? 1 : 0;
  out << "<testsuites name=\"eddy sweep\" tests=\"" << a.runs() + mismatches + incomplete << "\" failures=\""
      << (a.failures() - errors_total + mismatches) << "\" errors=\"" << errors_total << "\" skipped=\""
      << incomplete + skipped_total << "\" time=\"" << fmt("%.3f", time_total) << "\">\n";
  if (incomplete > 0) {
    std::string what = std::to_string(missing) + " of " +
                       (a.expected_runs() < 0 ? std::string("?") : std::to_string(a.expected_runs())) +
                       " runs missing: the sweep is incomplete and nothing is known about them";
    out << "  <testsuite name=\"sweep\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\" time=\"0\">\n"
        << "    <testcase classname=\"eddy.sweep\" name=\"" << missing << " runs missing\" time=\"0\">\n"
        << "      <skipped message=\"" << xml_escape(what) << "\"/>\n    </testcase>\n  </testsuite>\n";
  }
  // Test cases grouped by scenario: one streaming pass per scenario over the results.
  for (const auto& s : a.scenarios) {
    int64_t errors = 0;
    for (const char* k : {"lab_error", "lab_crash", "lab_hang"}) errors += s.verdicts.count(k) ? s.verdicts.at(k) : 0;
    bool over = a.over_inconclusive_allowance(s);
    out << "  <testsuite name=\"" << xml_escape(s.scenario) << "\" tests=\"" << s.seeds << "\" failures=\""
        << (s.failing_total - errors + (over ? s.inconclusive_total : 0)) << "\" errors=\"" << errors << "\" skipped=\""
        << (over ? 0 : s.inconclusive_total) << "\" time=\"" << fmt("%.3f", s.wall_s) << "\">\n";
    in.clear();
    in.seekg(0);
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("\"seed\"") == std::string::npos || !a.usable(line)) continue;
      json j = json::parse(line, nullptr, false);
      if (j.is_discarded()) continue;
      auto seed = sweep_seed_from_json(j);
      if (!seed || seed->scenario != s.scenario) continue;
      out << "    <testcase classname=\"eddy." << xml_escape(s.name.empty() ? s.scenario : s.name) << "\" name=\"seed "
          << seed->seed << "\" time=\"" << fmt("%.3f", seed->wall_s) << "\"";
      if (seed->ok()) {
        out << "/>\n";
        continue;
      }
      if (seed->inconclusive() && !over) {
        out << ">\n      <skipped message=\"" << xml_escape("inconclusive: " + seed->reason() + "; replay: " + seed->replay)
            << "\"/>\n    </testcase>\n";
        continue;
      }
      const char* tag = seed->lab_problem() ? "error" : "failure";
      out << ">\n      <" << tag << " message=\"" << xml_escape(seed->reason()) << "\" type=\"" << xml_escape(seed->verdict)
          << "\">" << xml_escape(seed->reason() + "\nfingerprint: " + seed->fingerprint + "\nreplay: " + seed->replay)
          << "</" << tag << ">\n    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  if (!a.determinism_mismatches.empty()) {
    // Only the re-runs that mismatched are listed (the others are not kept), so only they count.
    out << "  <testsuite name=\"determinism\" tests=\"" << mismatches << "\" failures=\""
        << a.determinism_mismatches.size() << "\" errors=\"0\" skipped=\"0\" time=\"0\">\n";
    for (const auto& d : a.determinism_mismatches) {
      std::string name = get_or<std::string>(d, "scenario", "") + " seed " + std::to_string(get_or<uint64_t>(d, "seed", 0));
      std::string msg = "fingerprint " + get_or<std::string>(d, "fingerprint_first", "") + " then " +
                        get_or<std::string>(d, "fingerprint_second", "") + " " + get_or<std::string>(d, "message", "");
      out << "    <testcase classname=\"eddy.determinism\" name=\"" << xml_escape(name) << "\" time=\"0\">\n"
          << "      <failure message=\"" << xml_escape(msg) << "\" type=\"determinism\">" << xml_escape(msg)
          << "</failure>\n    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

std::optional<std::string> write_sweep_reports(const std::filesystem::path& dir, const std::string& junit) {
  std::filesystem::path results = dir / "results.jsonl";
  std::ifstream in(results);
  if (!in) return "cannot read " + results.string();
  SweepAggregate a = aggregate_sweep(in);
  json s = sweep_json(a);
  if (auto e = write_text_file(dir / "sweep.json", s.dump(2, ' ', false, json::error_handler_t::replace) + "\n")) return e;
  if (auto e = write_text_file(dir / "summary.md", sweep_markdown(s))) return e;
  if (auto e = write_text_file(dir / "sweep.html", sweep_html(s, a))) return e;
  if (!junit.empty()) {
    OutputFile o;
    if (auto e = o.open(junit)) return e;
    write_junit(a, in, o.stream());
    if (auto e = o.close()) return e;
  }
  return std::nullopt;
}

}  // namespace reports
