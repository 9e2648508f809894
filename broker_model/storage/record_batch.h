// Record batches, modelled on Kafka's v2 format (magic 2): a header carrying the base offset,
// the partition leader epoch, a CRC-32C and the producer's idempotence fields, then the
// records. A batch is the unit the log appends, indexes, reads and replicates.
//
// Encoding: fixed-width little-endian integers (Kafka uses big-endian and varints; the field
// order and the CRC coverage are Kafka's):
//
//   offset size field
//        0    8 base_offset             int64
//        8    4 batch_length            int32  bytes after this field (size - 12)
//       12    4 partition_leader_epoch  int32
//       16    1 magic                   int8   always 2
//       17    4 crc                     uint32 CRC-32C of bytes [21, end)
//       21    2 attributes              int16
//       23    4 last_offset_delta       int32
//       27    8 base_timestamp          int64
//       35    8 max_timestamp           int64
//       43    8 producer_id             int64
//       51    2 producer_epoch          int16
//       53    4 base_sequence           int32
//       57    4 records_count           int32
//       61      records, each:
//                 4 length              int32  bytes after this field
//                 1 attributes          int8   bit 0 padding, bit 1 tombstone, bit 2 removed (eddy)
//                 8 timestamp_delta     int64  timestamp_ms - base_timestamp
//                 4 offset_delta        int32  the record's index in the batch
//                 4 key_length          int32  -1 for a null key
//                 k key
//                 4 value_length        int32
//                 v value
//                 4 value_padding       int32  only when attributes bit 0 is set (eddy)
//
// As in Kafka, base_offset and partition_leader_epoch sit outside the CRC, so the leader can
// stamp them without re-checksumming; a flipped bit there is not caught by the CRC (the log's
// recovery checks offset continuity instead). There is no compaction, so the records of a
// batch have consecutive offsets: record i is at base_offset + i.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "broker_model/errors.h"
#include "broker_model/types.h"

namespace broker_model::storage {

inline constexpr int8_t kMagicV2 = 2;
// Bytes before the first record; also the smallest valid batch.
inline constexpr int64_t kRecordBatchOverheadBytes = 61;
// base_offset + batch_length: the part of the header not counted in batch_length.
inline constexpr int64_t kLogOverheadBytes = 12;
// Where the CRC field sits in an encoded batch.
inline constexpr size_t kBatchCrcAt = 17;
// Bytes a record takes besides its key and value.
inline constexpr int64_t kRecordOverheadBytes = 25;
// Decode rejects a batch_length claiming more than this (a garbage length in a torn tail).
inline constexpr int64_t kRecordBatchBytesMax = int64_t{64} << 20;

struct Record {
  int64_t timestamp_ms = 0;
  std::optional<std::string> key;
  std::string value;
  // eddy extension: filler bytes the value is said to have after `value`, not materialized.
  // A workload's 1 KiB messages carry their id in `value` and the rest as padding, so the
  // network and the producer's batching see 1 KiB while memory and CRC work stay small.
  // Encoded as record attributes bit 0 plus an int32 count after the value.
  int32_t value_padding = 0;
  // A tombstone: Kafka's record with a null value, which log compaction keeps as "this key is
  // deleted" for delete.retention.ms. eddy keeps the workload's record id in `value` (its
  // oracle needs it); readers treat the record as a null value. Attributes bit 1.
  bool tombstone = false;
  // Removed by the log cleaner (cleanup.policy=compact): no key, empty value, no padding.
  // Kafka leaves an offset gap where it drops a record; eddy's batches and segments hold
  // contiguous offsets by construction (recovery treats a gap as corruption), so a removed
  // record stays as this 25-byte hollow one and every reader skips it: a consumer sees what
  // it would see in Kafka. Attributes bit 2.
  bool compacted = false;

