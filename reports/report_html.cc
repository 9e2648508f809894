// report.html: the page template (report_template.html) with the run's data as JSON and the
// chart libraries inlined, so the file opens from disk with no network.
#include <cmath>
#include <cstdio>

#include "reports/page.h"
#include "reports/run_report.h"
#include "reports/web_assets.h"

namespace reports {

using nlohmann::json;

namespace {

constexpr size_t kTimelineRowsMax = 3'000;  // rows of the event table in the page

double sec(int64_t ns) { return std::round(static_cast<double>(ns) / 1e6) / 1e3; }
double msv(int64_t ns) { return std::round(static_cast<double>(ns) / 1e3) / 1e3; }

// The percentile curve of a histogram: x = 1 / (1 - q), the "nines" axis.
json distribution(const LogLinearHistogram& h, const char* op) {
  json out = json::array();
  if (h.count() == 0) return out;
  static constexpr double kQs[] = {0,    10,   20,    30,    40,     50,     60,      70,      75,     80,
                                   85,   90,   92.5,  95,    96,     97,     98,      99,      99.5,   99.7,
                                   99.8, 99.9, 99.95, 99.97, 99.99,  99.995, 99.999,  99.9995, 99.9999};
  for (double q : kQs) {
    double nines = 1.0 / (1.0 - q / 100.0);
    if (q > 0 && nines > static_cast<double>(h.count()) * 2) break;
    out.push_back({{"op", op}, {"q", q}, {"nines", nines}, {"ms", msv(h.percentile(q))}});
  }
  return out;
}

json page_data(const json& summary, const RunMetrics& m) {
  json d;
  d["summary"] = summary;
  d["charts"] = charts_available();
  json windows = json::array(), lag = json::array(), errors = json::array();
  double ws = static_cast<double>(m.window_ns) / 1e9;
  for (const auto& w : m.windows) {
    double t = sec(w.start_ns + m.window_ns / 2);
    json row = {{"t", t},
                {"start", sec(w.start_ns)},
                {"end", sec(w.end_ns)},
                {"produced_rps", std::round(static_cast<double>(w.produced) / ws)},
                {"consumed_rps", std::round(static_cast<double>(w.consumed) / ws)},
                {"produced_mbps", std::round(static_cast<double>(w.produced_bytes) / ws / 1e3) / 1e3},
                {"consumed_mbps", std::round(static_cast<double>(w.consumed_bytes) / ws / 1e3) / 1e3},
                {"availability", w.availability() < 0 ? json(nullptr) : json(std::round(w.availability() * 1e4) / 1e4)},
                {"completed", w.completed}};
    if (w.produce.count > 0) {
      row["p50"] = msv(w.produce.pct_ns[0]);
      row["p99"] = msv(w.produce.pct_ns[3]);
      row["p99_9"] = msv(w.produce.pct_ns[4]);
      row["max"] = msv(w.produce.max_ns);
    }
    if (w.end_to_end.count > 0) {
      row["e2e_p50"] = msv(w.end_to_end.pct_ns[0]);
      row["e2e_p99"] = msv(w.end_to_end.pct_ns[3]);
      row["e2e_max"] = msv(w.end_to_end.max_ns);
    }
    windows.push_back(std::move(row));
    for (const auto& [name, v] : w.lag) lag.push_back({{"t", sec(w.end_ns)}, {"consumer", name}, {"lag", v}});
    for (const auto& [kind, v] : w.errors)
      errors.push_back({{"t", t}, {"start", sec(w.start_ns)}, {"end", sec(w.end_ns)}, {"kind", kind}, {"count", v}});
  }
  d["windows"] = std::move(windows);
  d["lag"] = std::move(lag);
  d["errors"] = std::move(errors);
  json points = json::array();
  for (const auto& p : m.produce_points) points.push_back({{"t", sec(p.at_ns)}, {"ms", msv(p.latency_ns)}, {"op", "produce"}});
  for (const auto& p : m.end_to_end_points)
    points.push_back({{"t", sec(p.at_ns)}, {"ms", msv(p.latency_ns)}, {"op", "end-to-end"}});
  // The pipeline's readings: first PUBLISH to first store write (docs/pipeline.md).
  if (summary.contains("pipeline"))
    for (const auto& p : summary["pipeline"]["series"]) points.push_back({{"t", p[0]}, {"ms", p[1]}, {"op", "device-to-document"}});
  d["points"] = std::move(points);
  json dist = distribution(m.produce_hist, "produce");
  for (auto& x : distribution(m.end_to_end_hist, "end-to-end")) dist.push_back(std::move(x));
  d["distribution"] = std::move(dist);
  json faults = json::array();
  for (const auto& f : m.faults)
    faults.push_back({{"start", sec(f.start_ns)}, {"end", sec(f.end_ns)}, {"kind", f.kind}, {"target", f.target},
                      {"label", f.what}, {"instant", f.end_ns == f.start_ns}});
  d["faults"] = std::move(faults);
  json leaders = json::array();
  for (const auto& l : m.leaders)
    leaders.push_back({{"partition", l.partition}, {"broker", "broker " + std::to_string(l.broker)}, {"epoch", l.epoch},
                       {"start", sec(l.start_ns)}, {"end", sec(l.end_ns)}, {"unclean", l.unclean}});
  // The active controller as one more lane: from each controller-leader event to the next.
  const TimelineRow* prev = nullptr;
  auto controller_span = [&](const TimelineRow& r, int64_t end_ns) {
    char node[64] = "";
    long long term = -1;
    std::sscanf(r.detail.c_str(), "%63s term %lld", node, &term);
    leaders.push_back({{"partition", "active controller"}, {"broker", std::string(node)}, {"epoch", term},
                       {"start", sec(r.at_ns)}, {"end", sec(end_ns)}, {"unclean", false}});
  };
  for (const auto& r : m.timeline) {
    if (r.category != "controller") continue;
    if (prev != nullptr) controller_span(*prev, r.at_ns);
    prev = &r;
  }
  if (prev != nullptr) controller_span(*prev, m.end_ns);
  d["leaders"] = std::move(leaders);
  json ownership = json::array(), generations = json::array();
  for (const auto& o : m.ownership)
    ownership.push_back({{"group", o.group}, {"lane", o.group + " " + o.partition}, {"consumer", "consumer " + std::to_string(o.consumer)},
                         {"generation", o.generation}, {"partition", o.partition}, {"start", sec(o.from_ns)},
                         {"end", sec(o.to_ns)}, {"end_reason", o.end_reason}});
  for (const auto& r : m.timeline)
    if (r.kind == "group-generation") generations.push_back({{"t", sec(r.at_ns)}, {"detail", r.detail}});
  d["ownership"] = std::move(ownership);
  d["generations"] = std::move(generations);
  json marks = json::array(), events = json::array();
  for (const auto& r : m.timeline) {
    if (!r.partition.empty() && (r.category == "isr" || r.category == "truncate" || r.kind.rfind("leader", 0) == 0))
      marks.push_back({{"t", sec(r.at_ns)}, {"partition", r.partition}, {"kind", r.category}, {"broker", r.broker},
                       {"detail", r.kind + ": " + r.detail}});
    if (events.size() < kTimelineRowsMax)
      events.push_back({{"t", sec(r.at_ns)}, {"category", r.category}, {"kind", r.kind}, {"partition", r.partition},
                        {"broker", r.broker}, {"detail", r.detail}});
  }
  d["marks"] = std::move(marks);
  d["events"] = std::move(events);
  d["events_total"] = m.timeline.size();
  // Partition reassignment: MB/s fetched by the new replicas, per summary interval.
  json moved = json::array();
  if (summary.contains("reassignment")) {
    const json& re = summary["reassignment"];
    double interval = re.value("interval_s", 0.1);
    double start = summary.contains("run") ? summary["run"].value("workload_start_s", 0.0) : 0.0;
    for (const auto& p : re["moved_bytes"])
      moved.push_back({{"t", start + p[0].get<double>()}, {"mbps", p[1].get<double>() / 1e6 / interval}});
  }
  d["moved"] = std::move(moved);
  // JBOD: disk usage per broker log directory, MB over time (a capped number of points each).
  json disk = json::array();
  if (summary.contains("disk_usage")) {
    double start = summary.contains("run") ? summary["run"].value("workload_start_s", 0.0) : 0.0;
    for (const auto& s : summary["disk_usage"]) {
      const std::string series = "broker " + std::to_string(s["broker"].get<int>()) + " " + s["dir"].get<std::string>();
      const json& samples = s["points"];
      const size_t step = std::max<size_t>(1, samples.size() / 300);
      for (size_t i = 0; i < samples.size(); i += step)
        disk.push_back({{"t", start + samples[i][0].get<double>()}, {"series", series},
                        {"mb", samples[i][1].get<double>() / 1e6},
                        {"full_pct", 100.0 * samples[i][1].get<double>() / std::max(1.0, s["capacity_bytes"].get<double>())}});
    }
  }
  d["disk"] = std::move(disk);
  d["run_start"] = sec(m.start_ns);
  d["run_end"] = sec(m.end_ns);
  return d;
}

}  // namespace

std::string report_html(const json& summary, const RunMetrics& m) {
  std::string title = "eddy · " + summary["scenario"].get<std::string>() + " · seed " +
                      std::to_string(summary["seed"].get<uint64_t>());
  return render_page(kReportTemplate, title, page_data(summary, m));
}

}  // namespace reports
