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
  return drawn;
}

}  // namespace scenarios