  bool operator==(const Record&) const = default;
  // Bytes in the encoded batch (the log's positions and segment sizes).
  int64_t size_in_bytes() const {
    return size_in_bytes_of(key ? key->size() : 0, value.size(), value_padding);
  }
  // Bytes as Kafka would carry them: the encoded size plus the padding.
  int64_t logical_size_in_bytes() const {
    return logical_size_in_bytes_of(key ? key->size() : 0, value.size(), value_padding);
  }
  // The same two for a record not built yet.
  static int64_t size_in_bytes_of(size_t key_bytes, size_t value_bytes, int32_t value_padding) {
    return kRecordOverheadBytes + static_cast<int64_t>(key_bytes) + static_cast<int64_t>(value_bytes) +
           (value_padding > 0 ? 4 : 0);
  }
  static int64_t logical_size_in_bytes_of(size_t key_bytes, size_t value_bytes, int32_t value_padding) {
    return size_in_bytes_of(key_bytes, value_bytes, value_padding) + value_padding;
  }
};

// The records of a batch, shared by every copy of the batch until one of them is changed.
// A batch travels producer -> leader log -> tail cache -> fetch response -> follower log ->
// follower's tail cache -> consumer; with a plain vector each hop copied every record (an
// allocation and a key/value copy per record per hop, ~10% of a run). Copies share one
// vector; `mutate()` gives a writer a vector of its own (copied first if it is shared).
// The count is not atomic: the simulation runs on one host thread.
class SharedRecords {
 public:
  using value_type = Record;
  using const_iterator = std::vector<Record>::const_iterator;
  using iterator = const_iterator;

  SharedRecords() = default;
  SharedRecords(std::vector<Record> records);  // NOLINT(google-explicit-constructor): a batch's records are built as vectors
  SharedRecords(std::initializer_list<Record> records) : SharedRecords(std::vector<Record>(records)) {}
  SharedRecords(const SharedRecords& other) : rep_(other.rep_) {
    if (rep_ != nullptr) ++rep_->refs;
  }
  SharedRecords(SharedRecords&& other) noexcept : rep_(std::exchange(other.rep_, nullptr)) {}
  SharedRecords& operator=(SharedRecords other) noexcept {
    std::swap(rep_, other.rep_);
    return *this;
  }
  ~SharedRecords() { release(); }

  const std::vector<Record>& vector() const { return rep_ != nullptr ? rep_->records : empty_records(); }
  size_t size() const { return vector().size(); }
  bool empty() const { return vector().empty(); }
  const Record& operator[](size_t i) const { return vector()[i]; }
  const Record& front() const { return vector().front(); }
  const Record& back() const { return vector().back(); }
  const_iterator begin() const { return vector().begin(); }
  const_iterator end() const { return vector().end(); }

  // Sum of the records' size_in_bytes() and of their value_padding, computed once per set of
  // records and kept with them: every hop of a batch (wire size, fetch limits, the tail
  // cache, encoding) asks for its size, and a batch's records do not change once shared.
  int64_t records_bytes() const {
    if (rep_ == nullptr) return 0;
    if (rep_->bytes < 0) measure();
    return rep_->bytes;
  }
  int64_t padding_bytes() const {
    if (rep_ == nullptr) return 0;
    if (rep_->bytes < 0) measure();
    return rep_->padding;
  }

  // The last batch encoding of these records (RecordBatch::encode checks that its header
  // matches before using it), or nullptr; forgotten, like the sizes, by mutate().
  const std::string* encoding() const { return rep_ != nullptr && !rep_->encoding.empty() ? &rep_->encoding : nullptr; }
  // Keeps `bytes` as the encoding and returns where it is now kept, or nullptr when there
  // is nowhere to keep it (no records) and `bytes` is left as it was.
  const std::string* remember_encoding(std::string&& bytes) const {
    if (rep_ == nullptr) return nullptr;
    rep_->encoding = std::move(bytes);
    return &rep_->encoding;
  }

  // The records for writing, no longer shared with any other batch. Forgets the sizes and
  // the encoding: the reference it returns must not be kept across a size query.
  std::vector<Record>& mutate();
  void push_back(Record&& r) { mutate().push_back(std::move(r)); }
  void push_back(const Record& r) { mutate().push_back(r); }
  void reserve(size_t n) { mutate().reserve(n); }

  friend bool operator==(const SharedRecords& a, const SharedRecords& b) {
    return a.rep_ == b.rep_ || a.vector() == b.vector();
  }

