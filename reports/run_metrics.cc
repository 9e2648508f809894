#include "reports/run_metrics.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace reports {

using checkers::History;
using checkers::OpOutcome;

LatencyStats LatencyStats::of(const LogLinearHistogram& h) {
  LatencyStats s;
  s.count = h.count();
  s.mean_ns = h.mean();
  s.min_ns = h.min();
  s.max_ns = h.max();
  for (size_t i = 0; i < std::size(kPercentiles); ++i) s.pct_ns[i] = h.percentile(kPercentiles[i]);
  return s;
}

double RunMetrics::workload_seconds() const {
  if (warmup_ns > 0) return static_cast<double>(std::max<int64_t>(measure_to_ns - measure_from_ns, 1)) / 1e9;
  int64_t span = std::max<int64_t>(workload_end_ns - start_ns, 1);
  return static_cast<double>(span) / 1e9;
}

int64_t pick_window_ns(int64_t span_ns) {
  static constexpr int64_t kMs = 1'000'000;
  static constexpr int64_t kChoices[] = {100 * kMs, 200 * kMs, 250 * kMs, 500 * kMs, 1000 * kMs, 2000 * kMs,
                                         5000 * kMs, 10'000 * kMs, 30'000 * kMs, 60'000 * kMs, 300'000 * kMs};
  for (int64_t w : kChoices)
    if (span_ns / w < static_cast<int64_t>(kWindowsMax)) return w;
  return std::max<int64_t>(span_ns / static_cast<int64_t>(kWindowsMax - 1), 1);
}

std::string format_ms(int64_t ns) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ns) / 1e6);
  return buf;
}

namespace {

constexpr int kProbeProducer = checkers::kLivenessProbeProducer;

int producer_of(uint64_t record_id) { return static_cast<int>(record_id >> 40); }

std::string category_of(const std::string& kind) {
  if (kind == "fault") return "fault";
  if (kind.rfind("leader", 0) == 0 || kind == "follower" || kind == "unclean-election" || kind == "fenced") return "leader";
  if (kind.rfind("isr", 0) == 0) return "isr";
  if (kind == "truncate") return "truncate";
  if (kind.rfind("controller", 0) == 0) return "controller";
  if (kind.find("group") != std::string::npos || kind.find("rebalance") != std::string::npos ||
      kind.find("assign") != std::string::npos)
    return "group";
  if (kind.rfind("consumer", 0) == 0) return "consumer";
  return "other";
}

// "broker-3" (a node name) -> 3; -1 if not a broker.
int broker_of_node(const std::string& name) {
  int n = -1;
  if (std::sscanf(name.c_str(), "broker-%d", &n) == 1) return n;
  return -1;
}

// Pairs fault starts with their "end of ..." notes; unpaired ones last until the final heal.
std::vector<FaultPeriod> fault_periods(const History& h, int64_t end_ns) {
  std::vector<FaultPeriod> out;
  int64_t final_heal = end_ns;
  for (const auto& e : h.timeline_events())
    if (e.kind == "fault" && e.detail.rfind("end of workload", 0) == 0) final_heal = e.at.ns();
  for (const auto& e : h.timeline_events()) {
    if (e.kind != "fault") continue;
    const std::string& d = e.detail;
    if (d.rfind("end of workload", 0) == 0) continue;
    if (d.rfind("end of ", 0) == 0) {
      std::string what = d.substr(7);
      for (auto& f : out)
        if (!f.ended && f.what.rfind(what, 0) == 0) {
          f.end_ns = e.at.ns();
          f.ended = true;
          break;
        }
      continue;
    }
    FaultPeriod f;
    f.start_ns = e.at.ns();
    f.end_ns = f.start_ns;
    f.what = d;
    size_t sp = d.find(' ');
    f.kind = d.substr(0, sp);
    f.target = sp == std::string::npos ? "" : d.substr(sp + 1);
    // Instant faults (restart, start, resume, heal) have no period.
    f.ended = f.kind == "restart" || f.kind == "start" || f.kind == "resume" || f.kind == "heal";
    out.push_back(std::move(f));
  }
  for (auto& f : out)
    if (!f.ended) f.end_ns = std::max(final_heal, f.start_ns);
  return out;
}

std::vector<LeaderSpan> leader_spans(const History& h, const std::vector<FaultPeriod>& faults, int64_t end_ns) {
  // Crash-like faults end every span of the broker they hit.
  std::vector<std::pair<int64_t, int>> crashes;
  for (const auto& f : faults)
    if (f.kind == "crash" || f.kind == "shutdown" || f.kind == "kill-all") {
      size_t pos = 0;
      std::string t = f.target;
      while (pos <= t.size()) {
        size_t comma = t.find(',', pos);
        std::string name = t.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        if (int b = broker_of_node(name); b >= 0) crashes.emplace_back(f.start_ns, b);
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
    }
  std::vector<LeaderSpan> out;
  std::map<std::pair<std::string, int>, size_t> open;  // (partition, broker) -> span index
  auto close_span = [&](const std::pair<std::string, int>& key, int64_t at) {
    auto it = open.find(key);
    if (it == open.end()) return;
    out[it->second].end_ns = at;
    open.erase(it);
  };
  size_t ci = 0;
  for (const auto& e : h.timeline_events()) {
    while (ci < crashes.size() && crashes[ci].first <= e.at.ns()) {
      for (auto it = open.begin(); it != open.end();) {
        if (it->first.second == crashes[ci].second) {
          out[it->second].end_ns = crashes[ci].first;
          it = open.erase(it);
        } else {
          ++it;
        }
      }
      ++ci;
    }
    if (e.tp.topic.empty() || e.broker == broker_model::kNoBroker) continue;
    bool leader = e.kind.rfind("leader", 0) == 0;
    if (!leader && e.kind != "follower") continue;
    auto key = std::make_pair(e.tp.str(), static_cast<int>(e.broker.value()));
    close_span(key, e.at.ns());
    if (!leader) continue;
    LeaderSpan s;
    s.partition = key.first;
    s.broker = key.second;
    long long epoch = -1;
    if (std::sscanf(e.detail.c_str(), "epoch %lld", &epoch) == 1) s.epoch = epoch;
    s.start_ns = s.end_ns = e.at.ns();
    s.unclean = e.kind.find("unclean") != std::string::npos;
    open[key] = out.size();
    out.push_back(std::move(s));
  }
  for (auto& [key, idx] : open) out[idx].end_ns = end_ns;
  return out;
}

// Every k-th point so at most kLatencyPointsMax remain; deterministic.
std::vector<LatencyPoint> thin(std::vector<LatencyPoint> pts) {
  std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) {
    return a.at_ns != b.at_ns ? a.at_ns < b.at_ns : a.latency_ns < b.latency_ns;
  });
  if (pts.size() <= kLatencyPointsMax) return pts;
  size_t stride = (pts.size() + kLatencyPointsMax - 1) / kLatencyPointsMax;
  std::vector<LatencyPoint> out;
  out.reserve(kLatencyPointsMax);
  for (size_t i = 0; i < pts.size(); i += stride) out.push_back(pts[i]);
  return out;
}

