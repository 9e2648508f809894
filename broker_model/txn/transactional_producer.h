// The client side of transactions (Kafka's KafkaProducer transactional API over its
// TransactionManager), wrapping a Producer whose config has a transactional.id:
//   init_transactions()  FindCoordinator(TRANSACTION) + InitProducerId: the producer id and a
//                        bumped epoch (fencing any older instance with this transactional.id);
//   begin_transaction()  local only;
//   send(...)            AddPartitionsToTxn for a partition new to the transaction first (Kafka
//                        sends it before the partition's first batch), then Producer::send;
//   commit_transaction() flush; if every record was acknowledged, EndTxn(commit); otherwise an
//                        abortable error: the caller must abort;
//   abort_transaction()  flush, then EndTxn(abort).
// Calls block the calling fiber and retry retriable errors (COORDINATOR_NOT_AVAILABLE,
// NOT_COORDINATOR with a new FindCoordinator, CONCURRENT_TRANSACTIONS, timeouts) up to
// max.block.ms. PRODUCER_FENCED / INVALID_PRODUCER_EPOCH are fatal for this instance, as in
// Kafka: the caller creates a new one (here: calls init_transactions() again).
//
// Where Kafka pipelines AddPartitionsToTxn with the sender, this client waits for it before
// queuing the partition's first record: the same order on the wire, simpler to follow.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "broker_model/clients/client_metadata.h"
#include "broker_model/clients/producer.h"
#include "broker_model/txn/txn_messages.h"

namespace broker_model {

// What a transaction's end came to, as the client knows it.
enum class TxnOutcome : uint8_t {
  kCommitted,  // EndTxn(commit) acknowledged: the decision is in the transaction log
  kAborted,    // EndTxn(abort) acknowledged, or the coordinator refused the commit as fenced
               // on the first try (it aborted the transaction, or will)
  kUnknown,    // EndTxn's answer never came (or came as fenced after a retry)
};
const char* to_string(TxnOutcome o);

inline const sim::Symbol kAddPartitionsToTxnRpc{"AddPartitionsToTxn"};
inline const sim::Symbol kAddOffsetsToTxnRpc{"AddOffsetsToTxn"};
inline const sim::Symbol kEndTxnRpc{"EndTxn"};
inline const sim::Symbol kTxnOffsetCommitRpc{"TxnOffsetCommit"};

class TransactionalProducer {
 public:
  TransactionalProducer(RpcEndpoint& rpc, ClientMetadata& metadata, Producer& producer, const ProducerConfig& config);

  ErrorCode init_transactions();
  void begin_transaction();
  bool in_transaction() const { return in_transaction_; }
  // Adds the record's partition to the transaction if needed and queues it. A refused send
  // or a failed AddPartitionsToTxn is returned (the transaction must then be aborted).
  SendResult send(sim::Symbol topic, const std::string& key, std::string value, uint64_t token, int32_t value_padding);
  // Adds the group's offsets partition to the transaction (AddOffsetsToTxn).
  ErrorCode add_offsets(const std::string& group_id);
  // Kafka's sendOffsetsToTransaction(offsets, groupMetadata): AddOffsetsToTxn to the
  // transaction coordinator, then TxnOffsetCommit to the group's coordinator with the
  // consumer's generation and member id (KIP-447). An error means the transaction must abort
  // (ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID: the group moved on), or, fenced, that this
  // instance is done.
  ErrorCode send_offsets_to_transaction(const std::map<TopicPartition, Offset>& offsets, const std::string& group_id,
                                        int32_t generation, const std::string& member_id);
  // Flushes; an error when some record was not acknowledged (abort then) or EndTxn failed.
  ErrorCode commit_transaction(TxnOutcome& outcome);
  ErrorCode abort_transaction(TxnOutcome& outcome);
  // Whether a record of the open transaction failed or has an unknown outcome (then a new
  // epoch is needed after the abort: Kafka's epochBumpRequired, KIP-360).
  void record_failed() { records_failed_ = true; }
  bool records_failed() const { return records_failed_; }
  ProducerId producer_id() const { return producer_id_; }
  int16_t producer_epoch() const { return producer_epoch_; }

 private:
  bool find_coordinator();
  // Sends `req` to the coordinator until a non-retriable answer or max.block.ms.
  template <class Resp, class Req>
  ErrorCode call_coordinator(sim::Symbol type, const Req& req, int* attempts = nullptr, Resp* answer = nullptr);
  ErrorCode end_transaction(bool commit, TxnOutcome& outcome);

  RpcEndpoint& rpc_;
  ClientMetadata& metadata_;
  Producer& producer_;
  ProducerConfig config_;
  std::optional<BrokerId> coordinator_;
  ProducerId producer_id_ = kNoProducerId;
  int16_t producer_epoch_ = kNoProducerEpoch;
  bool in_transaction_ = false;
  bool records_failed_ = false;
  std::set<TopicPartition> partitions_;  // in the open transaction
  bool offsets_added_ = false;           // AddOffsetsToTxn succeeded in the open transaction
  std::optional<BrokerId> group_coordinator_;
};

}  // namespace broker_model