 private:
  struct Rep {
    int64_t refs = 1;
    std::vector<Record> records;
    int64_t bytes = -1;  // records_bytes(), -1 until measured
    int64_t padding = 0;
    // Measured with the sizes: every key and value is in its string's inline buffer, so
    // destroying the records would free nothing (see destroy()).
    bool all_inline = false;
    std::string encoding{};  // see encoding()
  };
  void measure() const;
  static const std::vector<Record>& empty_records();
  static void destroy(Rep* rep);
  void release() {
    if (rep_ != nullptr && --rep_->refs == 0) destroy(rep_);
    rep_ = nullptr;
  }

  Rep* rep_ = nullptr;
};

struct RecordBatch {
  Offset base_offset{0};
  LeaderEpoch partition_leader_epoch = kNoPartitionLeaderEpoch;
  int8_t magic = kMagicV2;
  uint32_t crc = 0;  // as read by decode(); encode() computes a fresh one
  int16_t attributes = 0;
  int32_t last_offset_delta = -1;
  int64_t base_timestamp = kNoTimestamp;
  int64_t max_timestamp = kNoTimestamp;
  ProducerId producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int32_t base_sequence = kNoSequence;
  SharedRecords records;

  // A batch of `records` with last_offset_delta and the timestamps filled in, no producer
  // (non-idempotent), base offset 0 until the log assigns one.
  static RecordBatch of(SharedRecords records);

  // Recomputes last_offset_delta, base_timestamp and max_timestamp from the records.
  void fill_derived_fields();

  Offset last_offset() const { return base_offset + last_offset_delta; }
  Offset next_offset() const { return base_offset + last_offset_delta + 1; }
  int32_t record_count() const { return static_cast<int32_t>(records.size()); }
  int64_t size_in_bytes() const;
  // With the records' padding (see Record::value_padding): what the network carries; for a
  // compressed batch (attributes bits 0-2), its header and its records at the codec's size
  // ratio (compression.h).
  int64_t logical_size_in_bytes() const;

  // The batch in the layout above, with its CRC computed.
  std::string encode() const;
  // The same bytes without a copy: a view of the encoding kept with the records (see
  // SharedRecords::encoding()), or of `scratch` when there are no records to keep it with.
  // Valid while this batch lives unchanged (and `scratch` with it).
  std::string_view encode_view(std::string& scratch) const;
  // CRC-32C of the covered part of the encoding.
  uint32_t compute_crc() const;
};

enum class DecodeFailure : uint8_t {
  kNone,
  kTruncated,    // fewer bytes than the header or than batch_length announces
  kBadLength,    // batch_length smaller than a header or beyond kRecordBatchBytesMax
  kBadMagic,     // not magic 2
  kCrcMismatch,  // the CRC-32C does not match the covered bytes
  kBadRecords,   // CRC ok, but the records do not parse to exactly batch_length bytes
};
const char* to_string(DecodeFailure f);

// The header fields needed to walk a log without decoding records.
struct BatchHeader {
  Offset base_offset{0};
  int64_t size_bytes = 0;  // the whole batch
  int32_t last_offset_delta = 0;
  LeaderEpoch partition_leader_epoch = kNoPartitionLeaderEpoch;
  int64_t max_timestamp = kNoTimestamp;

  Offset last_offset() const { return base_offset + last_offset_delta; }
  Offset next_offset() const { return base_offset + last_offset_delta + 1; }
};

struct HeaderResult {
  DecodeFailure failure = DecodeFailure::kNone;
  BatchHeader header;
};

struct DecodeResult {
  ErrorCode error = ErrorCode::kNone;  // kCorruptMessage on any failure
  DecodeFailure failure = DecodeFailure::kNone;
  RecordBatch batch;
  int64_t size_bytes = 0;  // bytes of `in` the batch took
};

// Reads the header at the start of `in` (at least kRecordBatchOverheadBytes) and checks the
// length field and magic; no CRC check.
HeaderResult peek_header(std::string_view in);

// Decodes and validates (length, magic, CRC, records) the batch at the start of `in`;
// bytes after it are ignored. Never crashes on bad input.
DecodeResult decode(std::string_view in);

// The values of the records of the batch at the start of `in`, as views into `in`, without
// building Records: decode()'s validation (the same failure in the same case, through the
// same parser) for scans that need only each record's value and offset (record i is at
// header.base_offset + i). `values` is cleared first and left empty on failure.
DecodeFailure decode_values(std::string_view in, BatchHeader& header, std::vector<std::string_view>& values);

}  // namespace broker_model::storage