void compute_lag(const History& h, RunMetrics& m) {
  // Partition index, acknowledged ends over time, consumer positions over time.
  std::map<std::string, size_t> tp_index;
  auto index_of = [&](const broker_model::TopicPartition& tp) {
    auto [it, inserted] = tp_index.try_emplace(tp.str(), tp_index.size());
    return it->second;
  };
  struct Ack { int64_t at; size_t tp; int64_t end; };
  std::vector<Ack> acks;
  for (const auto& p : h.produces())
    if (p.outcome == OpOutcome::kOk && p.producer != kProbeProducer)
      acks.push_back(Ack{p.completed.ns(), index_of(p.tp), p.offset.value() + 1});
  std::sort(acks.begin(), acks.end(), [](const Ack& a, const Ack& b) { return a.at < b.at; });
  std::map<int, std::vector<size_t>> assigned;  // consumer -> partitions it ever read
  for (const auto& c : h.consumes()) {
    auto& v = assigned[c.consumer];
    size_t i = index_of(c.tp);
    if (std::find(v.begin(), v.end(), i) == v.end()) v.push_back(i);
  }
  if (assigned.empty()) return;
  std::vector<int64_t> acked_end(tp_index.size(), 0);
  std::map<int, std::vector<int64_t>> next;  // consumer -> next offset per partition
  for (const auto& [c, v] : assigned) next[c].assign(tp_index.size(), 0);
  size_t ai = 0, ci = 0;
  const auto& consumes = h.consumes();
  for (auto& w : m.windows) {
    while (ai < acks.size() && acks[ai].at < w.end_ns) {
      acked_end[acks[ai].tp] = std::max(acked_end[acks[ai].tp], acks[ai].end);
      ++ai;
    }
    while (ci < consumes.size() && consumes[ci].at.ns() < w.end_ns) {
      const auto& c = consumes[ci];
      next[c.consumer][index_of(c.tp)] = c.offset.value() + 1;
      ++ci;
    }
    for (const auto& [c, parts] : assigned) {
      int64_t lag = 0;
      for (size_t i : parts) lag += std::max<int64_t>(0, acked_end[i] - next[c][i]);
      w.lag["consumer " + std::to_string(c)] = lag;
    }
  }
}

