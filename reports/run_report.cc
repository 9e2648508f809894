#include "reports/run_report.h"

#include <cctype>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "reports/web_assets.h"

namespace reports {

using nlohmann::json;
using checkers::History;
using checkers::OpOutcome;

namespace {

double seconds(int64_t ns) { return std::round(static_cast<double>(ns) / 1e6) / 1e3; }  // ms precision
double ms(int64_t ns) { return std::round(static_cast<double>(ns) / 1e3) / 1e3; }       // µs precision
double round3(double x) { return std::round(x * 1000.0) / 1000.0; }

std::string hex16(uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

json latency_json(const LatencyStats& s) {
  json j = {{"count", s.count}, {"mean", round3(s.mean_ns / 1e6)}, {"min", ms(s.min_ns)}};
  for (size_t i = 0; i < std::size(kPercentiles); ++i) j[kPercentileNames[i]] = ms(s.pct_ns[i]);
  j["max"] = ms(s.max_ns);
  return j;
}

json configs_json(const scenarios::KafkaConfigs& c) {
  json j = json::object();
  for (const auto& [k, v] : c) j[k] = v;
  return j;
}

json config_json(const scenarios::ScenarioSpec& spec) {
  json j;
  j["brokers"] = spec.cluster.brokers;
  j["controllers"] = spec.cluster.controllers;
  j["broker_configs"] = configs_json(spec.cluster.broker_configs);
  j["topics"] = json::array();
  for (const auto& t : spec.topics)
    j["topics"].push_back({{"name", t.name}, {"partitions", t.partitions}, {"replication_factor", t.replication_factor},
                           {"configs", configs_json(t.configs)}});
  j["producers"] = json::array();
  for (const auto& p : spec.producers)
    j["producers"].push_back({{"topic", p.topic}, {"count", p.count},
                              {"messages_per_s", p.max_rate ? json("max") : json(p.messages_per_s)},
                              {"message_bytes", p.message_bytes}, {"configs", configs_json(p.configs)}});
  j["consumers"] = json::array();
  for (const auto& c : spec.consumers)
    j["consumers"].push_back({{"topic", c.topic}, {"count", c.count}, {"configs", configs_json(c.configs)}});
  j["duration_s"] = seconds(spec.duration.ns());
  j["heal_for_s"] = seconds(spec.heal_for.ns());
  j["scheduled_faults"] = spec.faults.size();
  return j;
}

const checkers::ProduceOp* find_produce(const History& h, uint64_t record_id) {
  for (const auto& p : h.produces())
    if (p.record_id == record_id) return &p;
  return nullptr;
}

}  // namespace

const char* verdict_of(int exit_code) {
  switch (exit_code) {
    case 0: return "pass";
    case 1: return "safety_violation";
    case 3: return "liveness_failure";
    case 7: return "inconclusive";
    default: return "lab_error";
  }
}

constexpr int64_t kStoryLeadInNs = 10'000'000'000;
constexpr size_t kStoryEventsMax = 40;

json lost_write_story(const History& h, uint64_t record_id) {
  const checkers::ProduceOp* p = find_produce(h, record_id);
  if (p == nullptr) return nullptr;
  json s;
  s["record"] = checkers::format_record_id(record_id);
  s["partition"] = p->tp.str();
  s["offset"] = p->offset.value();
  s["producer"] = p->producer;
  s["sent_s"] = seconds(p->invoked.ns());
  s["acknowledged_s"] = seconds(p->completed.ns());
  s["acknowledged_by"] = p->acked_by.value();
  s["leader_epoch"] = p->leader_epoch.value();
  s["attempts"] = p->attempts;
  s["leader_change"] = nullptr;
  s["truncation"] = nullptr;
  json events = json::array();
  auto event = [&](int64_t at, const char* kind, std::string text, bool key) {
    events.push_back({{"at_s", seconds(at)}, {"kind", kind}, {"text", std::move(text)}, {"key", key}});
  };
  event(p->invoked.ns(), "produced",
        h.producer_name(p->producer) + " sent " + s["record"].get<std::string>() + " to " + p->tp.str(), true);
  event(p->completed.ns(), "acknowledged",
        "broker " + p->acked_by.str() + " acknowledged it at offset " + p->offset.str() + " (leader epoch " +
            p->leader_epoch.str() + ", " + std::to_string(p->attempts) + " attempt(s))",
        true);
  // The first leader of a later epoch, and the acknowledging broker's truncation below the offset.
  for (const auto& e : h.timeline_events()) {
    if (!(e.tp == p->tp)) continue;
    if (s["leader_change"].is_null() && e.kind.rfind("leader", 0) == 0) {
      long long epoch = -1;
      if (std::sscanf(e.detail.c_str(), "epoch %lld", &epoch) == 1 && epoch > p->leader_epoch.value())
        s["leader_change"] = {{"at_s", seconds(e.at.ns())}, {"broker", e.broker.value()}, {"epoch", epoch},
                              {"detail", e.detail}};
    }
    if (s["truncation"].is_null() && e.kind == "truncate" && e.broker == p->acked_by && e.at >= p->completed) {
      long long from = 0, to = 0;
      if (std::sscanf(e.detail.c_str(), "from log end %lld to %lld", &from, &to) == 2 && to <= p->offset.value())
        s["truncation"] = {{"at_s", seconds(e.at.ns())}, {"broker", e.broker.value()}, {"from_log_end", from},
                           {"to_offset", to}, {"detail", e.detail}};
    }
  }
  // A power cut of the acknowledging broker after the acknowledgement (its unsynced tail is
  // what a crash loses).
  s["crash"] = nullptr;
  std::string node = "broker-" + p->acked_by.str();
  for (const auto& e : h.timeline_events()) {
    if (e.kind != "fault" || e.at < p->completed) continue;
    const std::string& d = e.detail;
    bool crash_like = d.rfind("crash ", 0) == 0 || d.rfind("kill-all ", 0) == 0;
    size_t at = d.find(node);
    bool names_it = at != std::string::npos && (at + node.size() == d.size() || d[at + node.size()] == ',' ||
                                                d[at + node.size()] == ' ');
    if (crash_like && names_it) {
      s["crash"] = {{"at_s", seconds(e.at.ns())}, {"what", d}};
      break;
    }
  }
  int64_t from = p->invoked.ns();
  if (!s["leader_change"].is_null())
    from = std::min<int64_t>(from, static_cast<int64_t>(s["leader_change"]["at_s"].get<double>() * 1e9) - 1);
  size_t added = 0;
  for (const auto& e : h.timeline_events()) {
    bool here = e.tp == p->tp;
    bool global = e.tp.topic.empty() && (e.kind == "fault" || e.kind.rfind("controller", 0) == 0);
    if (!here && !global) continue;
    // Partition events from the send (or the leader change) on; faults and controller
    // changes from a little earlier, since they often set the scene.
    if (e.at.ns() < (here ? from : from - kStoryLeadInNs) || added >= kStoryEventsMax) continue;
    bool key = false;
    if (here && !s["leader_change"].is_null() && e.kind.rfind("leader", 0) == 0 &&
        seconds(e.at.ns()) == s["leader_change"]["at_s"].get<double>() && e.broker.value() == s["leader_change"]["broker"])
      key = true;
    if (here && !s["truncation"].is_null() && e.kind == "truncate" && e.broker == p->acked_by &&
        seconds(e.at.ns()) == s["truncation"]["at_s"].get<double>())
      key = true;
    if (!here && !s["crash"].is_null() && e.kind == "fault" && e.detail == s["crash"]["what"].get<std::string>() &&
        seconds(e.at.ns()) == s["crash"]["at_s"].get<double>())
      key = true;
    std::string who = e.broker == broker_model::kNoBroker ? "" : "broker " + e.broker.str() + " ";
    std::string kind = e.kind;
    event(e.at.ns(), kind.c_str(), who + (here ? e.kind + " " + p->tp.str() : e.kind) + (e.detail.empty() ? "" : ": " + e.detail),
          key);
    ++added;
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const json& a, const json& b) { return a["at_s"].get<double>() < b["at_s"].get<double>(); });
  json holds = nullptr;
  for (const auto& fr : h.final_reads()) {
    if (!(fr.tp == p->tp)) continue;
    for (const auto& [off, id] : fr.records)
      if (off == p->offset) holds = checkers::format_record_id(id);
  }
  s["final_holds"] = holds;
  events.push_back({{"at_s", nullptr},
                    {"kind", "final"},
                    {"text", "the final log of " + p->tp.str() + " holds " +
                                 (holds.is_null() ? std::string("nothing") : holds.get<std::string>()) + " at offset " +
                                 p->offset.str() + ": " + s["record"].get<std::string>() + " is lost"},
                    {"key", true}});
  s["events"] = std::move(events);
  return s;
}

json summary_json(const RunContext& run, const RunMetrics& m) {
  const scenarios::ScenarioResult& r = run.result;
  json j;
  j["schema"] = kSummarySchema;
  j["eddy_version"] = run.eddy_version;
  j["scenario"] = r.scenario;
  j["scenario_file"] = run.spec.file;
  j["description"] = run.spec.description;
  j["seed"] = r.seed;
  j["fingerprint"] = hex16(r.fingerprint);
  j["engine"] = sim::to_string(run.spec.engine);
  j["variants"] = r.variants;  // the bug zoo's protocol variants that were on (usually none)
  j["verdict"] = verdict_of(run.exit_code);
  j["exit_code"] = run.exit_code;
  j["replay"] = run.replay;
  j["run"] = {{"status", sim::to_string(r.outcome.status)},
              {"message", r.outcome.message},
              {"simulated_s", seconds(r.end.ns())},
              {"workload_start_s", seconds(r.workload_start.ns())},
              {"events", r.events},
              {"cluster_ready", r.cluster_ready}};
  j["config"] = config_json(run.spec);
  j["config"]["notes"] = r.config_notes;
  j["expectations"] = json::array();
  for (const auto& e : r.expectations)
    j["expectations"].push_back({{"check", e.check}, {"expected", e.expected}, {"actual", e.actual}, {"held", e.held},
                                 {"kind", e.progress ? "progress" : e.safety ? "safety" : "liveness"}});
  j["checks"] = json::array();
  for (const auto& c : r.checks) {
    json cj = {{"check", c.check}, {"count", c.count}, {"note", c.note}, {"examples", json::array()}};
    for (const auto& v : c.examples) {
      json ex = {{"summary", v.summary}, {"story", v.story}};
      if (c.check == "lost_writes" && v.record_id != 0) ex["lost_write"] = lost_write_story(r.history, v.record_id);
      cj["examples"].push_back(std::move(ex));
    }
    j["checks"].push_back(std::move(cj));
  }
  j["liveness"] = {{"ok", r.liveness}, {"note", r.liveness_note}};
  j["counts"] = {{"attempted", r.counts.attempted}, {"acknowledged", r.counts.acknowledged}, {"failed", r.counts.failed},
                 {"unknown", r.counts.unknown}, {"consumed", r.counts.consumed}};
  double ws = m.workload_seconds();
  j["throughput"] = {{"workload_s", round3(ws)},
                     {"warmup_s", round3(static_cast<double>(m.warmup_ns) / 1e9)},
                     {"produced_records_per_s", round3(static_cast<double>(m.produced) / ws)},
                     {"produced_mb_per_s", round3(static_cast<double>(m.produced_bytes) / ws / 1e6)},
                     {"consumed_records_per_s", round3(static_cast<double>(m.consumed) / ws)},
                     {"consumed_mb_per_s", round3(static_cast<double>(m.consumed_bytes) / ws / 1e6)}};
  if (!r.rate_search.empty()) {
    // OMB's maximum-rate search: [seconds into the workload, total messages/s] per control period.
    json rs = json::array();
    for (const auto& [at, rate] : r.rate_search) rs.push_back(json::array({round3(at), round3(rate)}));
    j["throughput"]["rate_search"] = std::move(rs);
  }
  j["availability"] = m.availability() < 0 ? json(nullptr) : json(round3(m.availability() * 100.0) / 100.0);
  // Operations: each controlled-restart / rolling-restart step, and leader balance at the end.
  if (!r.restart_steps.empty()) {
    json steps = json::array();
    for (const auto& st : r.restart_steps)
      steps.push_back({{"broker", st.name},
                       {"step", st.index + 1},
                       {"at_s", seconds(st.stop_requested.ns() - r.workload_start.ns())},
                       {"stop_s", seconds(st.stop_time().ns())},
                       {"under_replicated_wait_s", seconds(st.under_replicated_wait().ns())},
                       {"total_s", seconds(st.total().ns())},
                       {"stop_timed_out", st.stop_timed_out},
                       {"under_replicated_timed_out", st.healthy_timed_out}});
    j["restart_steps"] = std::move(steps);
  }
  // Partition reassignment: bytes the new replicas fetched, per 100 ms [seconds into the
  // workload, bytes], and in all.
  if (r.moved_bytes_total > 0 || !r.moved_bytes.empty()) {
    json mb = json::array();
    for (const auto& [at, bytes] : r.moved_bytes) mb.push_back(json::array({round3(at), bytes}));
    j["reassignment"] = {{"moved_bytes_total", r.moved_bytes_total}, {"interval_s", 0.1}, {"moved_bytes", std::move(mb)}};
  }
  // Per fault that took partition leaders out: the time until every one had a leader again.
  if (!r.leader_outages.empty()) {
    json lo = json::array();
    for (const auto& l : r.leader_outages)
      lo.push_back({{"fault", l.fault},
                    {"at_s", round3(l.at_s)},
                    {"partitions", l.partitions},
                    {"still_leaderless", l.still_leaderless},
                    {"all_led_again_ms", l.all_led_again_ms < 0 ? json(nullptr) : json(l.all_led_again_ms)}});
    j["leader_outages"] = std::move(lo);
  }
  j["longest_leaderless_ms"] = r.longest_leaderless_ms;
  // JBOD: each broker log directory's disk usage [seconds into the workload, bytes].
  if (!r.disk_usage.empty()) {
    json du = json::array();
    for (const auto& s : r.disk_usage) {
      json points = json::array();
      for (const auto& [at, bytes] : s.points) points.push_back(json::array({round3(at), bytes}));
      du.push_back({{"broker", s.broker}, {"dir", s.dir}, {"capacity_bytes", s.capacity_bytes}, {"points", std::move(points)}});
    }
    j["disk_usage"] = std::move(du);
  }
  j["leaders_per_broker"] = json::object();
  for (const auto& [b, n] : r.leaders_per_broker) j["leaders_per_broker"][std::to_string(b)] = n;
  j["leader_imbalance"] = r.leader_imbalance;
  j["errors"] = json::object();
  for (const auto& [k, v] : m.errors) j["errors"][k] = v;
  j["latency"] = {{"unit", "ms"},
                  {"histogram",
                   {{"kind", "log-linear"},
                    {"sub_buckets_per_power_of_two", 1 << LogLinearHistogram::kSubBucketBits},
                    {"relative_error", LogLinearHistogram::kRelativeError}}},
                  {"produce", latency_json(LatencyStats::of(m.produce_hist))},
                  {"end_to_end", latency_json(LatencyStats::of(m.end_to_end_hist))}};
  j["groups"] = json::array();
  {
    std::map<std::string, json> groups;
    for (const auto& gen : r.history.groups().generations) {
      json& g = groups[gen.group];
      g["group"] = gen.group;
      g["generations"] = g.value("generations", 0) + 1;
      g["last_generation"] = gen.generation;
    }
    for (const auto& s : m.group_lag) {
      json& g = groups[s.group];
      g["group"] = s.group;
      g["final_lag"] = s.lag;
    }
    for (auto& [name, g] : groups) j["groups"].push_back(std::move(g));
  }
  {
    const checkers::FetchSessionStats& fs = r.history.fetch_sessions();
    j["fetch_sessions"] = {{"created", fs.created},
                           {"not_created", fs.not_created},
                           {"evicted", fs.evicted},
                           {"incremental_fetches", fs.incremental},
                           {"partitions_omitted", fs.partitions_omitted},
                           {"session_id_not_found", fs.id_not_found},
                           {"invalid_session_epoch", fs.invalid_epoch}};
  }
  if (!r.kinesis_throttling.empty()) {
    // Kinesis (docs/kinesis.md): each shard's acknowledged puts and throttled answers.
    json shards = json::array();
    for (const auto& s : r.kinesis_throttling)
      shards.push_back({{"shard", s.tp.str()},
                        {"records_written", s.records_written},
                        {"writes_throttled", s.writes_throttled},
                        {"reads_throttled", s.reads_throttled},
                        {"throttled_ms", s.throttled_ms}});
    // Each KCL application: fan-out or shared reads, records processed, reads throttled, delay.
    json consumers = json::array();
    for (const auto& c : r.kinesis_consumers)
      consumers.push_back({{"application", c.application},
                           {"fan_out", c.fan_out},
                           {"records_processed", c.records_processed},
                           {"reads_throttled", c.reads_throttled},
                           {"delay_ms_p50", c.delay_ms_p50},
                           {"delay_ms_p99", c.delay_ms_p99}});
    j["kinesis"] = {{"shards", std::move(shards)}, {"consumers", std::move(consumers)}};
  }
  if (run.spec.pipeline) {
    // The pipeline (docs/pipeline.md): device-to-document latency, percentiles and every
    // reading's (first PUBLISH in seconds, latency in ms), for the report's chart.
    const checkers::PipelineLatency& pl = r.pipeline_latency;
    json series = json::array();
    for (const auto& [sent, d] : pl.series) series.push_back({seconds(sent.ns()), static_cast<double>(d.ns()) / 1e6});
    j["pipeline"] = {{"latency", {{"count", pl.count},
                                  {"p50_ms", static_cast<double>(pl.p50.ns()) / 1e6},
                                  {"p99_ms", static_cast<double>(pl.p99.ns()) / 1e6},
                                  {"max_ms", static_cast<double>(pl.max.ns()) / 1e6}}},
                     {"series", std::move(series)}};
  }
  j["window_s"] = seconds(m.window_ns);
  j["faults"] = json::array();
  for (const auto& f : m.faults)
    j["faults"].push_back({{"at_s", seconds(f.start_ns - r.workload_start.ns())}, {"start_s", seconds(f.start_ns)},
                           {"end_s", seconds(f.end_ns)}, {"kind", f.kind},
                           {"target", f.target}, {"what", f.what}});
  // The EDDY_FAULT_POINT sites reached while fault points were on (empty when they never
  // were): live or not for this seed, reached how often, fired how often.
  j["fault_points"] = json::array();
  for (const auto& fp : r.fault_points)
    j["fault_points"].push_back({{"site", fp.name}, {"live", fp.live}, {"evaluations", fp.evaluations}, {"firings", fp.firings}});
  j["files"] = {{"summary_md", "summary.md"},        {"metrics_csv", "metrics.csv"}, {"history_jsonl", "history.jsonl"},
                {"timeline_jsonl", "timeline.jsonl"}, {"final_log_jsonl", "final_log.jsonl"},
                {"attempts_jsonl", "attempts.jsonl"}, {"report_html", "report.html"}};
  return j;
}

namespace {

std::string fmt_num(double v, const char* f = "%.1f") {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string md_cell(std::string s) {
  for (size_t i = 0; (i = s.find('|', i)) != std::string::npos; i += 2) s.replace(i, 1, "\\|");
  return s;
}

}  // namespace

std::string summary_markdown(const json& s) {
  std::string v = s["verdict"];
  std::string out = "### eddy: " + s["scenario"].get<std::string>() + ", seed " + std::to_string(s["seed"].get<uint64_t>()) +
                    " — " + (v == "pass" ? "✅ pass" : v == "inconclusive" ? "⚠️ inconclusive" : "❌ " + v) + "\n\n";
  out += "| check | expected | actual | held |\n|---|---|---|---|\n";
  for (const auto& e : s["expectations"])
    out += "| " + md_cell(e["check"]) + " | " + md_cell(e["expected"]) + " | " + md_cell(e["actual"]) + " | " +
           (e["held"].get<bool>() ? "✅" : "❌") + " |\n";
  const json& t = s["throughput"];
  const json& lp = s["latency"]["produce"];
  const json& le = s["latency"]["end_to_end"];
  auto lat = [](const json& l) {
    if (l["count"].get<int64_t>() == 0) return std::string("—");
    return fmt_num(l["p50"], "%.2f") + " / " + fmt_num(l["p99"], "%.2f") + " / " + fmt_num(l["p99_9"], "%.2f") + " / " +
           fmt_num(l["max"], "%.2f") + " ms";
  };
  out += "\n| metric | value |\n|---|---|\n";
  out += "| produced | " + fmt_num(t["produced_records_per_s"]) + " records/s, " +
         fmt_num(t["produced_mb_per_s"], "%.3f") + " MB/s |\n";
  out += "| consumed | " + fmt_num(t["consumed_records_per_s"]) + " records/s, " +
         fmt_num(t["consumed_mb_per_s"], "%.3f") + " MB/s |\n";
  out += "| produce latency p50 / p99 / p99.9 / max | " + lat(lp) + " |\n";
  out += "| end-to-end latency p50 / p99 / p99.9 / max | " + lat(le) + " |\n";
  out += "| availability (produce) | " +
         (s["availability"].is_null() ? std::string("—") : fmt_num(s["availability"].get<double>() * 100, "%.2f") + "%") +
         " |\n";
  out += "| faults | " + std::to_string(s["faults"].size()) + " |\n";
  if (s.contains("config") && s["config"].contains("notes") && !s["config"]["notes"].empty()) {
    out += "\n";
    for (const auto& n : s["config"]["notes"]) out += "- note: " + md_cell(n) + "\n";
  }
  out += "\nfingerprint `" + s["fingerprint"].get<std::string>() + "` · replay: `" + s["replay"].get<std::string>() +
         "` · latency percentiles within " + fmt_num(s["latency"]["histogram"]["relative_error"].get<double>() * 100, "%.2f") +
         "%\n";
  return out;
}

namespace {

// Column names from names the scenario chose (consumer groups, error kinds): only
// [A-Za-z0-9._-], every other byte '_', so that no name can add a line or a cell, start a
// formula (=, +, -, @) in a spreadsheet, or need quoting; a name made equal to an earlier one
// gets a suffix (_2, _3...).
class CsvColumnNames {
 public:
  std::string operator()(const std::string& name) {
    std::string s = name;
    for (char& c : s) {
      bool safe = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
      if (!safe || static_cast<unsigned char>(c) >= 0x80) c = '_';
    }
    std::string unique = s;
    for (int i = 2; !used_.insert(unique).second; ++i) unique = s + "_" + std::to_string(i);
    return unique;
  }

