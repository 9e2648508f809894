// The records a transaction coordinator writes to its partition of __transaction_state
// (Kafka's TransactionLog key/value: transactional.id -> producer id, epoch, timeout, state,
// partitions, start time). The last record of a transactional.id is its state: a coordinator
// that takes the partition over replays them in log order (TransactionStateManager.
// loadTransactionsForTxnTopicPartition) and finishes what was prepared.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "broker_model/storage/record_batch.h"

namespace broker_model::txn {

// Kafka's TransactionState (PrepareEpochFence and Dead are not modelled).
enum class TxnState : uint8_t { kEmpty, kOngoing, kPrepareCommit, kPrepareAbort, kCompleteCommit, kCompleteAbort };
const char* to_string(TxnState s);

struct TxnLogRecord {
  std::string transactional_id;
  ProducerId producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int32_t timeout_ms = 60'000;
  TxnState state = TxnState::kEmpty;
  std::vector<TopicPartition> partitions;
  int64_t start_ms = -1;  // the transaction's start on the coordinator's clock
};

storage::Record encode_txn_record(const TxnLogRecord& r, int64_t timestamp_ms);
// nullopt for a record that is not a transaction-log record or does not decode.
std::optional<TxnLogRecord> decode_txn_record(const storage::Record& r);

}  // namespace broker_model::txn
