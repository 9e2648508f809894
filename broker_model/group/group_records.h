// The records a group coordinator writes to its partition of __consumer_offsets (Kafka's
// GroupMetadataManager formats, in eddy's byte codec): an offset commit (key: group, topic,
// partition) and a group's metadata after each rebalance (key: group). A coordinator that
// takes over a partition rebuilds its groups and offsets by replaying these in log order.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "broker_model/storage/record_batch.h"

namespace broker_model {

struct OffsetCommitRecord {
  std::string group;
  TopicPartition tp;
  Offset offset{-1};
  int32_t generation = -1;
  std::string member_id;
};

struct StoredMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::string protocol_metadata;  // the subscription for the chosen protocol
  std::string assignment;
};

struct GroupMetadataRecord {
  std::string group;
  int32_t generation = 0;
  std::string protocol;
  std::string leader;
  std::vector<StoredMember> members;  // empty: the group is Empty
};

using GroupLogRecord = std::variant<OffsetCommitRecord, GroupMetadataRecord>;

storage::Record encode_group_record(const GroupLogRecord& r, int64_t timestamp_ms);
// nullopt for a record that is not a group record or does not decode (skipped on load).
std::optional<GroupLogRecord> decode_group_record(const storage::Record& r);

}  // namespace broker_model
