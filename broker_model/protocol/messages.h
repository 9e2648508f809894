// The client and replication protocol between brokers and clients: plain structs named
// after Kafka's requests, carried as values in RPC envelopes' payloads. wire_bytes() estimates the
// size Kafka's encoding would have, for the network's bandwidth model.
#pragma once

#include <cstdint>
#include <climits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "broker_model/errors.h"
#include "broker_model/storage/record_batch.h"
#include "broker_model/txn/txn_index.h"
#include "broker_model/types.h"

namespace broker_model {

using storage::Record;
using storage::SharedRecords;
using storage::RecordBatch;

inline constexpr int16_t kAcksNone = 0;
inline constexpr int16_t kAcksLeader = 1;
inline constexpr int16_t kAcksAll = -1;

// The client-facing request types (an envelope's type; a reply's is the type + ".response").
inline const sim::Symbol kProduceRpc{"Produce"};
inline const sim::Symbol kFetchRpc{"Fetch"};
inline const sim::Symbol kMetadataRpc{"Metadata"};
inline const sim::Symbol kOffsetsForLeaderEpochRpc{"OffsetsForLeaderEpoch"};
inline const sim::Symbol kInitProducerIdRpc{"InitProducerId"};

// ---- Produce -------------------------------------------------------------------------
struct ProducePartitionData {
  TopicPartition tp;
  RecordBatch batch;
};
struct ProduceRequest {
  int16_t acks = kAcksAll;
  int32_t timeout_ms = 30'000;
  // A transactional producer's transactional.id (KIP-98), which the leader uses to verify a
  // partition is in the transaction before the first append (KIP-890).
  std::optional<std::string> transactional_id;
  std::vector<ProducePartitionData> partitions;
};
struct ProducePartitionResponse {
  TopicPartition tp;
  ErrorCode error = ErrorCode::kNone;
  Offset base_offset{-1};
  LeaderEpoch leader_epoch = kNoLeaderEpoch;  // eddy extra: the epoch that acknowledged
};
struct ProduceResponse {
  std::vector<ProducePartitionResponse> partitions;
};

// ---- InitProducerId (the idempotent producer; no transactional.id) -----------------------
// Any broker answers with a fresh producer id at epoch 0, taken from its block of ids
// (ProducerIdManager). Epoch bumps of an idempotent producer happen on the client (KIP-360).
struct InitProducerIdRequest {
  std::optional<std::string> transactional_id;  // KIP-98: to the transaction coordinator
  int32_t transaction_timeout_ms = 60'000;
  ProducerId producer_id = kNoProducerId;       // for a transactional producer's re-init; unused
  int16_t producer_epoch = kNoProducerEpoch;
};
struct InitProducerIdResponse {
  ErrorCode error = ErrorCode::kNone;
  ProducerId producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
};
inline constexpr uint32_t kInitProducerIdRequestBytes = 40;
inline constexpr uint32_t kInitProducerIdResponseBytes = 24;

// ---- Fetch (consumers and followers) -------------------------------------------------
struct FetchPartition {
  TopicPartition tp;
  Offset fetch_offset{0};
  LeaderEpoch current_leader_epoch = kNoLeaderEpoch;  // KIP-320 fencing
  int32_t partition_max_bytes = 1 << 20;
  friend bool operator==(const FetchPartition&, const FetchPartition&) = default;
};
// The order fetch lists and fetch sessions keep their partitions in.
inline bool by_partition(const FetchPartition& a, const FetchPartition& b) { return a.tp < b.tp; }
// Fetch sessions (KIP-227). A request's (session_id, session_epoch):
//   (0, -1)  a full fetch without a session (the protocol before KIP-227);
//   (0, 0)   a full fetch that asks the leader to create a session (the answer names it);
//   (id, n)  n > 0: an incremental fetch in session id, whose partitions are only those added
//            to the session or whose fetch state changed, with `forgotten` leaving it;
//   (id, 0)  close session id, then as (0, 0);  (id, -1) close session id, then as (0, -1).
inline constexpr int32_t kInvalidFetchSessionId = 0;
inline constexpr int32_t kInitialFetchSessionEpoch = 0;
inline constexpr int32_t kFinalFetchSessionEpoch = -1;
// The epoch after `epoch` in a session (wraps to 1, never back to the full-fetch epochs).
inline int32_t next_fetch_session_epoch(int32_t epoch) {
  if (epoch < 0) return kFinalFetchSessionEpoch;
  return epoch == INT32_MAX ? 1 : epoch + 1;
}
// isolation.level (Kafka's IsolationLevel ids).
inline constexpr int8_t kReadUncommitted = 0;
inline constexpr int8_t kReadCommitted = 1;
struct FetchRequest {
  BrokerId replica_id = kNoBroker;  // a follower's broker id; kNoBroker for consumers
  // read_committed: consumers read to the last stable offset, and get the aborted
  // transactions of what they read (KIP-98); followers always read uncommitted.
  int8_t isolation_level = kReadUncommitted;
  int32_t max_wait_ms = 500;
  int32_t min_bytes = 1;
  int32_t session_id = kInvalidFetchSessionId;
  int32_t session_epoch = kFinalFetchSessionEpoch;
  std::vector<FetchPartition> partitions;   // our clients list them sorted by partition
  std::vector<TopicPartition> forgotten;    // incremental fetches only
  bool full() const { return session_epoch == kInitialFetchSessionEpoch || session_epoch == kFinalFetchSessionEpoch; }
};
struct FetchPartitionResponse {
  TopicPartition tp;
  ErrorCode error = ErrorCode::kNone;
  Offset high_watermark{-1};
  Offset log_start_offset{-1};
  Offset log_end_offset{-1};
  LeaderEpoch leader_epoch = kNoLeaderEpoch;
  Offset last_stable_offset{-1};  // KIP-98
  // read_committed only: the aborted transactions overlapping the records returned.
  std::vector<txn::AbortedTxn> aborted_transactions;
  std::vector<RecordBatch> batches;
};
struct FetchResponse {
  // A fetch session error (FETCH_SESSION_ID_NOT_FOUND, INVALID_FETCH_SESSION_EPOCH): no
  // partitions then, and the client starts over with a full fetch.
  ErrorCode error = ErrorCode::kNone;
  int32_t session_id = kInvalidFetchSessionId;  // the session this answer belongs to, if any
  // A full fetch's answer lists every partition asked for; an incremental one only those with
  // records, an error, or a high watermark or log start offset other than last sent in the
  // session: a partition absent from it has nothing new.
  std::vector<FetchPartitionResponse> partitions;
};

// ---- OffsetsForLeaderEpoch (KIP-101 / KIP-279) ----------------------------------------
struct EpochQuery {
  TopicPartition tp;
  LeaderEpoch current_leader_epoch = kNoLeaderEpoch;
  LeaderEpoch leader_epoch = kNoLeaderEpoch;  // the epoch whose end offset is asked
};
struct OffsetsForLeaderEpochRequest {
  BrokerId replica_id = kNoBroker;
  std::vector<EpochQuery> partitions;
};
struct EpochEndOffsetResult {
  TopicPartition tp;
  ErrorCode error = ErrorCode::kNone;
  LeaderEpoch leader_epoch = kUndefinedEpoch;
  Offset end_offset = kUndefinedEpochOffset;
};
struct OffsetsForLeaderEpochResponse {
  std::vector<EpochEndOffsetResult> partitions;
};

// ---- Metadata (clients ask any broker) -------------------------------------------------
struct MetadataRequest {
  std::vector<std::string> topics;  // empty: all
};
struct PartitionMetadata {
  int32_t partition = 0;
  ErrorCode error = ErrorCode::kNone;
  BrokerId leader = kNoBroker;
  LeaderEpoch leader_epoch = kNoLeaderEpoch;
  // Inline for the usual replication factors: a metadata answer lists every partition of a
  // topic (10,000 at scale) and thousands of clients ask for one every few seconds, so two
  // heap blocks per partition made building and freeing answers a fifth of such a run.
  static constexpr size_t kInlineReplicas = 5;
  boost::container::small_vector<BrokerId, kInlineReplicas> replicas;
  boost::container::small_vector<BrokerId, kInlineReplicas> isr;
};
using PartitionMetadataList = std::vector<PartitionMetadata>;
struct TopicMetadata {
  std::string name;
  ErrorCode error = ErrorCode::kNone;
  // Every partition of the topic, in partition order (none when `error` is set). Immutable and
  // shared: a broker builds the list once per metadata image it applied, and every answer it
  // gives from that image points at it (at scale 2,000 clients ask for a topic of 10,000
  // partitions, ~1 MB each when copied per answer).
  std::shared_ptr<const PartitionMetadataList> partitions;
  size_t partition_count() const { return partitions ? partitions->size() : 0; }
};
struct MetadataResponse {
  std::vector<BrokerId> brokers;  // live (unfenced) brokers; a broker's node id is its id
  std::vector<TopicMetadata> topics;
};

// ---- Lab-only: the final state of a replica (like kafka-dump-log) ----------------------
struct DumpReplicasRequest {};
struct ReplicaDump {
  TopicPartition tp;
  bool leader = false;
  LeaderEpoch leader_epoch = kNoLeaderEpoch;
  Offset log_start_offset{0};
  Offset log_end_offset{0};
  Offset high_watermark{0};
  std::vector<BrokerId> isr;  // as this replica knows it (authoritative on the leader)
  std::vector<std::pair<Offset, uint64_t>> records;  // offset -> record id
};
struct DumpReplicasResponse {
  std::vector<ReplicaDump> replicas;
};

// Estimated encoded sizes, for the network model.
uint32_t wire_bytes(const ProduceRequest& r);
uint32_t wire_bytes(const ProduceResponse& r);
uint32_t wire_bytes(const FetchRequest& r);
uint32_t wire_bytes(const FetchResponse& r);
inline uint32_t wire_bytes(const OffsetsForLeaderEpochRequest& r) { return 32 + 40 * static_cast<uint32_t>(r.partitions.size()); }
inline uint32_t wire_bytes(const OffsetsForLeaderEpochResponse& r) { return 32 + 40 * static_cast<uint32_t>(r.partitions.size()); }
inline uint32_t wire_bytes(const MetadataRequest& r) { return 32 + 32 * static_cast<uint32_t>(r.topics.size()); }
uint32_t wire_bytes(const MetadataResponse& r);

// The record id a workload producer put in the first 8 bytes of a value (0 if none).
uint64_t record_id_of(const Record& r);
// The 8-byte value carrying a record id; a workload's larger message size is carried as
// Record::value_padding.
std::string value_with_record_id(uint64_t id);

}  // namespace broker_model
