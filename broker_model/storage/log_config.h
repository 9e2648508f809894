// A partition log's configuration, with Kafka's topic-level config names and defaults.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "broker_model/storage/compression.h"

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
  // max.message.bytes: the largest record batch a leader appends (Kafka's default, the
  // broker's message.max.bytes: 1 MiB + the 12-byte log overhead). A larger one is refused
  // with MESSAGE_TOO_LARGE; followers copy what their leader took without this check.
  int32_t max_message_bytes = 1'048'588;
  // cleanup.policy: "delete" (retention deletes old segments), "compact" (the log cleaner
  // keeps the latest record of each key; retention deletes nothing), or both.
  bool cleanup_delete = true;
  bool cleanup_compact = false;
  // delete.retention.ms: how long the cleaner keeps a tombstone that is its key's latest record.
  int64_t delete_retention_ms = 86'400'000;
  // min.cleanable.dirty.ratio: clean only when the dirty part (written since the last
  // cleaning) is at least this share of the cleanable log.
  double min_cleanable_dirty_ratio = 0.5;
  // segment.ms: roll the active segment when a batch's timestamp is this long after the
  // segment's first batch (Kafka's time-based roll; only closed segments are cleaned).
  int64_t segment_ms = int64_t{7} * 24 * 60 * 60 * 1000;
  // compression.type: the codec a leader stores batches in; unset ("producer", Kafka's
  // default): the producer's, as it came (compression.h).
  std::optional<Compression> compression_type;

  // Sets a config by its Kafka name ("segment.bytes"); false for an unknown name or a value
  // out of Kafka's allowed range.
  bool set(std::string_view kafka_name, int64_t value);
  // The same for any config by its text (cleanup.policy, min.cleanable.dirty.ratio, and the
  // integer ones); false for an unknown name or a bad value.
  bool set_text(std::string_view kafka_name, std::string_view value);
  // Empty when valid, else what is wrong.
  std::string validate() const;
};

}  // namespace broker_model::storage
