#include "scenarios/spec_builder.h"

#include "scenarios/security_spec.h"

#include "scenarios/platform_profiles.h"

#include <algorithm>
#include <limits>
#include <set>

#include "broker_model/errors.h"
#include "broker_model/kinesis/shard_map.h"
#include "faults/fault_catalogue.h"
#include "scenarios/kafka_configs.h"
#include "scenarios/value_syntax.h"

namespace scenarios {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
// Kafka's defaults, for relations between configs when only one side is set.
constexpr int64_t kKafkaRequestTimeoutMsDefault = 30'000;
constexpr int64_t kKafkaSessionTimeoutMsDefault = 45'000;
constexpr int64_t kKafkaReplicaLagTimeMaxMsDefault = 30'000;
constexpr int64_t kIdempotentInFlightMax = 5;
constexpr int64_t kGroupMinSessionTimeoutMsDefault = 6'000;
constexpr int64_t kGroupMaxSessionTimeoutMsDefault = 1'800'000;

std::string list_names(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out.empty() ? std::string("(none)") : out;
}

bool name_chars_ok(std::string_view name, bool upper_allowed) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
           (upper_allowed && c >= 'A' && c <= 'Z');
  });
}

// Runs one of value_syntax's parsers on a scalar, failing at the value with the parser's message.
template <typename T, typename Parser>
T read_parsed(const YamlValue& v, std::string_view path, std::string_view expected, Parser parse) {
  std::string text = read_text(v, path, expected);
  Parsed<T> p = parse(text);
  if (!p.value) fail_at(v.where, std::string(path) + ": " + p.error);
  return *p.value;
}

sim::Duration read_duration(const YamlValue& v, std::string_view path, sim::Duration min, sim::Duration max) {
  sim::Duration d = read_parsed<sim::Duration>(v, path, "a duration like 250ms or 2s", parse_duration);
  if (d < min || d > max) {
    fail_at(v.where, std::string(path) + ": expected a duration from " + sim::format_duration(min) + " to " +
                         sim::format_duration(max) + ", got " + sim::format_duration(d));
  }
  return d;
}

int64_t config_int_or(const KafkaConfigs& configs, const std::string& key, int64_t fallback) {
  auto it = configs.find(key);
  std::optional<int64_t> n = it == configs.end() ? std::nullopt : config_integer(it->second);
  return n.value_or(fallback);
}

bool config_is(const KafkaConfigs& configs, const std::string& key, std::string_view value) {
  auto it = configs.find(key);
  return it != configs.end() && it->second == value;
}

sim::LatencyModel to_latency_model(const LatencySpec& l) {
  using K = LatencySpec::Kind;
  switch (l.kind) {
    case K::kConstant: return sim::LatencyModel::constant(l.a);
    case K::kUniform: return sim::LatencyModel::uniform(l.a, l.b);
    case K::kNormal: return sim::LatencyModel::normal(l.a, l.b);
    case K::kExponential: return sim::LatencyModel::exponential(l.a);
  }
  return sim::LatencyModel{};
}

class SpecBuilder {
 public:
  explicit SpecBuilder(const YamlValue& root) : root_(root) {}

  ScenarioSpec build() {
    if (root_.is_null()) {
      fail_at(root_.where, "the scenario is empty; expected a map of scenario settings (name, cluster, topics, "
                           "producers, consumers, faults, duration, ...)");
    }
    require_map(root_, "", "a map of scenario settings (name, cluster, topics, ...)");
    check_keys(root_, "", {"name", "description", "include", "cluster", "topics", "producers", "consumers",
                           "faults", "nemesis", "duration", "warmup", "heal_for", "liveness_bound", "max_events",
                           "expect", "engine", "kinesis", "pipeline", "security",
                           "operations"});
    read_name();
    if (const YamlValue* v = root_.find("engine")) read_engine(*v);
    if (const YamlValue* v = root_.find("description")) spec_.description = read_text(*v, "description");
    read_phases();
    if (const YamlValue* v = root_.find("cluster")) read_cluster(*v);
    if (const YamlValue* v = root_.find("topics")) read_topics(*v);
    check_broker_configs();
    if (const YamlValue* v = root_.find("producers")) read_producers(*v);
    if (const YamlValue* v = root_.find("consumers")) read_consumers(*v);
    if (const YamlValue* v = root_.find("kinesis")) read_kinesis(*v);
    if (const YamlValue* v = root_.find("pipeline")) read_pipeline(*v);
    if (const YamlValue* v = root_.find("security")) spec_.security = read_security(*v, spec_.duration);
    if (const YamlValue* v = root_.find("faults")) read_faults(*v);
    if (const YamlValue* v = root_.find("nemesis")) read_nemesis(*v);
    if (const YamlValue* v = root_.find("operations")) read_operations(*v);
    if (const YamlValue* v = root_.find("expect")) read_expect(*v);
    return std::move(spec_);
  }

 private:
  void read_name() {
    const YamlValue& v = require_key(root_, "", "name");
    spec_.name = read_text(v, "name", "a name like acks-all-failover");
    if (!name_chars_ok(spec_.name, false) || static_cast<int64_t>(spec_.name.size()) > kNameLengthMax) {
      fail_at(v.where, "name: expected a name of 1 to " + std::to_string(kNameLengthMax) +
                           " characters from [a-z0-9._-], got " + v.describe());
    }
  }

  void read_engine(const YamlValue& v) {
    std::string name = read_text(v, "engine", "an engine name");
    auto kind = sim::engine_kind_from_name(name);
    if (!kind) fail_at(v.where, "engine: expected one of " + std::string(sim::engine_names()) + ", got " + v.describe());
    spec_.engine = *kind;
  }

  void read_phases() {
    if (const YamlValue* v = root_.find("duration")) {
      spec_.duration = read_duration(*v, "duration", sim::nanoseconds(1), kScenarioDurationMax);
    }
    if (const YamlValue* v = root_.find("heal_for")) {
      spec_.heal_for = read_duration(*v, "heal_for", sim::Duration::zero(), kScenarioDurationMax);
    }
    if (const YamlValue* v = root_.find("warmup")) {
      spec_.warmup = read_duration(*v, "warmup", sim::Duration::zero(), kScenarioDurationMax);
      if (spec_.warmup >= spec_.duration) {
        fail_at(v->where, "warmup: expected less than the duration (" + sim::format_duration(spec_.duration) +
                              "): statistics are taken after the warm-up, within the duration (a file that shortens an "
                              "included or OMB duration sets its own warmup); got " + v->describe());
      }
    }
    if (const YamlValue* v = root_.find("liveness_bound")) {
      spec_.liveness_bound = read_duration(*v, "liveness_bound", sim::nanoseconds(1), kScenarioDurationMax);
    }
    if (const YamlValue* v = root_.find("max_events")) {
      spec_.max_events = static_cast<uint64_t>(read_int(*v, "max_events", 1, kMaxEventsMax));
    }
  }

  // --- cluster

  void read_cpu(const YamlValue& v, CpuSpec& cpu) {
    require_map(v, "cluster.cpu", "a map of CPU settings (cores, speed_flops, request_flops, byte_flops)");
    check_keys(v, "cluster.cpu", {"cores", "speed_flops", "request_flops", "byte_flops"});
    constexpr double kFlopsMax = 1e15;
    constexpr int64_t kCoresMax = 1024;
    if (const YamlValue* x = v.find("cores")) cpu.cores = static_cast<int>(read_int(*x, "cluster.cpu.cores", 1, kCoresMax));
    if (const YamlValue* x = v.find("speed_flops")) cpu.speed_flops = read_number(*x, "cluster.cpu.speed_flops", 1e3, kFlopsMax);
    if (const YamlValue* x = v.find("request_flops")) cpu.request_flops = read_number(*x, "cluster.cpu.request_flops", 0, kFlopsMax);
    if (const YamlValue* x = v.find("byte_flops")) cpu.byte_flops = read_number(*x, "cluster.cpu.byte_flops", 0, 1e6);
  }

  void read_cluster(const YamlValue& v) {
    require_map(v, "cluster", "a map of cluster settings");
    check_keys(v, "cluster", {"brokers", "controllers", "racks", "controller_racks", "profile", "network", "disk", "cpu",
                              "clock", "nodes", "broker_configs", "variants"});
    ClusterSpec& c = spec_.cluster;
    // The profile first: the file's own network, disk and cpu keys override its figures.
    if (const YamlValue* p = v.find("profile")) {
      std::string name = read_text(*p, "cluster.profile", "a platform profile name");
      const PlatformProfile* profile = find_platform_profile(name);
      if (profile == nullptr) {
        fail_at(p->where, "cluster.profile: unknown platform profile '" + name + "'; known: " + platform_profile_names());
      }
      apply_platform_profile(*profile, c);
    }
    if (const YamlValue* b = v.find("brokers")) c.brokers = static_cast<int>(read_int(*b, "cluster.brokers", 1, kBrokersMax));
    if (const YamlValue* n = v.find("controllers")) {
      c.controllers = static_cast<int>(read_int(*n, "cluster.controllers", 1, 5));
      if (c.controllers % 2 == 0) {
        fail_at(n->where, "cluster.controllers: expected 1, 3 or 5 (a KRaft quorum of odd size), got " +
                              std::to_string(c.controllers));
      }
    }
    if (const YamlValue* r = v.find("racks")) read_racks(*r);
    if (const YamlValue* r = v.find("controller_racks")) read_controller_racks(*r);
    if (const YamlValue* n = v.find("network")) read_network(*n);
    if (const YamlValue* d = v.find("disk")) read_disk_into(*d, "cluster.disk", c.disk);
    if (const YamlValue* p = v.find("cpu")) read_cpu(*p, c.cpu);
    if (const YamlValue* k = v.find("clock")) read_clock_into(*k, "cluster.clock", c.clock);
    if (const YamlValue* n = v.find("nodes")) read_node_overrides(*n);
    if (const YamlValue* b = v.find("broker_configs")) {
      c.broker_configs = read_configs(*b, "cluster.broker_configs", ConfigScope::kBroker);
    }
    if (const YamlValue* x = v.find("variants")) read_variants(*x);
  }

  // cluster.variants: [name, ...] — the bug zoo (broker_model/variants.h).
  void read_variants(const YamlValue& v) {
    if (!v.is_list()) {
      fail_at(v.where, "cluster.variants: expected a list of protocol variant names (eddy list shows them), got " +
                           v.describe());
    }
    for (size_t i = 0; i < v.items.size(); ++i) {
      std::string name = read_text(v.items[i], index_path("cluster.variants", i), "a protocol variant name");
      auto variant = broker_model::variant_from_name(name);
      if (!variant) {
        fail_at(v.items[i].where, index_path("cluster.variants", i) + ": unknown protocol variant '" + name +
                                      "'; known: " + broker_model::known_variant_names());
      }
      spec_.cluster.variants.set(*variant);
    }
  }

  void read_racks(const YamlValue& v) {
    if (!v.is_list()) fail_at(v.where, "cluster.racks: expected a list of rack names, one per broker, got " + v.describe());
    for (size_t i = 0; i < v.items.size(); ++i) {
      std::string rack = read_text(v.items[i], index_path("cluster.racks", i), "a rack name");
      if (rack.empty()) fail_at(v.items[i].where, index_path("cluster.racks", i) + ": expected a rack name, got ''");
      spec_.cluster.racks.push_back(rack);
    }
    if (static_cast<int>(v.items.size()) != spec_.cluster.brokers) {
      fail_at(v.where, "cluster.racks: expected one rack per broker (" + std::to_string(spec_.cluster.brokers) +
                           "), got " + std::to_string(v.items.size()));
    }
  }

  void read_network(const YamlValue& v) {
    require_map(v, "cluster.network", "a map of network settings");
    check_keys(v, "cluster.network",
               {"latency", "bandwidth", "client_bandwidth", "loss", "duplicate", "reorder", "message_drop",
                "message_duplicate", "message_reorder", "same_zone", "cross_zone", "client"});
    NetworkSpec& n = spec_.cluster.network;
    read_link_keys(v, "cluster.network", n);
    if (const YamlValue* x = v.find("client_bandwidth")) {
      spec_.cluster.client_nic_bytes_per_s =
          read_parsed<int64_t>(*x, "cluster.network.client_bandwidth", "a bandwidth like 10Gbit/s", parse_bandwidth);
    }
    spec_.cluster.network_latency_set = v.find("latency") != nullptr;
    read_link_classes(v);
  }

