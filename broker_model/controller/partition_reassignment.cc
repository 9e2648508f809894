// Partition reassignment and the dynamic configs it uses (KIP-455; Kafka's
// ReplicationControlManager.alterPartitionReassignments, changePartitionReassignment,
// cancelPartitionReassignment, listPartitionReassignments and
// validateManualPartitionAssignment; metadata/src/main/java/org/apache/kafka/controller/).
#include <algorithm>
#include <charconv>
#include <set>

#include "broker_model/controller/replication_control.h"

namespace broker_model {

namespace {

bool in(const std::vector<BrokerId>& v, BrokerId b) { return std::find(v.begin(), v.end(), b) != v.end(); }

// validateManualPartitionAssignment: not empty, every broker registered, none twice.
ErrorCode validate_assignment(const MetadataImage& image, const std::vector<BrokerId>& replicas, std::string& message) {
  if (replicas.empty()) {
    message = "the assignment includes an empty replica list";
    return ErrorCode::kInvalidReplicaAssignment;
  }
  if (replicas.size() > 64) {
    message = "the assignment has more than 64 replicas";
    return ErrorCode::kInvalidReplicaAssignment;
  }
  std::set<BrokerId> seen;
  for (BrokerId b : replicas) {
    if (image.broker(b) == nullptr) {
      message = "the assignment includes broker " + b.str() + ", but no such broker is registered";
      return ErrorCode::kInvalidReplicaAssignment;
    }
    if (!seen.insert(b).second) {
      message = "the assignment includes broker " + b.str() + " more than once";
      return ErrorCode::kInvalidReplicaAssignment;
    }
  }
  return ErrorCode::kNone;
}

// PartitionReassignmentReplicas(current, target): removing = current - target, adding =
// target - current (both sorted, as Kafka's TreeSets), replicas = target + removing.
struct ReassignmentReplicas {
  std::vector<BrokerId> replicas, adding, removing;
};
ReassignmentReplicas reassignment_replicas(const std::vector<BrokerId>& current, const std::vector<BrokerId>& target) {
  ReassignmentReplicas r;
  std::set<BrokerId> removing, adding;
  for (BrokerId b : current)
    if (!in(target, b)) removing.insert(b);
  for (BrokerId b : target)
    if (!in(current, b)) adding.insert(b);
  r.removing.assign(removing.begin(), removing.end());
  r.adding.assign(adding.begin(), adding.end());
  r.replicas = target;
  r.replicas.insert(r.replicas.end(), r.removing.begin(), r.removing.end());
  return r;
}

bool valid_throttled_replicas(const std::string& value) {
  // "*" or a comma-separated list of partition:broker (Kafka's ThrottledReplicaListValidator).
  if (value == "*" || value.empty()) return true;
  size_t at = 0;
  while (at <= value.size()) {
    size_t comma = value.find(',', at);
    std::string item = value.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    size_t colon = item.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size()) return false;
    for (size_t i = 0; i < item.size(); ++i)
      if (i != colon && (item[i] < '0' || item[i] > '9')) return false;
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return true;
}

bool valid_rate(const std::string& value) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  return ec == std::errc() && end == value.data() + value.size() && v >= 0;
}

}  // namespace

