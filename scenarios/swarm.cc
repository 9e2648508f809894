#include "scenarios/swarm.h"

#include <algorithm>
#include <iterator>
#include <optional>

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

std::vector<std::string> draw_nemesis_chain(ScenarioSpec& spec, sim::Prng prng) {
  std::vector<std::string> lines;
  if (!spec.nemesis) return lines;
  NemesisSpec& n = *spec.nemesis;
  n.drawn_chain = NemesisSpec::Chain{};
  if (!n.chain && !n.chain_drawn) return lines;
  NemesisSpec::Chain& c = n.drawn_chain;
  c.on = n.chain || prng.chance(0.5);
  if (!c.on) {
    lines.push_back("nemesis: chain off (drawn)");
    return lines;
  }
  using L = NemesisSpec::Chain::Link;
  const L all[] = {L::kNewLeader, L::kDeposedLeader, L::kIsrJoiner, L::kExpandingLeader, L::kTruncatedFollower,
                   L::kNewQuorumLeader, L::kNewLeadersFollower, L::kShrinkingLeader};
  std::vector<faults::FaultKind> kinds;
  for (faults::FaultKind k : n.options.kinds)
    if (chain_can_inject(k)) kinds.push_back(k);
  const bool swarm = n.options.swarm;
  // At least one of `from` on: each with probability 1/2 under swarm, all otherwise.
  auto some = [&prng, swarm](const auto& from, auto& into) {
    std::vector<size_t> off;
    for (size_t i = 0; i < std::size(from); ++i) {
      if (!swarm || prng.chance(0.5)) {
        into.push_back(from[i]);
      } else {
        off.push_back(i);
      }
    }
    if (into.empty() && !off.empty()) into.push_back(from[off[prng.below(off.size())]]);
  };
  some(all, c.links);
  some(kinds, c.kinds);
  if (swarm) {
    static const double kProbability[] = {0.25, 0.5, 1.0};
    static const int64_t kDelayMs[] = {5, 50, 200, 1000};
    c.probability = kProbability[prng.below(3)];
    c.delay_max = sim::milliseconds(kDelayMs[prng.below(4)]);
    c.faults_max = static_cast<int>(prng.int_in_range(2, 13));
  }
  // How long a chained fault lasts: the nemesis's range, or (swarm, half the seeds) 2..6 s, past
  // replica.lag.time.max.ms and a quick broker session, so that it also moves ISRs and leaders.
  c.lasts_min = n.options.lasts_min;
  c.lasts_max = n.options.lasts_max;
  if (swarm && prng.chance(0.5)) {
    c.lasts_min = sim::seconds(2);
    c.lasts_max = sim::seconds(6);
  }
  // The partitions the aims drew ("leader of orders/2"), if any; otherwise every partition.
  for (const std::string& aim : n.drawn_aims) {
    size_t of = aim.rfind(" of ");
    size_t slash = aim.rfind('/');
    if (of == std::string::npos || slash == std::string::npos || slash < of) continue;
    std::string topic = aim.substr(of + 4, slash - (of + 4));
    std::optional<int64_t> p = broker_model::parse_int(aim.substr(slash + 1));
    if (!p) continue;
    std::pair<std::string, int32_t> tp{topic, static_cast<int32_t>(*p)};
    if (std::find(c.partitions.begin(), c.partitions.end(), tp) == c.partitions.end()) c.partitions.push_back(tp);
  }
  std::string follows, injects, where;
  for (L l : c.links) follows += (follows.empty() ? "" : ", ") + std::string(to_string(l));
  for (faults::FaultKind k : c.kinds) injects += (injects.empty() ? "" : ", ") + std::string(faults::to_string(k));
  for (const auto& [t, p] : c.partitions) where += (where.empty() ? "" : ", ") + t + "/" + std::to_string(p);
  lines.push_back("nemesis: chain on: after each " + follows + " (probability " + std::to_string(c.probability).substr(0, 4) +
                  "), " + injects + " on it within " + sim::format_duration(c.delay_max) + ", lasting " +
                  sim::format_duration(c.lasts_min) + " to " + sim::format_duration(c.lasts_max) + ", at most " +
                  std::to_string(c.faults_max) + " chained faults; partitions: " + (where.empty() ? "all" : where));
  return lines;
}

}  // namespace scenarios
