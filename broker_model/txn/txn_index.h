// A partition replica's view of the transactions in its log (Kafka's ProducerStateManager
// ongoing/unreplicated transactions plus the log's TransactionIndex of aborted ones):
//   - per producer id, the first offset of its open transaction on this partition (from its
//     first transactional batch until its COMMIT or ABORT marker);
//   - completed transactions whose marker is not yet below the high watermark (Kafka's
//     "unreplicated transactions"): their outcome is not committed yet, so they still hold
//     the last stable offset back;
//   - the aborted transactions: (producer id, first offset, marker offset), what a
//     read_committed fetch returns so the consumer can drop those records.
// The last stable offset (LSO) is min(high watermark, first offset of any transaction still
// open or not yet replicated): read_committed fetches stop there (Kafka's
// Log.firstUnstableOffset / Partition.lastStableOffset).
//
// Every replica applies every batch it appends (leader and followers), like the producer
// state, and a replica whose producer state is rebuilt from its log rebuilds this too, so a
// new leader knows the open and aborted transactions of what it holds.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "broker_model/storage/record_batch.h"
#include "broker_model/types.h"

namespace broker_model::txn {

struct AbortedTxn {
  ProducerId producer_id = kNoProducerId;
  Offset first_offset{-1};
  Offset last_offset{-1};  // the ABORT marker's offset
  bool operator==(const AbortedTxn&) const = default;
};

class TxnIndex {
 public:
  // Applies an appended batch (base_offset and last_offset_delta are where the log put it).
  void update(const storage::RecordBatch& batch);
  // Forgets completed transactions whose marker is below `high_watermark`.
  void on_high_watermark(Offset high_watermark);
  void clear() { *this = TxnIndex(); }

  // The first offset not known to be decided, or nullopt when every transaction is.
  std::optional<Offset> first_unstable_offset() const;
  Offset last_stable_offset(Offset high_watermark) const;
  // Aborted transactions overlapping [from, to): first_offset < to and last_offset >= from.
  std::vector<AbortedTxn> aborted_between(Offset from, Offset to) const;
  // The open transaction's first offset for `producer_id` here, if any.
  std::optional<Offset> ongoing_first_offset(ProducerId producer_id) const;
  size_t ongoing_count() const { return ongoing_.size(); }
  size_t aborted_count() const { return aborted_.size(); }

 private:
  struct Completed {
    ProducerId producer_id;
    Offset first_offset;
    Offset marker_offset;
  };
  std::map<ProducerId, Offset> ongoing_;
  std::vector<Completed> unreplicated_;  // marker offset order
  std::vector<AbortedTxn> aborted_;      // marker offset order
  Offset applied_end_{0};                // next offset after the last batch applied
};

}  // namespace broker_model::txn
