#include "broker_model/storage/offset_index.h"

#include <algorithm>
#include <limits>

#include "broker_model/storage/byte_order.h"
#include "sim/check.h"

namespace broker_model::storage {

OffsetIndex::OffsetIndex(sim::Files& disk, std::string file, Offset base_offset, int32_t index_bytes_max)
    : disk_(&disk), file_(std::move(file)), base_offset_(base_offset), index_bytes_max_(index_bytes_max) {
  EDDY_CHECK(index_bytes_max >= kOffsetIndexEntryBytes);
}

OffsetPosition OffsetIndex::lookup(Offset target) const {
  auto after = std::upper_bound(entries_.begin(), entries_.end(), target,
                                [](Offset t, const OffsetPosition& e) { return t < e.offset; });
  if (after == entries_.begin()) return {base_offset_, 0};
  return *std::prev(after);
}

ErrorCode OffsetIndex::create() {
  entries_.clear();
  dirty_ = true;
  return from_io_status(disk_->write(file_, 0, {}));
}

std::string OffsetIndex::encode(const std::vector<OffsetPosition>& entries, Offset base_offset) {
  std::string out;
  out.reserve(entries.size() * kOffsetIndexEntryBytes);
  for (const OffsetPosition& e : entries) {
    put_le<int32_t>(out, static_cast<int32_t>(e.offset - base_offset));
    put_le<int32_t>(out, e.position);
  }
  return out;
}

ErrorCode OffsetIndex::append(Offset offset, int32_t position) {
  EDDY_CHECK(!is_full());
  EDDY_CHECK(offset >= base_offset_);
  EDDY_CHECK(offset - base_offset_ <= std::numeric_limits<int32_t>::max());
  EDDY_CHECK(entries_.empty() || offset > entries_.back().offset);
  EDDY_CHECK(entries_.empty() || position > entries_.back().position);
  OffsetPosition entry{offset, position};
  sim::IoStatus s = disk_->write(file_, static_cast<int64_t>(entries_.size()) * kOffsetIndexEntryBytes,
                                 encode({entry}, base_offset_));
  if (s != sim::IoStatus::kOk) return from_io_status(s);
  entries_.push_back(entry);
  dirty_ = true;
  return ErrorCode::kNone;
}

ErrorCode OffsetIndex::truncate_to(Offset offset) {
  auto first_dropped = std::lower_bound(entries_.begin(), entries_.end(), offset,
                                        [](const OffsetPosition& e, Offset o) { return e.offset < o; });
  if (first_dropped == entries_.end()) return ErrorCode::kNone;
  entries_.erase(first_dropped, entries_.end());
  dirty_ = true;
  return from_io_status(disk_->truncate(file_, static_cast<int64_t>(entries_.size()) * kOffsetIndexEntryBytes));
}

ErrorCode OffsetIndex::replace(std::vector<OffsetPosition> entries) {
  entries_ = std::move(entries);
  std::string image = encode(entries_, base_offset_);
  sim::ReadResult on_disk = disk_->read_all(file_);
  if (on_disk.status == sim::IoStatus::kOk && on_disk.data == image) return ErrorCode::kNone;
  if (on_disk.status == sim::IoStatus::kOk) {
    sim::IoStatus s = disk_->truncate(file_, 0);
    if (s != sim::IoStatus::kOk) return from_io_status(s);
  }
  dirty_ = true;
  return from_io_status(disk_->write(file_, 0, image));
}

ErrorCode OffsetIndex::flush() {
  if (!dirty_) return ErrorCode::kNone;
  sim::IoStatus s = disk_->fsync(file_);
  if (s != sim::IoStatus::kOk) return from_io_status(s);
  dirty_ = false;
  return ErrorCode::kNone;
}

}  // namespace broker_model::storage
