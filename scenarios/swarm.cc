#include "scenarios/swarm.h"

#include "broker_model/clients/client_config.h"

namespace scenarios {
namespace {

template <size_t N>
const char* pick(sim::Prng& prng, const char* const (&options)[N]) {
  return options[prng.below(N)];
}

int64_t int_or(const KafkaConfigs& c, const std::string& key, int64_t fallback) {
  auto it = c.find(key);
  if (it == c.end()) return fallback;
  return broker_model::parse_int(it->second).value_or(fallback);
}

}  // namespace

std::vector<std::string> draw_swarm_knobs(ScenarioSpec& spec, sim::Prng prng) {
  std::vector<std::string> drawn;
  auto set = [&](KafkaConfigs& configs, const std::string& where, const std::string& key, const std::string& value) {
    configs[key] = value;
    drawn.push_back("swarm: " + where + " " + key + "=" + value);
  };
  KafkaConfigs& broker = spec.cluster.broker_configs;
  if (broker.count("replica.lag.time.max.ms") == 0) {
    static const char* const kLag[] = {"5000", "10000", "30000"};
    set(broker, "cluster.broker_configs", "replica.lag.time.max.ms", pick(prng, kLag));
  }
  if (broker.count("replica.fetch.wait.max.ms") == 0) {
    static const char* const kWait[] = {"10", "100", "500"};
    set(broker, "cluster.broker_configs", "replica.fetch.wait.max.ms", pick(prng, kWait));
  }
  for (size_t i = 0; i < spec.producers.size(); ++i) {
    KafkaConfigs& c = spec.producers[i].configs;
    const std::string where = "producers[" + std::to_string(i) + "]";
    if (c.count("linger.ms") == 0) {
      // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
      int64_t room = int_or(c, "delivery.timeout.ms", 120'000) - int_or(c, "request.timeout.ms", 30'000);
      static const char* const kLinger[] = {"0", "1", "5", "20", "100"};
      const char* v = pick(prng, kLinger);
      if (std::stoll(v) <= room) set(c, where, "linger.ms", v);
    }
    if (c.count("batch.size") == 0) {
      static const char* const kBatch[] = {"1024", "16384", "131072"};
      set(c, where, "batch.size", pick(prng, kBatch));
    }
  }
  for (size_t i = 0; i < spec.consumers.size(); ++i) {
    KafkaConfigs& c = spec.consumers[i].configs;
    if (c.count("fetch.max.wait.ms") == 0) {
      static const char* const kWait[] = {"10", "100", "500"};
      set(c, "consumers[" + std::to_string(i) + "]", "fetch.max.wait.ms", pick(prng, kWait));
    }
  }
  if (!spec.cluster.network_latency_set) {
    static const char* const kLatency[] = {"constant 100us", "uniform 100us 2ms", "exponential 1ms"};
    const char* v = pick(prng, kLatency);
    LatencySpec& l = spec.cluster.network.latency;
    switch (v[0]) {
      case 'c': l = {LatencySpec::Kind::kConstant, sim::microseconds(100), sim::microseconds(100)}; break;
      case 'u': l = {LatencySpec::Kind::kUniform, sim::microseconds(100), sim::milliseconds(2)}; break;
      default: l = {LatencySpec::Kind::kExponential, sim::milliseconds(1), sim::milliseconds(1)}; break;
    }
    drawn.push_back(std::string("swarm: cluster.network.latency=") + v);
  }
  // Failure detection: Kafka's 9 s broker session, or a quick 3 s one (heartbeats every 500 ms)
  // under which the nemesis's pauses and cuts of a few seconds depose leaders, so that a
  // deposed leader's late AlterPartition and fetches meet the controller's and the new leader's
  // fencing. Drawn last, so that the draws above are the same as before it was added.
  if (broker.count("broker.session.timeout.ms") == 0 && broker.count("broker.heartbeat.interval.ms") == 0 &&
      prng.chance(0.5)) {
    set(broker, "cluster.broker_configs", "broker.session.timeout.ms", "3000");
    set(broker, "cluster.broker_configs", "broker.heartbeat.interval.ms", "500");
  }
  return drawn;
}

std::vector<std::string> draw_nemesis_aims(ScenarioSpec& spec, sim::Prng prng) {
  std::vector<std::string> lines;
  if (!spec.nemesis) return lines;
  NemesisSpec& n = *spec.nemesis;
  if (n.one_at_a_time_drawn) {
    n.one_at_a_time = prng.chance(0.5);
    lines.push_back(std::string("nemesis: ") + (n.one_at_a_time ? "one fault at a time (drawn)" : "faults overlap (drawn)"));
  }
  n.drawn_aims.clear();
  if (n.aims.empty()) return lines;
  std::vector<std::string> on, off;
  for (const std::string& aim : n.aims) {
    if (!n.options.swarm || prng.chance(0.5)) {
      on.push_back(aim);
    } else {
      off.push_back(aim);
    }
  }
  if (on.empty()) {
    size_t i = prng.below(off.size());
    on.push_back(off[i]);
    off.erase(off.begin() + static_cast<std::ptrdiff_t>(i));
  }
  // One partition per topic and seed behind "TOPIC/*", drawn in the order the topics are declared.
  std::vector<std::pair<std::string, int64_t>> chosen;
  for (const TopicSpec& t : spec.topics) chosen.emplace_back(t.name, static_cast<int64_t>(prng.below(static_cast<uint64_t>(t.partitions))));
  std::string said;
  for (const std::string& aim : on) {
    std::string resolved = aim == "anywhere" ? "" : aim;
    if (resolved.size() >= 2 && resolved.compare(resolved.size() - 2, 2, "/*") == 0) {
      size_t of = resolved.rfind(' ');
      std::string topic = resolved.substr(of + 1, resolved.size() - 2 - (of + 1));
      for (const auto& [name, partition] : chosen)
        if (name == topic) resolved = resolved.substr(0, resolved.size() - 1) + std::to_string(partition);
    }
    n.drawn_aims.push_back(resolved);
    said += (said.empty() ? "" : ", ") + (resolved.empty() ? std::string("anywhere") : resolved);
  }
  lines.push_back("nemesis: aims " + said);
  if (!off.empty()) {
    std::string o;
    for (const std::string& aim : off) o += (o.empty() ? "" : ", ") + aim;
    lines.push_back("nemesis: aims off: " + o);
  }
  return lines;
}

}  // namespace scenarios
