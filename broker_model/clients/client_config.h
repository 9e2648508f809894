// Client configs under Kafka's names, parsed from "key: value" text as in a .properties
// file. Unknown keys are the scenario loader's business; here each parser takes what it knows.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/clients/partitioner.h"
#include "broker_model/storage/compression.h"
#include "broker_model/variants.h"

namespace broker_model {

using ConfigMap = std::map<std::string, std::string>;

struct ProducerConfig {
  int16_t acks = -1;                       // acks: 0, 1, all (-1)
  int64_t linger_ms = 5;                   // linger.ms (Kafka 3.x default 0; 5 since 4.0)
  int32_t batch_size = 16'384;             // batch.size, bytes
  int32_t retries = 2'147'483'647;         // retries
  int64_t delivery_timeout_ms = 120'000;   // delivery.timeout.ms
  int64_t request_timeout_ms = 30'000;     // request.timeout.ms
  int32_t max_in_flight = 5;               // max.in.flight.requests.per.connection
  int64_t retry_backoff_ms = 100;          // retry.backoff.ms
  int64_t metadata_max_age_ms = 300'000;   // metadata.max.age.ms
  int64_t buffer_memory = 32 << 20;        // buffer.memory, bytes
  // max.request.size: a record larger than this (with its batch header) is refused by send()
  // (RECORD_TOO_LARGE), and a Produce request carries batches up to this size (its first
  // batch whatever its size), as Kafka's RecordAccumulator.drain does.
  int32_t max_request_size = 1'048'576;
  // max.block.ms: how long send() waits for buffer.memory to have room before it fails
  // (BUFFER_EXHAUSTED, Kafka's BufferExhaustedException).
  int64_t max_block_ms = 60'000;
  // partitioner.class (by Kafka's class names) and partitioner.ignore.keys: partitioner.h.
  PartitionerKind partitioner = PartitionerKind::kBuiltIn;
  bool partitioner_ignore_keys = false;
  // compression.type: the codec of the batches it sends (compression.h); each new batch costs
  // the sender the codec's compression time.
  storage::Compression compression = storage::Compression::kNone;
  // client.id: how the producer names itself in its trace events ("" when not set).
  std::string client_id;
  // enable.idempotence: true by default, as in Kafka 3.x. It needs acks=all, retries >= 1 and
  // max.in.flight.requests.per.connection <= 5; when it was not set explicitly, a config
  // that conflicts (acks=1, say) turns it off quietly, as Kafka 3.2+ does; set explicitly,
  // the conflict is an error.
  bool enable_idempotence = true;
  // transactional.id (KIP-98): a transactional producer (txn/transactional_producer.h). It
  // implies enable.idempotence (an explicit enable.idempotence=false with it is an error).
  std::optional<std::string> transactional_id;
  int32_t transaction_timeout_ms = 60'000;  // transaction.timeout.ms
  ProtocolVariants variants;  // the bug zoo (variants.h): not a Kafka config, set by the lab

  // Parses known keys; returns an error message for a malformed value of a known key.
  static std::optional<std::string> parse(const ConfigMap& in, ProducerConfig& out);
};

// The idempotent producer's cap on in-flight requests per connection (the broker keeps the
// last five batches per producer to recognise retries).
inline constexpr int32_t kIdempotentMaxInFlight = 5;

struct ConsumerConfig {
  int32_t fetch_max_wait_ms = 500;         // fetch.max.wait.ms
  int32_t fetch_min_bytes = 1;             // fetch.min.bytes
  int32_t max_partition_fetch_bytes = 1 << 20;  // max.partition.fetch.bytes
  int64_t request_timeout_ms = 30'000;     // request.timeout.ms
  int64_t retry_backoff_ms = 100;          // retry.backoff.ms
  std::string auto_offset_reset = "earliest";  // auto.offset.reset (eddy's workload reads from the start)
  std::string client_id;                   // client.id: the consumer's name in its trace events ("" when not set)
  // isolation.level: read_committed reads to the last stable offset and drops aborted
  // transactions' records (KIP-98); read_uncommitted (Kafka's default) reads to the high watermark.
  bool read_committed = false;
  // Consumer groups (subscribe mode; see group_consumer.h).
  std::string group_id;                    // group.id (empty: assign mode)
  std::optional<std::string> group_instance_id;  // group.instance.id (static membership)
  int64_t session_timeout_ms = 45'000;     // session.timeout.ms
  int64_t heartbeat_interval_ms = 3'000;   // heartbeat.interval.ms
  int64_t max_poll_interval_ms = 300'000;  // max.poll.interval.ms (also the rebalance timeout)
  int32_t max_poll_records = 500;          // max.poll.records
  bool enable_auto_commit = true;          // enable.auto.commit
  int64_t auto_commit_interval_ms = 5'000; // auto.commit.interval.ms
  // partition.assignment.strategy, as assignor names in order of preference (Kafka 3's default).
  std::vector<std::string> assignors = {"range", "cooperative-sticky"};

  static std::optional<std::string> parse(const ConfigMap& in, ConsumerConfig& out);
  static std::optional<std::string> parse_group_keys(const ConfigMap& in, ConsumerConfig& out);
};

// Helpers shared by config parsers.
std::optional<int64_t> parse_int(const std::string& s);
std::optional<bool> parse_bool(const std::string& s);

}  // namespace broker_model