  void read_link_keys(const YamlValue& v, const std::string& path, NetworkSpec& n) {
    if (const YamlValue* x = v.find("latency")) {
      n.latency = read_parsed<LatencySpec>(*x, path + ".latency", "a latency like 'uniform 100us 500us'", parse_latency);
    }
    if (const YamlValue* x = v.find("bandwidth")) {
      n.bandwidth_bytes_per_s = read_parsed<int64_t>(*x, path + ".bandwidth", "a bandwidth like 10Gbit/s", parse_bandwidth);
    }
    if (const YamlValue* x = v.find("loss")) n.loss = read_number(*x, path + ".loss", 0, 1);
    if (const YamlValue* x = v.find("duplicate")) n.duplicate = read_number(*x, path + ".duplicate", 0, 1);
    if (const YamlValue* x = v.find("reorder")) n.reorder = read_number(*x, path + ".reorder", 0, 1);
    if (const YamlValue* x = v.find("message_drop")) n.message_drop = read_number(*x, path + ".message_drop", 0, 1);
    if (const YamlValue* x = v.find("message_duplicate")) {
      n.message_duplicate = read_number(*x, path + ".message_duplicate", 0, 1);
    }
    if (const YamlValue* x = v.find("message_reorder")) {
      n.message_reorder = read_number(*x, path + ".message_reorder", 0, 1);
    }
  }

  void read_disk_into(const YamlValue& v, const std::string& path, DiskSpec& d) {
    require_map(v, path, "a map of disk settings");
    check_keys(v, path, {"write_latency", "fsync_latency", "bandwidth", "iops", "crash_mode", "capacity"});
    if (const YamlValue* x = v.find("capacity")) {
      d.capacity_bytes = read_parsed<int64_t>(*x, path + ".capacity", "a size like 2GB", parse_size);
      if (d.capacity_bytes < 1) fail_at(x->where, path + ".capacity: expected a size of at least 1B, got " + x->describe());
    }
    constexpr int64_t kIopsMax = 100'000'000;
    if (const YamlValue* x = v.find("iops")) d.iops = read_int(*x, path + ".iops", 0, kIopsMax);
    if (const YamlValue* x = v.find("write_latency")) {
      d.write_latency = read_duration(*x, path + ".write_latency", sim::Duration::zero(), kScenarioDurationMax);
    }
    if (const YamlValue* x = v.find("fsync_latency")) {
      d.fsync_latency = read_duration(*x, path + ".fsync_latency", sim::Duration::zero(), kScenarioDurationMax);
    }
    if (const YamlValue* x = v.find("bandwidth")) {
      d.bandwidth_bytes_per_s = read_parsed<int64_t>(*x, path + ".bandwidth", "a bandwidth like 500MB/s", parse_bandwidth);
    }
    if (const YamlValue* x = v.find("crash_mode")) {
      std::string mode = read_text(*x, path + ".crash_mode", "a crash mode");
      if (mode != "lose-unsynced" && mode != "keep-prefix" && mode != "torn-last-sector") {
        fail_at(x->where, path + ".crash_mode: expected one of lose-unsynced, keep-prefix, torn-last-sector, got " +
                              x->describe());
      }
      d.crash_mode = mode;
    }
  }

