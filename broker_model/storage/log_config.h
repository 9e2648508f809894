// A partition log's configuration, with Kafka's topic-level config names and defaults.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace broker_model::storage {

inline constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max();

struct LogConfig {
  // segment.bytes: roll to a new segment before the active one would pass this size.
  int32_t segment_bytes = 1 << 30;
  // segment.index.bytes: the offset index's capacity; a full index rolls the segment.
  int32_t segment_index_bytes = 10 << 20;
  // retention.ms: delete a segment once its largest timestamp is older than this; -1: keep.
  int64_t retention_ms = int64_t{7} * 24 * 60 * 60 * 1000;
  // retention.bytes: delete oldest segments while the log is larger than this; -1: no limit.
  int64_t retention_bytes = -1;
  // flush.messages: fsync after this many appended messages (Long.MAX: never by count).
  int64_t flush_messages = kLongMax;
  // flush.ms: fsync when this long has passed since the last flush (Long.MAX: never).
  int64_t flush_ms = kLongMax;
  // index.interval.bytes: bytes of log data between two offset index entries.
  int32_t index_interval_bytes = 4096;

  // Sets a config by its Kafka name ("segment.bytes"); false for an unknown name or a value
  // out of Kafka's allowed range.
  bool set(std::string_view kafka_name, int64_t value);
  // Empty when valid, else what is wrong.
  std::string validate() const;
};

}  // namespace broker_model::storage
