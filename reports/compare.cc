#include "reports/compare.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "reports/page.h"
#include "reports/summary_check.h"
#include "reports/web_assets.h"

namespace reports {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// "a,b,,c" -> fields (metrics.csv has no quoted fields).
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// Flattens the configuration a reader would vary: broker configs, topic and producer configs.
std::map<std::string, std::string> settings_of(const json& summary) {
  std::map<std::string, std::string> out;
  const json& c = summary.value("config", json::object());
  auto str = [](const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  if (c.contains("broker_configs"))
    for (const auto& [k, v] : c["broker_configs"].items()) out[k] = str(v);
  if (c.contains("topics"))
    for (const auto& t : c["topics"]) {
      out["partitions"] = str(t.value("partitions", json(0)));
      out["replication_factor"] = str(t.value("replication_factor", json(0)));
      if (t.contains("configs"))
        for (const auto& [k, v] : t["configs"].items()) out[k] = str(v);
    }
  if (c.contains("producers"))
    for (const auto& p : c["producers"]) {
      out["rate"] = str(p.value("messages_per_s", json(0)));
      out["message_bytes"] = str(p.value("message_bytes", json(0)));
      if (p.contains("configs"))
        for (const auto& [k, v] : p["configs"].items()) out[k] = str(v);
    }
  out["scenario"] = summary.value("scenario", "");
  out["seed"] = std::to_string(summary.value("seed", uint64_t{0}));
  return out;
}

std::string num(const json& v, const char* f) {
  if (!v.is_number()) return "—";
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v.get<double>());
  return buf;
}

int64_t check_count(const json& s, const std::string& check) {
  for (const auto& c : s.value("checks", json::array()))
    if (c.value("check", "") == check) return c.value("count", int64_t{0});
  return 0;
}

}  // namespace

std::optional<std::string> load_compared_run(const fs::path& dir, ComparedRun& out) {
  out.dir = dir.string();
  std::ifstream in(dir / "summary.json", std::ios::binary);
  if (!in) return dir.string() + ": no summary.json (expected an eddy run directory, written by `eddy run --out DIR`)";
  std::string file = (dir / "summary.json").string();
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (auto problem = parse_json_located(text, out.summary)) return file + ":" + *problem;
  // Version 2 added checks and files; what compare reads is the same in both.
  if (!out.summary.is_object() || !out.summary.contains("schema") ||
      (out.summary["schema"] != "eddy.summary/1" && out.summary["schema"] != "eddy.summary/2"))
    return file + ": not an eddy summary (expected \"schema\": \"eddy.summary/2\")";
  if (auto problem = summary_shape_problem(out.summary)) {
    return file + ": " + *problem + " (expected a summary.json as `eddy run --out` writes it; reports/README.md)";
  }
  out.windows = json::array();
  std::ifstream csv(dir / "metrics.csv");
  std::string line;
  if (csv && std::getline(csv, line)) {
    auto header = split_csv(line);
    auto col = [&](const char* name) {
      auto it = std::find(header.begin(), header.end(), name);
      return it == header.end() ? -1 : static_cast<int>(it - header.begin());
    };
    int t = col("window_start_s"), rps = col("produced_records_per_s"), p99 = col("produce_p99_ms");
    while (std::getline(csv, line)) {
      auto f = split_csv(line);
      auto at = [&](int i) -> json {
        if (i < 0 || static_cast<size_t>(i) >= f.size() || f[static_cast<size_t>(i)].empty()) return nullptr;
        return std::strtod(f[static_cast<size_t>(i)].c_str(), nullptr);
      };
      out.windows.push_back({{"t", at(t)}, {"produced_rps", at(rps)}, {"p99_ms", at(p99)}});
    }
  }
  return std::nullopt;
}

