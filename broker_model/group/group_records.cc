#include "broker_model/group/group_records.h"

#include "broker_model/controller/byte_codec.h"

namespace broker_model {

namespace {
constexpr uint8_t kOffsetKey = 1;  // Kafka's key versions 0/1 are offset commits, 2 group metadata
constexpr uint8_t kGroupKey = 2;
constexpr size_t kTextBytesMax = 64 * 1024;
constexpr uint32_t kMembersMax = 10'000;

storage::Record make(std::string key, std::string value, int64_t ts) {
  storage::Record r;
  r.timestamp_ms = ts;
  r.key = std::move(key);
  r.value = std::move(value);
  return r;
}
}  // namespace

storage::Record encode_group_record(const GroupLogRecord& rec, int64_t timestamp_ms) {
  std::string key, value;
  ByteWriter k(key), v(value);
  if (const auto* o = std::get_if<OffsetCommitRecord>(&rec)) {
    k.put<uint8_t>(kOffsetKey);
    k.put_string(o->group);
    k.put_string(o->tp.topic);
    k.put<int32_t>(o->tp.partition);
    v.put<int64_t>(o->offset.value());
    v.put<int32_t>(o->generation);
    v.put_string(o->member_id);
  } else {
    const auto& g = std::get<GroupMetadataRecord>(rec);
    k.put<uint8_t>(kGroupKey);
    k.put_string(g.group);
    v.put<int32_t>(g.generation);
    v.put_string(g.protocol);
    v.put_string(g.leader);
    v.put<uint32_t>(static_cast<uint32_t>(g.members.size()));
    for (const auto& m : g.members) {
      v.put_string(m.member_id);
      v.put_bool(m.group_instance_id.has_value());
      v.put_string(m.group_instance_id.value_or(""));
      v.put<int32_t>(m.session_timeout_ms);
      v.put<int32_t>(m.rebalance_timeout_ms);
      v.put_string(m.protocol_metadata);
      v.put_string(m.assignment);
    }
  }
  return make(std::move(key), std::move(value), timestamp_ms);
}

std::optional<GroupLogRecord> decode_group_record(const storage::Record& r) {
  if (!r.key) return std::nullopt;
  ByteReader k(*r.key), v(r.value);
  uint8_t type = k.get<uint8_t>();
  if (type == kOffsetKey) {
    OffsetCommitRecord o;
    o.group = k.get_string(kTextBytesMax);
    o.tp.topic = k.get_string(kTextBytesMax);
    o.tp.partition = k.get<int32_t>();
    o.offset = Offset{v.get<int64_t>()};
    o.generation = v.get<int32_t>();
    o.member_id = v.get_string(kTextBytesMax);
    if (!k.done() || !v.done()) return std::nullopt;
    return o;
  }
  if (type == kGroupKey) {
    GroupMetadataRecord g;
    g.group = k.get_string(kTextBytesMax);
    g.generation = v.get<int32_t>();
    g.protocol = v.get_string(kTextBytesMax);
    g.leader = v.get_string(kTextBytesMax);
    uint32_t n = v.get_count(kMembersMax, 20);
    for (uint32_t i = 0; i < n && v.ok(); ++i) {
      StoredMember m;
      m.member_id = v.get_string(kTextBytesMax);
      bool has_instance = v.get_bool();
      std::string instance = v.get_string(kTextBytesMax);
      if (has_instance) m.group_instance_id = instance;
      m.session_timeout_ms = v.get<int32_t>();
      m.rebalance_timeout_ms = v.get<int32_t>();
      m.protocol_metadata = v.get_string(kTextBytesMax);
      m.assignment = v.get_string(kTextBytesMax);
      g.members.push_back(std::move(m));
    }
    if (!k.done() || !v.done()) return std::nullopt;
    return g;
  }
  return std::nullopt;
}

}  // namespace broker_model