 private:
  std::set<std::string> used_;
};

}  // namespace

void write_metrics_csv(const RunMetrics& m, std::ostream& out) {
  std::set<std::string> lag_names, error_kinds;
  for (const auto& w : m.windows) {
    for (const auto& [k, v] : w.lag) lag_names.insert(k);
    for (const auto& [k, v] : w.errors) error_kinds.insert(k);
  }
  CsvColumnNames col;
  out << "window_start_s,window_end_s,produced_records_per_s,produced_mb_per_s,consumed_records_per_s,consumed_mb_per_s,"
         "produce_completed,produce_ok,produce_failed,produce_unknown,availability";
  for (const char* op : {"produce", "e2e"}) {
    out << "," << op << "_count";
    for (const char* p : kPercentileNames) out << "," << op << "_" << p << "_ms";
    out << "," << op << "_max_ms";
  }
  for (const auto& n : lag_names) out << "," << col("lag_" + n);
  for (const auto& k : error_kinds) out << "," << col("errors_" + k);
  out << "\n";
  double ws = static_cast<double>(m.window_ns) / 1e9;
  char buf[64];
  auto num = [&](double v, const char* f) {
    std::snprintf(buf, sizeof buf, f, v);
    return std::string(buf);
  };
  for (const auto& w : m.windows) {
    out << num(static_cast<double>(w.start_ns) / 1e9, "%.3f") << "," << num(static_cast<double>(w.end_ns) / 1e9, "%.3f")
        << "," << num(static_cast<double>(w.produced) / ws, "%.1f") << ","
        << num(static_cast<double>(w.produced_bytes) / ws / 1e6, "%.4f") << ","
        << num(static_cast<double>(w.consumed) / ws, "%.1f") << ","
        << num(static_cast<double>(w.consumed_bytes) / ws / 1e6, "%.4f") << "," << w.completed << "," << w.produced << ","
        << w.failed << "," << w.unknown << "," << (w.availability() < 0 ? "" : num(w.availability(), "%.4f"));
    for (const LatencyStats* s : {&w.produce, &w.end_to_end}) {
      out << "," << s->count;
      for (size_t i = 0; i < std::size(kPercentiles); ++i)
        out << "," << (s->count == 0 ? "" : num(static_cast<double>(s->pct_ns[i]) / 1e6, "%.3f"));
      out << "," << (s->count == 0 ? "" : num(static_cast<double>(s->max_ns) / 1e6, "%.3f"));
    }
    for (const auto& n : lag_names) {
      auto it = w.lag.find(n);
      out << "," << (it == w.lag.end() ? 0 : it->second);
    }
    for (const auto& k : error_kinds) {
      auto it = w.errors.find(k);
      out << "," << (it == w.errors.end() ? 0 : it->second);
    }
    out << "\n";
  }
}

void write_history_jsonl(const History& h, std::ostream& out) {
  // Hand-formatted: a long run has a million operations, and this must stay fast.
  char buf[512];
  for (const auto& p : h.produces()) {
    json err = p.error;  // escapes, if ever needed
    int n = std::snprintf(buf, sizeof buf,
                          "{\"op\":\"produce\",\"record\":\"%s\",\"producer\":%d,\"partition\":%s,\"invoked_ns\":%" PRId64
                          ",\"completed_ns\":%" PRId64 ",\"outcome\":\"%s\",\"offset\":%" PRId64
                          ",\"acked_by\":%d,\"leader_epoch\":%d,\"attempts\":%d,\"error\":%s}\n",
                          checkers::format_record_id(p.record_id).c_str(), p.producer, json(p.tp.str()).dump().c_str(),
                          p.invoked.ns(), p.completed.ns(), checkers::to_string(p.outcome), p.offset.value(),
                          static_cast<int>(p.acked_by.value()), static_cast<int>(p.leader_epoch.value()), p.attempts,
                          err.dump().c_str());
    if (n > 0) out.write(buf, std::min<int>(n, static_cast<int>(sizeof buf) - 1));
  }
  for (const auto& c : h.consumes()) {
    int n = std::snprintf(buf, sizeof buf,
                          "{\"op\":\"consume\",\"record\":\"%s\",\"consumer\":%d,\"partition\":%s,\"offset\":%" PRId64
                          ",\"at_ns\":%" PRId64 ",\"from\":%d,\"position_reset\":%s}\n",
                          checkers::format_record_id(c.record_id).c_str(), c.consumer, json(c.tp.str()).dump().c_str(),
                          c.offset.value(), c.at.ns(), static_cast<int>(c.from.value()), c.position_reset ? "true" : "false");
    if (n > 0) out.write(buf, std::min<int>(n, static_cast<int>(sizeof buf) - 1));
  }
}

void write_final_log_jsonl(const History& h, std::ostream& out) {
  for (const auto& r : h.replicas()) {
    json isr = json::array();
    for (checkers::BrokerId b : r.isr) isr.push_back(b.value());
    out << json{{"type", "replica"}, {"partition", r.tp.str()}, {"broker", r.broker.value()}, {"leader", r.leader},
                {"leader_epoch", r.leader_epoch.value()}, {"log_start_offset", r.log_start_offset.value()},
                {"log_end_offset", r.log_end_offset.value()}, {"high_watermark", r.high_watermark.value()},
                {"isr", isr}, {"records", r.records.size()}}.dump()
        << "\n";
  }
  for (const auto& c : h.log_cuts())
    out << json{{"type", "log_cut"}, {"kind", c.retention ? "retention" : "truncation"}, {"at_ns", c.at.ns()},
                {"partition", c.tp.str()}, {"broker", c.broker.value()}, {"from", c.from.value()}, {"to", c.to.value()}}.dump()
        << "\n";
  // Hand-formatted like history.jsonl: one line per record of every partition's final read.
  char buf[256];
  for (const auto& fr : h.final_reads()) {
    std::string tp = json(fr.tp.str()).dump();
    out << json{{"type", "final_read"}, {"partition", fr.tp.str()}, {"complete", fr.complete},
                {"start_offset", fr.start_offset.value()}, {"high_watermark", fr.high_watermark.value()},
                {"records", fr.records.size()}}.dump()
        << "\n";
    for (size_t i = 0; i < fr.records.size(); ++i) {
      checkers::FinalRecordMeta meta = i < fr.meta.size() ? fr.meta[i] : checkers::FinalRecordMeta{};
      int n = std::snprintf(buf, sizeof buf,
                            "{\"type\":\"record\",\"partition\":%s,\"offset\":%" PRId64 ",\"record\":\"%s\",\"producer_id\":%" PRId64
                            ",\"sequence\":%d,\"leader_epoch\":%d}\n",
                            tp.c_str(), fr.records[i].first.value(), checkers::format_record_id(fr.records[i].second).c_str(),
                            meta.producer_id.value(), meta.sequence, static_cast<int>(meta.leader_epoch.value()));
      if (n > 0) out.write(buf, std::min<int>(n, static_cast<int>(sizeof buf) - 1));
    }
  }
}

void write_attempts_jsonl(const History& h, std::ostream& out) {
  const auto& ops = h.produces();
  for (const auto& a : h.produce_attempts()) {
    json records = json::array();
    for (size_t op : a.ops)
      if (op < ops.size()) records.push_back(checkers::format_record_id(ops[op].record_id));
    out << json{{"producer", a.producer}, {"partition", a.tp.str()}, {"attempt", a.attempt}, {"sent_ns", a.sent.ns()},
                {"answered_ns", a.answered.ns()}, {"broker", a.broker.value()}, {"result", a.result},
                {"producer_id", a.producer_id.value()}, {"producer_epoch", a.producer_epoch},
                {"base_sequence", a.base_sequence}, {"records", records}}.dump()
        << "\n";
  }
}

void write_timeline_jsonl(const RunMetrics& m, std::ostream& out) {
  for (const auto& f : m.faults)
    out << json{{"type", "fault_period"}, {"start_s", seconds(f.start_ns)}, {"end_s", seconds(f.end_ns)},
                {"kind", f.kind}, {"target", f.target}, {"what", f.what}}.dump()
        << "\n";
  for (const auto& l : m.leaders)
    out << json{{"type", "leader_span"}, {"partition", l.partition}, {"broker", l.broker}, {"epoch", l.epoch},
                {"start_s", seconds(l.start_ns)}, {"end_s", seconds(l.end_ns)}, {"unclean", l.unclean}}.dump()
        << "\n";
  for (const auto& r : m.timeline)
    out << json{{"type", "event"}, {"t_s", seconds(r.at_ns)}, {"category", r.category}, {"kind", r.kind},
                {"partition", r.partition}, {"broker", r.broker}, {"detail", r.detail}}.dump()
        << "\n";
}

}  // namespace reports
