#include "scenarios/kafka_configs.h"

#include <algorithm>
#include <limits>
#include <span>

#include "scenarios/value_syntax.h"

namespace scenarios {
namespace {

enum class Type { kShort, kInt, kLong, kBool, kEnum, kEnumList, kText, kRatio };

struct Rule {
  std::string_view key;
  Type type;
  int64_t min = 0;               // kShort, kInt, kLong
  std::string_view choices = {};  // kEnum, kEnumList: '|'-separated
  // Why eddy accepts the key but nothing in the simulation changes with it ("" when it has an
  // effect). A run prints it as "accepted, no effect: ..." and summary.json lists it, so a
  // setting is never silently ignored.
  std::string_view no_effect = {};
};

constexpr int64_t kNoMin = std::numeric_limits<int64_t>::min();

// Types and lower bounds as Kafka's ConfigDef declares them (where Kafka has no validator,
// the smallest value that makes sense).
constexpr Rule kTopicRules[] = {
    {"cleanup.policy", Type::kEnumList, 0, "delete|compact"},
    {"compression.type", Type::kEnum, 0, "uncompressed|zstd|lz4|snappy|gzip|producer"},
    {"delete.retention.ms", Type::kLong, 0},
    {"flush.messages", Type::kLong, 1},
    {"flush.ms", Type::kLong, 0},
    {"max.message.bytes", Type::kInt, 0},
    {"min.cleanable.dirty.ratio", Type::kRatio},
    {"min.insync.replicas", Type::kInt, 1},
    {"retention.bytes", Type::kLong, -1},
    {"retention.ms", Type::kLong, -1},
    {"segment.bytes", Type::kInt, 14},
    {"segment.ms", Type::kLong, 1},
    {"unclean.leader.election.enable", Type::kBool},
};

constexpr Rule kBrokerRules[] = {
    {"auto.leader.rebalance.enable", Type::kBool},
    {"broker.heartbeat.interval.ms", Type::kInt, 1},
    {"broker.session.timeout.ms", Type::kInt, 1},
    {"controlled.shutdown.enable", Type::kBool},
    {"default.replication.factor", Type::kInt, 1},
    {"eligible.leader.replicas.version", Type::kInt, 0},  // a feature level in Kafka (KIP-966)
    {"group.initial.rebalance.delay.ms", Type::kInt, 0},
    {"group.max.session.timeout.ms", Type::kInt, 1},
    {"group.min.session.timeout.ms", Type::kInt, 1},
    {"leader.imbalance.check.interval.seconds", Type::kLong, 1},
    {"leader.imbalance.per.broker.percentage", Type::kInt, 0},
    {"log.cleaner.backoff.ms", Type::kLong, 0},
    {"log.dirs", Type::kText},
    {"log.flush.interval.messages", Type::kLong, 1},
    {"log.flush.interval.ms", Type::kLong, 0},
    {"log.retention.bytes", Type::kLong, -1},
    {"log.retention.check.interval.ms", Type::kLong, 1},
    {"log.retention.ms", Type::kLong, -1},
    {"log.segment.bytes", Type::kInt, 14},
    {"max.incremental.fetch.session.cache.slots", Type::kInt, 0},
    {"message.max.bytes", Type::kInt, 0},
    {"min.insync.replicas", Type::kInt, 1},
    {"num.partitions", Type::kInt, 1},
    {"offsets.commit.timeout.ms", Type::kInt, 1},
    {"offsets.topic.num.partitions", Type::kInt, 1},
    {"offsets.topic.replication.factor", Type::kShort, 1},
    {"replica.fetch.max.bytes", Type::kInt, 0},
    {"replica.fetch.wait.max.ms", Type::kInt, 0},
    {"replica.lag.time.max.ms", Type::kLong, 1},
    {"replica.socket.timeout.ms", Type::kInt, 1},
    {"replica.fetch.backoff.ms", Type::kInt, 0},
    {"request.timeout.ms", Type::kInt, 0},
    {"transaction.abort.timed.out.transaction.cleanup.interval.ms", Type::kInt, 1},
    {"transaction.max.timeout.ms", Type::kInt, 1},
    {"transaction.partition.verification.enable", Type::kBool},
    {"transaction.state.log.min.isr", Type::kInt, 1},
    {"transaction.state.log.num.partitions", Type::kInt, 1},
    {"transaction.state.log.replication.factor", Type::kShort, 1},
    // A feature level in Kafka (kafka-features.sh --feature transaction.version=2), written
    // among the broker configs here: 0-2 (TransactionVersion), 2 is KIP-890 part 2.
    {"transaction.version", Type::kEnum, 0, "0|1|2"},
    {"unclean.leader.election.enable", Type::kBool},
};

constexpr Rule kProducerRules[] = {
    {"acks", Type::kEnum, 0, "all|-1|0|1"},
    {"batch.size", Type::kInt, 0},
    {"buffer.memory", Type::kLong, 0},
    {"client.id", Type::kText},
    {"compression.type", Type::kEnum, 0, "none|gzip|snappy|lz4|zstd"},
    {"delivery.timeout.ms", Type::kInt, 0},
    {"enable.idempotence", Type::kBool},
    {"linger.ms", Type::kLong, 0},
    {"max.block.ms", Type::kLong, 0},
    {"max.in.flight.requests.per.connection", Type::kInt, 1},
    {"max.request.size", Type::kInt, 0},
    {"metadata.max.age.ms", Type::kInt, 1},
    {"partitioner.class", Type::kEnum, 0,
     "org.apache.kafka.clients.producer.RoundRobinPartitioner|org.apache.kafka.clients.producer.UniformStickyPartitioner|"
     "org.apache.kafka.clients.producer.internals.DefaultPartitioner"},
    {"partitioner.ignore.keys", Type::kBool},
    {"request.timeout.ms", Type::kInt, 0},
    {"retries", Type::kInt, 0},
    {"retry.backoff.ms", Type::kLong, 0},
    {"transaction.timeout.ms", Type::kInt, 1},
    {"transactional.id", Type::kText},
};

constexpr Rule kConsumerRules[] = {
    {"auto.commit.interval.ms", Type::kInt, 0},
    {"auto.offset.reset", Type::kEnum, 0, "earliest|latest|none"},
    {"client.id", Type::kText},
    {"enable.auto.commit", Type::kBool},
    {"fetch.max.wait.ms", Type::kInt, 0},
    {"fetch.min.bytes", Type::kInt, 0},
    {"group.id", Type::kText},
    {"group.instance.id", Type::kText},
    {"heartbeat.interval.ms", Type::kInt, 1},
    {"isolation.level", Type::kEnum, 0, "read_uncommitted|read_committed"},
    {"max.partition.fetch.bytes", Type::kInt, 1},
    {"max.poll.interval.ms", Type::kInt, 1},
    {"max.poll.records", Type::kInt, 1},
    {"partition.assignment.strategy", Type::kEnumList, 0,
     "org.apache.kafka.clients.consumer.RangeAssignor|org.apache.kafka.clients.consumer.RoundRobinAssignor|"
     "org.apache.kafka.clients.consumer.StickyAssignor|org.apache.kafka.clients.consumer.CooperativeStickyAssignor"},
    {"request.timeout.ms", Type::kInt, 1},
    {"retry.backoff.ms", Type::kLong, 0},
    {"session.timeout.ms", Type::kInt, 1},
};

std::span<const Rule> rules(ConfigScope scope) {
  switch (scope) {
    case ConfigScope::kTopic: return kTopicRules;
    case ConfigScope::kBroker: return kBrokerRules;
    case ConfigScope::kProducer: return kProducerRules;
    case ConfigScope::kConsumer: return kConsumerRules;
  }
  return {};
}

const Rule* find_rule(ConfigScope scope, std::string_view key) {
  for (const Rule& r : rules(scope)) {
    if (r.key == key) return &r;
  }
  return nullptr;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::string one_of(std::string_view choices) {
  std::string out;
  for (std::string_view c : split(choices, '|')) {
    if (!out.empty()) out += ", ";
    out += c;
  }
  return out;
}

std::string check_integer(const Rule& r, std::string_view value, std::string_view got) {
  int64_t max = r.type == Type::kShort ? std::numeric_limits<int16_t>::max()
                : r.type == Type::kInt ? std::numeric_limits<int32_t>::max()
                                       : std::numeric_limits<int64_t>::max();
  const char* type_name = r.type == Type::kShort ? "a short integer" : r.type == Type::kInt ? "an integer" : "a long integer";
  std::string expected = "expected " + std::string(type_name);
  if (r.min != kNoMin) expected += " from " + std::to_string(r.min) + " to " + std::to_string(max);
  std::optional<int64_t> n = parse_integer(value);
  if (!n || *n < r.min || *n > max) return expected + ", got " + std::string(got);
  return "";
}

}  // namespace

const char* config_scope_name(ConfigScope scope) {
  switch (scope) {
    case ConfigScope::kTopic: return "topic";
    case ConfigScope::kBroker: return "broker";
    case ConfigScope::kProducer: return "producer";
    case ConfigScope::kConsumer: return "consumer";
  }
  return "?";
}

std::vector<std::string_view> known_config_keys(ConfigScope scope) {
  std::vector<std::string_view> keys;
  for (const Rule& r : rules(scope)) keys.push_back(r.key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

bool is_known_config_key(ConfigScope scope, std::string_view key) { return find_rule(scope, key) != nullptr; }

std::string check_config_value(ConfigScope scope, std::string_view key, std::string_view value) {
  const Rule* r = find_rule(scope, key);
  if (r == nullptr) return "unknown key";
  const std::string got = "'" + std::string(value.substr(0, 80)) + "'";
  switch (r->type) {
    case Type::kShort:
    case Type::kInt:
    case Type::kLong: return check_integer(*r, value, got);
    case Type::kBool:
      if (value == "true" || value == "false") return "";
      return "expected true or false, got " + got;
    case Type::kEnum:
      for (std::string_view c : split(r->choices, '|')) {
        if (c == value) return "";
      }
      return "expected one of " + one_of(r->choices) + ", got " + got;
    case Type::kEnumList: {
      std::vector<std::string_view> choices = split(r->choices, '|');
      for (std::string_view item : split(value, ',')) {
        if (std::find(choices.begin(), choices.end(), trim(item)) == choices.end()) {
          return "expected a comma-separated list of " + one_of(r->choices) + ", got " + got;
        }
      }
      return "";
    }
    case Type::kText:
      if (!value.empty()) return "";
      return "expected non-empty text, got ''";
    case Type::kRatio: {
      std::optional<double> d = parse_decimal(value);
      if (d && *d >= 0.0 && *d <= 1.0) return "";
      return "expected a number from 0 to 1, got " + got;
    }
  }
  return "";
}

std::optional<int64_t> config_integer(std::string_view value) { return parse_integer(value); }

std::string_view config_no_effect_reason(ConfigScope scope, std::string_view key) {
  const Rule* r = find_rule(scope, key);
  return r == nullptr ? std::string_view{} : r->no_effect;
}

std::string config_no_effect(ConfigScope scope, std::string_view key, std::string_view value) {
  const Rule* r = find_rule(scope, key);
  if (r == nullptr || r->no_effect.empty()) return "";
  (void)value;
  return std::string(r->no_effect);
}

}  // namespace scenarios