ControllerResult<AlterPartitionReassignmentsResponse> ReplicationControl::alter_partition_reassignments(
    const MetadataImage& image, const AlterPartitionReassignmentsRequest& req) const {
  ControllerResult<AlterPartitionReassignmentsResponse> out;
  std::map<TopicPartition, int> named;
  for (const ReassignablePartition& p : req.partitions) ++named[p.tp];
  for (size_t i = 0; i < req.partitions.size(); ++i) {
    const ReassignablePartition& target = req.partitions[i];
    ReassignablePartitionResult result{target.tp, ErrorCode::kNone, ""};
    const PartitionRegistration* part = image.partition(target.tp);
    if (i >= kMaxReassignmentsPerRequest || named[target.tp] > 1) {
      result.error = ErrorCode::kInvalidRequest;
      result.error_message = "too many partitions, or a partition named twice";
    } else if (part == nullptr) {
      result.error = ErrorCode::kUnknownTopicOrPartition;
      result.error_message = "unable to find partition " + target.tp.str();
    } else if (!target.replicas) {
      // cancelPartitionReassignment with PartitionReassignmentRevert: back to the original
      // replicas (without the adding ones), the ISR without the adding ones.
      if (!part->reassigning()) {
        result.error = ErrorCode::kNoReassignmentInProgress;
        result.error_message = "no reassignment in progress for " + target.tp.str();
      } else {
        std::vector<BrokerId> replicas, isr;
        for (BrokerId b : part->replicas)
          if (!in(part->adding_replicas, b)) replicas.push_back(b);
        for (BrokerId b : part->isr)
          if (!in(part->adding_replicas, b)) isr.push_back(b);
        if (isr.empty()) {
          result.error = ErrorCode::kInvalidReplicaAssignment;
          result.error_message = "unable to revert " + target.tp.str() + ": it would need an unclean leader election";
        } else if (auto rec = builder(image, target.tp, *part)
                                  .set_target_isr(isr)
                                  .set_target_replicas(replicas)
                                  .set_target_adding({})
                                  .set_target_removing({})
                                  .build()) {
          out.records.push_back(std::move(*rec));
        }
      }
    } else if ((result.error = validate_assignment(image, *target.replicas, result.error_message)) == ErrorCode::kNone) {
      // changePartitionReassignment.
      ReassignmentReplicas r = reassignment_replicas(part->replicas, *target.replicas);
      PartitionChangeBuilder b = builder(image, target.tp, *part);
      if (r.replicas != part->replicas) b.set_target_replicas(r.replicas);
      b.set_target_removing(r.removing);
      b.set_target_adding(r.adding);
      if (auto rec = b.build()) out.records.push_back(std::move(*rec));
    }
    out.response.partitions.push_back(std::move(result));
  }
  return out;
}

ListPartitionReassignmentsResponse ReplicationControl::list_partition_reassignments(const MetadataImage& image) const {
  ListPartitionReassignmentsResponse out;
  for (const auto& [tp, p] : image.partitions())
    if (p.reassigning()) out.reassignments.push_back({tp, p.replicas, p.adding_replicas, p.removing_replicas});
  return out;
}

ControllerResult<IncrementalAlterConfigsResponse> ReplicationControl::alter_configs(
    const MetadataImage& image, const IncrementalAlterConfigsRequest& req) const {
  ControllerResult<IncrementalAlterConfigsResponse> out;
  auto fail = [&](ErrorCode e, std::string message) {
    out.records.clear();
    out.response.error = e;
    out.response.error_message = std::move(message);
    return out;
  };
  if (req.changes.size() > kMaxConfigChangesPerRequest) return fail(ErrorCode::kInvalidRequest, "too many config changes");
  for (const ConfigRecord& c : req.changes) {
    if (c.resource_type == ConfigRecord::Resource::kTopic) {
      if (image.topic(c.resource_name) == nullptr)
        return fail(ErrorCode::kUnknownTopicOrPartition, "unknown topic '" + c.resource_name + "'");
      if (c.name != kLeaderThrottledReplicasConfig && c.name != kFollowerThrottledReplicasConfig)
        return fail(ErrorCode::kInvalidConfig, "topic config '" + c.name + "' cannot be altered here (only " +
                                                   kLeaderThrottledReplicasConfig + ", " +
                                                   kFollowerThrottledReplicasConfig + ")");
      if (c.value && !valid_throttled_replicas(*c.value))
        return fail(ErrorCode::kInvalidConfig, c.name + " must be '*' or a list of partition:broker, not '" + *c.value + "'");
    } else {
      if (!c.resource_name.empty()) {
        int32_t id = -1;
        auto [end, ec] = std::from_chars(c.resource_name.data(), c.resource_name.data() + c.resource_name.size(), id);
        if (ec != std::errc() || end != c.resource_name.data() + c.resource_name.size() || id < 0)
          return fail(ErrorCode::kInvalidRequest, "broker resource '" + c.resource_name + "' is not a broker id");
      }
      if (c.name != kLeaderThrottledRateConfig && c.name != kFollowerThrottledRateConfig)
        return fail(ErrorCode::kInvalidConfig, "broker config '" + c.name + "' cannot be altered here (only " +
                                                   kLeaderThrottledRateConfig + ", " + kFollowerThrottledRateConfig + ")");
      if (c.value && !valid_rate(*c.value))
        return fail(ErrorCode::kInvalidConfig, c.name + " must be a number of bytes per second, not '" + *c.value + "'");
    }
    out.records.push_back(c);
  }
  return out;
}

}  // namespace broker_model
