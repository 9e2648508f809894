#include "broker_model/storage/record_batch.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

#include "broker_model/storage/byte_order.h"
#include "broker_model/storage/compression.h"
#include "sim/check.h"
#include "sim/crc32c.h"

namespace broker_model::storage {

namespace {

// Record attributes (eddy extensions): bit 0, a value_padding count follows the value; bit 1,
// a tombstone; bit 2, a record the log cleaner removed (see Record).
constexpr int8_t kRecordHasPadding = 1;
constexpr int8_t kRecordTombstone = 2;
constexpr int8_t kRecordCompacted = 4;
constexpr int8_t kRecordAttributesKnown = kRecordHasPadding | kRecordTombstone | kRecordCompacted;

// Field positions in the header (see record_batch.h).
constexpr size_t kBatchLengthAt = 8;
constexpr size_t kLeaderEpochAt = 12;
constexpr size_t kMagicAt = 16;
constexpr size_t kCrcAt = kBatchCrcAt;
constexpr size_t kAttributesAt = 21;  // the CRC covers from here to the end
constexpr size_t kLastOffsetDeltaAt = 23;
constexpr size_t kBaseTimestampAt = 27;
constexpr size_t kMaxTimestampAt = 35;
constexpr size_t kProducerIdAt = 43;
constexpr size_t kProducerEpochAt = 51;
constexpr size_t kBaseSequenceAt = 53;
constexpr size_t kRecordsCountAt = 57;

// Timestamps are stored as deltas; garbage or extreme values wrap instead of overflowing.
int64_t wrapping_add(int64_t a, uint64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) + b); }
int64_t wrapping_add(int64_t a, int64_t b) { return wrapping_add(a, static_cast<uint64_t>(b)); }

void encode_record(ByteWriter& out, const Record& r, int64_t base_timestamp, int32_t offset_delta) {
  out.put<int32_t>(static_cast<int32_t>(r.size_in_bytes() - 4));
  out.put<int8_t>(static_cast<int8_t>((r.value_padding > 0 ? kRecordHasPadding : 0) | (r.tombstone ? kRecordTombstone : 0) |
                                      (r.compacted ? kRecordCompacted : 0)));
  out.put<int64_t>(wrapping_add(r.timestamp_ms, -static_cast<uint64_t>(base_timestamp)));
  out.put<int32_t>(offset_delta);
  if (r.key) {
    out.put<int32_t>(static_cast<int32_t>(r.key->size()));
    out.put_bytes(*r.key);
  } else {
    out.put<int32_t>(-1);
  }
  out.put<int32_t>(static_cast<int32_t>(r.value.size()));
  out.put_bytes(r.value);
  if (r.value_padding > 0) out.put<int32_t>(r.value_padding);
}

// A record as it lies in an encoded batch: key and value are views into the batch's bytes.
// decode() copies them into a Record; decode_values() keeps only the value's view.
struct RecordView {
  int64_t timestamp_ms = 0;
  bool null_key = true;
  std::string_view key;
  std::string_view value;
  int32_t value_padding = 0;
  bool tombstone = false;
  bool compacted = false;
};

// Points `out` at the `n` length-prefixed bytes at `pos`; -1 is null (only when `nullable`).
// Inlined, like parse_record: as calls with out-parameters they were ~100 instructions a
// record, most of a whole-log scan (the end-of-run dump).
[[gnu::always_inline]] inline bool read_bytes(std::string_view in, size_t& pos, size_t end, bool nullable, bool& null, std::string_view& out) {
  if (end - pos < 4) return false;
  int32_t len = get_le<int32_t>(in, pos);
  pos += 4;
  null = false;
  out = {};
  if (len == -1 && nullable) {
    null = true;
    return true;
  }
  if (len < 0 || end - pos < static_cast<size_t>(len)) return false;
  out = in.substr(pos, static_cast<size_t>(len));
  pos += static_cast<size_t>(len);
  return true;
}