void label_runs(std::vector<ComparedRun>& runs) {
  std::vector<std::map<std::string, std::string>> settings;
  std::map<std::string, int> keys;
  for (const auto& r : runs) {
    settings.push_back(settings_of(r.summary));
    for (const auto& [k, v] : settings.back()) ++keys[k];
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    std::string diff;
    for (const auto& [k, n] : keys) {
      bool differs = false;
      for (size_t j = 0; j < runs.size(); ++j) {
        auto a = settings[i].find(k), b = settings[j].find(k);
        std::string va = a == settings[i].end() ? "" : a->second, vb = b == settings[j].end() ? "" : b->second;
        if (va != vb) differs = true;
      }
      if (differs && k != "scenario" && settings[i].count(k)) diff += (diff.empty() ? "" : " ") + k + "=" + settings[i][k];
    }
    std::string name = fs::path(runs[i].dir).filename().string();
    if (name.empty()) name = fs::path(runs[i].dir).parent_path().filename().string();
    runs[i].label = diff.empty() ? name : name + " (" + diff + ")";
  }
}

std::string compare_table(const std::vector<ComparedRun>& runs) {
  std::vector<std::pair<std::string, std::vector<std::string>>> rows;
  auto row = [&](std::string name, auto&& cell) {
    std::vector<std::string> cells;
    for (const auto& r : runs) cells.push_back(cell(r.summary));
    rows.emplace_back(std::move(name), std::move(cells));
  };
  row("run", [&](const json&) { return std::string(); });
  for (size_t i = 0; i < runs.size(); ++i) rows.back().second[i] = fs::path(runs[i].dir).filename().string();
  row("scenario", [](const json& s) { return s.value("scenario", ""); });
  row("seed", [](const json& s) { return std::to_string(s.value("seed", uint64_t{0})); });
  std::vector<std::string> differs;
  for (const auto& r : runs) {
    size_t open = r.label.find(" (");
    differs.push_back(open == std::string::npos ? "" : r.label.substr(open + 2, r.label.size() - open - 3));
  }
  rows.emplace_back("differs", differs);
  row("verdict", [](const json& s) { return s.value("verdict", ""); });
  for (const char* c : {"lost_writes", "duplicates", "inconsistent_offsets", "order_violations"})
    row(c, [c](const json& s) { return std::to_string(check_count(s, c)); });
  row("acknowledged", [](const json& s) { return std::to_string(s["counts"].value("acknowledged", int64_t{0})); });
  row("produced rec/s", [](const json& s) { return num(s["throughput"]["produced_records_per_s"], "%.1f"); });
  row("produced MB/s", [](const json& s) { return num(s["throughput"]["produced_mb_per_s"], "%.3f"); });
  row("consumed rec/s", [](const json& s) { return num(s["throughput"]["consumed_records_per_s"], "%.1f"); });
  row("availability", [](const json& s) {
    return s["availability"].is_number() ? num(json(s["availability"].get<double>() * 100), "%.2f") + "%" : std::string("—");
  });
  for (const char* op : {"produce", "end_to_end"})
    for (const char* p : {"p50", "p95", "p99", "p99_9", "max"})
      row(std::string(op == std::string("produce") ? "produce " : "e2e ") + p + " ms",
          [op, p](const json& s) { return num(s["latency"][op][p], "%.3f"); });
  row("fingerprint", [](const json& s) { return s.value("fingerprint", ""); });
  size_t w0 = 0;
  std::vector<size_t> w(runs.size(), 0);
  for (const auto& [name, cells] : rows) {
    w0 = std::max(w0, name.size());
    for (size_t i = 0; i < cells.size(); ++i) w[i] = std::max(w[i], cells[i].size());
  }
  std::ostringstream out;
  for (const auto& [name, cells] : rows) {
    out << name << std::string(w0 - name.size() + 2, ' ');
    for (size_t i = 0; i < cells.size(); ++i) {
      bool right = name != "run" && name != "scenario" && name != "differs" && name != "verdict" && name != "fingerprint";
      std::string pad(w[i] - cells[i].size(), ' ');
      out << (right ? pad + cells[i] : cells[i] + pad) << (i + 1 < cells.size() ? "  " : "");
    }
    out << "\n";
  }
  return out.str();
}

std::string compare_html(const std::vector<ComparedRun>& runs) {
  json data;
  data["charts"] = charts_available();
  data["runs"] = json::array();
  for (const auto& r : runs)
    data["runs"].push_back({{"dir", r.dir}, {"label", r.label}, {"summary", r.summary}, {"windows", r.windows}});
  return render_page(kCompareTemplate, "eddy compare · " + std::to_string(runs.size()) + " runs", data);
}

}  // namespace reports
