#include "broker_model/storage/log_config.h"

#include <cerrno>
#include <cstdlib>
#include <string>

#include "broker_model/storage/offset_index.h"

namespace broker_model::storage {

namespace {

// Kafka's lower bounds: segment.bytes >= the legacy record overhead (14), the index holds
// at least one entry, retention -1 or more, flush intervals at least 1 (messages) / 0 (ms).
constexpr int64_t kSegmentBytesMin = 14;

bool fits_int32(int64_t v) { return v >= 0 && v <= std::numeric_limits<int32_t>::max(); }

}  // namespace

bool LogConfig::set(std::string_view kafka_name, int64_t value) {
  LogConfig next = *this;
  if (kafka_name == "segment.bytes" && fits_int32(value)) {
    next.segment_bytes = static_cast<int32_t>(value);
  } else if (kafka_name == "segment.index.bytes" && fits_int32(value)) {
    next.segment_index_bytes = static_cast<int32_t>(value);
  } else if (kafka_name == "retention.ms") {
    next.retention_ms = value;
  } else if (kafka_name == "retention.bytes") {
    next.retention_bytes = value;
  } else if (kafka_name == "flush.messages") {
    next.flush_messages = value;
  } else if (kafka_name == "flush.ms") {
    next.flush_ms = value;
  } else if (kafka_name == "max.message.bytes" && fits_int32(value)) {
    next.max_message_bytes = static_cast<int32_t>(value);
  } else if (kafka_name == "delete.retention.ms" && value >= 0) {
    next.delete_retention_ms = value;
  } else if (kafka_name == "segment.ms" && value >= 1) {
    next.segment_ms = value;
  } else if (kafka_name == "index.interval.bytes" && fits_int32(value)) {
    next.index_interval_bytes = static_cast<int32_t>(value);
  } else {
    return false;
  }
  if (!next.validate().empty()) return false;
  *this = next;
  return true;
}

bool LogConfig::set_text(std::string_view kafka_name, std::string_view value) {
  if (kafka_name == "cleanup.policy") {
    bool del = false, compact = false;
    size_t start = 0;
    while (start <= value.size()) {
      size_t end = value.find(',', start);
      if (end == std::string_view::npos) end = value.size();
      std::string_view item = value.substr(start, end - start);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (item == "delete") del = true;
      else if (item == "compact") compact = true;
      else return false;
      start = end + 1;
    }
    cleanup_delete = del;
    cleanup_compact = compact;
    return true;
  }
  if (kafka_name == "compression.type") {
    if (value == "producer") {
      compression_type.reset();
      return true;
    }
    std::optional<Compression> c = parse_compression(value);
    if (!c) return false;
    compression_type = c;
    return true;
  }
  if (kafka_name == "min.cleanable.dirty.ratio") {
    std::string text(value);
    char* end = nullptr;
    double ratio = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !(ratio >= 0.0 && ratio <= 1.0)) return false;
    min_cleanable_dirty_ratio = ratio;
    return true;
  }
  std::string text(value);
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || errno != 0 || end != text.c_str() + text.size()) return false;
  return set(kafka_name, v);
}

std::string LogConfig::validate() const {
  if (segment_bytes < kSegmentBytesMin) return "segment.bytes must be at least 14";
  if (segment_index_bytes < kOffsetIndexEntryBytes) return "segment.index.bytes must hold one index entry (8 bytes)";
  if (retention_ms < -1) return "retention.ms must be -1 or more";
  if (retention_bytes < -1) return "retention.bytes must be -1 or more";
  if (flush_messages < 1) return "flush.messages must be at least 1";
  if (flush_ms < 0) return "flush.ms must be at least 0";
  if (index_interval_bytes < 0) return "index.interval.bytes must be at least 0";
  return {};
}

}  // namespace broker_model::storage