// Parses record `index` at `pos` (inside [pos, end)), advancing pos past it. The one place
// that says what a valid record is: decode() and decode_values() both parse through here,
// so a scan without Records accepts and rejects exactly what decode() does.
[[gnu::always_inline]] inline bool parse_record(std::string_view in, size_t& pos, size_t end, int64_t base_timestamp, int32_t index, RecordView& r) {
  if (end - pos < static_cast<size_t>(kRecordOverheadBytes)) return false;
  int32_t length = get_le<int32_t>(in, pos);
  if (length < kRecordOverheadBytes - 4 || end - pos - 4 < static_cast<size_t>(length)) return false;
  size_t record_end = pos + 4 + static_cast<size_t>(length);
  pos += 4;
  int8_t attributes = get_le<int8_t>(in, pos);
  if ((attributes & ~kRecordAttributesKnown) != 0) return false;
  r.tombstone = (attributes & kRecordTombstone) != 0;
  r.compacted = (attributes & kRecordCompacted) != 0;
  r.timestamp_ms = wrapping_add(base_timestamp, get_le<int64_t>(in, pos + 1));
  if (get_le<int32_t>(in, pos + 9) != index) return false;
  pos += 13;
  bool null_value = false;
  if (!read_bytes(in, pos, record_end, true, r.null_key, r.key)) return false;
  if (!read_bytes(in, pos, record_end, false, null_value, r.value)) return false;
  r.value_padding = 0;
  if ((attributes & kRecordHasPadding) != 0) {
    if (record_end - pos < 4) return false;
    r.value_padding = get_le<int32_t>(in, pos);
    pos += 4;
    if (r.value_padding <= 0) return false;
  }
  return pos == record_end;
}

// The batch's record count when it agrees with last_offset_delta and can fit in `end`
// bytes; -1 otherwise (checked before anything is sized by it: a garbage count must not
// allocate).
int32_t checked_record_count(std::string_view in, size_t end, int32_t last_offset_delta) {
  int32_t count = get_le<int32_t>(in, kRecordsCountAt);
  if (count < 1 || count != int64_t{last_offset_delta} + 1) return -1;  // no empty batches
  if (static_cast<int64_t>(count) * kRecordOverheadBytes > static_cast<int64_t>(end)) return -1;
  return count;
}

// Parses the `count` records of the batch `in` (exactly `end` bytes, header checked),
// calling on_record(index, view) for each; false when they do not parse to exactly the
// batch's bytes.
template <typename OnRecord>
bool parse_records(std::string_view in, size_t end, int32_t count, int64_t base_timestamp, OnRecord&& on_record) {
  size_t pos = static_cast<size_t>(kRecordBatchOverheadBytes);
  RecordView view;
  for (int32_t i = 0; i < count; ++i) {
    if (!parse_record(in, pos, end, base_timestamp, i, view)) return false;
    on_record(i, view);
  }
  return pos == end;
}

bool decode_records(std::string_view in, size_t end, RecordBatch& b) {
  int32_t count = checked_record_count(in, end, b.last_offset_delta);
  if (count < 0) return false;
  std::vector<Record>& records = b.records.mutate();
  records.resize(static_cast<size_t>(count));
  return parse_records(in, end, count, b.base_timestamp, [&](int32_t i, const RecordView& v) {
    Record& r = records[static_cast<size_t>(i)];
    r.timestamp_ms = v.timestamp_ms;
    if (v.null_key) {
      r.key.reset();
    } else {
      r.key = std::string(v.key);
    }
    r.value = std::string(v.value);
    r.value_padding = v.value_padding;
    r.tombstone = v.tombstone;
    r.compacted = v.compacted;
  });
}

// decode()'s checks before the records (header, length, magic, CRC); `bytes` gets the batch.
DecodeFailure check_batch(std::string_view in, BatchHeader& header, std::string_view& bytes) {
  HeaderResult h = peek_header(in);
  if (h.failure != DecodeFailure::kNone) return h.failure;
  if (static_cast<int64_t>(in.size()) < h.header.size_bytes) return DecodeFailure::kTruncated;
  bytes = in.substr(0, static_cast<size_t>(h.header.size_bytes));
  if (sim::crc32c(bytes.substr(kAttributesAt)) != get_le<uint32_t>(bytes, kCrcAt)) return DecodeFailure::kCrcMismatch;
  header = h.header;
  return DecodeFailure::kNone;
}

}  // namespace

const char* to_string(DecodeFailure f) {
  switch (f) {
    case DecodeFailure::kNone: return "none";
    case DecodeFailure::kTruncated: return "truncated";
    case DecodeFailure::kBadLength: return "bad-length";
    case DecodeFailure::kBadMagic: return "bad-magic";
    case DecodeFailure::kCrcMismatch: return "crc-mismatch";
    case DecodeFailure::kBadRecords: return "bad-records";
  }
  return "?";
}

int64_t RecordBatch::logical_size_in_bytes() const {
  Compression c = compression_of(attributes);
  if (c == Compression::kNone) return size_in_bytes() + records.padding_bytes();
  // A compressed batch: its header, then its records at the codec's ratio (compression.h).
  double records_bytes = static_cast<double>(records.records_bytes() + records.padding_bytes());
  return kRecordBatchOverheadBytes + static_cast<int64_t>(std::ceil(records_bytes * codec(c).size_ratio));
}

