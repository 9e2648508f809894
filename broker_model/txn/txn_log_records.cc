#include "broker_model/txn/txn_log_records.h"

#include "broker_model/controller/byte_codec.h"

namespace broker_model::txn {

namespace {
constexpr uint8_t kTxnKeyVersion = 0;
constexpr size_t kTextBytesMax = 64 * 1024;
constexpr uint32_t kPartitionsMax = 100'000;
}  // namespace

const char* to_string(TxnState s) {
  switch (s) {
    case TxnState::kEmpty: return "Empty";
    case TxnState::kOngoing: return "Ongoing";
    case TxnState::kPrepareCommit: return "PrepareCommit";
    case TxnState::kPrepareAbort: return "PrepareAbort";
    case TxnState::kCompleteCommit: return "CompleteCommit";
    case TxnState::kCompleteAbort: return "CompleteAbort";
  }
  return "?";
}

storage::Record encode_txn_record(const TxnLogRecord& t, int64_t timestamp_ms) {
  std::string key, value;
  ByteWriter k(key), v(value);
  k.put<uint8_t>(kTxnKeyVersion);
  k.put_string(t.transactional_id);
  v.put<int64_t>(t.producer_id.value());
  v.put<int16_t>(t.producer_epoch);
  v.put<int32_t>(t.timeout_ms);
  v.put<uint8_t>(static_cast<uint8_t>(t.state));
  v.put<int64_t>(t.start_ms);
  v.put<uint32_t>(static_cast<uint32_t>(t.partitions.size()));
  for (const TopicPartition& tp : t.partitions) {
    v.put_string(tp.topic.str());
    v.put<int32_t>(tp.partition);
  }
  storage::Record r;
  r.timestamp_ms = timestamp_ms;
  r.key = std::move(key);
  r.value = std::move(value);
  return r;
}

std::optional<TxnLogRecord> decode_txn_record(const storage::Record& r) {
  if (!r.key) return std::nullopt;
  ByteReader k(*r.key), v(r.value);
  if (k.get<uint8_t>() != kTxnKeyVersion) return std::nullopt;
  TxnLogRecord t;
  t.transactional_id = k.get_string(kTextBytesMax);
  t.producer_id = ProducerId(v.get<int64_t>());
  t.producer_epoch = v.get<int16_t>();
  t.timeout_ms = v.get<int32_t>();
  uint8_t state = v.get<uint8_t>();
  if (state > static_cast<uint8_t>(TxnState::kCompleteAbort)) return std::nullopt;
  t.state = static_cast<TxnState>(state);
  t.start_ms = v.get<int64_t>();
  uint32_t n = v.get_count(kPartitionsMax, 8);
  for (uint32_t i = 0; i < n && v.ok(); ++i) {
    std::string topic = v.get_string(kTextBytesMax);
    int32_t p = v.get<int32_t>();
    t.partitions.push_back(TopicPartition{sim::Symbol(topic), p});
  }
  if (!k.done() || !v.done()) return std::nullopt;
  return t;
}

}  // namespace broker_model::txn