std::string partitions_str(const std::vector<broker_model::TopicPartition>& tps) {
  std::string s;
  for (const auto& tp : tps) s += (s.empty() ? "" : ",") + tp.str();
  return "[" + s + "]";
}

// Consumer groups: ownership spans, lag samples (also into each window as "group G"), and
// generations and group events into the timeline.
void compute_groups(const scenarios::ScenarioResult& result, RunMetrics& m) {
  const auto& g = result.history.groups();
  for (const auto& o : result.rebalance_timeline)
    m.ownership.push_back(OwnershipSpan{o.group, o.consumer, o.generation, o.tp.str(), o.from.ns(), o.to.ns(), o.end_reason});
  for (const auto& s : g.lag) m.group_lag.push_back(GroupLagPoint{s.at.ns(), s.group, s.total_lag});
  std::stable_sort(m.group_lag.begin(), m.group_lag.end(), [](const auto& a, const auto& b) { return a.at_ns < b.at_ns; });
  size_t i = 0;
  std::map<std::string, int64_t> last;
  for (auto& w : m.windows) {
    while (i < m.group_lag.size() && m.group_lag[i].at_ns < w.end_ns) {
      last[m.group_lag[i].group] = m.group_lag[i].lag;
      ++i;
    }
    for (const auto& [group, lag] : last) w.lag["group " + group] = lag;
  }
  for (const auto& gen : g.generations) {
    std::string detail = "group " + gen.group + " generation " + std::to_string(gen.generation) + " stable (" + gen.protocol +
                         ", leader " + gen.leader + "):";
    for (const auto& [member, tps] : gen.assignment) detail += " " + member + " " + partitions_str(tps);
    m.timeline.push_back(TimelineRow{gen.at.ns(), "group", "group-generation", "",
                                     gen.coordinator == broker_model::kNoBroker ? -1 : static_cast<int>(gen.coordinator.value()),
                                     detail});
  }
  for (const auto& e : g.events)
    m.timeline.push_back(TimelineRow{e.at.ns(), "group", "group-" + e.kind, "",
                                     e.broker == broker_model::kNoBroker ? -1 : static_cast<int>(e.broker.value()),
                                     "group " + e.group + (e.generation >= 0 ? " generation " + std::to_string(e.generation) : "") +
                                         (e.consumer >= 0 ? " consumer " + std::to_string(e.consumer) : "") +
                                         (e.detail.empty() ? "" : ": " + e.detail)});
}

}  // namespace

