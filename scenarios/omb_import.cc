#include "scenarios/omb_import.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scenarios/kafka_configs.h"
#include "scenarios/scenario_document.h"
#include "scenarios/spec_builder.h"
#include "scenarios/value_syntax.h"
#include "scenarios/yaml_reader.h"

namespace scenarios {
namespace {

// OMB's own defaults (io.openmessaging.benchmark.Workload).
constexpr int64_t kOmbWarmupMinutesDefault = 1;
constexpr int64_t kOmbKeysMax = 10'000;           // distinct keys for KEY_ROUND_ROBIN / RANDOM_NANO
constexpr int64_t kOmbTopicsMax = 1'000;
constexpr int64_t kOmbDurationMinutesMax = 7 * 24 * 60;

YamlValue scalar(std::string text, const SourceLocation& where, bool plain = true) {
  YamlValue v;
  v.kind = YamlValue::Kind::kScalar;
  v.text = std::move(text);
  v.plain = plain;
  v.where = where;
  return v;
}

YamlValue map_at(const SourceLocation& where) {
  YamlValue v;
  v.kind = YamlValue::Kind::kMap;
  v.where = where;
  return v;
}

YamlValue list_at(const SourceLocation& where) {
  YamlValue v;
  v.kind = YamlValue::Kind::kList;
  v.where = where;
  return v;
}

void put(YamlValue& map, const std::string& key, YamlValue value) {
  SourceLocation where = value.where;
  map.entries.push_back(YamlEntry{key, where, std::move(value)});
}

// Reads at most one byte past the scenario files' size cap (kYamlFileBytesMax), as the
// scenario loader does: parse_yaml reports the oversized file, and an endless one (a device, a
// pipe) can neither hang the import nor fill the memory.
YamlValue read_document(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path)) {
    throw LoadFailure(ScenarioError{path, 0, 0, std::string("cannot read the OMB ") + what + " file"});
  }
  std::string text;
  char buf[8192];
  while (static_cast<int64_t>(text.size()) <= kYamlFileBytesMax && (in.read(buf, sizeof buf) || in.gcount() > 0)) {
    text.append(buf, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw LoadFailure(ScenarioError{path, 0, 0, std::string("cannot read the OMB ") + what + " file"});
  return parse_yaml(text, std::make_shared<const std::string>(path));
}

// One line of Java properties text, with where it was written.
struct Property {
  std::string key, value;
  SourceLocation where;
};

std::string trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string_view::npos) return "";
  size_t b = s.find_last_not_of(" \t\r");
  return std::string(s.substr(a, b - a + 1));
}

// `key=value`, `key: value` or `key value` per line; `#` and `!` start comments.
std::vector<Property> parse_properties(const YamlValue& v, const std::string& field) {
  std::string text = read_text(v, field, "Kafka properties as text, one key=value per line");
  std::vector<Property> out;
  // A block scalar's text starts on the line after its indicator.
  bool block = text.find('\n') != std::string::npos && !v.plain;
  std::istringstream lines(text);
  std::string line;
  int index = 0;
  while (std::getline(lines, line)) {
    SourceLocation where = v.where;
    if (block) {
      where.line = v.where.line + 1 + index;
      where.column = static_cast<int>(line.find_first_not_of(' ')) + 1 + 2;
    }
    ++index;
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == '!') continue;
    size_t sep = t.find_first_of("=:");
    size_t blank = t.find_first_of(" \t");
    if (sep == std::string::npos || (blank != std::string::npos && blank < sep)) sep = blank;
    if (sep == std::string::npos || sep == 0) {
      fail_at(where, field + ": expected a Kafka property 'key=value', got '" + t + "'");
    }
    out.push_back(Property{trim(t.substr(0, sep)), trim(t.substr(sep + 1)), where});
  }
  return out;
}

class OmbBuilder {
 public:
  OmbBuilder(const YamlValue& driver, const YamlValue& workload, std::vector<std::string>& notes)
      : driver_(driver), workload_(workload), notes_(notes) {}

