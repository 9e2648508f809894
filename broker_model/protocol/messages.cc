#include "broker_model/protocol/messages.h"

#include <cstring>

namespace broker_model {

namespace {
uint32_t batch_bytes(const RecordBatch& b) { return static_cast<uint32_t>(b.logical_size_in_bytes()); }
}  // namespace

uint32_t wire_bytes(const ProduceRequest& r) {
  uint32_t n = 40;
  for (const auto& p : r.partitions) n += 24 + static_cast<uint32_t>(p.tp.topic.size()) + batch_bytes(p.batch);
  return n;
}

uint32_t wire_bytes(const ProduceResponse& r) { return 24 + 40 * static_cast<uint32_t>(r.partitions.size()); }

// Fetch v12 and later: header and the fixed fields, then per partition its topic entry
// and partition fields; a forgotten partition is its topic and index.
uint32_t wire_bytes(const FetchRequest& r) {
  return 56 + static_cast<uint32_t>(r.partitions.size()) * 40 + static_cast<uint32_t>(r.forgotten.size()) * 24;
}

uint32_t wire_bytes(const FetchResponse& r) {
  uint32_t n = 30;  // header, throttle time, error code, session id
  for (const auto& p : r.partitions) {
    n += 48 + static_cast<uint32_t>(p.tp.topic.size());
    for (const auto& b : p.batches) n += batch_bytes(b);
  }
  return n;
}

uint32_t wire_bytes(const MetadataResponse& r) {
  uint32_t n = 32 + 16 * static_cast<uint32_t>(r.brokers.size());
  for (const auto& t : r.topics) n += 16 + static_cast<uint32_t>(t.name.size()) + 40 * static_cast<uint32_t>(t.partition_count());
  return n;
}

uint64_t record_id_of(const Record& r) {
  if (r.value.size() < 8) return 0;
  uint64_t id;
  std::memcpy(&id, r.value.data(), 8);
  return id;
}

std::string value_with_record_id(uint64_t id) {
  std::string v(8, '\0');
  std::memcpy(v.data(), &id, 8);
  return v;
}

}  // namespace broker_model
