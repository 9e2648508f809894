// Transactional and control record batches (KIP-98). A transactional producer's batches carry
// attributes bit 4 (isTransactional); the transaction coordinator ends a transaction on each
// of its partitions with a control batch (bit 4 and bit 5, isControl) holding one control
// record whose key names its type: COMMIT or ABORT (Kafka's EndTransactionMarker /
// ControlRecordType; the key's version and type fields are folded into one text here) and
// whose value carries the coordinator epoch. Consumers never hand control records to the
// application; a read_committed consumer uses ABORT markers to know where an aborted
// transaction's records end (clients/fetcher.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "broker_model/storage/record_batch.h"

namespace broker_model::txn {

// Kafka's RecordBatch attribute bits (DefaultRecordBatch.TRANSACTIONAL_FLAG_MASK = 0x10,
// CONTROL_FLAG_MASK = 0x20).
inline constexpr int16_t kTransactionalFlag = 0x10;
inline constexpr int16_t kControlFlag = 0x20;

inline bool is_transactional(const storage::RecordBatch& b) { return (b.attributes & kTransactionalFlag) != 0; }
inline bool is_control(const storage::RecordBatch& b) { return (b.attributes & kControlFlag) != 0; }

enum class MarkerType : uint8_t { kAbort = 0, kCommit = 1 };  // Kafka's ControlRecordType ids
const char* to_string(MarkerType t);

// The marker batch the coordinator writes to one partition to end the transaction of
// (producer_id, producer_epoch).
storage::RecordBatch make_marker_batch(ProducerId producer_id, int16_t producer_epoch, MarkerType type,
                                       int32_t coordinator_epoch, int64_t timestamp_ms);
// The marker a control batch carries (nullopt for anything else, or a malformed one).
std::optional<MarkerType> marker_of(const storage::RecordBatch& b);

}  // namespace broker_model::txn