namespace {
// Whether a string's characters are in its inline (small-string) buffer, inside the string
// object itself, rather than on the heap: then destroying it frees nothing. (Not from its
// capacity: libstdc++ keeps 15 characters inline, yet a heap string may have a capacity below
// sizeof(std::string).)
bool is_inline(const std::string& s) {
  const char* self = reinterpret_cast<const char*>(&s);
  std::less<const char*> before;  // a total order, even between unrelated objects
  return !before(s.data(), self) && before(s.data(), self + sizeof(std::string));
}
}  // namespace

void SharedRecords::measure() const {
  int64_t bytes = 0;
  int64_t padding = 0;
  bool all_inline = true;
  for (const Record& r : rep_->records) {
    bytes += r.size_in_bytes();
    padding += r.value_padding;
    all_inline = all_inline && is_inline(r.value) && (!r.key || is_inline(*r.key));
  }
  rep_->bytes = bytes;
  rep_->padding = padding;
  rep_->all_inline = all_inline;
}

// The last copy of a set of records is gone. A batch lives long (the tail cache keeps the
// last seconds of a leader's log), so by now its records are cold: destroying them one by one
// loaded each record's string pointers only to find nothing to free (40% of the tail cache's
// appends, which free the batches falling out of it). When every key and value was inline
// when measured (mutate() forgets that), the records' storage is released without running
// their destructors, which have no effect then; a record's lifetime may end with the release
// of its storage ([basic.life]).
void SharedRecords::destroy(Rep* rep) {
  if (rep->all_inline && rep->bytes >= 0) {
    std::vector<Record>& v = rep->records;
    Record* data = v.data();
    size_t capacity = v.capacity();
    ::new (static_cast<void*>(&v)) std::vector<Record>();  // the vector forgets its buffer
    if (data != nullptr) std::allocator<Record>().deallocate(data, capacity);
  }
  delete rep;
}

SharedRecords::SharedRecords(std::vector<Record> records) : rep_(new Rep{1, std::move(records)}) {}

const std::vector<Record>& SharedRecords::empty_records() {
  static const std::vector<Record> empty;
  return empty;
}

std::vector<Record>& SharedRecords::mutate() {
  if (rep_ == nullptr) {
    rep_ = new Rep{};
  } else if (rep_->refs > 1) {
    Rep* own = new Rep{1, rep_->records};
    release();
    rep_ = own;
  }
  rep_->bytes = -1;
  if (!rep_->encoding.empty()) rep_->encoding = std::string();
  return rep_->records;
}

RecordBatch RecordBatch::of(SharedRecords records) {
  RecordBatch b;
  b.records = std::move(records);
  b.fill_derived_fields();
  return b;
}

void RecordBatch::fill_derived_fields() {
  last_offset_delta = static_cast<int32_t>(records.size()) - 1;
  base_timestamp = records.empty() ? kNoTimestamp : records.front().timestamp_ms;
  max_timestamp = kNoTimestamp;
  for (const Record& r : records) max_timestamp = std::max(max_timestamp, r.timestamp_ms);
}

int64_t RecordBatch::size_in_bytes() const { return kRecordBatchOverheadBytes + records.records_bytes(); }

std::string RecordBatch::encode() const {
  std::string scratch;
  std::string_view bytes = encode_view(scratch);
  return bytes.data() == scratch.data() ? std::move(scratch) : std::string(bytes);
}