  YamlValue build() {
    require_map(driver_, "", "an OMB driver file (a map with name, driverClass, replicationFactor, producerConfig, ...)");
    require_map(workload_, "", "an OMB workload file (a map with name, topics, partitionsPerTopic, messageSize, ...)");
    check_keys(driver_, "", {"name", "driverClass", "replicationFactor", "reset", "topicConfig", "commonConfig",
                             "producerConfig", "consumerConfig"});
    check_keys(workload_, "", {"name", "topics", "partitionsPerTopic", "keyDistributor", "messageSize",
                               "useRandomizedPayloads", "randomBytesRatio", "randomizedPayloadPoolSize", "payloadFile",
                               "subscriptionsPerTopic", "producersPerTopic", "consumerPerSubscription", "producerRate",
                               "consumerBacklogSizeGB", "backlogDrainRatio", "testDurationMinutes",
                               "warmupDurationMinutes"});
    read_driver();
    YamlValue doc = map_at(workload_.where);
    const YamlValue& wname = require_key(workload_, "", "name");
    put(doc, "name", scalar(scenario_name(read_text(wname, "name")), wname.where));
    put(doc, "description", scalar("OpenMessaging Benchmark workload '" + wname.text + "' with driver '" +
                                       driver_name_ + "'", wname.where, false));
    if (replication_factor_ > 3) {  // the default cluster has 3 brokers; OMB assumes enough
      YamlValue cluster = map_at(rf_where_);
      put(cluster, "brokers", scalar(std::to_string(replication_factor_), rf_where_));
      put(doc, "cluster", std::move(cluster));
    }
    add_topics_and_clients(doc);
    add_duration(doc);
    return doc;
  }

 private:
  void read_driver() {
    const YamlValue& cls = require_key(driver_, "", "driverClass");
    std::string c = read_text(cls, "driverClass", "the Kafka driver class");
    if (c.find("kafka") == std::string::npos && c.find("Kafka") == std::string::npos) {
      fail_at(cls.where, "driverClass: eddy simulates Kafka; expected the OMB Kafka driver "
                         "(io.openmessaging.benchmark.driver.kafka.KafkaBenchmarkDriver), got '" + c + "'");
    }
    if (const YamlValue* n = driver_.find("name")) driver_name_ = read_text(*n, "name");
    if (const YamlValue* rf = driver_.find("replicationFactor")) {
      replication_factor_ = read_int(*rf, "replicationFactor", 1, kBrokersMax);
      rf_where_ = rf->where;
    } else {
      rf_where_ = driver_.where;
    }
    if (const YamlValue* r = driver_.find("reset")) read_bool(*r, "reset");  // a fresh simulated cluster: always reset
    if (const YamlValue* t = driver_.find("topicConfig")) topic_props_ = parse_properties(*t, "topicConfig");
    if (const YamlValue* t = driver_.find("commonConfig")) common_props_ = parse_properties(*t, "commonConfig");
    if (const YamlValue* t = driver_.find("producerConfig")) producer_props_ = parse_properties(*t, "producerConfig");
    if (const YamlValue* t = driver_.find("consumerConfig")) consumer_props_ = parse_properties(*t, "consumerConfig");
  }

  static std::string scenario_name(const std::string& omb_name) {
    std::string out = "omb-";
    for (char ch : omb_name) {
      char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
      if (ok) {
        out += c;
      } else if (out.back() != '-') {
        out += '-';
      }
    }
    while (out.size() > 4 && out.back() == '-') out.pop_back();
    return out.substr(0, kNameLengthMax);
  }

  // Properties known to eddy for `scope` go into a configs map; the others are noted.
  YamlValue configs(ConfigScope scope, const std::vector<const std::vector<Property>*>& sources,
                    const SourceLocation& where, const std::vector<std::pair<std::string, std::string>>& extra) {
    YamlValue m = map_at(where);
    for (const auto* props : sources) {
      for (const Property& p : *props) {
        if (!is_known_config_key(scope, p.key)) {
          note_ignored(p.key);
          continue;
        }
        auto it = std::find_if(m.entries.begin(), m.entries.end(), [&](const YamlEntry& e) { return e.key == p.key; });
        if (it != m.entries.end()) {
          it->value = scalar(p.value, p.where);  // producerConfig overrides commonConfig
        } else {
          put(m, p.key, scalar(p.value, p.where));
        }
      }
    }
    for (const auto& [k, v] : extra) {
      if (m.find(k) == nullptr) put(m, k, scalar(v, where));
    }
    return m;
  }

