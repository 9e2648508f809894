#include "broker_model/group/group_messages.h"

namespace broker_model {

int32_t java_string_hash(const std::string& s) {
  uint32_t h = 0;  // Java's int arithmetic wraps; unsigned here to keep it defined
  for (unsigned char c : s) h = 31 * h + c;
  return static_cast<int32_t>(h);
}

int32_t offsets_partition_for(const std::string& group_id, int32_t offsets_partitions) {
  int32_t h = java_string_hash(group_id);
  int32_t abs = h == INT32_MIN ? 0 : (h < 0 ? -h : h);  // Kafka's Utils.abs
  return offsets_partitions <= 0 ? 0 : abs % offsets_partitions;
}

ErrorCode OffsetCommitResponse::first_error() const {
  for (const auto& p : partitions)
    if (p.error != ErrorCode::kNone) return p.error;
  return ErrorCode::kNone;
}

namespace {
uint32_t str_bytes(const std::string& s) { return 2 + static_cast<uint32_t>(s.size()); }
uint32_t opt_bytes(const std::optional<std::string>& s) { return s ? str_bytes(*s) : 2; }
constexpr uint32_t kHeader = 24;  // request header: api key, version, correlation id, client id
}  // namespace

uint32_t wire_bytes(const FindCoordinatorRequest& r) { return kHeader + str_bytes(r.key); }
uint32_t wire_bytes(const FindCoordinatorResponse&) { return kHeader + 32; }
uint32_t wire_bytes(const JoinGroupRequest& r) {
  uint32_t n = kHeader + str_bytes(r.group_id) + 8 + str_bytes(r.member_id) + opt_bytes(r.group_instance_id) + 10;
  for (const auto& p : r.protocols) n += str_bytes(p.name) + 4 + static_cast<uint32_t>(p.metadata.size());
  return n;
}
uint32_t wire_bytes(const JoinGroupResponse& r) {
  uint32_t n = kHeader + 8 + str_bytes(r.protocol_name) + str_bytes(r.leader) + str_bytes(r.member_id);
  for (const auto& m : r.members) n += str_bytes(m.member_id) + opt_bytes(m.group_instance_id) + 4 + static_cast<uint32_t>(m.metadata.size());
  return n;
}
uint32_t wire_bytes(const SyncGroupRequest& r) {
  uint32_t n = kHeader + str_bytes(r.group_id) + 4 + str_bytes(r.member_id) + opt_bytes(r.group_instance_id);
  for (const auto& a : r.assignments) n += str_bytes(a.member_id) + 4 + static_cast<uint32_t>(a.assignment.size());
  return n;
}
uint32_t wire_bytes(const SyncGroupResponse& r) { return kHeader + 6 + static_cast<uint32_t>(r.assignment.size()); }
uint32_t wire_bytes(const HeartbeatRequest& r) {
  return kHeader + str_bytes(r.group_id) + 4 + str_bytes(r.member_id) + opt_bytes(r.group_instance_id);
}
uint32_t wire_bytes(const HeartbeatResponse&) { return kHeader + 2; }
uint32_t wire_bytes(const LeaveGroupRequest& r) {
  return kHeader + str_bytes(r.group_id) + str_bytes(r.member_id) + opt_bytes(r.group_instance_id) + str_bytes(r.reason);
}
uint32_t wire_bytes(const LeaveGroupResponse&) { return kHeader + 2; }
uint32_t wire_bytes(const OffsetCommitRequest& r) {
  uint32_t n = kHeader + str_bytes(r.group_id) + 4 + str_bytes(r.member_id) + opt_bytes(r.group_instance_id);
  for (const auto& p : r.partitions) n += str_bytes(p.tp.topic) + 4 + 8 + 2;
  return n;
}
uint32_t wire_bytes(const OffsetCommitResponse& r) {
  uint32_t n = kHeader;
  for (const auto& p : r.partitions) n += str_bytes(p.tp.topic) + 6;
  return n;
}
uint32_t wire_bytes(const OffsetFetchRequest& r) {
  uint32_t n = kHeader + str_bytes(r.group_id);
  for (const auto& tp : r.partitions) n += str_bytes(tp.topic) + 4;
  return n;
}
uint32_t wire_bytes(const OffsetFetchResponse& r) {
  uint32_t n = kHeader + 2;
  for (const auto& p : r.partitions) n += str_bytes(p.tp.topic) + 4 + 8 + 2;
  return n;
}

}  // namespace broker_model
