// Kinesis Data Streams requests and responses, named as AWS's API names them (PutRecords,
// GetShardIterator, GetRecords, ListShards, SplitShard, MergeShards, UpdateShardCount), carried between the lab's clients and the
// stream frontends as values with a computed wire size. A record's Data is the workload's
// 8-byte record id plus `data_bytes - 8` bytes of padding, as the Kafka workload's values are.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/kinesis/shard_map.h"
#include "sim/symbol.h"

namespace broker_model::kinesis {

inline const sim::Symbol kPutRecordsRpc{"Kinesis.PutRecords"};
inline const sim::Symbol kGetShardIteratorRpc{"Kinesis.GetShardIterator"};
inline const sim::Symbol kGetRecordsRpc{"Kinesis.GetRecords"};
inline const sim::Symbol kListShardsRpc{"Kinesis.ListShards"};
inline const sim::Symbol kSplitShardRpc{"Kinesis.SplitShard"};
inline const sim::Symbol kMergeShardsRpc{"Kinesis.MergeShards"};
inline const sim::Symbol kUpdateShardCountRpc{"Kinesis.UpdateShardCount"};
inline const sim::Symbol kIncreaseStreamRetentionPeriodRpc{"Kinesis.IncreaseStreamRetentionPeriod"};
inline const sim::Symbol kDecreaseStreamRetentionPeriodRpc{"Kinesis.DecreaseStreamRetentionPeriod"};
inline const sim::Symbol kRegisterStreamConsumerRpc{"Kinesis.RegisterStreamConsumer"};
inline const sim::Symbol kDeregisterStreamConsumerRpc{"Kinesis.DeregisterStreamConsumer"};
inline const sim::Symbol kSubscribeToShardRpc{"Kinesis.SubscribeToShard"};
// The next SubscribeToShardEvent of a subscription: the HTTP/2 stream's pushes, one answer each
// (the frontend holds the call until it has records to push or the subscription ends).
inline const sim::Symbol kSubscribeToShardEventRpc{"Kinesis.SubscribeToShardEvent"};

// AWS error codes (per-record ErrorCode of PutRecords, or the exception of a call).
inline constexpr const char* kThroughputExceeded = "ProvisionedThroughputExceededException";
inline constexpr const char* kInternalFailure = "InternalFailure";
inline constexpr const char* kResourceNotFound = "ResourceNotFoundException";
inline constexpr const char* kInvalidArgument = "InvalidArgumentException";
inline constexpr const char* kExpiredIterator = "ExpiredIteratorException";
// A reshard while the stream is UPDATING ("If a stream is in the CREATING, UPDATING, or
// DELETING state, MergeShards returns a ResourceInUseException"; SplitShard likewise).
inline constexpr const char* kResourceInUse = "ResourceInUseException";
inline constexpr const char* kLimitExceeded = "LimitExceededException";

// PutRecords: at most 500 records, each Data up to 1 MiB, the request up to 5 MiB
// (AWS API Reference, PutRecords: "Each PutRecords request can support up to 500 records.
// Each record in the request can be as large as 1 MiB, up to a limit of 5 MiB for the entire
// request, including partition keys"). PutRecord is a PutRecords of one.
inline constexpr size_t kPutRecordsMax = 500;
inline constexpr int64_t kRecordDataBytesMax = int64_t{1} << 20;
inline constexpr int64_t kPutRecordsBytesMax = int64_t{5} << 20;
// Partition keys are Unicode strings of 1 to 256 characters (PutRecord: PartitionKey).
inline constexpr size_t kPartitionKeyLengthMax = 256;
// Retention: "The default retention period is 24 hours"; IncreaseStreamRetentionPeriod: "The
// maximum value of a stream's retention period is 8760 hours (365 days)";
// DecreaseStreamRetentionPeriod: "The minimum value of a stream's retention period is 24 hours"
// (AWS API Reference). RetentionPeriodHours "Must be more than the current retention period"
// (Increase) / "less than" (Decrease); else InvalidArgumentException.
inline constexpr int32_t kRetentionHoursDefault = 24;
inline constexpr int32_t kRetentionHoursMin = 24;
inline constexpr int32_t kRetentionHoursMax = 8'760;
// Enhanced fan-out: "You can register up to 20 consumers per data stream"
// (RegisterStreamConsumer); a subscription "stays active for up to 5 minutes" and the consumer
// calls SubscribeToShard again to go on (SubscribeToShard); each registered consumer reads up
// to 2 MB/s per shard, "independent of other consumers" (Developer Guide, "Develop enhanced
// fan-out consumers with dedicated throughput").
inline constexpr size_t kConsumersPerStreamMax = 20;
inline constexpr int64_t kSubscriptionLifetimeS = 300;
inline constexpr int64_t kFanOutBytesPerShardPerS = 2'000'000;
// GetRecords returns at most 10,000 records per call (GetRecords: Limit).
inline constexpr int32_t kGetRecordsLimitMax = 10'000;

struct PutRecordsEntry {
  std::string partition_key;
  std::optional<std::string> explicit_hash_key;
  uint64_t record_id = 0;
  int32_t data_bytes = 8;
};
struct PutRecordsRequest {
  std::string stream;
  std::vector<PutRecordsEntry> records;
};
struct PutRecordsResultEntry {
  std::string error_code;  // "" when the record was written
  int32_t shard = -1;
  int64_t sequence_number = -1;
};
struct PutRecordsResponse {
  std::string error_code;  // the whole call failed (ResourceNotFound, InvalidArgument)
  int32_t failed_record_count = 0;
  std::vector<PutRecordsResultEntry> records;  // in request order
};

enum class IteratorType : uint8_t { kTrimHorizon, kLatest, kAtSequenceNumber, kAfterSequenceNumber, kAtTimestamp };
const char* to_string(IteratorType t);
std::optional<IteratorType> iterator_type_from_name(std::string_view name);

struct GetShardIteratorRequest {
  std::string stream;
  int32_t shard = 0;
  IteratorType type = IteratorType::kTrimHorizon;
  int64_t sequence_number = -1;  // AT_/AFTER_SEQUENCE_NUMBER
  int64_t timestamp_ms = 0;      // AT_TIMESTAMP
};
// A shard iterator: opaque to clients; here the stream, shard and the next sequence number.
struct ShardIterator {
  std::string stream;
  int32_t shard = 0;
  int64_t next_sequence = 0;
};
struct GetShardIteratorResponse {
  std::string error_code;
  ShardIterator iterator;
};

struct KinesisRecord {
  int64_t sequence_number = 0;
  uint64_t record_id = 0;
  int64_t approximate_arrival_ms = 0;
  int32_t data_bytes = 0;
};
struct GetRecordsRequest {
  ShardIterator iterator;
  int32_t limit = kGetRecordsLimitMax;
};
// GetRecords' ChildShards: "returned in the GetRecords API's response only when the end of
// the current shard is reached" (AWS API Reference, ChildShard).
struct ChildShard {
  int32_t shard = 0;
  std::vector<int32_t> parent_shards;
  HashKey starting_hash_key;
  HashKey ending_hash_key;
};
struct GetRecordsResponse {
  std::string error_code;
  std::vector<KinesisRecord> records;
  // NextShardIterator: none when "the shard has been closed and the requested shard iterator
  // would never have returned more data" (GetRecords); then child_shards says what follows.
  std::optional<ShardIterator> next_iterator;
  std::vector<ChildShard> child_shards;
  int64_t millis_behind_latest = 0;
};

struct ListShardsRequest {
  std::string stream;
};
struct ListShardsResponse {
  std::string error_code;
  std::vector<ShardRange> shards;
};

// SplitShard, MergeShards and UpdateShardCount (ScalingType UNIFORM_SCALING, the only one).
// Shards are named by their ids ("shardId-000000000001") as the API names them.
struct SplitShardRequest {
  std::string stream;
  std::string shard_to_split;
  std::string new_starting_hash_key;  // decimal
};
struct MergeShardsRequest {
  std::string stream;
  std::string shard_to_merge;
  std::string adjacent_shard_to_merge;
};
struct UpdateShardCountRequest {
  std::string stream;
  int32_t target_shard_count = 0;
  std::string scaling_type = "UNIFORM_SCALING";
};
// IncreaseStreamRetentionPeriod / DecreaseStreamRetentionPeriod (answered as a ReshardResponse:
// an error code and message, or nothing).
struct StreamRetentionRequest {
  std::string stream;
  int32_t retention_period_hours = 0;
};
// RegisterStreamConsumer (ResourceInUseException when the name is taken: the answer then still
// names its ARN, as DescribeStreamConsumer would), DeregisterStreamConsumer.
struct StreamConsumerRequest {
  std::string stream;
  std::string consumer_name;
};
struct StreamConsumerResponse {
  std::string error_code;
  std::string message;
  std::string consumer_arn;  // "arn:aws:kinesis:lab:000000000000:stream/<stream>/consumer/<name>:<n>"
};
// SubscribeToShard: a StartingPosition like GetShardIterator's; answered with a subscription
// id, then SubscribeToShardEvent calls get the pushes.
struct SubscribeToShardRequest {
  std::string consumer_arn;
  int32_t shard = 0;
  IteratorType type = IteratorType::kTrimHorizon;
  int64_t sequence_number = -1;
};
struct SubscribeToShardResponse {
  std::string error_code;
  uint64_t subscription = 0;
};
struct SubscribeToShardEventRequest {
  uint64_t subscription = 0;
};
// A push: records from ContinuationSequenceNumber on. `ended`: the subscription is over (5
// minutes passed, or the consumer was deregistered): subscribe again from `continuation`.
// At a closed shard's end: no continuation and the ChildShards.
struct SubscribeToShardEvent {
  std::string error_code;
  std::vector<KinesisRecord> records;
  std::optional<int64_t> continuation;  // ContinuationSequenceNumber: the next sequence to push
  std::vector<ChildShard> child_shards;
  bool ended = false;
  int64_t millis_behind_latest = 0;
};
struct ReshardResponse {
  std::string error_code;
  std::string message;
};

inline uint32_t wire_bytes(const SplitShardRequest&) { return 160; }
inline uint32_t wire_bytes(const MergeShardsRequest&) { return 160; }
inline uint32_t wire_bytes(const UpdateShardCountRequest&) { return 96; }
inline uint32_t wire_bytes(const StreamRetentionRequest&) { return 96; }
inline uint32_t wire_bytes(const StreamConsumerRequest& r) { return 64 + static_cast<uint32_t>(r.consumer_name.size()); }
inline uint32_t wire_bytes(const StreamConsumerResponse& r) { return 64 + static_cast<uint32_t>(r.consumer_arn.size()); }
inline uint32_t wire_bytes(const SubscribeToShardRequest& r) { return 96 + static_cast<uint32_t>(r.consumer_arn.size()); }
inline uint32_t wire_bytes(const SubscribeToShardResponse&) { return 64; }
inline uint32_t wire_bytes(const SubscribeToShardEventRequest&) { return 32; }
inline uint32_t wire_bytes(const SubscribeToShardEvent& r) {
  uint32_t n = 96 + 96 * static_cast<uint32_t>(r.child_shards.size());
  for (const auto& rec : r.records) n += 40 + static_cast<uint32_t>(rec.data_bytes);
  return n;
}
inline uint32_t wire_bytes(const ReshardResponse& r) { return 48 + static_cast<uint32_t>(r.message.size()); }
inline uint32_t wire_bytes(const PutRecordsRequest& r) {
  uint32_t n = 64 + static_cast<uint32_t>(r.stream.size());
  for (const auto& e : r.records) n += 16 + static_cast<uint32_t>(e.partition_key.size()) + static_cast<uint32_t>(e.data_bytes);
  return n;
}
inline uint32_t wire_bytes(const PutRecordsResponse& r) { return 48 + 48 * static_cast<uint32_t>(r.records.size()); }
inline uint32_t wire_bytes(const GetShardIteratorRequest&) { return 96; }
inline uint32_t wire_bytes(const GetShardIteratorResponse&) { return 96; }
inline uint32_t wire_bytes(const GetRecordsRequest&) { return 96; }
inline uint32_t wire_bytes(const GetRecordsResponse& r) {
  uint32_t n = 96 + 96 * static_cast<uint32_t>(r.child_shards.size());
  for (const auto& rec : r.records) n += 40 + static_cast<uint32_t>(rec.data_bytes);
  return n;
}
inline uint32_t wire_bytes(const ListShardsRequest&) { return 64; }
inline uint32_t wire_bytes(const ListShardsResponse& r) { return 64 + 160 * static_cast<uint32_t>(r.shards.size()); }

}  // namespace broker_model::kinesis