  void note_ignored(const std::string& key) {
    std::string n = "accepted, no effect: OMB property '" + key + "' (the simulation has no use for it)";
    if (std::find(notes_.begin(), notes_.end(), n) == notes_.end()) notes_.push_back(n);
  }

  const YamlValue& int_field(const char* key, int64_t min, int64_t max, int64_t& out, bool required = true) {
    const YamlValue* v = workload_.find(key);
    if (v == nullptr) {
      if (required) require_key(workload_, "", key);
      return workload_;
    }
    out = read_int(*v, key, min, max);
    return *v;
  }

  void add_topics_and_clients(YamlValue& doc) {
    std::string keys = "none";
    SourceLocation keys_where = workload_.where;
    if (const YamlValue* k = workload_.find("keyDistributor")) {
      std::string d = read_text(*k, "keyDistributor", "NO_KEY, KEY_ROUND_ROBIN or RANDOM_NANO");
      keys_where = k->where;
      if (d == "NO_KEY") {
        keys = "none";
      } else if (d == "KEY_ROUND_ROBIN") {
        keys = "fixed " + std::to_string(kOmbKeysMax);
      } else if (d == "RANDOM_NANO") {
        keys = "uniform " + std::to_string(kOmbKeysMax);
      } else {
        fail_at(k->where, "keyDistributor: expected one of NO_KEY, KEY_ROUND_ROBIN, RANDOM_NANO, got " + k->describe());
      }
    }
    int64_t topics = 1, partitions = 1, message_size = 1024, producers = 1, subscriptions = 1, consumers = 1;
    int64_t rate = 0;
    const YamlValue& tw = int_field("topics", 1, kOmbTopicsMax, topics);
    const YamlValue& pw = int_field("partitionsPerTopic", 1, kPartitionsMax, partitions);
    const YamlValue& mw = int_field("messageSize", 1, kMessageBytesMax, message_size);
    const YamlValue& prw = int_field("producersPerTopic", 0, kClientsPerEntryMax, producers);
    int_field("subscriptionsPerTopic", 0, kClientsPerEntryMax, subscriptions);
    const YamlValue& cw = int_field("consumerPerSubscription", 0, kClientsPerEntryMax, consumers);
    const YamlValue& rw = int_field("producerRate", 0, 1'000'000'000, rate);
    for (const char* ignored : {"payloadFile", "useRandomizedPayloads", "randomBytesRatio", "randomizedPayloadPoolSize",
                                "backlogDrainRatio"}) {
      if (workload_.find(ignored) != nullptr) {
        notes_.push_back(std::string("accepted, no effect: OMB ") + ignored +
                         " (payload bytes are not simulated, only their size)");
      }
    }
    if (const YamlValue* b = workload_.find("consumerBacklogSizeGB")) {
      double gb = read_number(*b, "consumerBacklogSizeGB", 0, 1e6);
      if (gb > 0) notes_.push_back("accepted, no effect: OMB consumerBacklogSizeGB (consumers start with the producers; no backlog phase)");
    }
    if (producers > 0 && rate == 0) {
      notes_.push_back("OMB producerRate 0: the maximum sustainable rate is searched as OMB does (rate: max; "
                       "scenarios/omb_rate_controller.h)");
    }

    YamlValue topic_list = list_at(tw.where);
    YamlValue producer_list = list_at(prw.where);
    YamlValue consumer_list = list_at(cw.where);
    for (int64_t t = 0; t < topics; ++t) {
      const std::string topic = "omb-topic-" + std::to_string(t);
      YamlValue entry = map_at(tw.where);
      put(entry, "name", scalar(topic, tw.where));
      put(entry, "partitions", scalar(std::to_string(partitions), pw.where));
      put(entry, "replication_factor", scalar(std::to_string(replication_factor_), rf_where_));
      put(entry, "configs", configs(ConfigScope::kTopic, {&topic_props_}, rf_where_, {}));
      topic_list.items.push_back(std::move(entry));
      if (producers > 0) {
        YamlValue p = map_at(prw.where);
        put(p, "topic", scalar(topic, prw.where));
        put(p, "count", scalar(std::to_string(producers), prw.where));
        // producerRate is the total over every producer of the test; rates are per producer.
        if (rate == 0) {
          put(p, "rate", scalar("max", rw.where));  // OMB's maximum-rate search
        } else {
          int64_t per_minute = std::max<int64_t>(1, (rate * 60 + topics * producers / 2) / (topics * producers));
          put(p, "rate", scalar(std::to_string(per_minute) + "/m", rw.where));
        }
        put(p, "message_size", scalar(std::to_string(message_size) + "B", mw.where));
        put(p, "keys", scalar(keys, keys_where));
        put(p, "configs", configs(ConfigScope::kProducer, {&common_props_, &producer_props_}, prw.where, {}));
        producer_list.items.push_back(std::move(p));
      }
      for (int64_t s = 0; s < subscriptions && consumers > 0; ++s) {
        YamlValue c = map_at(cw.where);
        put(c, "topic", scalar(topic, cw.where));
        put(c, "count", scalar(std::to_string(consumers), cw.where));
        put(c, "configs", configs(ConfigScope::kConsumer, {&common_props_, &consumer_props_}, cw.where,
                                  {{"group.id", "omb-sub-" + std::to_string(t) + "-" + std::to_string(s)}}));
        consumer_list.items.push_back(std::move(c));
      }
    }
    put(doc, "topics", std::move(topic_list));
    put(doc, "producers", std::move(producer_list));
    put(doc, "consumers", std::move(consumer_list));
  }

  void add_duration(YamlValue& doc) {
    int64_t test = 0, warmup = kOmbWarmupMinutesDefault;
    const YamlValue& tw = int_field("testDurationMinutes", 1, kOmbDurationMinutesMax, test);
    int_field("warmupDurationMinutes", 0, kOmbDurationMinutesMax, warmup, false);
    // The warmup is part of the run: the workload runs warmup + test minutes, and the statistics
    // leave the warm-up out (OMB resets its counters when it ends).
    put(doc, "duration", scalar(std::to_string(test + warmup) + "m", tw.where));
    if (warmup > 0) put(doc, "warmup", scalar(std::to_string(warmup) + "m", tw.where));
  }

  const YamlValue& driver_;
  const YamlValue& workload_;
  std::vector<std::string>& notes_;
  std::string driver_name_ = "Kafka";
  int64_t replication_factor_ = 1;  // OMB's Kafka driver default
  SourceLocation rf_where_;
  std::vector<Property> topic_props_, common_props_, producer_props_, consumer_props_;
};

}  // namespace

LoadResult load_omb_scenario(const OmbFiles& files, std::vector<std::string>* notes, const LoadOptions& overlay_options) {
  std::vector<std::string> local_notes;
  std::vector<std::string>& out_notes = notes != nullptr ? *notes : local_notes;
  const std::string display = files.overlay.empty() ? files.workload : files.overlay;
  try {
    YamlValue driver = read_document(files.driver, "driver");
    YamlValue workload = read_document(files.workload, "workload");
    YamlValue doc = OmbBuilder(driver, workload, out_notes).build();
    if (!files.overlay.empty()) doc = merge_yaml(std::move(doc), read_scenario_document(files.overlay, overlay_options));
    ScenarioSpec spec = build_scenario_spec(doc);
    spec.file = display;
    spec.load_notes = out_notes;
    return spec;
  } catch (const LoadFailure& failure) {
    return failure.error();
  } catch (const std::exception& e) {
    return ScenarioError{display, 1, 1, std::string("internal error while loading the OMB files: ") + e.what()};
  }
}

}  // namespace scenarios
