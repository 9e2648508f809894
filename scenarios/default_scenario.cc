#include <cinttypes>
#include <cstdio>
#include <sstream>

#include "scenarios/kafka_scenario.h"

namespace scenarios {

ScenarioSpec default_scenario() {
  ScenarioSpec s;
  s.file = "(built-in)";
  s.name = "default";
  s.description =
      "3 brokers, 3 controllers, topic 'events' with 12 partitions (RF 3, min.insync.replicas 2), "
      "2 producers at 5,000 messages/s each of 1 KiB with acks=all, 2 consumers; a leader is crashed and "
      "restarted, another isolated and healed. Expected: no lost writes, no divergence, no order violations.";
  s.cluster.brokers = 3;
  s.cluster.controllers = 3;
  s.cluster.network.latency = LatencySpec{LatencySpec::Kind::kUniform, sim::microseconds(100), sim::microseconds(500)};
  s.cluster.broker_configs = {{"replica.lag.time.max.ms", "10000"},
                              {"replica.socket.timeout.ms", "5000"},
                              {"broker.session.timeout.ms", "6000"},
                              {"broker.heartbeat.interval.ms", "1000"}};
  s.topics.push_back(TopicSpec{"events", 12, 3, {{"min.insync.replicas", "2"}}});
  ProducerSpec p;
  p.topic = "events";
  p.count = 2;
  p.messages_per_s = 5'000;
  p.message_bytes = 1024;
  p.keys = KeySpec{KeySpec::Kind::kUniform, 1'000, 1.0};
  p.configs = {{"acks", "all"}, {"linger.ms", "5"}, {"request.timeout.ms", "5000"}, {"delivery.timeout.ms", "60000"}};
  s.producers.push_back(p);
  s.consumers.push_back(ConsumerSpec{"events", 2, {{"request.timeout.ms", "5000"}}});
  auto fault = [](FaultSpec::Kind k, int64_t at_s, std::optional<int64_t> for_s, std::string target) {
    FaultSpec f;
    f.kind = k;
    f.at = sim::seconds(at_s);
    if (for_s) f.duration = sim::seconds(*for_s);
    f.targets = {std::move(target)};
    return f;
  };
  s.faults.push_back(fault(FaultSpec::Kind::kCrash, 15, 10, "leader of events/0"));
  s.faults.push_back(fault(FaultSpec::Kind::kIsolate, 35, 8, "leader of events/5"));
  s.duration = sim::seconds(60);
  s.heal_for = sim::seconds(10);
  s.liveness_bound = sim::seconds(30);
  return s;
}

std::string format_summary(const ScenarioResult& r) {
  std::ostringstream o;
  char fp[24];
  std::snprintf(fp, sizeof fp, "%016" PRIx64, r.fingerprint);
  o << "scenario " << r.scenario << " seed=" << r.seed << " status=" << sim::to_string(r.outcome.status)
    << " simulated=" << sim::format_instant(r.end) << " events=" << r.events << " engine=" << sim::to_string(r.engine)
    << "\n";
  if (!r.variants.empty()) {
    o << "  protocol variants (historical bugs brought back, docs/bug-zoo.md):";
    for (const auto& v : r.variants) o << " " << v;
    o << "\n";
  }
  if (!r.outcome.ok() || !r.cluster_ready) o << "  run: " << r.outcome.message << "\n";
  o << "  produced: " << r.counts.attempted << " attempted, " << r.counts.acknowledged << " acknowledged, "
    << r.counts.failed << " failed, " << r.counts.unknown << " unknown; consumed " << r.counts.consumed << "\n";
  char buf[256];
  std::snprintf(buf, sizeof buf, "  throughput: produce %.0f records/s, consume %.0f records/s%s\n", r.produce_records_per_s,
                r.consume_records_per_s,
                r.warmup > sim::Duration::zero() ? (" (after a warm-up of " + sim::format_duration(r.warmup) + ")").c_str() : "");
  o << buf;
  if (!r.rate_search.empty()) {
    std::snprintf(buf, sizeof buf, "  max-rate search (OMB): %zu control periods, last rate %.0f messages/s at t=%.0fs\n",
                  r.rate_search.size(), r.rate_search.back().second, r.rate_search.back().first);
    o << buf;
  }
  auto ms = [](sim::Duration d) { return static_cast<double>(d.ns()) / 1e6; };
  std::snprintf(buf, sizeof buf, "  produce latency (acknowledged): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                ms(r.produce_latency.p50), ms(r.produce_latency.p99), ms(r.produce_latency.max));
  o << buf;
  if (r.pipeline_latency.count > 0) {
    std::snprintf(buf, sizeof buf, "  pipeline latency (device -> document, %lld readings): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                  static_cast<long long>(r.pipeline_latency.count), ms(r.pipeline_latency.p50), ms(r.pipeline_latency.p99),
                  ms(r.pipeline_latency.max));
    o << buf;
  }
  const checkers::FetchSessionStats& fs = r.history.fetch_sessions();
  if (fs.created + fs.not_created > 0)
    o << "  fetch sessions (KIP-227): " << fs.created << " created, " << fs.evicted << " evicted, " << fs.not_created
      << " full fetches found no room; " << fs.incremental << " incremental fetches left out " << fs.partitions_omitted
      << " partitions with nothing new; FETCH_SESSION_ID_NOT_FOUND " << fs.id_not_found
      << ", INVALID_FETCH_SESSION_EPOCH " << fs.invalid_epoch << "\n";
  if (r.history.acl().enabled)
    o << "  security: " << r.acl_accesses << " accepted client accesses judged; ACL propagation max " << r.acl_propagation_max_ms
      << " ms over " << r.acl_propagation_samples << " (record, broker) pairs, bound "
      << sim::format_duration(r.history.acl().propagation_bound)
      << (r.acl_propagation_story.empty() ? "" : " (" + r.acl_propagation_story + ")") << "\n";
  for (const auto& n : r.config_notes) o << "  note: " << n << "\n";
  for (const auto& d : r.drawn) o << "  drawn: " << d << "\n";
  for (const auto& f : r.faults_fired) o << "  fault: " << f << "\n";
  for (const auto& l : r.leader_outages) {
    std::snprintf(buf, sizeof buf, "%.3f", l.at_s);
    o << "  leaders: " << l.fault << " at " << buf << "s left " << l.partitions << " partitions leaderless; ";
    if (l.all_led_again_ms >= 0)
      o << "every one led again after " << l.all_led_again_ms << " ms\n";
    else
      o << l.still_leaderless << " still leaderless at the end\n";
  }
  for (const auto& c : r.checks) {
    o << "  check " << c.check << ": " << c.count << (c.note.empty() ? "" : " (" + c.note + ")") << "\n";
    for (const auto& v : c.examples) {
      o << "    " << v.summary << "\n";
      for (const auto& line : v.story) o << "      " << line << "\n";
    }
  }
  if (!r.groups_note.empty()) o << "  groups: " << r.groups_note << "\n";
  o << "  liveness: " << (r.liveness ? "ok" : "FAILED") << " (" << r.liveness_note << ")\n";
  for (const auto& e : r.expectations)
    o << "  expect " << e.check << " " << e.expected << ": " << e.actual << (e.held ? " ok" : e.progress ? " NOT REACHED (inconclusive)" : " VIOLATED") << "\n";
  o << "  fingerprint=" << fp << "\n";
  return o.str();
}

}  // namespace scenarios
