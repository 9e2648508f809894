#include "broker_model/storage/log_segment.h"

#include <algorithm>
#include <limits>

#include "broker_model/storage/byte_order.h"
#include "sim/check.h"

namespace broker_model::storage {

namespace {

constexpr int64_t kRecoveryChunkBytes = int64_t{1} << 20;
constexpr size_t kOffsetDigits = 20;

// A window over a data file: serves byte ranges from one buffered read and reads again
// (at least `chunk_bytes`) when asked for bytes outside it. When reads cost no simulated
// time (the default disk model: every file is in the page cache) it views the disk's image
// in place instead (sim::Files::page_cache): the same bytes, no copy. Views are valid until
// the next call, and the caller must not block while it holds one.
class FileWindow {
 public:
  FileWindow(sim::Files& disk, const std::string& file, int64_t file_size, int64_t chunk_bytes)
      : disk_(disk), file_(file), file_size_(file_size), chunk_bytes_(chunk_bytes), in_place_(disk.reads_free()) {}

  // Points `out` at [pos, pos + len), clipped to the end of the file.
  ErrorCode view(int64_t pos, int64_t len, std::string_view& out) {
    out = {};
    if (pos >= file_size_) return ErrorCode::kNone;
    len = std::min(len, file_size_ - pos);
    if (in_place_) {
      // The image is looked up again only after the disk changed (a view is taken for each
      // batch header and each batch: a path lookup apiece cost more than the copies saved).
      if (image_ == nullptr || image_changes_ != disk_.changes()) {
        image_ = disk_.page_cache(file_);
        image_changes_ = disk_.changes();
        if (image_ == nullptr) return from_io_status(sim::IoStatus::kNotFound);
      }
      out = image_->view(static_cast<size_t>(pos), static_cast<size_t>(len), scratch_);
      return ErrorCode::kNone;
    }
    int64_t end = pos + len;
    if (pos < start_ || end > start_ + static_cast<int64_t>(buf_.size())) {
      sim::ReadResult r = disk_.read(file_, pos, std::min(std::max(len, chunk_bytes_), file_size_ - pos));
      if (r.status != sim::IoStatus::kOk) return from_io_status(r.status);
      buf_ = std::move(r.data);
      start_ = pos;
    }
    out = std::string_view(buf_).substr(static_cast<size_t>(pos - start_), static_cast<size_t>(end - pos));
    return ErrorCode::kNone;
  }

  // Buffers [pos, pos + len) ahead of views into it, when this window buffers at all.
  ErrorCode fill(int64_t pos, int64_t len) {
    if (in_place_) return ErrorCode::kNone;
    std::string_view unused;
    return view(pos, len, unused);
  }

  // The header of the batch at `pos`; a batch the log wrote itself must parse.
  ErrorCode header_at(int64_t pos, BatchHeader& header) {
    std::string_view bytes;
    if (ErrorCode e = view(pos, kRecordBatchOverheadBytes, bytes); e != ErrorCode::kNone) return e;
    HeaderResult h = peek_header(bytes);
    if (h.failure != DecodeFailure::kNone) return ErrorCode::kCorruptMessage;
    header = h.header;
    return ErrorCode::kNone;
  }