  KafkaConfigs read_configs(const YamlValue& v, std::string_view path, ConfigScope scope) {
    const std::string scope_name = config_scope_name(scope);
    require_map(v, path, "a map of " + scope_name + " configs with Kafka's names");
    KafkaConfigs configs;
    for (const YamlEntry& e : v.entries) {
      if (!is_known_config_key(scope, e.key)) {
        std::vector<std::string_view> known = known_config_keys(scope);
        std::string hint = closest_match(e.key, known);
        fail_at(e.key_where, "unknown " + scope_name + " config '" + e.key + "' in " + std::string(path) +
                                 (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                                 "; expected one of: " + list_names(known));
      }
      std::string key_path = join_path(path, e.key);
      if (!e.value.is_scalar()) {
        fail_at(e.value.where, key_path + ": expected a single value (text, number or boolean), got " + e.value.describe());
      }
      std::string problem = check_config_value(scope, e.key, e.value.text);
      if (!problem.empty()) fail_at(e.value.where, key_path + ": " + problem);
      configs[e.key] = e.value.text;
    }
    return configs;
  }

  // Where a config was written (its value), for errors about relations between configs.
  static const YamlValue& config_value(const YamlValue& entry, std::string_view configs_key, const std::string& key) {
    return *entry.find(configs_key)->find(key);
  }

  // log.dirs (JBOD): named, distinct directories, at most kLogDirsMax.
  void check_log_dirs(const YamlValue& configs) {
    const std::vector<std::string> dirs = log_dirs_of(spec_.cluster.broker_configs);
    if (dirs.empty()) return;
    const YamlValue& at = *configs.find("log.dirs");
    const std::string path = "cluster.broker_configs.log.dirs";
    if (static_cast<int64_t>(dirs.size()) > kLogDirsMax)
      fail_at(at.where, path + ": expected at most " + std::to_string(kLogDirsMax) + " directories, got " +
                            std::to_string(dirs.size()));
    std::set<std::string> seen;
    for (const std::string& d : dirs) {
      std::string name = d;
      while (!name.empty() && name.front() == '/') name.erase(name.begin());
      while (!name.empty() && name.back() == '/') name.pop_back();
      if (name.empty()) fail_at(at.where, path + ": expected comma-separated directory names like /data1,/data2, got '" +
                                              spec_.cluster.broker_configs.at("log.dirs") + "'");
      if (!seen.insert(name).second) fail_at(at.where, path + ": directory '" + d + "' is named twice");
      for (const std::string& other : seen)
        if (other != name && (other.starts_with(name + "/") || name.starts_with(other + "/")))
          fail_at(at.where, path + ": '" + d + "' and '" + other + "' nest; expected directories on separate disks");
    }
  }

  void check_broker_configs() {
    const KafkaConfigs& b = spec_.cluster.broker_configs;
    if (b.empty()) return;
    const YamlValue& configs = *root_.find("cluster")->find("broker_configs");
    const int brokers = spec_.cluster.brokers;
    for (const char* key : {"default.replication.factor", "offsets.topic.replication.factor", "min.insync.replicas"}) {
      if (b.count(key) != 0 && config_int_or(b, key, 0) > brokers) {
        fail_at(configs.find(key)->where, "cluster.broker_configs." + std::string(key) + ": expected at most " +
                                              std::to_string(brokers) + " (cluster.brokers), got " + b.at(key));
      }
    }
    check_log_dirs(configs);
    if (b.count("replica.fetch.wait.max.ms") != 0 &&
        config_int_or(b, "replica.fetch.wait.max.ms", 0) >
            config_int_or(b, "replica.lag.time.max.ms", kKafkaReplicaLagTimeMaxMsDefault)) {
      fail_at(configs.find("replica.fetch.wait.max.ms")->where,
              "cluster.broker_configs.replica.fetch.wait.max.ms: expected at most replica.lag.time.max.ms (" +
                  std::to_string(config_int_or(b, "replica.lag.time.max.ms", kKafkaReplicaLagTimeMaxMsDefault)) +
                  "), as Kafka requires, got " + b.at("replica.fetch.wait.max.ms"));
    }
    // A broker-wide min.insync.replicas above a topic's replication factor fails every acks=all write.
    for (size_t i = 0; i < spec_.topics.size(); ++i) {
      const TopicSpec& t = spec_.topics[i];
      if (t.configs.count("min.insync.replicas") != 0 || b.count("min.insync.replicas") == 0) continue;
      if (config_int_or(b, "min.insync.replicas", 1) > t.replication_factor) {
        fail_at(configs.find("min.insync.replicas")->where,
                "cluster.broker_configs.min.insync.replicas: " + b.at("min.insync.replicas") +
                    " is more than the replication factor " + std::to_string(t.replication_factor) + " of topic '" +
                    t.name + "' (every acks=all write would fail); expected at most " +
                    std::to_string(t.replication_factor) + ", or set min.insync.replicas on the topic");
      }
    }
  }

  // --- cluster: zones, link classes, clocks, per-node models

  void read_controller_racks(const YamlValue& v) {
    if (!v.is_list()) {
      fail_at(v.where, "cluster.controller_racks: expected a list of rack (zone) names, one per controller, got " +
                           v.describe());
    }
    for (size_t i = 0; i < v.items.size(); ++i) {
      std::string rack = read_text(v.items[i], index_path("cluster.controller_racks", i), "a rack name");
      if (rack.empty()) fail_at(v.items[i].where, index_path("cluster.controller_racks", i) + ": expected a rack name, got ''");
      spec_.cluster.controller_racks.push_back(rack);
    }
    if (static_cast<int>(v.items.size()) != spec_.cluster.controllers) {
      fail_at(v.where, "cluster.controller_racks: expected one rack per controller (" +
                           std::to_string(spec_.cluster.controllers) + "), got " + std::to_string(v.items.size()));
    }
  }

  bool has_zones() const { return !spec_.cluster.racks.empty() || !spec_.cluster.controller_racks.empty(); }

  bool zone_exists(const std::string& zone) const {
    const ClusterSpec& c = spec_.cluster;
    return std::find(c.racks.begin(), c.racks.end(), zone) != c.racks.end() ||
           std::find(c.controller_racks.begin(), c.controller_racks.end(), zone) != c.controller_racks.end();
  }

  std::vector<std::string_view> zone_names() const {
    std::vector<std::string_view> out;
    for (const auto* list : {&spec_.cluster.racks, &spec_.cluster.controller_racks})
      for (const std::string& z : *list)
        if (std::find(out.begin(), out.end(), z) == out.end()) out.push_back(z);
    return out;
  }

  // cluster.network.same_zone / cross_zone / client: the cluster's network with these keys over it.
  void read_link_classes(const YamlValue& v) {
    const std::pair<const char*, std::optional<NetworkSpec>*> classes[] = {
        {"same_zone", &spec_.cluster.network_same_zone},
        {"cross_zone", &spec_.cluster.network_cross_zone},
        {"client", &spec_.cluster.network_client},
    };
    for (const auto& [key, slot] : classes) {
      const YamlValue* x = v.find(key);
      if (x == nullptr) continue;
      const std::string path = std::string("cluster.network.") + key;
      require_map(*x, path, "a map of network settings for these links (latency, bandwidth, loss, duplicate, reorder, "
                            "message_drop, message_duplicate, message_reorder)");
      check_keys(*x, path, {"latency", "bandwidth", "loss", "duplicate", "reorder", "message_drop", "message_duplicate",
                            "message_reorder"});
      if (std::string_view(key) != "client" && !has_zones()) {
        fail_at(x->where, path + ": the cluster has no zones; expected cluster.racks (and cluster.controller_racks) "
                                 "to say which node is in which zone");
      }
      NetworkSpec n = spec_.cluster.network;
      n.bandwidth_bytes_per_s = 0;  // the cluster's is each node's NIC; a class's is a path limit, none unless given
      read_link_keys(*x, path, n);
      *slot = n;
    }
  }

  void read_clock_into(const YamlValue& v, const std::string& path, ClockSpec& c) {
    require_map(v, path, "a map of clock settings (offset, drift_ppm)");
    check_keys(v, path, {"offset", "drift_ppm"});
    if (const YamlValue* x = v.find("offset")) {
      c.offset = read_parsed<sim::Duration>(*x, path + ".offset", "a duration like 2s or -500ms", parse_signed_duration);
      if (c.offset > kScenarioDurationMax || c.offset < sim::Duration::zero() - kScenarioDurationMax) {
        fail_at(x->where, path + ".offset: expected an offset within 7 days either way, got " + sim::format_duration(c.offset));
      }
    }
    if (const YamlValue* x = v.find("drift_ppm")) c.drift_ppm = read_int(*x, path + ".drift_ppm", -999'999, 1'000'000);
  }

  void read_node_overrides(const YamlValue& v) {
    if (!v.is_list()) fail_at(v.where, "cluster.nodes: expected a list of node entries (node, disk, clock), got " + v.describe());
    for (size_t i = 0; i < v.items.size(); ++i) {
      const std::string path = index_path("cluster.nodes", i);
      const YamlValue& e = v.items[i];
      require_map(e, path, "a node entry (a map with node, and disk and/or clock)");
      check_keys(e, path, {"node", "disk", "clock"});
      const YamlValue& node = require_key(e, path, "node");
      FaultTarget t = read_parsed<FaultTarget>(node, path + ".node", "a node like 'broker 1'", parse_fault_target);
      if (t.kind != FaultTarget::Kind::kBroker && t.kind != FaultTarget::Kind::kController) {
        fail_at(node.where, path + ".node: expected one server, 'broker N' or 'controller N', got " + node.describe());
      }
      read_target(node, path + ".node");  // range check
      NodeOverrideSpec o;
      o.node = t.str();
      for (const NodeOverrideSpec& other : spec_.cluster.nodes) {
        if (other.node == o.node) fail_at(node.where, path + ".node: '" + o.node + "' has two entries; expected one entry per node");
      }
      if (const YamlValue* d = e.find("disk")) {
        DiskSpec disk = spec_.cluster.disk;
        read_disk_into(*d, path + ".disk", disk);
        o.disk = disk;
      }
      if (const YamlValue* c = e.find("clock")) {
        ClockSpec clock = spec_.cluster.clock;
        read_clock_into(*c, path + ".clock", clock);
        o.clock = clock;
      }
      if (!o.disk && !o.clock) fail_at(e.where, path + ": expected a disk or a clock for " + o.node);
      spec_.cluster.nodes.push_back(std::move(o));
    }
  }

  // --- topics

  void read_topics(const YamlValue& v) {
    if (!v.is_list()) fail_at(v.where, "topics: expected a list of topic entries, got " + v.describe());
    for (size_t i = 0; i < v.items.size(); ++i) spec_.topics.push_back(read_topic(v.items[i], index_path("topics", i)));
  }

  TopicSpec read_topic(const YamlValue& v, const std::string& path) {
    require_map(v, path, "a topic entry (a map with name, partitions, replication_factor, configs)");
    check_keys(v, path, {"name", "partitions", "replication_factor", "configs"});
    TopicSpec t;
    const YamlValue& name = require_key(v, path, "name");
    t.name = read_text(name, path + ".name", "a topic name");
    if (!name_chars_ok(t.name, true) || t.name == "." || t.name == ".." ||
        static_cast<int64_t>(t.name.size()) > kTopicNameLengthMax) {
      fail_at(name.where, path + ".name: expected a Kafka topic name (1 to 249 characters from [a-zA-Z0-9._-], not "
                                 "'.' or '..'), got " + name.describe());
    }
    for (const TopicSpec& other : spec_.topics) {
      if (other.name == t.name) fail_at(name.where, path + ".name: topic '" + t.name + "' is declared twice; expected unique topic names");
    }
    // Left out, partitions and replication_factor are the brokers' num.partitions and
    // default.replication.factor (Kafka's defaults: 1 and 1), as Kafka's CreateTopics does for
    // a topic created without them (KIP-464). eddy creates topics only from this list: there
    // is no auto.create.topics.enable, so a misspelt topic in a producer is an error here,
    // never a topic of its own.
    t.partitions = static_cast<int>(config_int_or(spec_.cluster.broker_configs, "num.partitions", 1));
    t.replication_factor = static_cast<int>(config_int_or(spec_.cluster.broker_configs, "default.replication.factor", 1));
    if (t.partitions > kPartitionsMax) {
      fail_at(v.where, path + ": the topic takes cluster.broker_configs.num.partitions (" + std::to_string(t.partitions) +
                           ") and at most " + std::to_string(kPartitionsMax) + " partitions are allowed");
    }
    if (const YamlValue* p = v.find("partitions")) t.partitions = static_cast<int>(read_int(*p, path + ".partitions", 1, kPartitionsMax));
    if (const YamlValue* rf = v.find("replication_factor")) {
      t.replication_factor = static_cast<int>(read_int(*rf, path + ".replication_factor", 1, kBrokersMax));
      if (t.replication_factor > spec_.cluster.brokers) {
        fail_at(rf->where, path + ".replication_factor: expected at most " + std::to_string(spec_.cluster.brokers) +
                               " (cluster.brokers; each replica needs its own broker), got " +
                               std::to_string(t.replication_factor));
      }
    }
    if (const YamlValue* c = v.find("configs")) {
      t.configs = read_configs(*c, path + ".configs", ConfigScope::kTopic);
      if (t.configs.count("min.insync.replicas") != 0 &&
          config_int_or(t.configs, "min.insync.replicas", 1) > t.replication_factor) {
        fail_at(config_value(v, "configs", "min.insync.replicas").where,
                path + ".configs.min.insync.replicas: expected at most the replication factor (" +
                    std::to_string(t.replication_factor) + "; more makes every acks=all write fail), got " +
                    t.configs.at("min.insync.replicas"));
      }
    }
    return t;
  }

  const TopicSpec* find_topic(std::string_view name) const {
    for (const TopicSpec& t : spec_.topics) {
      if (t.name == name) return &t;
    }
    return nullptr;
  }

  std::string read_topic_ref(const YamlValue& entry, const std::string& path) {
    const YamlValue& v = require_key(entry, path, "topic");
    std::string name = read_text(v, path + ".topic", "a topic name");
    if (find_topic(name) == nullptr) {
      std::vector<std::string_view> names;
      for (const TopicSpec& t : spec_.topics) names.push_back(t.name);
      std::string hint = closest_match(name, names);
      fail_at(v.where, path + ".topic: unknown topic '" + name + "'" +
                           (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                           "; expected one of the topics declared under topics: " + list_names(names));
    }
    return name;
  }

  // --- clients

  void read_producers(const YamlValue& v) {
    if (!v.is_list()) fail_at(v.where, "producers: expected a list of producer entries, got " + v.describe());
    for (size_t i = 0; i < v.items.size(); ++i) {
      spec_.producers.push_back(read_producer(v.items[i], index_path("producers", i)));
    }
  }

  ProducerSpec read_producer(const YamlValue& v, const std::string& path) {
    require_map(v, path, "a producer entry (a map with topic, count, rate, message_size, keys, configs)");
    check_keys(v, path, {"topic", "count", "rate", "message_size", "keys", "tombstones", "configs",
                         "records_per_transaction", "abort_ratio", "transaction_pause", "principal"});
    ProducerSpec p;
    p.topic = read_topic_ref(v, path);
    if (const YamlValue* x = v.find("principal")) p.principal = read_principal(*x, path + ".principal");
    if (const YamlValue* x = v.find("count")) p.count = static_cast<int>(read_int(*x, path + ".count", 1, kClientsPerEntryMax));
    if (const YamlValue* x = v.find("rate")) {
      if (x->is_scalar() && x->text == "max") {
        // OMB's producerRate 0: the maximum sustainable rate, searched while the run goes
        // (omb_rate_controller.h); the rate below is only where each producer starts.
        p.max_rate = true;
      } else {
        p.messages_per_s = read_parsed<double>(*x, path + ".rate", "a rate like 1000/s, or max", parse_rate);
      }
    }
    if (const YamlValue* x = v.find("message_size")) {
      int64_t bytes = read_parsed<int64_t>(*x, path + ".message_size", "a size like 1KiB", parse_size);
      if (bytes < 1 || bytes > kMessageBytesMax) {
        fail_at(x->where, path + ".message_size: expected a size from 1B to 64MiB, got " + x->describe());
      }
      p.message_bytes = static_cast<int>(bytes);
    }
    if (const YamlValue* x = v.find("keys")) p.keys = read_parsed<KeySpec>(*x, path + ".keys", "keys like 'uniform 100'", parse_keys);
    if (const YamlValue* x = v.find("tombstones")) {
      p.tombstones = read_number(*x, path + ".tombstones", 0, 1);
      if (p.tombstones > 0 && p.keys.kind == KeySpec::Kind::kNone) {
        fail_at(x->where, path + ".tombstones: a tombstone deletes a key, so it needs keys; expected keys other than "
                                 "none (e.g. keys: \"uniform 100\")");
      }
    }
    if (const YamlValue* x = v.find("configs")) {
      p.configs = read_configs(*x, path + ".configs", ConfigScope::kProducer);
      check_producer_configs(v, path, p.configs);
    }
    read_transaction_keys(v, path, p);
    return p;
  }

  // The transactional workload's keys (scenarios/txn_workload.h): only with a transactional.id.
  void read_transaction_keys(const YamlValue& v, const std::string& path, ProducerSpec& p) {
    const bool transactional = p.configs.count("transactional.id") != 0;
    for (const char* key : {"records_per_transaction", "abort_ratio", "transaction_pause"}) {
      const YamlValue* x = v.find(key);
      if (x != nullptr && !transactional)
        fail_at(x->where, path + "." + key + ": only for a transactional producer; expected configs with a transactional.id");
    }
    if (const YamlValue* x = v.find("records_per_transaction"))
      p.records_per_transaction = static_cast<int>(read_int(*x, path + ".records_per_transaction", 1, 100'000));
    if (const YamlValue* x = v.find("abort_ratio")) p.abort_ratio = read_number(*x, path + ".abort_ratio", 0, 1);
    if (const YamlValue* x = v.find("transaction_pause"))
      p.transaction_pause = read_parsed<sim::Duration>(*x, path + ".transaction_pause", "a duration like 100ms", parse_duration);
  }

  void check_producer_configs(const YamlValue& entry, const std::string& path, const KafkaConfigs& c) {
    auto where = [&](const std::string& key) { return config_value(entry, "configs", key).where; };
    const std::string at = path + ".configs.";
    if (config_is(c, "enable.idempotence", "true")) {
      if (c.count("acks") != 0 && c.at("acks") != "all" && c.at("acks") != "-1") {
        fail_at(where("acks"), at + "acks: the idempotent producer (enable.idempotence: true) needs acks all; "
                                    "expected all or -1, got " + c.at("acks"));
      }
      if (config_int_or(c, "max.in.flight.requests.per.connection", 1) > kIdempotentInFlightMax) {
        fail_at(where("max.in.flight.requests.per.connection"),
                at + "max.in.flight.requests.per.connection: the idempotent producer allows at most 5; expected 1 "
                     "to 5, got " + c.at("max.in.flight.requests.per.connection"));
      }
      if (config_is(c, "retries", "0")) {
        fail_at(where("retries"), at + "retries: the idempotent producer needs retries; expected at least 1, got 0");
      }
    }
    if (c.count("delivery.timeout.ms") != 0) {
      int64_t linger = config_int_or(c, "linger.ms", 0);
      int64_t request = config_int_or(c, "request.timeout.ms", kKafkaRequestTimeoutMsDefault);
      int64_t floor = linger > kInt64Max - request ? kInt64Max : linger + request;
      if (config_int_or(c, "delivery.timeout.ms", 0) < floor) {
        fail_at(where("delivery.timeout.ms"), at + "delivery.timeout.ms: expected at least linger.ms + "
                                                   "request.timeout.ms (" + std::to_string(floor) +
                                                   "), as Kafka requires, got " + c.at("delivery.timeout.ms"));
      }
    }
  }

  void read_consumers(const YamlValue& v) {
    if (!v.is_list()) fail_at(v.where, "consumers: expected a list of consumer entries, got " + v.describe());
    for (size_t i = 0; i < v.items.size(); ++i) {
      const std::string path = index_path("consumers", i);
      const YamlValue& e = v.items[i];
      require_map(e, path, "a consumer entry (a map with topic, count, configs)");
      check_keys(e, path, {"topic", "count", "configs", "processing_time", "commit", "transform_to", "producer_configs",
                           "principal"});
      ConsumerSpec c;
      c.topic = read_topic_ref(e, path);
      if (const YamlValue* x = e.find("principal")) c.principal = read_principal(*x, path + ".principal");
      if (const YamlValue* x = e.find("count")) c.count = static_cast<int>(read_int(*x, path + ".count", 1, kClientsPerEntryMax));
      if (const YamlValue* x = e.find("configs")) {
        c.configs = read_configs(*x, path + ".configs", ConfigScope::kConsumer);
        check_consumer_configs(e, path, c.configs);
      }
      read_group_processing(e, path, c);
      read_transform(e, path, c);
      spec_.consumers.push_back(std::move(c));
    }
  }

  void check_consumer_configs(const YamlValue& entry, const std::string& path, const KafkaConfigs& c) {
    auto where = [&](const std::string& key) { return config_value(entry, "configs", key).where; };
    const std::string at = path + ".configs.";
    if (c.count("heartbeat.interval.ms") != 0) {
      int64_t session = config_int_or(c, "session.timeout.ms", kKafkaSessionTimeoutMsDefault);
      if (config_int_or(c, "heartbeat.interval.ms", 0) >= session) {
        fail_at(where("heartbeat.interval.ms"), at + "heartbeat.interval.ms: expected less than session.timeout.ms (" +
                                                     std::to_string(session) + "), got " + c.at("heartbeat.interval.ms"));
      }
    }
    if (config_is(c, "enable.auto.commit", "true") && c.count("group.id") == 0) {
      fail_at(where("enable.auto.commit"), at + "enable.auto.commit: auto-commit needs a consumer group; expected "
                                                "group.id to be set as well");
    }
  }

  // --- consume-transform-produce (scenarios/ctp_workload.h)

  void read_transform(const YamlValue& e, const std::string& path, ConsumerSpec& c) {
    const YamlValue* to = e.find("transform_to");
    const YamlValue* pc = e.find("producer_configs");
    if (to == nullptr) {
      if (pc != nullptr) fail_at(pc->where, path + ".producer_configs: only with transform_to (consume-transform-produce)");
      return;
    }
    std::string name = read_text(*to, path + ".transform_to", "a topic name");
    if (find_topic(name) == nullptr) fail_at(to->where, path + ".transform_to: unknown topic '" + name + "'");
    if (name == c.topic) fail_at(to->where, path + ".transform_to: expected a topic other than the one consumed");
    if (!c.in_group()) fail_at(to->where, path + ".transform_to: consume-transform-produce needs a consumer group; expected configs.group.id");
    if (pc == nullptr) fail_at(to->where, path + ".transform_to: expected producer_configs with a transactional.id beside it");
    c.producer_configs = read_configs(*pc, path + ".producer_configs", ConfigScope::kProducer);
    if (c.producer_configs.count("transactional.id") == 0)
      fail_at(pc->where, path + ".producer_configs: expected a transactional.id (the output is written in transactions)");
    if (config_is(c.configs, "enable.auto.commit", "true"))
      fail_at(to->where, path + ".transform_to: the offsets are committed in the transactions; expected enable.auto.commit: false");
    if (e.find("commit") != nullptr)
      fail_at(e.find("commit")->where, path + ".commit: a consume-transform-produce member commits in its transactions; expected no commit mode");
    c.transform_to = name;
    c.commit = ConsumerSpec::Commit::kTransaction;
  }

  // --- consumer groups: the processing model of a group member

  void read_group_processing(const YamlValue& e, const std::string& path, ConsumerSpec& c) {
    const YamlValue* time = e.find("processing_time");
    const YamlValue* commit = e.find("commit");
    if (!c.in_group()) {
      const YamlValue* x = time != nullptr ? time : commit;
      if (x != nullptr) {
        fail_at(x->where, path + (time != nullptr ? ".processing_time" : ".commit") +
                              ": the processing model belongs to consumer-group members; expected configs.group.id "
                              "to be set as well");
      }
      return;
    }
    if (c.configs.count("session.timeout.ms") != 0) {
      const KafkaConfigs& b = spec_.cluster.broker_configs;
      int64_t session = config_int_or(c.configs, "session.timeout.ms", 0);
      int64_t lo = config_int_or(b, "group.min.session.timeout.ms", kGroupMinSessionTimeoutMsDefault);
      int64_t hi = config_int_or(b, "group.max.session.timeout.ms", kGroupMaxSessionTimeoutMsDefault);
      if (session < lo || session > hi) {
        fail_at(config_value(e, "configs", "session.timeout.ms").where,
                path + ".configs.session.timeout.ms: expected " + std::to_string(lo) + " to " + std::to_string(hi) +
                    " (the brokers' group.min.session.timeout.ms and group.max.session.timeout.ms), got " +
                    c.configs.at("session.timeout.ms"));
      }
    }
    if (time != nullptr) c.processing_time = read_duration(*time, path + ".processing_time", sim::Duration::zero(), sim::seconds(3600));
    bool auto_commit = !config_is(c.configs, "enable.auto.commit", "false");
    if (commit == nullptr) {
      // Without auto-commit the application commits; by default as OpenMessaging Benchmark's
      // Kafka consumer does: commitAsync after processing each poll.
      if (!auto_commit) c.commit = ConsumerSpec::Commit::kAsyncAfterProcessing;
      return;
    }
    const char* modes = "auto, sync-after-processing, async-after-processing, sync-before-processing";
    std::string m = read_text(*commit, path + ".commit", std::string("a commit mode (") + modes + ")");
    using C = ConsumerSpec::Commit;
    if (m == "auto") c.commit = C::kAuto;
    else if (m == "sync-after-processing") c.commit = C::kSyncAfterProcessing;
    else if (m == "async-after-processing") c.commit = C::kAsyncAfterProcessing;
    else if (m == "sync-before-processing") c.commit = C::kSyncBeforeProcessing;
    else fail_at(commit->where, path + ".commit: unknown commit mode " + commit->describe() + "; expected one of: " + modes);
    if (c.commit == C::kAuto && !auto_commit) {
      fail_at(commit->where, path + ".commit: 'auto' needs enable.auto.commit true (its default); expected "
                                    "enable.auto.commit not set to false, or another commit mode");
    }
    if (c.commit != C::kAuto && config_is(c.configs, "enable.auto.commit", "true")) {
      fail_at(commit->where, path + ".commit: '" + m + "' is the application committing; expected enable.auto.commit: "
                                    "false with it");
    }
  }

  int group_member_count(const std::string& group) const {
    int n = 0;
    for (const auto& c : spec_.consumers)
      if (c.in_group() && c.configs.at("group.id") == group) n += c.count;
    return n;
  }

  void check_group_target(const FaultTarget& t, const YamlValue& v, const std::string& path) {
    int consumers = 0;
    for (const auto& c : spec_.consumers) consumers += c.count;
    if (t.kind == FaultTarget::Kind::kConsumer && t.index >= consumers) {
      fail_at(v.where, path + ": " + t.str() + " does not exist; expected consumer 0 to " + std::to_string(consumers - 1) +
                           " (the scenario has " + std::to_string(consumers) + " consumer(s))");
    }
    // "coordinator of group G" needs no such group: any group id has a coordinator.
    if (t.kind == FaultTarget::Kind::kMemberOf) {
      int members = group_member_count(t.topic);
      if (members == 0) {
        fail_at(v.where, path + ": unknown group '" + t.topic + "'; expected the group.id of a consumers entry");
      }
      if (t.index >= members) {
        fail_at(v.where, path + ": " + t.str() + " does not exist; expected member 0 to " + std::to_string(members - 1) +
                             " of group " + t.topic);
      }
    }
  }

  // --- pipeline (scenarios/pipeline_workload.h, docs/pipeline.md)

  void read_pipeline(const YamlValue& v) {
    require_map(v, "pipeline", "a map with devices, mqtt, queue, function, connector");
    check_keys(v, "pipeline", {"devices", "mqtt", "queue", "function", "connector"});
    PipelineSpec p;
    auto section = [&](const char* key, std::initializer_list<std::string_view> keys) -> const YamlValue* {
      const YamlValue* x = v.find(key);
      if (x == nullptr) return nullptr;
      const std::string path = std::string("pipeline.") + key;
      require_map(*x, path, "a map");
      check_keys(*x, path, keys);
      return x;
    };
    auto dur = [&](const YamlValue* sec, const char* sec_name, const char* key, sim::Duration& out, sim::Duration min,
                   sim::Duration max) {
      if (sec == nullptr) return;
      if (const YamlValue* x = sec->find(key)) out = read_duration(*x, std::string("pipeline.") + sec_name + "." + key, min, max);
    };
    auto choice = [&](const YamlValue* sec, const char* sec_name, const char* key, std::initializer_list<const char*> allowed,
                      std::string& out) {
      if (sec == nullptr) return;
      const YamlValue* x = sec->find(key);
      if (x == nullptr) return;
      const std::string path = std::string("pipeline.") + sec_name + "." + key;
      std::string text = read_text(*x, path, "a word");
      std::string list;
      for (const char* a : allowed) {
        if (text == a) {
          out = text;
          return;
        }
        list += (list.empty() ? "" : " or ") + std::string(a);
      }
      fail_at(x->where, path + ": expected " + list + ", got " + x->describe());
    };
    if (const YamlValue* d = section("devices", {"count", "rate", "qos", "malformed"})) {
      if (const YamlValue* x = d->find("count")) p.devices = static_cast<int>(read_int(*x, "pipeline.devices.count", 1, 1'000));
      if (const YamlValue* x = d->find("rate"))
        p.readings_per_s = read_parsed<double>(*x, "pipeline.devices.rate", "a rate like 10/s", parse_rate);
      if (p.readings_per_s <= 0 || p.readings_per_s > 10'000) fail_at(d->where, "pipeline.devices.rate: expected a rate from more than 0 to 10000/s per device");
      if (const YamlValue* x = d->find("qos")) p.qos = static_cast<int>(read_int(*x, "pipeline.devices.qos (0 or 1; QoS 2 is not modelled)", 0, 1));
      if (const YamlValue* x = d->find("malformed")) p.malformed_share = read_number(*x, "pipeline.devices.malformed", 0, 1);
    }
    if (const YamlValue* m = section("mqtt", {"max_inflight_messages", "max_queued_messages"})) {
      if (const YamlValue* x = m->find("max_inflight_messages"))
        p.mqtt_max_inflight_messages = static_cast<int>(read_int(*x, "pipeline.mqtt.max_inflight_messages", 1, 65'535));
      if (const YamlValue* x = m->find("max_queued_messages"))
        p.mqtt_max_queued_messages = static_cast<int>(read_int(*x, "pipeline.mqtt.max_queued_messages", 1, 1'000'000));
    }
    const YamlValue* q = section("queue", {"visibility_timeout", "max_receive_count"});
    // SQS: VisibilityTimeout 0 s to 12 h; maxReceiveCount 1 to 1000.
    dur(q, "queue", "visibility_timeout", p.visibility_timeout, sim::Duration::zero(), sim::seconds(12 * 3600));
    if (q != nullptr)
      if (const YamlValue* x = q->find("max_receive_count"))
        p.max_receive_count = static_cast<int>(read_int(*x, "pipeline.queue.max_receive_count", 1, 1'000));
    const YamlValue& fn = require_key(v, "pipeline", "function");
    const YamlValue* f = section("function", {"topic", "concurrency", "pollers", "batch_size", "timeout", "work_time",
                                              "cold_start", "producer_configs"});
    {
      const YamlValue& t = require_key(fn, "pipeline.function", "topic");
      p.topic = read_text(t, "pipeline.function.topic", "a topic name");
      if (find_topic(p.topic) == nullptr)
        fail_at(t.where, "pipeline.function.topic: unknown topic '" + p.topic + "'; expected a topic declared under topics");
    }
    if (const YamlValue* x = f->find("concurrency")) p.concurrency = static_cast<int>(read_int(*x, "pipeline.function.concurrency", 1, 100));
    if (const YamlValue* x = f->find("pollers")) p.pollers = static_cast<int>(read_int(*x, "pipeline.function.pollers", 1, 100));
    // One ReceiveMessage per batch here, so at most 10 (Lambda's BatchSize goes to 10,000 with a batching window).
    if (const YamlValue* x = f->find("batch_size")) p.batch_size = static_cast<int>(read_int(*x, "pipeline.function.batch_size", 1, 10));
    dur(f, "function", "timeout", p.function_timeout, sim::milliseconds(1), sim::seconds(900));  // Lambda: 1 s to 900 s
    dur(f, "function", "work_time", p.work_time, sim::Duration::zero(), sim::seconds(60));
    dur(f, "function", "cold_start", p.cold_start, sim::Duration::zero(), sim::seconds(60));
    if (const YamlValue* x = f->find("producer_configs")) {
      p.producer_configs = read_configs(*x, "pipeline.function.producer_configs", ConfigScope::kProducer);
    }
    if (p.function_timeout > p.visibility_timeout) {
      // Lambda refuses this mapping ("Your function's timeout must be less than or equal to the
      // queue's visibility timeout"), and so does the lab.
      fail_at(fn.where, "pipeline.function.timeout (" + sim::format_duration(p.function_timeout) +
                            ") exceeds pipeline.queue.visibility_timeout (" + sim::format_duration(p.visibility_timeout) +
                            "); Lambda refuses such an event source mapping: the function timeout must be at most the "
                            "queue's visibility timeout");
    }
    const YamlValue* c = section("connector", {"tasks", "write", "upsert_key", "offset.flush.interval.ms", "errors.tolerance",
                                               "errors.deadletterqueue.topic.name", "retry_backoff"});
    if (c != nullptr) {
      if (const YamlValue* x = c->find("tasks")) p.tasks = static_cast<int>(read_int(*x, "pipeline.connector.tasks", 1, 100));
      choice(c, "connector", "write", {"insert", "upsert"}, p.write_mode);
      choice(c, "connector", "upsert_key", {"reading", "device"}, p.upsert_key);
      if (const YamlValue* x = c->find("offset.flush.interval.ms"))
        p.offset_flush_interval = sim::milliseconds(read_int(*x, "pipeline.connector.offset.flush.interval.ms", 1, 86'400'000));
      std::string tolerance = "none";
      choice(c, "connector", "errors.tolerance", {"none", "all"}, tolerance);
      p.errors_tolerance_all = tolerance == "all";
      if (const YamlValue* x = c->find("errors.deadletterqueue.topic.name")) {
        p.dead_letter_topic = read_text(*x, "pipeline.connector.errors.deadletterqueue.topic.name", "a topic name");
        if (find_topic(p.dead_letter_topic) == nullptr)
          fail_at(x->where, "pipeline.connector.errors.deadletterqueue.topic.name: unknown topic '" + p.dead_letter_topic +
                                "'; expected a topic declared under topics");
        if (!p.errors_tolerance_all)
          fail_at(x->where, "pipeline.connector.errors.deadletterqueue.topic.name: only with errors.tolerance: all (Kafka "
                            "Connect reports to the dead-letter queue only the errors it tolerates)");
      }
      dur(c, "connector", "retry_backoff", p.retry_backoff, sim::milliseconds(1), sim::seconds(60));
    }
    spec_.pipeline = std::move(p);
  }

  // --- kinesis (scenarios/kinesis_workload.h)

  void read_kinesis(const YamlValue& v) {
    require_map(v, "kinesis", "a map with streams, producers, consumers, frontends, limits");
    check_keys(v, "kinesis", {"streams", "producers", "consumers", "frontends", "limits", "reshard", "retention_hour"});
    KinesisSpec k;
    if (const YamlValue* x = v.find("frontends")) k.frontends = static_cast<int>(read_int(*x, "kinesis.frontends", 1, 16));
    const YamlValue& streams = require_key(v, "kinesis", "streams");
    if (!streams.is_list() || streams.items.empty())
      fail_at(streams.where, "kinesis.streams: expected a list of streams like {name: orders, shards: 4}, got " + streams.describe());
    const int rf = std::min(3, spec_.cluster.brokers);
    for (size_t i = 0; i < streams.items.size(); ++i) {
      const std::string path = index_path("kinesis.streams", i);
      const YamlValue& e = streams.items[i];
      require_map(e, path, "a stream entry (a map with name, shards)");
      check_keys(e, path, {"name", "shards", "retention_hours"});
      KinesisStreamSpec st;
      const YamlValue& name = require_key(e, path, "name");
      st.name = read_text(name, path + ".name", "a stream name");
      if (!name_chars_ok(st.name, true) || st.name.size() > 128)
        fail_at(name.where, path + ".name: expected 1 to 128 characters from [a-zA-Z0-9._-], got " + name.describe());
      for (const auto& other : k.streams)
        if (other.name == st.name) fail_at(name.where, path + ".name: stream '" + st.name + "' is declared twice");
      if (const YamlValue* x = e.find("shards")) st.shards = static_cast<int>(read_int(*x, path + ".shards", 1, 1'000));
      if (const YamlValue* x = e.find("retention_hours")) st.retention_hours = read_retention_hours(*x, path + ".retention_hours");
      if (find_topic("kinesis." + st.name) != nullptr)
        fail_at(name.where, path + ".name: the topic kinesis." + st.name + " that stores this stream is also declared under topics");
      TopicSpec t;
      t.name = "kinesis." + st.name;
      t.partitions = st.shards;
      t.replication_factor = rf;
      t.configs["min.insync.replicas"] = std::to_string(std::min(2, rf));
      spec_.topics.push_back(t);
      st.partitions = st.shards;
      k.streams.push_back(st);
    }
    auto stream_ref = [&](const YamlValue& e, const std::string& path) {
      const YamlValue& x = require_key(e, path, "stream");
      std::string name = read_text(x, path + ".stream", "a stream name");
      for (const auto& st : k.streams)
        if (st.name == name) return name;
      fail_at(x.where, path + ".stream: unknown stream '" + name + "'; expected a stream declared under kinesis.streams");
      return name;
    };
    auto duration = [&](const YamlValue& e, const std::string& path, const char* key, sim::Duration& out) {
      if (const YamlValue* x = e.find(key))
        out = read_duration(*x, path + "." + key, sim::nanoseconds(1), kScenarioDurationMax);
    };
    if (const YamlValue* ps = v.find("producers")) {
      if (!ps->is_list()) fail_at(ps->where, "kinesis.producers: expected a list of producer entries, got " + ps->describe());
      for (size_t i = 0; i < ps->items.size(); ++i) {
        const std::string path = index_path("kinesis.producers", i);
        const YamlValue& e = ps->items[i];
        require_map(e, path, "a Kinesis producer entry (a map with stream, count, rate, record_size, keys, library, ...)");
        check_keys(e, path, {"stream", "count", "rate", "record_size", "keys", "hot_key_share", "library",
                             "batch_records", "max_buffered", "record_ttl"});
        KinesisProducerSpec p;
        p.stream = stream_ref(e, path);
        if (const YamlValue* x = e.find("count")) p.count = static_cast<int>(read_int(*x, path + ".count", 1, kClientsPerEntryMax));
        if (const YamlValue* x = e.find("rate"))
          p.records_per_s = read_parsed<double>(*x, path + ".rate", "a rate like 1000/s", parse_rate);
        if (const YamlValue* x = e.find("record_size")) {
          int64_t bytes = read_parsed<int64_t>(*x, path + ".record_size", "a size like 1KiB", parse_size);
          // A record's Data is at most 1 MiB (PutRecord); eddy's carry an 8-byte record id.
          if (bytes < 8 || bytes > (int64_t{1} << 20))
            fail_at(x->where, path + ".record_size: expected a size from 8B to 1MiB (Kinesis' record limit), got " + x->describe());
          p.record_bytes = static_cast<int>(bytes);
        }
        if (const YamlValue* x = e.find("keys"))
          p.keys = read_parsed<KeySpec>(*x, path + ".keys", "keys like 'uniform 100'", parse_keys);
        if (const YamlValue* x = e.find("hot_key_share")) p.hot_key_share = read_number(*x, path + ".hot_key_share", 0, 1);
        if (const YamlValue* x = e.find("library")) {
          std::string lib = read_text(*x, path + ".library", "sdk or kpl");
          if (lib != "sdk" && lib != "kpl") fail_at(x->where, path + ".library: expected sdk or kpl, got " + x->describe());
          p.kpl = lib == "kpl";
          if (!p.kpl) p.max_buffered = sim::Duration::zero();
        } else {
          p.max_buffered = sim::Duration::zero();
        }
        if (const YamlValue* x = e.find("batch_records"))
          p.batch_records = static_cast<int>(read_int(*x, path + ".batch_records", 1, 500));
        duration(e, path, "max_buffered", p.max_buffered);
        duration(e, path, "record_ttl", p.record_ttl);
        k.producers.push_back(p);
      }
    }
    if (const YamlValue* cs = v.find("consumers")) {
      if (!cs->is_list()) fail_at(cs->where, "kinesis.consumers: expected a list of consumer entries, got " + cs->describe());
      for (size_t i = 0; i < cs->items.size(); ++i) {
        const std::string path = index_path("kinesis.consumers", i);
        const YamlValue& e = cs->items[i];
        require_map(e, path, "a KCL application entry (a map with stream, application, workers, ...)");
        check_keys(e, path, {"stream", "application", "workers", "lease_duration", "idle_between_reads",
                             "processing_time", "max_records", "checkpoint", "read_children_early", "parent_shard_poll",
                             "fan_out"});
        KinesisConsumerSpec c;
        c.stream = stream_ref(e, path);
        if (const YamlValue* x = e.find("application")) c.application = read_text(*x, path + ".application", "a name");
        if (const YamlValue* x = e.find("workers")) c.workers = static_cast<int>(read_int(*x, path + ".workers", 1, 100));
        duration(e, path, "lease_duration", c.lease_duration);
        duration(e, path, "idle_between_reads", c.idle_between_reads);
        if (const YamlValue* x = e.find("processing_time"))
          c.processing_time = read_duration(*x, path + ".processing_time", sim::Duration::zero(), sim::seconds(10));
        if (const YamlValue* x = e.find("max_records"))
          c.max_records = static_cast<int>(read_int(*x, path + ".max_records", 1, 10'000));
        if (const YamlValue* x = e.find("checkpoint")) {
          std::string when = read_text(*x, path + ".checkpoint", "after_processing or before_processing");
          if (when != "after_processing" && when != "before_processing")
            fail_at(x->where, path + ".checkpoint: expected after_processing or before_processing, got " + x->describe());
          c.checkpoint_before_processing = when == "before_processing";
        }
        if (const YamlValue* x = e.find("read_children_early")) c.read_children_early = read_bool(*x, path + ".read_children_early");
        if (const YamlValue* x = e.find("fan_out")) {
          c.fan_out = read_bool(*x, path + ".fan_out");
          // RegisterStreamConsumer: at most 20 registered consumers per stream.
          int registered = c.fan_out ? 1 : 0;
          for (const auto& other : k.consumers) registered += other.fan_out && other.stream == c.stream ? 1 : 0;
          if (registered > 20)
            fail_at(x->where, path + ".fan_out: LimitExceededException: a stream has at most 20 registered (fan-out) consumers");
        }
        duration(e, path, "parent_shard_poll", c.parent_shard_poll);
        k.consumers.push_back(c);
      }
    }
    if (const YamlValue* l = v.find("limits")) {
      require_map(*l, "kinesis.limits", "a map of per-shard limits");
      check_keys(*l, "kinesis.limits", {"write_bytes_per_s", "write_records_per_s", "read_bytes_per_s", "read_calls_per_s"});
      auto lim = [&](const char* key, int64_t& out) {
        if (const YamlValue* x = l->find(key)) out = read_int(*x, std::string("kinesis.limits.") + key, 1, int64_t{1} << 40);
      };
      lim("write_bytes_per_s", k.write_bytes_per_s);
      lim("write_records_per_s", k.write_records_per_s);
      lim("read_bytes_per_s", k.read_bytes_per_s);
      lim("read_calls_per_s", k.read_calls_per_s);
    }
    // Lab only: how long an hour of retention lasts, so that seconds of simulated time show it.
    if (const YamlValue* x = v.find("retention_hour"))
      k.retention_hour = read_duration(*x, "kinesis.retention_hour", sim::milliseconds(1), sim::seconds(3'600));
    if (const YamlValue* r = v.find("reshard")) read_reshards(*r, k);
    spec_.kinesis = std::move(k);
  }

  // RetentionPeriodHours: AWS's range (kinesis_messages.h).
  int read_retention_hours(const YamlValue& x, const std::string& path) {
    const int64_t hours = read_int(x, path, INT32_MIN, INT32_MAX);
    if (hours < 24 || hours > 8'760)
      fail_at(x.where, path + ": expected RetentionPeriodHours from 24 to 8760 (1 to 365 days, AWS's range), got " +
                           x.describe());
    return static_cast<int>(hours);
  }

  // `kinesis.reshard`: each entry is played on the stream's shard map here, as the frontend
  // will play it (broker_model/kinesis/shard_map.h), so that a bad shard id, a hash key outside
  // the shard or shards that are not adjacent are located errors, and so that the stream's
  // topic gets a partition for every shard its reshards create.
  void read_reshards(const YamlValue& v, KinesisSpec& k) {
    namespace kin = broker_model::kinesis;
    if (!v.is_list()) fail_at(v.where, "kinesis.reshard: expected a list of entries like {at: 5s, split: shardId-000000000000}, got " + v.describe());
    if (k.frontends > 1)
      fail_at(v.where, "kinesis.reshard: resharding is modelled with one frontend only (kinesis.frontends is " +
                           std::to_string(k.frontends) + ")");
    std::map<std::string, kin::ShardMap> maps;
    std::map<std::string, int> retention;
    for (const auto& st : k.streams) {
      maps.emplace(st.name, kin::ShardMap(st.shards));
      retention.emplace(st.name, st.retention_hours);
    }
    sim::Duration previous = sim::Duration::zero();
    for (size_t i = 0; i < v.items.size(); ++i) {
      const std::string path = index_path("kinesis.reshard", i);
      const YamlValue& e = v.items[i];
      require_map(e, path, "a reshard entry (a map with at and one of split, merge, update_shard_count, increase_retention, "
                           "decrease_retention)");
      check_keys(e, path, {"at", "stream", "split", "new_starting_hash_key", "merge", "update_shard_count",
                           "increase_retention", "decrease_retention"});
      KinesisReshardSpec r;
      r.at = read_duration(require_key(e, path, "at"), path + ".at", sim::Duration::zero(), kScenarioDurationMax);
      if (r.at < previous) fail_at(e.where, path + ".at: reshard entries must be in time order");
      previous = r.at;
      if (const YamlValue* x = e.find("stream")) {
        r.stream = read_text(*x, path + ".stream", "a stream name");
        if (maps.count(r.stream) == 0)
          fail_at(x->where, path + ".stream: unknown stream '" + r.stream + "'; expected a stream declared under kinesis.streams");
      } else if (k.streams.size() == 1) {
        r.stream = k.streams[0].name;
      } else {
        fail_at(e.where, path + ": which stream? (stream: is needed with several streams)");
      }
      const int kinds = (e.find("split") ? 1 : 0) + (e.find("merge") ? 1 : 0) + (e.find("update_shard_count") ? 1 : 0) +
                        (e.find("increase_retention") ? 1 : 0) + (e.find("decrease_retention") ? 1 : 0);
      if (kinds != 1)
        fail_at(e.where, path + ": expected exactly one of split, merge, update_shard_count, increase_retention, decrease_retention");
      // Increase/DecreaseStreamRetentionPeriod, played on the stream's retention as the
      // frontend will (the new period must be more / less than the current one).
      const YamlValue* increase = e.find("increase_retention");
      const YamlValue* decrease = e.find("decrease_retention");
      if (increase != nullptr || decrease != nullptr) {
        const YamlValue& x = increase != nullptr ? *increase : *decrease;
        const std::string where = path + (increase != nullptr ? ".increase_retention" : ".decrease_retention");
        r.action = increase != nullptr ? KinesisReshardSpec::Action::kIncreaseRetention : KinesisReshardSpec::Action::kDecreaseRetention;
        r.retention_hours = read_retention_hours(x, where);
        int& current = retention.at(r.stream);
        if (increase != nullptr ? r.retention_hours <= current : r.retention_hours >= current)
          fail_at(x.where, where + ": InvalidArgumentException: RetentionPeriodHours must be " +
                               (increase != nullptr ? "more" : "less") + " than the stream's current " + std::to_string(current));
        current = r.retention_hours;
        k.reshards.push_back(r);
        continue;
      }
      kin::ShardMap& map = maps.at(r.stream);
      auto shard_ref = [&](const YamlValue& x, const std::string& where) {
        std::optional<int32_t> index = kin::shard_index_of(x.text);
        if (!x.is_scalar() || !index)
          fail_at(x.where, where + ": expected a shard id like shardId-000000000001, got " + x.describe());
        return *index;
      };
      kin::ReshardResult result;
      const YamlValue* split = e.find("split");
      const YamlValue* merge = e.find("merge");
      if (split != nullptr) {
        r.action = KinesisReshardSpec::Action::kSplitShard;
        const int32_t shard = shard_ref(*split, path + ".split");
        r.shard = kin::shard_id_of(shard);
        std::optional<kin::HashKey> key;
        if (const YamlValue* h = e.find("new_starting_hash_key")) {
          key = kin::parse_hash_key(h->text);
          if (!h->is_scalar() || !key)
            fail_at(h->where, path + ".new_starting_hash_key: expected a decimal hash key from 0 to 2^128 - 1, got " + h->describe());
        } else if (shard >= 0 && shard < map.size()) {
          key = kin::ShardMap::midpoint(map.at(shard));
        } else {
          key = kin::HashKey{};
        }
        r.new_starting_hash_key = key->str();
        result = map.split(shard, *key);
      } else if (merge != nullptr) {
        r.action = KinesisReshardSpec::Action::kMergeShards;
        if (!merge->is_list() || merge->items.size() != 2)
          fail_at(merge->where, path + ".merge: expected two adjacent shards like [shardId-000000000001, shardId-000000000002], got " +
                                    merge->describe());
        const int32_t a = shard_ref(merge->items[0], path + ".merge[0]");
        const int32_t b = shard_ref(merge->items[1], path + ".merge[1]");
        r.shard = kin::shard_id_of(a);
        r.adjacent_shard = kin::shard_id_of(b);
        result = map.merge(a, b);
      } else {
        const YamlValue& x = *e.find("update_shard_count");
        r.action = KinesisReshardSpec::Action::kUpdateShardCount;
        r.target_shard_count = static_cast<int>(read_int(x, path + ".update_shard_count", 1, 1'000));
        result = map.update_shard_count(r.target_shard_count);
      }
      if (!result.ok()) fail_at(e.where, path + ": " + result.error_code + ": " + result.message);
      if (map.size() > 1'000)
        fail_at(e.where, path + ": the stream would have more than 1,000 shards (open and closed) in all");
      k.reshards.push_back(r);
    }
    for (auto& st : k.streams) {
      st.partitions = maps.at(st.name).size();
      for (auto& t : spec_.topics)
        if (t.name == "kinesis." + st.name) t.partitions = st.partitions;
    }
  }

  // --- operations (scenario_spec.h)

  void read_operations(const YamlValue& v) {
    if (!v.is_list()) fail_at(v.where, "operations: expected a list of operation entries, got " + v.describe());
    std::set<int> added;  // brokers some add-brokers starts
    for (size_t i = 0; i < v.items.size(); ++i) {
      OperationSpec o = read_operation(v.items[i], index_path("operations", i));
      if (o.kind == OperationSpec::Kind::kAddBrokers)
        for (int b : o.brokers)
          if (!added.insert(b).second)
            fail_at(v.items[i].where, index_path("operations", i) + ".brokers: broker " + std::to_string(b) +
                                          " is added by an earlier add-brokers");
      spec_.operations.push_back(std::move(o));
    }
    // A broker that starts later is there from its add-brokers on.
    for (size_t i = 0; i < spec_.operations.size(); ++i) {
      const OperationSpec& o = spec_.operations[i];
      if (o.kind == OperationSpec::Kind::kAddBrokers) continue;
      for (int b : o.brokers)
        for (const OperationSpec& a : spec_.operations)
          if (a.kind == OperationSpec::Kind::kAddBrokers && a.at > o.at &&
              std::find(a.brokers.begin(), a.brokers.end(), b) != a.brokers.end())
            fail_at(v.items[i].where, index_path("operations", i) + ".brokers: broker " + std::to_string(b) +
                                          " is only added at " + sim::format_duration(a.at) + ", after this " +
                                          to_string(o.kind) + " at " + sim::format_duration(o.at));
    }
  }

  OperationSpec read_operation(const YamlValue& v, const std::string& path) {
    require_map(v, path, "an operation entry (a map with at, kind and brokers)");
    check_keys(v, path, {"at", "kind", "brokers", "topics", "throttle"});
    OperationSpec o;
    o.line = v.where.line;
    const YamlValue& kind = require_key(v, path, "kind");
    std::string name = read_text(kind, path + ".kind", "an operation kind");
    if (name == "add-brokers") o.kind = OperationSpec::Kind::kAddBrokers;
    else if (name == "reassign") o.kind = OperationSpec::Kind::kReassign;
    else if (name == "decommission") o.kind = OperationSpec::Kind::kDecommission;
    else fail_at(kind.where, path + ".kind: expected add-brokers, reassign or decommission, got '" + name + "'");
    const YamlValue& at = require_key(v, path, "at");
    o.at = read_duration(at, path + ".at", sim::Duration::zero(), spec_.duration);
    const YamlValue& brokers = require_key(v, path, "brokers");
    if (!brokers.is_list() || brokers.items.empty())
      fail_at(brokers.where, path + ".brokers: expected a list of broker ids, got " + brokers.describe());
    for (size_t i = 0; i < brokers.items.size(); ++i) {
      int b = static_cast<int>(read_int(brokers.items[i], index_path(path + ".brokers", i), 0, spec_.cluster.brokers - 1));
      if (std::find(o.brokers.begin(), o.brokers.end(), b) != o.brokers.end())
        fail_at(brokers.items[i].where, path + ".brokers: broker " + std::to_string(b) + " named twice");
      o.brokers.push_back(b);
    }
    if (const YamlValue* t = v.find("topics")) {
      if (o.kind != OperationSpec::Kind::kReassign) fail_at(t->where, path + ".topics: only a reassign takes topics");
      if (!t->is_list()) fail_at(t->where, path + ".topics: expected a list of topic names, got " + t->describe());
      for (size_t i = 0; i < t->items.size(); ++i) {
        std::string topic = read_text(t->items[i], index_path(path + ".topics", i), "a topic name");
        if (find_topic(topic) == nullptr)
          fail_at(t->items[i].where, path + ".topics: '" + topic + "' is not one of the scenario's topics");
        o.topics.push_back(topic);
      }
    }
    if (const YamlValue* x = v.find("throttle")) {
      if (o.kind == OperationSpec::Kind::kAddBrokers) fail_at(x->where, path + ".throttle: add-brokers moves nothing to throttle");
      o.throttle_bytes_per_s = read_parsed<int64_t>(*x, path + ".throttle", "a rate like 10MB/s", parse_bandwidth);
    }
    if (o.kind == OperationSpec::Kind::kReassign) {
      for (const TopicSpec& t : spec_.topics) {
        bool moved = o.topics.empty() || std::find(o.topics.begin(), o.topics.end(), t.name) != o.topics.end();
        if (moved && t.replication_factor > static_cast<int>(o.brokers.size()))
          fail_at(brokers.where, path + ".brokers: topic '" + t.name + "' has replication factor " +
                                     std::to_string(t.replication_factor) + ", more than the " +
                                     std::to_string(o.brokers.size()) + " broker(s) to place it on");
      }
    }
    if (o.kind == OperationSpec::Kind::kDecommission) {
      int left = spec_.cluster.brokers - static_cast<int>(o.brokers.size());
      for (const TopicSpec& t : spec_.topics)
        if (t.replication_factor > left)
          fail_at(brokers.where, path + ".brokers: topic '" + t.name + "' needs " + std::to_string(t.replication_factor) +
                                     " brokers, " + std::to_string(left) + " would be left");
    }
    return o;
  }

  // --- faults

  void read_faults(const YamlValue& v) {
    if (!v.is_list()) fail_at(v.where, "faults: expected a list of fault entries, got " + v.describe());
    for (size_t i = 0; i < v.items.size(); ++i) spec_.faults.push_back(read_fault(v.items[i], index_path("faults", i)));
  }

  static std::string fault_kind_names() {
    std::string out;
    for (const faults::FaultKindInfo& i : faults::fault_catalogue()) out += (out.empty() ? "" : ", ") + std::string(i.name);
    return out;
  }

  static std::string kinds_where(bool (*pred)(const faults::FaultKindInfo&)) {
    std::string out;
    for (const faults::FaultKindInfo& i : faults::fault_catalogue())
      if (pred(i)) out += (out.empty() ? "" : ", ") + std::string(i.name);
    return out;
  }

  FaultSpec::Kind read_fault_kind(const YamlValue& kind, const std::string& path) {
    std::string name = read_text(kind, path, "a fault kind (" + fault_kind_names() + ")");
    std::optional<FaultSpec::Kind> k = parse_fault_kind(name);
    if (!k) {
      std::vector<std::string_view> names;
      for (const faults::FaultKindInfo& i : faults::fault_catalogue()) names.push_back(i.name);
      std::string hint = closest_match(name, names);
      fail_at(kind.where, path + ": unknown fault kind " + kind.describe() +
                              (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; expected one of: " +
                              fault_kind_names());
    }
    return *k;
  }

  FaultSpec read_fault(const YamlValue& v, const std::string& path) {
    require_map(v, path, "a fault entry (a map with at, kind, and target where the kind needs one)");
    check_keys(v, path, {"at", "for", "kind", "target", "other_side", "amount", "probability", "latency", "bandwidth",
                         "factor", "drift_ppm", "activation", "dir"});
    FaultSpec f;
    f.line = v.where.line;
    const YamlValue& kind = require_key(v, path, "kind");
    f.kind = read_fault_kind(kind, path + ".kind");
    const faults::FaultKindInfo& info = faults::info(f.kind);
    const std::string name = info.name;
    const YamlValue& at = require_key(v, path, "at");
    f.at = read_duration(at, path + ".at", sim::Duration::zero(), kScenarioDurationMax);
    if (f.at > spec_.duration) {
      fail_at(at.where, path + ".at: expected a time within the fault phase (at most duration: " +
                            sim::format_duration(spec_.duration) + "), got " + sim::format_duration(f.at));
    }
    if (const YamlValue* x = v.find("for")) {
      if (!info.undoable) {
        fail_at(x->where, path + ".for: '" + name + "' is not undone later, so it takes no 'for'; expected 'for' only "
                                 "with " + kinds_where([](const faults::FaultKindInfo& i) { return i.undoable; }));
      }
      f.duration = read_duration(*x, path + ".for", sim::nanoseconds(1), kScenarioDurationMax);
    }
    read_fault_targets(v, path, info, f);
    read_fault_params(v, path, info, f);
    return f;
  }

  void read_fault_targets(const YamlValue& v, const std::string& path, const faults::FaultKindInfo& info, FaultSpec& f) {
    using faults::TargetUse;
    const std::string name = info.name;
    const YamlValue* target = v.find("target");
    const YamlValue* other = v.find("other_side");
    if (info.target == TargetUse::kNone && target != nullptr) {
      fail_at(target->where, path + ".target: '" + name + "' acts on the whole cluster; expected no target");
    }
    bool target_required = info.target == TargetUse::kNodes || info.target == TargetUse::kTwoSides ||
                           info.target == TargetUse::kNodesOptionalOtherSide || info.target == TargetUse::kZone;
    if (target_required && target == nullptr) {
      fail_at(v.where, path + ": missing required key 'target'; expected a target like '" +
                           std::string(info.target == TargetUse::kZone ? "zone a" : "broker 1") + "' for a '" + name +
                           "' fault");
    }
    if (target != nullptr) f.targets = read_targets(*target, path + ".target");
    if (f.kind == FaultSpec::Kind::kRing) check_ring_size(target != nullptr ? *target : v, path, f.targets);
    // A client node is only cut off (its acknowledgements dropped, say), never crashed,
    // paused or given disk or clock faults: its workload and its record ids live in it.
    if (info.group != faults::FaultGroup::kNetwork && info.group != faults::FaultGroup::kLink) {
      for (const std::string& t : f.targets) {
        if (t.rfind("producer ", 0) == 0) {
          fail_at(target->where, path + ".target: '" + t + "' is a client; expected a broker or controller target for "
                                 "a '" + name + "' fault (producers can only be targets of network and link faults)");
        }
      }
    }
    if (info.target == TargetUse::kZone) {
      if (f.targets.size() != 1 || f.targets[0].rfind("zone ", 0) != 0) {
        fail_at(target->where, path + ".target: '" + name + "' takes one zone; expected a target like 'zone a', got " +
                                   target->describe());
      }
    }
    if (info.target == TargetUse::kTwoSides && other == nullptr) {
      fail_at(v.where, path + ": missing required key 'other_side'; expected both sides of a " + name +
                           " (target and other_side)");
    }
    if (other != nullptr) {
      if (info.target != TargetUse::kTwoSides && info.target != TargetUse::kNodesOptionalOtherSide) {
        fail_at(other->where, path + ".other_side: only partition, one-way and link faults have another side; expected "
                                     "no other_side for '" + name + "'");
      }
      f.other_side = read_targets(*other, path + ".other_side");
      for (size_t i = 0; i < f.other_side.size(); ++i) {
        if (std::find(f.targets.begin(), f.targets.end(), f.other_side[i]) != f.targets.end()) {
          const YamlValue& item = other->is_list() ? other->items[i] : *other;
          fail_at(item.where, path + ".other_side: '" + f.other_side[i] + "' is on both sides of the " + name +
                                     "; expected disjoint sides");
        }
      }
    }
  }

  void read_fault_params(const YamlValue& v, const std::string& path, const faults::FaultKindInfo& info, FaultSpec& f) {
    using faults::FaultParam;
    const std::string name = info.name;
    std::string allowed;
    for (uint32_t bit = 1; bit <= faults::kParamLast; bit <<= 1)
      if ((info.params & bit) != 0) allowed += (allowed.empty() ? "" : ", ") + std::string(faults::param_name(static_cast<FaultParam>(bit)));
    for (uint32_t bit = 1; bit <= faults::kParamLast; bit <<= 1) {
      const char* key = faults::param_name(static_cast<FaultParam>(bit));
      const YamlValue* x = v.find(key);
      if (x == nullptr) {
        if ((info.required & bit) != 0) {
          fail_at(v.where, path + ": missing required key '" + key + "' for a '" + name + "' fault; expected " +
                               param_form(static_cast<FaultParam>(bit)));
        }
        continue;
      }
      if ((info.params & bit) == 0) {
        fail_at(x->where, path + "." + key + ": '" + name + "' takes no " + key + "; expected " +
                              (allowed.empty() ? std::string("no parameters") : "only " + allowed));
      }
      const std::string at = path + "." + key;
      switch (static_cast<FaultParam>(bit)) {
        case faults::kParamAmount:
          f.amount = read_parsed<sim::Duration>(*x, at, "a duration like 5s or -5s", parse_signed_duration);
          if (f.amount > kScenarioDurationMax || f.amount < sim::Duration::zero() - kScenarioDurationMax) {
            fail_at(x->where, at + ": expected an amount within 7 days either way, got " + sim::format_duration(f.amount));
          }
          break;
        case faults::kParamProbability: f.params.probability = read_number(*x, at, 0, 1); break;
        case faults::kParamActivation: f.params.activation = read_number(*x, at, 0, 1); break;
        case faults::kParamLatency: {
          LatencySpec l = read_parsed<LatencySpec>(*x, at, "a latency like 'uniform 100ms 500ms'", parse_latency);
          f.params.latency = to_latency_model(l);
          break;
        }
        case faults::kParamBandwidth:
          f.params.bandwidth_bytes_per_s = read_parsed<int64_t>(*x, at, "a bandwidth like 1MB/s", parse_bandwidth);
          break;
        case faults::kParamFactor: f.params.factor = read_int(*x, at, 2, 1'000'000); break;
        case faults::kParamDriftPpm: f.params.drift_ppm = read_int(*x, at, -999'999, 1'000'000); break;
        case faults::kParamLogDir: {
          // The brokers' log.dirs (cluster, read before the faults): one directory when unset.
          const auto dirs = static_cast<int64_t>(std::max<size_t>(1, log_dirs_of(spec_.cluster.broker_configs).size()));
          if (dirs < 2) {
            fail_at(x->where, at + ": 'dir' names one of the brokers' log directories, but "
                                   "cluster.broker_configs has no log.dirs with several (e.g. log.dirs: /d0,/d1,/d2)");
          }
          f.params.log_dir = static_cast<int32_t>(read_int(*x, at, 0, dirs - 1));
          break;
        }
        case faults::kParamNone: break;
      }
    }
    if (f.kind == FaultSpec::Kind::kFaultPointsOn && v.find("probability") == nullptr) f.params.probability = 0.05;
  }

  static std::string param_form(faults::FaultParam p) {
    switch (p) {
      case faults::kParamAmount: return "a signed duration like 5s or -5s";
      case faults::kParamProbability: return "a probability from 0 to 1";
      case faults::kParamLatency: return "a latency like 'uniform 100ms 500ms'";
      case faults::kParamBandwidth: return "a bandwidth like 1MB/s";
      case faults::kParamFactor: return "an integer factor from 2 to 1000000";
      case faults::kParamDriftPpm: return "an integer from -999999 to 1000000 (parts per million)";
      case faults::kParamActivation: return "a share of sites from 0 to 1";
      case faults::kParamLogDir: return "a log directory's index in the broker's log.dirs, from 0";
      case faults::kParamNone: break;
    }
    return "a value";
  }

  // --- nemesis

  void read_nemesis(const YamlValue& v) {
    require_map(v, "nemesis", "a map of nemesis settings (kinds, interval, lasts_min, lasts_max, swarm, targets, aims, one_at_a_time, chain, fire)");
    check_keys(v, "nemesis", {"kinds", "interval", "lasts_min", "lasts_max", "swarm", "targets", "aims", "one_at_a_time", "chain", "fire"});
    NemesisSpec n;
    n.line = v.where.line;
    faults::NemesisOptions& o = n.options;
    const YamlValue& kinds = require_key(v, "nemesis", "kinds");
    if (!kinds.is_list() || kinds.items.empty()) {
      fail_at(kinds.where, "nemesis.kinds: expected a non-empty list of fault kinds, got " + kinds.describe());
    }
    for (size_t i = 0; i < kinds.items.size(); ++i) {
      const std::string at = index_path("nemesis.kinds", i);
      FaultSpec::Kind k = read_fault_kind(kinds.items[i], at);
      if (k == FaultSpec::Kind::kRing &&
          spec_.cluster.brokers + spec_.cluster.controllers < static_cast<int>(faults::kRingNodesMin)) {
        fail_at(kinds.items[i].where, at + ": a ring over the " +
                                          std::to_string(spec_.cluster.brokers + spec_.cluster.controllers) +
                                          " servers cuts nothing; expected at least " +
                                          std::to_string(faults::kRingNodesMin) + " brokers + controllers for 'ring'");
      }
      if (!faults::nemesis_can_draw(k)) {
        fail_at(kinds.items[i].where, at + ": a nemesis cannot draw '" + std::string(faults::to_string(k)) +
                                          "'; expected one of: " +
                                          kinds_where([](const faults::FaultKindInfo& e) { return faults::nemesis_can_draw(e.kind); }));
      }
      if (std::find(o.kinds.begin(), o.kinds.end(), k) != o.kinds.end()) {
        fail_at(kinds.items[i].where, at + ": '" + std::string(faults::to_string(k)) + "' is listed twice; expected distinct kinds");
      }
      o.kinds.push_back(k);
    }
    if (const YamlValue* x = v.find("interval")) o.interval = read_duration(*x, "nemesis.interval", sim::milliseconds(1), kScenarioDurationMax);
    if (const YamlValue* x = v.find("lasts_min")) o.lasts_min = read_duration(*x, "nemesis.lasts_min", sim::milliseconds(1), kScenarioDurationMax);
    if (const YamlValue* x = v.find("lasts_max")) o.lasts_max = read_duration(*x, "nemesis.lasts_max", sim::milliseconds(1), kScenarioDurationMax);
    if (o.lasts_min > o.lasts_max) {
      const YamlValue* where = v.find("lasts_max") != nullptr ? v.find("lasts_max") : v.find("lasts_min");
      fail_at(where->where, "nemesis.lasts_max: expected at least lasts_min (" + sim::format_duration(o.lasts_min) +
                                "), got " + sim::format_duration(o.lasts_max));
    }
    if (const YamlValue* x = v.find("swarm")) o.swarm = read_bool(*x, "nemesis.swarm");
    if (const YamlValue* x = v.find("targets")) n.targets = read_targets(*x, "nemesis.targets");
    if (const YamlValue* x = v.find("aims")) {
      if (n.targets.size() > 0) fail_at(x->where, "nemesis.aims: expected either targets or aims, not both");
      n.aims = read_aims(*x, "nemesis.aims");
    }
    if (const YamlValue* x = v.find("one_at_a_time")) {
      if (x->is_scalar() && x->text == "drawn") {
        n.one_at_a_time_drawn = true;
      } else {
        n.one_at_a_time = read_bool(*x, "nemesis.one_at_a_time (true, false or drawn)");
      }
    }
    if (const YamlValue* x = v.find("chain")) {
      if (x->is_scalar() && x->text == "drawn") {
        n.chain_drawn = true;
      } else {
        n.chain = read_bool(*x, "nemesis.chain (true, false or drawn)");
      }
      bool takes_out = std::any_of(o.kinds.begin(), o.kinds.end(), [](faults::FaultKind k) { return chain_can_inject(k); });
      if ((n.chain || n.chain_drawn) && !takes_out)
        fail_at(x->where, "nemesis.chain: the chain injects only kinds that take a node out; expected at least one of "
                          "crash, torn-crash, kill, shutdown, pause, isolate, partition in nemesis.kinds");
    }
    if (const YamlValue* x = v.find("fire")) n.fire = read_bool(*x, "nemesis.fire");
    spec_.nemesis = n;
  }

  // At most how many nodes `targets` name (every server when there are none); nullopt when a
  // zone makes it unknown until the run.
  std::optional<int64_t> nodes_at_most(const std::vector<std::string>& targets) const {
    if (targets.empty()) return spec_.cluster.brokers + spec_.cluster.controllers;
    int64_t n = 0;
    for (const std::string& text : targets) {
      FaultTarget t = *parse_fault_target(text).value;  // read_targets parsed it
      switch (t.kind) {
        case FaultTarget::Kind::kZone: return std::nullopt;
        case FaultTarget::Kind::kAllBrokers: n += spec_.cluster.brokers; break;
        case FaultTarget::Kind::kAllControllers: n += spec_.cluster.controllers; break;
        case FaultTarget::Kind::kFollowersOf:
        case FaultTarget::Kind::kIsrOf: n += find_topic(t.topic)->replication_factor; break;
        default: n += 1;
      }
    }
    return n;
  }

  void check_ring_size(const YamlValue& where, const std::string& path, const std::vector<std::string>& targets) {
    std::optional<int64_t> n = nodes_at_most(targets);
    if (!n || *n >= static_cast<int64_t>(faults::kRingNodesMin)) return;
    fail_at(where.where, path + ".target: a ring of " + std::to_string(*n) + " node(s) cuts nothing (every node already "
                          "reaches a majority); expected at least " + std::to_string(faults::kRingNodesMin) +
                          " nodes" + (targets.empty() ? " in the cluster (brokers + controllers)" : ""));
  }

  std::vector<std::string> read_targets(const YamlValue& v, const std::string& path) {
    std::vector<std::string> targets;
    if (v.is_list()) {
      if (v.items.empty()) fail_at(v.where, path + ": expected at least one target, got an empty list");
      for (size_t i = 0; i < v.items.size(); ++i) {
        std::string t = read_target(v.items[i], index_path(path, i));
        if (std::find(targets.begin(), targets.end(), t) != targets.end()) {
          fail_at(v.items[i].where, index_path(path, i) + ": '" + t + "' is listed twice; expected distinct targets");
        }
        targets.push_back(t);
      }
      return targets;
    }
    targets.push_back(read_target(v, path));
    return targets;
  }

  // nemesis.aims: "anywhere" or a target, where "TOPIC/*" stands for a partition of TOPIC the
  // seed draws.
  std::vector<std::string> read_aims(const YamlValue& v, const std::string& path) {
    if (!v.is_list() || v.items.empty()) {
      fail_at(v.where, path + ": expected a non-empty list of aims ('anywhere' or targets such as 'followers of "
                              "orders/*'), got " + v.describe());
    }
    std::vector<std::string> aims;
    for (size_t i = 0; i < v.items.size(); ++i) {
      const YamlValue& item = v.items[i];
      const std::string at = index_path(path, i);
      std::string aim;
      if (item.is_scalar() && item.text == "anywhere") {
        aim = "anywhere";
      } else {
        YamlValue probe = item;
        bool star = false;
        if (probe.is_scalar() && probe.text.size() >= 2 && probe.text.compare(probe.text.size() - 2, 2, "/*") == 0) {
          probe.text = probe.text.substr(0, probe.text.size() - 1) + "0";
          star = true;
        }
        aim = read_target(probe, at);
        if (star) aim = aim.substr(0, aim.size() - 1) + "*";
      }
      if (std::find(aims.begin(), aims.end(), aim) != aims.end()) {
        fail_at(item.where, at + ": '" + aim + "' is listed twice; expected distinct aims");
      }
      aims.push_back(aim);
    }
    return aims;
  }

  std::string read_target(const YamlValue& v, const std::string& path) {
    FaultTarget t = read_parsed<FaultTarget>(v, path, "a target like 'broker 1' (or a list of targets)", parse_fault_target);
    auto out_of_range = [&](const std::string& what, int64_t count, const std::string& setting) {
      fail_at(v.where, path + ": " + what + " does not exist; expected " + what.substr(0, what.find(' ')) + " 0 to " +
                           std::to_string(count - 1) + " (" + setting + " is " + std::to_string(count) + ")");
    };
    switch (t.kind) {
      case FaultTarget::Kind::kBroker:
        if (t.index >= spec_.cluster.brokers) out_of_range(t.str(), spec_.cluster.brokers, "cluster.brokers");
        break;
      case FaultTarget::Kind::kController:
        if (t.index >= spec_.cluster.controllers) out_of_range(t.str(), spec_.cluster.controllers, "cluster.controllers");
        break;
      case FaultTarget::Kind::kLeaderOf:
      case FaultTarget::Kind::kFollowersOf:
      case FaultTarget::Kind::kIsrOf: {
        const TopicSpec* topic = find_topic(t.topic);
        if (topic == nullptr) {
          fail_at(v.where, path + ": unknown topic '" + t.topic + "'; expected a topic declared under topics");
        }
        if (t.partition >= topic->partitions) {
          fail_at(v.where, path + ": partition " + std::to_string(t.partition) + " of '" + t.topic +
                               "' does not exist; expected a partition from 0 to " + std::to_string(topic->partitions - 1));
        }
        break;
      }
      case FaultTarget::Kind::kZone:
        if (!has_zones()) {
          fail_at(v.where, path + ": the cluster has no zones; expected cluster.racks (and cluster.controller_racks) "
                                  "to name them");
        }
        if (!zone_exists(t.topic)) {
          std::vector<std::string_view> zones = zone_names();
          fail_at(v.where, path + ": unknown zone '" + t.topic + "'; expected one of the zones in cluster.racks and "
                                  "cluster.controller_racks: " + list_names(zones));
        }
        break;
      case FaultTarget::Kind::kPipelineNode: {
        if (!spec_.pipeline) fail_at(v.where, path + ": '" + t.str() + "' needs a pipeline section");
        const PipelineSpec& pl = *spec_.pipeline;
        const std::string& n = t.topic;
        auto numbered = [&](const std::string& prefix, int count) {
          if (n.rfind(prefix, 0) != 0) return false;
          auto k = parse_integer(n.substr(prefix.size()));
          return k && *k >= 0 && *k < count;
        };
        if (n != "mqtt-broker" && n != "iot-rule" && n != "sqs" && n != "lambda" && n != "docstore" &&
            !numbered("function-", pl.concurrency) && !numbered("connect-task-", pl.tasks) && !numbered("device-", pl.devices))
          fail_at(v.where, path + ": unknown pipeline node '" + n + "'; expected mqtt-broker, iot-rule, sqs, lambda, docstore, "
                           "function-N (N < " + std::to_string(pl.concurrency) + "), connect-task-N (N < " +
                           std::to_string(pl.tasks) + ") or device-N (N < " + std::to_string(pl.devices) + ")");
        break;
      }
      case FaultTarget::Kind::kKinesisWorker: {
        const int workers = spec_.kinesis ? spec_.kinesis->worker_count() : 0;
        if (t.index >= workers) out_of_range(t.str(), workers, "the kinesis consumers' total workers");
        break;
      }
      case FaultTarget::Kind::kProducer: {
        int64_t producers = 0;
        for (const ProducerSpec& p : spec_.producers) producers += p.count;
        if (spec_.kinesis) producers += spec_.kinesis->producer_count();
        if (t.index >= producers) out_of_range(t.str(), producers, "the producers' total count");
        break;
      }
      case FaultTarget::Kind::kActiveController:
      case FaultTarget::Kind::kBusiestLeader:
      case FaultTarget::Kind::kRandomBroker:
      case FaultTarget::Kind::kAllBrokers:
      case FaultTarget::Kind::kAllControllers:
      case FaultTarget::Kind::kTxnCoordinatorOf: break;
      case FaultTarget::Kind::kConsumer:
      case FaultTarget::Kind::kMemberOf:
      case FaultTarget::Kind::kCoordinatorOf: check_group_target(t, v, path); break;
    }
    return t.str();
  }

  // --- expect

  void read_expect(const YamlValue& v) {
    require_map(v, "expect", "a map of expectations");
    std::vector<std::string_view> names;
    for (const ExpectKey& k : expect_keys()) names.push_back(k.name);
    check_keys(v, "expect", names);
    ExpectSpec& e = spec_.expect;
    for (const ExpectKey& k : expect_keys()) {
      const YamlValue* x = v.find(k.name);
      if (x == nullptr) continue;
      if (k.count != nullptr) e.*k.count = read_expectation(*x, join_path("expect", k.name));
      else if (std::string_view(k.name) == "errors") read_error_expectations(*x);
      else e.liveness = read_bool(*x, "expect.liveness");
    }
  }

  void read_error_expectations(const YamlValue& v) {
    require_map(v, "expect.errors", "a map from Kafka error name to a count, like {NOT_ENOUGH_REPLICAS: \"> 0\"}");
    for (const YamlEntry& entry : v.entries) {
      const std::string& name = entry.key;
      const YamlValue& value = entry.value;
      if (!broker_model::error_code_from_name(name)) {
        fail_at(entry.key_where, "expect.errors: unknown Kafka error '" + name +
                                 "'; expected an error name such as NOT_ENOUGH_REPLICAS, NOT_LEADER_OR_FOLLOWER, "
                                 "REQUEST_TIMED_OUT (broker_model/errors.h)");
      }
      spec_.expect.errors[name] = read_expectation(value, "expect.errors." + name);
    }
  }

  static CountExpectation read_expectation(const YamlValue& v, const std::string& path) {
    if (v.is_scalar() && v.plain && parse_integer(v.text)) {
      return CountExpectation{CountExpectation::Op::kEq, read_int(v, path, 0, kInt64Max)};
    }
    return read_parsed<CountExpectation>(v, path, "a count or a comparison like '> 0'", parse_count_expectation);
  }

  const YamlValue& root_;
  ScenarioSpec spec_;
};

}  // namespace

ScenarioSpec build_scenario_spec(const YamlValue& root) { return SpecBuilder(root).build(); }

}  // namespace scenarios
