// The transaction protocol (KIP-98), named after Kafka's requests: the producer talks to its
// transaction coordinator (found with FindCoordinator, key type TRANSACTION) through
// InitProducerId (with a transactional.id), AddPartitionsToTxn, AddOffsetsToTxn and EndTxn;
// the coordinator ends a transaction on each partition with WriteTxnMarkers to the partition's
// leader. Sizes are estimates for the network model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "broker_model/errors.h"
#include "broker_model/types.h"

namespace broker_model {

// Kafka's internal transaction log topic.
inline const sim::Symbol kTransactionStateTopic{"__transaction_state"};

struct AddPartitionsToTxnRequest {
  std::string transactional_id;
  ProducerId producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  std::vector<TopicPartition> partitions;
  // KIP-890: a partition leader asks whether the partitions are in the producer's ongoing
  // transaction (nothing is added).
  bool verify_only = false;
};
struct AddPartitionsToTxnResponse {
  ErrorCode error = ErrorCode::kNone;  // one for all partitions (Kafka answers per partition)
};

// Adds the group's __consumer_offsets partition to the transaction (KIP-98's
// sendOffsetsToTransaction, first step; the offsets go to the group coordinator with
// TxnOffsetCommit).
struct AddOffsetsToTxnRequest {
  std::string transactional_id;
  ProducerId producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  std::string group_id;
};
struct AddOffsetsToTxnResponse {
  ErrorCode error = ErrorCode::kNone;
};

// The offsets of a consume-transform-produce transaction, sent by the producer to the group's
// coordinator after AddOffsetsToTxn (KIP-98; Kafka's TxnOffsetCommitRequest). With the group
// metadata of KIP-447 (generation, member id) the coordinator fences a zombie member the
// group has moved on from, as it fences a plain OffsetCommit.
struct TxnOffsetCommitPartition {
  TopicPartition tp;
  Offset offset{-1};
};
struct TxnOffsetCommitRequest {
  std::string transactional_id;
  std::string group_id;
  ProducerId producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int32_t generation_id = -1;  // -1: no group metadata (a producer before KIP-447)
  std::string member_id;
  std::vector<TxnOffsetCommitPartition> partitions;
};
struct TxnOffsetCommitResponse {
  ErrorCode error = ErrorCode::kNone;  // one for all partitions (Kafka answers per partition)
};

struct EndTxnRequest {
  std::string transactional_id;
  ProducerId producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  bool committed = true;  // commit, else abort
};
struct EndTxnResponse {
  ErrorCode error = ErrorCode::kNone;
  // KIP-890 part 2 (transaction.version 2, EndTxn v5): the epoch the coordinator bumped to at
  // the end of the transaction, which the producer's next transaction uses. kNoProducerEpoch
  // from a coordinator that does not bump (transaction.version below 2).
  ProducerId producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
};

struct WriteTxnMarkersRequest {
  ProducerId producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  bool committed = true;
  int32_t coordinator_epoch = 0;
  std::vector<TopicPartition> partitions;
};
struct WriteTxnMarkersPartitionResult {
  TopicPartition tp;
  ErrorCode error = ErrorCode::kNone;
};
struct WriteTxnMarkersResponse {
  std::vector<WriteTxnMarkersPartitionResult> partitions;
};

inline uint32_t wire_bytes(const AddPartitionsToTxnRequest& r) {
  return 48 + static_cast<uint32_t>(r.transactional_id.size()) + 24 * static_cast<uint32_t>(r.partitions.size());
}
inline uint32_t wire_bytes(const AddPartitionsToTxnResponse&) { return 32; }
inline uint32_t wire_bytes(const AddOffsetsToTxnRequest& r) {
  return 48 + static_cast<uint32_t>(r.transactional_id.size() + r.group_id.size());
}
inline uint32_t wire_bytes(const AddOffsetsToTxnResponse&) { return 24; }
inline uint32_t wire_bytes(const TxnOffsetCommitRequest& r) {
  return 64 + static_cast<uint32_t>(r.transactional_id.size() + r.group_id.size() + r.member_id.size()) +
         24 * static_cast<uint32_t>(r.partitions.size());
}
inline uint32_t wire_bytes(const TxnOffsetCommitResponse&) { return 24; }
inline uint32_t wire_bytes(const EndTxnRequest& r) { return 48 + static_cast<uint32_t>(r.transactional_id.size()); }
inline uint32_t wire_bytes(const EndTxnResponse&) { return 24; }
inline uint32_t wire_bytes(const WriteTxnMarkersRequest& r) { return 48 + 24 * static_cast<uint32_t>(r.partitions.size()); }
inline uint32_t wire_bytes(const WriteTxnMarkersResponse& r) { return 24 + 24 * static_cast<uint32_t>(r.partitions.size()); }

}  // namespace broker_model