std::string_view RecordBatch::encode_view(std::string& scratch) const {
  int64_t size = size_in_bytes();
  char header[kRecordBatchOverheadBytes];
  ByteWriter h(header);
  h.put<int64_t>(base_offset.value());
  h.put<int32_t>(static_cast<int32_t>(size - kLogOverheadBytes));
  h.put<int32_t>(partition_leader_epoch.value());
  h.put<int8_t>(magic);
  h.put<uint32_t>(0);  // crc, filled in below
  h.put<int16_t>(attributes);
  h.put<int32_t>(last_offset_delta);
  h.put<int64_t>(base_timestamp);
  h.put<int64_t>(max_timestamp);
  h.put<int64_t>(producer_id.value());
  h.put<int16_t>(producer_epoch);
  h.put<int32_t>(base_sequence);
  h.put<int32_t>(record_count());
  EDDY_CHECK(h.position() == header + sizeof header);
  // The same records (not mutated since) under the same header encode to the same bytes:
  // the leader's append encodes a batch, and each follower appends a copy of it sharing its
  // records. Everything but the CRC compared (the CRC only depends on the rest).
  if (const std::string* cached = records.encoding();
      cached != nullptr && static_cast<int64_t>(cached->size()) == size &&
      std::memcmp(cached->data(), header, kCrcAt) == 0 &&
      std::memcmp(cached->data() + kAttributesAt, header + kAttributesAt, sizeof header - kAttributesAt) == 0)
    return *cached;
  std::string out(static_cast<size_t>(size), '\0');
  std::memcpy(out.data(), header, sizeof header);
  ByteWriter w(out.data() + sizeof header);
  for (size_t i = 0; i < records.size(); ++i) encode_record(w, records[i], base_timestamp, static_cast<int32_t>(i));
  EDDY_CHECK(w.position() == out.data() + out.size());
  store_le<uint32_t>(out, kCrcAt, sim::crc32c(std::string_view(out).substr(kAttributesAt)));
  if (const std::string* kept = records.remember_encoding(std::move(out))) return *kept;
  scratch = std::move(out);
  return scratch;
}

uint32_t RecordBatch::compute_crc() const { return get_le<uint32_t>(encode(), kCrcAt); }

HeaderResult peek_header(std::string_view in) {
  HeaderResult r;
  if (static_cast<int64_t>(in.size()) < kRecordBatchOverheadBytes) {
    r.failure = DecodeFailure::kTruncated;
    return r;
  }
  int64_t batch_length = get_le<int32_t>(in, kBatchLengthAt);
  if (batch_length < kRecordBatchOverheadBytes - kLogOverheadBytes || batch_length > kRecordBatchBytesMax) {
    r.failure = DecodeFailure::kBadLength;
    return r;
  }
  if (get_le<int8_t>(in, kMagicAt) != kMagicV2) {
    r.failure = DecodeFailure::kBadMagic;
    return r;
  }
  r.header.base_offset = Offset(get_le<int64_t>(in, 0));
  r.header.size_bytes = batch_length + kLogOverheadBytes;
  r.header.last_offset_delta = get_le<int32_t>(in, kLastOffsetDeltaAt);
  r.header.partition_leader_epoch = LeaderEpoch(get_le<int32_t>(in, kLeaderEpochAt));
  r.header.max_timestamp = get_le<int64_t>(in, kMaxTimestampAt);
  return r;
}

DecodeResult decode(std::string_view in) {
  DecodeResult r;
  BatchHeader header;
  std::string_view bytes;
  r.failure = check_batch(in, header, bytes);
  if (r.failure != DecodeFailure::kNone) {
    r.error = ErrorCode::kCorruptMessage;
    return r;
  }
  RecordBatch& b = r.batch;
  b.base_offset = header.base_offset;
  b.partition_leader_epoch = header.partition_leader_epoch;
  b.magic = kMagicV2;
  b.crc = get_le<uint32_t>(bytes, kCrcAt);
  b.attributes = get_le<int16_t>(bytes, kAttributesAt);
  b.last_offset_delta = header.last_offset_delta;
  b.base_timestamp = get_le<int64_t>(bytes, kBaseTimestampAt);
  b.max_timestamp = header.max_timestamp;
  b.producer_id = ProducerId(get_le<int64_t>(bytes, kProducerIdAt));
  b.producer_epoch = get_le<int16_t>(bytes, kProducerEpochAt);
  b.base_sequence = get_le<int32_t>(bytes, kBaseSequenceAt);
  if (!decode_records(bytes, bytes.size(), b)) {
    r.error = ErrorCode::kCorruptMessage;
    r.failure = DecodeFailure::kBadRecords;
    r.batch = RecordBatch{};
    return r;
  }
  r.size_bytes = header.size_bytes;
  return r;
}

DecodeFailure decode_values(std::string_view in, BatchHeader& header, std::vector<std::string_view>& values) {
  values.clear();
  std::string_view bytes;
  if (DecodeFailure f = check_batch(in, header, bytes); f != DecodeFailure::kNone) return f;
  int32_t count = checked_record_count(bytes, bytes.size(), header.last_offset_delta);
  bool ok = count >= 0 && parse_records(bytes, bytes.size(), count, get_le<int64_t>(bytes, kBaseTimestampAt),
                                        [&](int32_t, const RecordView& v) { values.push_back(v.value); });
  if (!ok) {
    values.clear();
    return DecodeFailure::kBadRecords;
  }
  return DecodeFailure::kNone;
}

}  // namespace broker_model::storage