RunMetrics compute_metrics(const scenarios::ScenarioResult& result, const scenarios::ScenarioSpec& spec) {
  const History& h = result.history;
  RunMetrics m;
  std::vector<int64_t> message_bytes;  // by producer index
  for (const auto& p : spec.producers)
    for (int k = 0; k < p.count; ++k) message_bytes.push_back(p.message_bytes);
  if (spec.kinesis)  // numbered after the Kafka producers (scenarios/kinesis_workload.h)
    for (const auto& p : spec.kinesis->producers)
      for (int k = 0; k < p.count; ++k) message_bytes.push_back(p.record_bytes);
  auto bytes_of = [&](uint64_t id) {
    auto p = static_cast<size_t>(producer_of(id));
    return p < message_bytes.size() ? message_bytes[p] : int64_t{0};
  };

  int64_t start = INT64_MAX, last_send = 0;
  for (const auto& p : h.produces())
    if (p.producer != kProbeProducer) {
      start = std::min(start, p.invoked.ns());
      last_send = std::max(last_send, p.invoked.ns());
    }
  if (start == INT64_MAX) start = 0;
  m.start_ns = start;
  m.end_ns = std::max(result.end.ns(), start + 1);
  m.workload_end_ns = std::max(last_send, start + 1);
  m.warmup_ns = spec.warmup.ns();
  m.measure_from_ns = (result.workload_start + spec.warmup).ns();
  m.measure_to_ns = (result.workload_start + spec.duration).ns();
  auto measured = [&m](int64_t t) { return m.warmup_ns == 0 || (t >= m.measure_from_ns && t <= m.measure_to_ns); };
  m.window_ns = pick_window_ns(m.end_ns - m.start_ns);
  size_t n_windows = static_cast<size_t>((m.end_ns - m.start_ns + m.window_ns - 1) / m.window_ns);
  m.windows.resize(std::max<size_t>(n_windows, 1));
  for (size_t i = 0; i < m.windows.size(); ++i) {
    m.windows[i].start_ns = m.start_ns + static_cast<int64_t>(i) * m.window_ns;
    m.windows[i].end_ns = m.windows[i].start_ns + m.window_ns;
  }
  auto window_of = [&](int64_t t) -> Window& {
    int64_t i = std::clamp<int64_t>((t - m.start_ns) / m.window_ns, 0, static_cast<int64_t>(m.windows.size()) - 1);
    return m.windows[static_cast<size_t>(i)];
  };
  std::vector<LogLinearHistogram> win_produce(m.windows.size()), win_e2e(m.windows.size());
  auto win_index = [&](int64_t t) { return static_cast<size_t>(&window_of(t) - m.windows.data()); };

  std::vector<std::pair<uint64_t, int64_t>> sent_at;  // record id -> first send
  sent_at.reserve(h.produces().size());
  std::vector<LatencyPoint> produce_pts, e2e_pts;
  for (const auto& p : h.produces()) {
    if (p.producer == kProbeProducer) continue;
    sent_at.emplace_back(p.record_id, p.invoked.ns());
    if (p.outcome == OpOutcome::kPending) continue;
    int64_t done = p.completed.ns();
    Window& w = window_of(done);
    ++w.completed;
    ++m.completed;
    if (p.outcome == OpOutcome::kOk) {
      int64_t lat = done - p.invoked.ns();
      ++w.produced;
      w.produced_bytes += bytes_of(p.record_id);
      win_produce[win_index(done)].record(lat);
      if (measured(done)) {
        ++m.produced;
        m.produced_bytes += bytes_of(p.record_id);
        m.produce_hist.record(lat);
      }
      produce_pts.push_back(LatencyPoint{done, lat});
      continue;
    }
    std::string kind = p.outcome == OpOutcome::kUnknown ? "unknown" : (*p.error == '\0' ? "failed" : p.error);
    if (p.outcome == OpOutcome::kUnknown) ++w.unknown, ++m.unknown;
    else ++w.failed, ++m.failed;
    ++w.errors[kind];
    ++m.errors[kind];
  }
  std::sort(sent_at.begin(), sent_at.end());
  // A read by a standalone consumer, or a record a group member processed.
  auto consumed = [&](uint64_t record_id, sim::Instant at) {
    if (producer_of(record_id) == kProbeProducer) return;
    Window& w = window_of(at.ns());
    ++w.consumed;
    w.consumed_bytes += bytes_of(record_id);
    const bool counts = measured(at.ns());
    if (counts) {
      ++m.consumed;
      m.consumed_bytes += bytes_of(record_id);
    }
    auto it = std::lower_bound(sent_at.begin(), sent_at.end(), std::make_pair(record_id, INT64_MIN));
    if (it == sent_at.end() || it->first != record_id) return;
    int64_t lat = at.ns() - it->second;
    win_e2e[win_index(at.ns())].record(lat);
    if (counts) m.end_to_end_hist.record(lat);
    e2e_pts.push_back(LatencyPoint{at.ns(), lat});
  };
  for (const auto& c : h.consumes()) consumed(c.record_id, c.at);
  for (const auto& p : h.groups().processed) consumed(p.record_id, p.at);
  for (size_t i = 0; i < m.windows.size(); ++i) {
    Window& w = m.windows[i];
    w.produce = LatencyStats::of(win_produce[i]);
    w.end_to_end = LatencyStats::of(win_e2e[i]);
  }
  m.produce_points = thin(std::move(produce_pts));
  m.end_to_end_points = thin(std::move(e2e_pts));
  compute_lag(h, m);

  compute_groups(result, m);
  m.faults = fault_periods(h, m.end_ns);
  m.leaders = leader_spans(h, m.faults, m.end_ns);
  for (const auto& e : h.timeline_events()) {
    TimelineRow r;
    r.at_ns = e.at.ns();
    r.kind = e.kind;
    r.category = category_of(e.kind);
    r.partition = e.tp.topic.empty() ? "" : e.tp.str();
    r.broker = e.broker == broker_model::kNoBroker ? -1 : static_cast<int>(e.broker.value());
    r.detail = e.detail;
    m.timeline.push_back(std::move(r));
  }
  std::stable_sort(m.timeline.begin(), m.timeline.end(), [](const auto& a, const auto& b) { return a.at_ns < b.at_ns; });
  return m;
}

}  // namespace reports
