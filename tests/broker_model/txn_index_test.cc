// The per-partition transaction index (broker_model/txn/txn_index.h), the transaction log's
// records and the producer state's handling of markers: the last stable offset, the aborted
// list a read_committed fetch carries, and markers fencing older epochs.
#include <gtest/gtest.h>

#include "broker_model/broker/producer_state.h"
#include "broker_model/txn/control_batch.h"
#include "broker_model/txn/txn_index.h"
#include "broker_model/txn/txn_log_records.h"

namespace broker_model {
namespace {

using storage::RecordBatch;

RecordBatch data(ProducerId pid, int16_t epoch, int64_t base, int32_t records, int32_t sequence) {
  std::vector<storage::Record> rs(static_cast<size_t>(records));
  RecordBatch b = RecordBatch::of(storage::SharedRecords(std::move(rs)));
  b.attributes = txn::kTransactionalFlag;
  b.producer_id = pid;
  b.producer_epoch = epoch;
  b.base_sequence = sequence;
  b.base_offset = Offset(base);
  return b;
}

RecordBatch marker(ProducerId pid, int16_t epoch, int64_t at, txn::MarkerType type) {
  RecordBatch b = txn::make_marker_batch(pid, epoch, type, 0, 0);
  b.base_offset = Offset(at);
  return b;
}

TEST(TxnIndex, TheLsoStopsAtTheFirstOpenTransactionUntilItsMarkerIsReplicated) {
  txn::TxnIndex idx;
  const ProducerId a{1}, b{2};
  idx.update(data(a, 0, 0, 3, 0));  // a: 0..2
  idx.update(data(b, 0, 3, 2, 0));  // b: 3..4
  EXPECT_EQ(idx.last_stable_offset(Offset(5)), Offset(0));
  idx.update(marker(a, 0, 5, txn::MarkerType::kCommit));
  EXPECT_EQ(idx.last_stable_offset(Offset(5)), Offset(0)) << "a's marker is not below the high watermark yet";
  idx.on_high_watermark(Offset(6));
  EXPECT_EQ(idx.last_stable_offset(Offset(6)), Offset(3)) << "b is still open";
  idx.update(marker(b, 0, 6, txn::MarkerType::kAbort));
  idx.on_high_watermark(Offset(7));
  EXPECT_EQ(idx.last_stable_offset(Offset(7)), Offset(7));
  ASSERT_EQ(idx.aborted_between(Offset(0), Offset(7)).size(), 1u);
  EXPECT_EQ(idx.aborted_between(Offset(0), Offset(7)).front(), (txn::AbortedTxn{b, Offset(3), Offset(6)}));
  EXPECT_TRUE(idx.aborted_between(Offset(7), Offset(9)).empty()) << "a fetch after the marker needs nothing";
  EXPECT_TRUE(idx.aborted_between(Offset(0), Offset(3)).empty()) << "a fetch before the transaction needs nothing";
}

TEST(TxnIndex, AppliesEachBatchOnceAndIgnoresMarkersWithNothingOpen) {
  txn::TxnIndex idx;
  const ProducerId a{1};
  idx.update(marker(a, 0, 0, txn::MarkerType::kAbort));  // a partition added but never written
  EXPECT_EQ(idx.aborted_count(), 0u);
  idx.update(data(a, 0, 1, 2, 0));
  idx.update(data(a, 0, 1, 2, 0));  // the same batch again (a rebuild scan and a follower append)
  EXPECT_EQ(idx.ongoing_first_offset(a), Offset(1));
  idx.update(data(a, 0, 3, 1, 2));
  EXPECT_EQ(idx.ongoing_first_offset(a), Offset(1)) << "the transaction's first offset is its first batch's";
}

// Markers carry no sequence; one of an older epoch is a zombie's and is refused; one of a newer
// epoch (a timeout abort, a new instance) moves the producer to it.
TEST(ProducerStateMarkers, MarkersAreEpochCheckedAndBumpTheEpoch) {
  ProducerStateTable table;
  const ProducerId a{1};
  RecordBatch first = data(a, 1, 0, 2, 0);
  ASSERT_EQ(table.check(first).verdict, ProducerCheck::kAppend);
  table.update(first);
  EXPECT_EQ(table.check(marker(a, 0, 2, txn::MarkerType::kCommit)).error, ErrorCode::kInvalidProducerEpoch);
  RecordBatch bump = marker(a, 2, 2, txn::MarkerType::kAbort);
  EXPECT_EQ(table.check(bump).verdict, ProducerCheck::kAppend);
  table.update(bump);
  EXPECT_EQ(table.entry(a)->producer_epoch, 2);
  EXPECT_EQ(table.check(data(a, 1, 3, 1, 2)).error, ErrorCode::kInvalidProducerEpoch) << "the zombie's late batch";
}

TEST(TxnLogRecords, RoundTripAndRefuseGarbage) {
  txn::TxnLogRecord r;
  r.transactional_id = "orders-writer";
  r.producer_id = ProducerId(42);
  r.producer_epoch = 3;
  r.timeout_ms = 1234;
  r.state = txn::TxnState::kPrepareCommit;
  r.partitions = {TopicPartition{"orders", 0}, TopicPartition{"__consumer_offsets", 7}};
  r.start_ms = 99;
  storage::Record rec = txn::encode_txn_record(r, 5);
  std::optional<txn::TxnLogRecord> back = txn::decode_txn_record(rec);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->transactional_id, r.transactional_id);
  EXPECT_EQ(back->producer_id, r.producer_id);
  EXPECT_EQ(back->producer_epoch, 3);
  EXPECT_EQ(back->state, txn::TxnState::kPrepareCommit);
  EXPECT_EQ(back->partitions, r.partitions);
  EXPECT_EQ(back->start_ms, 99);
  rec.value.resize(rec.value.size() - 1);
  EXPECT_FALSE(txn::decode_txn_record(rec));
  storage::Record marker_record = txn::make_marker_batch(ProducerId(1), 0, txn::MarkerType::kCommit, 0, 0).records[0];
  EXPECT_FALSE(txn::decode_txn_record(marker_record)) << "a marker in the log is not a transaction record";
}

}  // namespace
}  // namespace broker_model