 private:
  sim::Files& disk_;
  const std::string& file_;
  int64_t file_size_;
  int64_t chunk_bytes_;
  bool in_place_;
  int64_t start_ = 0;
  std::string buf_;
  const sim::ChunkedBytes* image_ = nullptr;  // in place: the file's image, as of image_changes_
  uint64_t image_changes_ = 0;
  std::string scratch_;  // in place: a range that spans two chunks of the image
};

// Position of the first batch whose last offset is >= target (size if none): start at the
// index entry at or below target and walk batch headers forward.
ErrorCode find_position(FileWindow& w, const OffsetIndex& index, int64_t size, Offset target, int64_t& position) {
  int64_t pos = index.lookup(target).position;
  while (pos < size) {
    BatchHeader h;
    if (ErrorCode e = w.header_at(pos, h); e != ErrorCode::kNone) return e;
    if (h.last_offset() >= target) break;
    pos += h.size_bytes;
  }
  position = std::min(pos, size);
  return ErrorCode::kNone;
}

// Largest batch max timestamp in [0, end).
ErrorCode scan_max_timestamp(FileWindow& w, int64_t end, int64_t& max_timestamp) {
  max_timestamp = kNoTimestamp;
  for (int64_t pos = 0; pos < end;) {
    BatchHeader h;
    if (ErrorCode e = w.header_at(pos, h); e != ErrorCode::kNone) return e;
    max_timestamp = std::max(max_timestamp, h.max_timestamp);
    pos += h.size_bytes;
  }
  return ErrorCode::kNone;
}

// Validates the batch at `pos` as recovery does; returns a reason when it is not valid.
const char* validate_batch(FileWindow& w, int64_t pos, Offset expected, Offset base, BatchHeader& header,
                           ErrorCode& io) {
  std::string_view bytes;
  if ((io = w.view(pos, kRecordBatchOverheadBytes, bytes)) != ErrorCode::kNone) return "io-error";
  HeaderResult h = peek_header(bytes);
  if (h.failure != DecodeFailure::kNone) return to_string(h.failure);
  if ((io = w.view(pos, h.header.size_bytes, bytes)) != ErrorCode::kNone) return "io-error";
  DecodeResult d = decode(bytes);
  if (d.failure != DecodeFailure::kNone) return to_string(d.failure);
  if (d.batch.base_offset != expected) return "offset-gap";
  if (d.batch.last_offset() - base > std::numeric_limits<int32_t>::max()) return "offset-out-of-segment-range";
  header = h.header;
  return nullptr;
}

}  // namespace

std::string segment_file_name(std::string_view dir, Offset base_offset, std::string_view suffix) {
  EDDY_CHECK(base_offset.value() >= 0);
  std::string digits = std::to_string(base_offset.value());
  std::string name(dir);
  name.append(kOffsetDigits - digits.size(), '0');
  name += digits;
  name += suffix;
  return name;
}

std::optional<Offset> parse_segment_file_name(std::string_view name, std::string_view suffix) {
  if (name.size() != kOffsetDigits + suffix.size() || name.substr(kOffsetDigits) != suffix) return std::nullopt;
  int64_t value = 0;
  for (size_t i = 0; i < kOffsetDigits; ++i) {
    char c = name[i];
    if (c < '0' || c > '9') return std::nullopt;
    if (value > (std::numeric_limits<int64_t>::max() - (c - '0')) / 10) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return Offset(value);
}

LogSegment::LogSegment(sim::Files& disk, std::string_view dir, Offset base_offset, int32_t index_interval_bytes,
                       int32_t index_bytes_max)
    : disk_(&disk),
      data_file_(segment_file_name(dir, base_offset, kLogFileSuffix)),
      index_(disk, segment_file_name(dir, base_offset, kIndexFileSuffix), base_offset, index_bytes_max),
      base_offset_(base_offset),
      index_interval_bytes_(index_interval_bytes),
      next_offset_(base_offset) {
  EDDY_CHECK(index_interval_bytes >= 0);
}

int64_t LogSegment::last_index_position() const {
  return index_.entries().empty() ? 0 : index_.entries().back().position;
}

ErrorCode LogSegment::create() {
  sim::IoStatus s = disk_->exists(data_file_) ? disk_->truncate(data_file_, 0) : disk_->write(data_file_, 0, {});
  if (s != sim::IoStatus::kOk) return from_io_status(s);
  size_bytes_ = 0;
  next_offset_ = base_offset_;
  max_timestamp_ms_ = kNoTimestamp;
  rolling_timestamp_ms_ = kNoTimestamp;
  bytes_since_last_index_entry_ = 0;
  data_dirty_ = true;
  return index_.replace({});
}

SegmentRecoverResult LogSegment::recover() {
  SegmentRecoverResult r;
  std::optional<int64_t> file_size = disk_->size(data_file_);
  if (!file_size) {
    r.error = ErrorCode::kKafkaStorageError;
    return r;
  }
  EDDY_CHECK(*file_size <= std::numeric_limits<int32_t>::max());
  FileWindow w(*disk_, data_file_, *file_size, kRecoveryChunkBytes);
  std::vector<OffsetPosition> entries;
  int64_t pos = 0;
  int64_t since_index_entry = 0;
  int64_t max_timestamp = kNoTimestamp;
  Offset expected = base_offset_;
  while (pos < *file_size) {
    BatchHeader h;
    const char* invalid = validate_batch(w, pos, expected, base_offset_, h, r.error);
    if (r.error != ErrorCode::kNone) return r;
    if (invalid != nullptr) {
      r.reason = invalid;
      break;
    }
    if (since_index_entry > index_interval_bytes_ && entries.size() < index_.max_entries()) {
      entries.push_back({h.last_offset(), static_cast<int32_t>(pos)});
      since_index_entry = 0;
    }
    since_index_entry += h.size_bytes;
    if (r.epoch_changes.empty() || r.epoch_changes.back().partition_leader_epoch != h.partition_leader_epoch)
      r.epoch_changes.push_back(h);
    max_timestamp = std::max(max_timestamp, h.max_timestamp);
    if (pos == 0) rolling_timestamp_ms_ = h.max_timestamp;
    expected = h.next_offset();
    pos += h.size_bytes;
  }
  r.valid_bytes = pos;
  r.truncated_bytes = *file_size - pos;
  if (r.truncated_bytes > 0) {
    if ((r.error = from_io_status(disk_->truncate(data_file_, pos))) != ErrorCode::kNone) return r;
    data_dirty_ = true;
  }
  size_bytes_ = pos;
  next_offset_ = expected;
  max_timestamp_ms_ = max_timestamp;
  if ((r.error = index_.replace(std::move(entries))) != ErrorCode::kNone) return r;
  bytes_since_last_index_entry_ = size_bytes_ - last_index_position();
  // The cut must reach the platter before anything is appended after it; data a previous
  // incarnation left unsynced (a clean stop does not fsync) is made durable too, so that
  // everything recovered is below the recovery point.
  if (disk_->unsynced_bytes(data_file_) > 0) data_dirty_ = true;
  if (data_dirty_) r.error = flush();
  return r;
}

bool LogSegment::should_roll(int64_t batch_bytes, Offset batch_last_offset, int64_t segment_bytes,
                             int64_t batch_max_timestamp_ms, int64_t segment_ms) const {
  if (empty()) return false;
  bool by_time = segment_ms >= 0 && rolling_timestamp_ms_ != kNoTimestamp && batch_max_timestamp_ms != kNoTimestamp &&
                 batch_max_timestamp_ms - rolling_timestamp_ms_ > segment_ms;
  return size_bytes_ > segment_bytes - batch_bytes || index_.is_full() || by_time ||
         batch_last_offset - base_offset_ > std::numeric_limits<int32_t>::max();
}

ErrorCode LogSegment::append(const RecordBatch& batch, uint32_t* crc) {
  EDDY_CHECK(batch.base_offset == next_offset_);
  EDDY_CHECK(batch.last_offset() >= batch.base_offset);
  EDDY_CHECK(disk_->size(data_file_) == size_bytes_);
  std::string scratch;
  // A view of the encoding kept with the batch's records (no copy). Only read before the
  // write blocks: while this fiber waits, another append sharing the records under another
  // header may replace that encoding.
  std::string_view bytes = batch.encode_view(scratch);
  const auto length = static_cast<int64_t>(bytes.size());
  EDDY_CHECK(size_bytes_ + length <= std::numeric_limits<int32_t>::max());
  int64_t position = size_bytes_;
  if (crc != nullptr) *crc = get_le<uint32_t>(bytes, kBatchCrcAt);
  // The disk charges the bytes the batch stands for (its records' padding, at the codec's
  // size ratio), not the few the encoding materializes: a 1 KiB message costs 1 KiB of the
  // disk's bandwidth (sim/files.h).
  const int64_t device_bytes = std::max(batch.logical_size_in_bytes(), int64_t{0});
  if (sim::IoStatus s = disk_->write(data_file_, position, bytes, device_bytes); s != sim::IoStatus::kOk)
    return from_io_status(s);
  data_dirty_ = true;
  size_bytes_ += length;
  next_offset_ = batch.next_offset();
  if (position == 0) rolling_timestamp_ms_ = batch.max_timestamp;
  max_timestamp_ms_ = std::max(max_timestamp_ms_, batch.max_timestamp);
  if (bytes_since_last_index_entry_ > index_interval_bytes_ && !index_.is_full()) {
    if (ErrorCode e = index_.append(batch.last_offset(), static_cast<int32_t>(position)); e != ErrorCode::kNone) return e;
    bytes_since_last_index_entry_ = 0;
  }
  bytes_since_last_index_entry_ += length;
  return ErrorCode::kNone;
}

SegmentReadResult LogSegment::read(Offset start_offset, int64_t max_bytes, Offset max_offset, bool min_one_batch) {
  SegmentReadResult r;
  if (start_offset >= next_offset_ || start_offset >= max_offset) return r;
  FileWindow w(*disk_, data_file_, size_bytes_, index_interval_bytes_ + kRecordBatchOverheadBytes);
  int64_t pos = 0;
  if ((r.error = find_position(w, index_, size_bytes_, std::max(start_offset, base_offset_), pos)) != ErrorCode::kNone)
    return r;
  if ((r.error = w.fill(pos, std::max(max_bytes, kRecordBatchOverheadBytes))) != ErrorCode::kNone) return r;
  std::string_view bytes;
  while (pos < size_bytes_) {
    BatchHeader h;
    if ((r.error = w.header_at(pos, h)) != ErrorCode::kNone) break;
    if (h.last_offset() >= max_offset) break;
    if (r.bytes + h.size_bytes > max_bytes && !(min_one_batch && r.batches.empty())) break;
    if ((r.error = w.view(pos, h.size_bytes, bytes)) != ErrorCode::kNone) break;
    DecodeResult d = decode(bytes);
    if ((r.error = d.error) != ErrorCode::kNone) break;
    r.batches.push_back(std::move(d.batch));
    r.bytes += h.size_bytes;
    pos += h.size_bytes;
  }
  if (r.error != ErrorCode::kNone) {
    r.batches.clear();
    r.bytes = 0;
  }
  return r;
}

SegmentScanResult LogSegment::scan(Offset from, int64_t end, const BatchValuesVisitor& visit) {
  EDDY_CHECK(end >= 0 && end <= size_bytes_);
  SegmentScanResult r;
  r.next_offset = base_offset_;
  if (end == 0) return r;
  std::optional<int64_t> file_size = disk_->size(data_file_);
  if (!file_size) {
    r.error = from_io_status(sim::IoStatus::kNotFound);
    return r;
  }
  const int64_t available = std::min(end, *file_size);  // bytes of [0, end) the file holds
  // A window as large as the range: when reads cost simulated time, one read (charged once)
  // instead of window refills; when they do not, every batch viewed in place.
  FileWindow w(*disk_, data_file_, available, available);
  std::string_view bytes;
  std::vector<std::string_view> values;
  int64_t pos = 0;
  while (pos < available) {
    if ((r.error = w.view(pos, kRecordBatchOverheadBytes, bytes)) != ErrorCode::kNone) return r;
    HeaderResult h = peek_header(bytes);
    if (h.failure != DecodeFailure::kNone) {
      r.stopped = to_string(h.failure);
      break;
    }
    if (h.header.base_offset != r.next_offset) {
      r.stopped = "offset-gap";
      break;
    }
    if (h.header.last_offset() >= from) {
      BatchHeader header;
      if ((r.error = w.view(pos, h.header.size_bytes, bytes)) != ErrorCode::kNone) return r;
      if (DecodeFailure f = decode_values(bytes, header, values); f != DecodeFailure::kNone) {
        r.stopped = to_string(f);
        break;
      }
      visit(header.base_offset, values);
    } else if (available - pos < h.header.size_bytes) {
      r.stopped = to_string(DecodeFailure::kTruncated);
      break;
    }
    r.next_offset = h.header.next_offset();
    pos += h.header.size_bytes;
  }
  if (r.stopped == nullptr && available < end) r.stopped = "short-read";
  return r;
}

ErrorCode LogSegment::truncate_to(Offset offset) {
  if (offset >= next_offset_) return ErrorCode::kNone;
  FileWindow w(*disk_, data_file_, size_bytes_, kRecoveryChunkBytes);
  int64_t pos = 0;
  Offset new_next = base_offset_;
  if (offset > base_offset_) {
    if (ErrorCode e = find_position(w, index_, size_bytes_, offset, pos); e != ErrorCode::kNone) return e;
    BatchHeader h;
    if (ErrorCode e = w.header_at(pos, h); e != ErrorCode::kNone) return e;
    new_next = h.base_offset;
  }
  int64_t max_timestamp = kNoTimestamp;
  if (ErrorCode e = scan_max_timestamp(w, pos, max_timestamp); e != ErrorCode::kNone) return e;
  if (sim::IoStatus s = disk_->truncate(data_file_, pos); s != sim::IoStatus::kOk) return from_io_status(s);
  data_dirty_ = true;
  size_bytes_ = pos;
  next_offset_ = new_next;
  max_timestamp_ms_ = max_timestamp;
  if (pos == 0) rolling_timestamp_ms_ = kNoTimestamp;
  if (ErrorCode e = index_.truncate_to(new_next); e != ErrorCode::kNone) return e;
  bytes_since_last_index_entry_ = size_bytes_ - last_index_position();
  return ErrorCode::kNone;
}

ErrorCode LogSegment::flush() {
  if (data_dirty_) {
    if (sim::IoStatus s = disk_->fsync(data_file_); s != sim::IoStatus::kOk) return from_io_status(s);
    data_dirty_ = false;
  }
  return index_.flush();
}

ErrorCode LogSegment::delete_files() {
  sim::IoStatus s = disk_->remove(data_file_);
  sim::IoStatus i = disk_->remove(index_.file());
  if (s != sim::IoStatus::kOk) return from_io_status(s);
  return i == sim::IoStatus::kNotFound ? ErrorCode::kNone : from_io_status(i);
}

}  // namespace broker_model::storage
