#include "broker_model/clients/client_config.h"

#include <cerrno>
#include <cstdlib>

namespace broker_model {

std::optional<int64_t> parse_int(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<bool> parse_bool(const std::string& s) {
  if (s == "true") return true;
  if (s == "false") return false;
  return std::nullopt;
}

namespace {

template <class T>
std::optional<std::string> take_int(const ConfigMap& in, const char* key, T& out, int64_t min, int64_t max) {
  auto it = in.find(key);
  if (it == in.end()) return std::nullopt;
  auto v = parse_int(it->second);
  if (!v || *v < min || *v > max)
    return std::string(key) + ": expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
           "], got '" + it->second + "'";
  out = static_cast<T>(*v);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ProducerConfig::parse(const ConfigMap& in, ProducerConfig& out) {
  if (auto it = in.find("acks"); it != in.end()) {
    if (it->second == "all" || it->second == "-1") out.acks = -1;
    else if (it->second == "1") out.acks = 1;
    else if (it->second == "0") out.acks = 0;
    else return "acks: expected 0, 1, all or -1, got '" + it->second + "'";
  }
  bool idempotence_explicit = false;
  if (auto it = in.find("enable.idempotence"); it != in.end()) {
    auto b = parse_bool(it->second);
    if (!b) return "enable.idempotence: expected true or false, got '" + it->second + "'";
    out.enable_idempotence = *b;
    idempotence_explicit = true;
  }
  const int64_t kMaxInt = 2'147'483'647;
  for (auto err : {take_int(in, "linger.ms", out.linger_ms, 0, 3'600'000),
                   take_int(in, "batch.size", out.batch_size, 0, kMaxInt),
                   take_int(in, "retries", out.retries, 0, kMaxInt),
                   take_int(in, "delivery.timeout.ms", out.delivery_timeout_ms, 1, kMaxInt),
                   take_int(in, "request.timeout.ms", out.request_timeout_ms, 1, kMaxInt),
                   take_int(in, "max.in.flight.requests.per.connection", out.max_in_flight, 1, 1'000),
                   take_int(in, "retry.backoff.ms", out.retry_backoff_ms, 0, kMaxInt),
                   take_int(in, "metadata.max.age.ms", out.metadata_max_age_ms, 1, kMaxInt),
                   take_int(in, "buffer.memory", out.buffer_memory, 0, int64_t{1} << 40),
                   take_int(in, "max.request.size", out.max_request_size, 0, kMaxInt),
                   take_int(in, "max.block.ms", out.max_block_ms, 0, int64_t{1} << 53)}) {
    if (err) return err;
  }
  if (auto it = in.find("client.id"); it != in.end()) out.client_id = it->second;
  if (auto it = in.find("transactional.id"); it != in.end()) {
    if (it->second.empty()) return "transactional.id: expected a non-empty id";
    out.transactional_id = it->second;
  }
  if (auto err = take_int(in, "transaction.timeout.ms", out.transaction_timeout_ms, 1, 2'147'483'647)) return err;
  if (auto it = in.find("compression.type"); it != in.end()) {
    auto c = storage::parse_compression(it->second);
    if (!c || it->second == "uncompressed")
      return "compression.type: expected none, gzip, snappy, lz4 or zstd, got '" + it->second + "'";
    out.compression = *c;
  }
  if (auto it = in.find("partitioner.class"); it != in.end()) {
    const std::string prefix = "org.apache.kafka.clients.producer.";
    if (it->second == prefix + "RoundRobinPartitioner") out.partitioner = PartitionerKind::kRoundRobin;
    else if (it->second == prefix + "UniformStickyPartitioner") out.partitioner = PartitionerKind::kUniformSticky;
    else if (it->second == prefix + "internals.DefaultPartitioner") out.partitioner = PartitionerKind::kBuiltIn;
    else return "partitioner.class: eddy has " + prefix + "RoundRobinPartitioner, UniformStickyPartitioner and "
                "internals.DefaultPartitioner, got '" + it->second + "'";
  }
  if (auto it = in.find("partitioner.ignore.keys"); it != in.end()) {
    auto b = parse_bool(it->second);
    if (!b) return "partitioner.ignore.keys: expected true or false, got '" + it->second + "'";
    out.partitioner_ignore_keys = *b;
  }
  if (out.transactional_id) {
    // Kafka's ProducerConfig: a transactional.id needs idempotence (ConfigException when it
    // was turned off explicitly).
    if (idempotence_explicit && !out.enable_idempotence) return "transactional.id: needs enable.idempotence=true";
    out.enable_idempotence = true;
    idempotence_explicit = true;
  }
  if (out.enable_idempotence) {
    std::optional<std::string> conflict;
    if (out.acks != -1) conflict = "acks=all";
    else if (out.max_in_flight > kIdempotentMaxInFlight) conflict = "max.in.flight.requests.per.connection <= 5";
    else if (out.retries == 0) conflict = "retries >= 1";
    if (conflict && idempotence_explicit) return "enable.idempotence: the idempotent producer needs " + *conflict;
    if (conflict) out.enable_idempotence = false;  // Kafka 3.2+: off when not asked for explicitly
  }
  return std::nullopt;
}

std::optional<std::string> ConsumerConfig::parse(const ConfigMap& in, ConsumerConfig& out) {
  const int64_t kMaxInt = 2'147'483'647;
  for (auto err : {take_int(in, "fetch.max.wait.ms", out.fetch_max_wait_ms, 0, kMaxInt),
                   take_int(in, "fetch.min.bytes", out.fetch_min_bytes, 0, kMaxInt),
                   take_int(in, "max.partition.fetch.bytes", out.max_partition_fetch_bytes, 1, kMaxInt),
                   take_int(in, "request.timeout.ms", out.request_timeout_ms, 1, kMaxInt),
                   take_int(in, "retry.backoff.ms", out.retry_backoff_ms, 0, kMaxInt)}) {
    if (err) return err;
  }
  if (auto it = in.find("auto.offset.reset"); it != in.end()) {
    if (it->second != "earliest" && it->second != "latest" && it->second != "none")
      return "auto.offset.reset: expected earliest, latest or none, got '" + it->second + "'";
    out.auto_offset_reset = it->second;
  }
  if (auto it = in.find("client.id"); it != in.end()) out.client_id = it->second;
  if (auto it = in.find("isolation.level"); it != in.end()) {
    if (it->second != "read_committed" && it->second != "read_uncommitted")
      return "isolation.level: expected read_uncommitted or read_committed, got '" + it->second + "'";
    out.read_committed = it->second == "read_committed";
  }
  return parse_group_keys(in, out);
}

std::optional<std::string> ConsumerConfig::parse_group_keys(const ConfigMap& in, ConsumerConfig& out) {
  const int64_t kMaxInt = 2'147'483'647;
  for (auto err : {take_int(in, "session.timeout.ms", out.session_timeout_ms, 1, kMaxInt),
                   take_int(in, "heartbeat.interval.ms", out.heartbeat_interval_ms, 1, kMaxInt),
                   take_int(in, "max.poll.interval.ms", out.max_poll_interval_ms, 1, kMaxInt),
                   take_int(in, "max.poll.records", out.max_poll_records, 1, kMaxInt),
                   take_int(in, "auto.commit.interval.ms", out.auto_commit_interval_ms, 0, kMaxInt)}) {
    if (err) return err;
  }
  if (auto it = in.find("group.id"); it != in.end()) out.group_id = it->second;
  if (auto it = in.find("group.instance.id"); it != in.end()) out.group_instance_id = it->second;
  if (auto it = in.find("enable.auto.commit"); it != in.end()) {
    auto b = parse_bool(it->second);
    if (!b) return "enable.auto.commit: expected true or false, got '" + it->second + "'";
    out.enable_auto_commit = *b;
  }
  if (auto it = in.find("partition.assignment.strategy"); it != in.end()) {
    out.assignors.clear();
    std::string list = it->second;
    size_t start = 0;
    while (start <= list.size()) {
      size_t end = list.find(',', start);
      if (end == std::string::npos) end = list.size();
      std::string item = list.substr(start, end - start);
      while (!item.empty() && item.front() == ' ') item.erase(item.begin());
      while (!item.empty() && item.back() == ' ') item.pop_back();
      const std::string prefix = "org.apache.kafka.clients.consumer.";
      if (item == prefix + "RangeAssignor" || item == "range") out.assignors.push_back("range");
      else if (item == prefix + "RoundRobinAssignor" || item == "roundrobin") out.assignors.push_back("roundrobin");
      else if (item == prefix + "StickyAssignor" || item == "sticky") out.assignors.push_back("sticky");
      else if (item == prefix + "CooperativeStickyAssignor" || item == "cooperative-sticky")
        out.assignors.push_back("cooperative-sticky");
      else if (!item.empty())
        return "partition.assignment.strategy: eddy has RangeAssignor, RoundRobinAssignor, StickyAssignor and CooperativeStickyAssignor, got '" +
               item + "'";
      start = end + 1;
    }
    if (out.assignors.empty()) return "partition.assignment.strategy: expected at least one assignor";
  }
  return std::nullopt;
}

}  // namespace broker_model
