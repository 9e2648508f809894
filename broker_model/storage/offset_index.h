// A segment's sparse offset index (Kafka's OffsetIndex): entries (relative offset, file
// position), appended every `index.interval.bytes` of log data, each pointing at the start
// of a batch whose last offset is the entry's offset. A lookup gives where to start scanning
// the data file for an offset.
//
// File `<base offset, 20 digits>.index`: 8 bytes per entry, int32 relative offset then int32
// position, little-endian. The entries live in memory too; the file is rebuilt from the data
// file by LogSegment::recover(), so a torn or stale index file is harmless.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "broker_model/errors.h"
#include "broker_model/types.h"
#include "sim/files.h"

namespace broker_model::storage {

inline constexpr int32_t kOffsetIndexEntryBytes = 8;

struct OffsetPosition {
  Offset offset{0};
  int32_t position = 0;
  bool operator==(const OffsetPosition&) const = default;
};

class OffsetIndex {
 public:
  // No I/O: the file is created by create() or rewritten by replace().
  OffsetIndex(sim::Files& disk, std::string file, Offset base_offset, int32_t index_bytes_max);
  OffsetIndex(OffsetIndex&&) = default;
  OffsetIndex& operator=(OffsetIndex&&) = default;
  OffsetIndex(const OffsetIndex&) = delete;
  OffsetIndex& operator=(const OffsetIndex&) = delete;

  const std::string& file() const { return file_; }
  Offset base_offset() const { return base_offset_; }
  const std::vector<OffsetPosition>& entries() const { return entries_; }
  bool is_full() const { return entries_.size() >= max_entries(); }
  size_t max_entries() const { return static_cast<size_t>(index_bytes_max_ / kOffsetIndexEntryBytes); }

  // The last entry whose offset is <= target, or (base offset, 0).
  OffsetPosition lookup(Offset target) const;

  ErrorCode create();
  // Appends an entry; offsets must increase and fit the relative int32 range.
  ErrorCode append(Offset offset, int32_t position);
  // Drops every entry whose offset is >= `offset`.
  ErrorCode truncate_to(Offset offset);
  // Makes the file hold exactly `entries` (recovery), writing only if it differs.
  ErrorCode replace(std::vector<OffsetPosition> entries);
  ErrorCode flush();
  bool dirty() const { return dirty_; }

  static std::string encode(const std::vector<OffsetPosition>& entries, Offset base_offset);

 private:
  sim::Files* disk_;
  std::string file_;
  Offset base_offset_;
  int32_t index_bytes_max_;
  std::vector<OffsetPosition> entries_;
  bool dirty_ = false;
};

}  // namespace broker_model::storage
