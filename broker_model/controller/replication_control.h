// ReplicationControl: topics, partitions and their leaders/ISRs on the active controller
// (Kafka's ReplicationControlManager). CreateTopics validates and places replicas;
// AlterPartition validates a leader's ISR change against the current epochs; reconcile()
// finds the leader/ISR changes that broker fencing and unfencing call for (a fenced leader
// replaced from the ISR, fenced ISR members removed, an offline partition led again when
// an ISR member — or, with unclean.leader.election.enable, any replica — comes back).
// Pure decisions: it reads the image it is given and returns records and a response.
#pragma once

#include "broker_model/controller/controller_messages.h"
#include "broker_model/controller/controller_result.h"
#include "broker_model/controller/metadata_image.h"

namespace broker_model {

inline constexpr const char* kUncleanLeaderElectionEnableConfig = "unclean.leader.election.enable";

struct ReplicationControlConfig {
  // The cluster default of unclean.leader.election.enable (a topic config overrides it).
  bool unclean_leader_election_enable = false;
};

class ReplicationControl {
 public:
  static constexpr int32_t kMaxPartitionsPerTopic = 10'000;
  static constexpr size_t kMaxTopicNameBytes = 249;  // Kafka's limit
  static constexpr size_t kMaxTopicsPerRequest = 1'000;

  explicit ReplicationControl(ReplicationControlConfig config) : config_(config) {}

  ControllerResult<CreateTopicsResponse> create_topics(const MetadataImage& image, const CreateTopicsRequest& req) const;
  ControllerResult<AlterPartitionResponse> alter_partition(const MetadataImage& image,
                                                           const AlterPartitionRequest& req) const;
  // At most `max_changes` PartitionChangeRecords.
  MetadataBatch reconcile(const MetadataImage& image, size_t max_changes) const;

  bool unclean_enabled(const MetadataImage& image, const std::string& topic) const;

 private:
  ErrorCode validate_topic(const MetadataImage& image, const CreatableTopic& t, size_t active_brokers,
                           std::string& message) const;
  ErrorCode validate_alter(const MetadataImage& image, const AlterPartitionRequest& req,
                           const PartitionRegistration* p) const;

  ReplicationControlConfig config_;
};

}  // namespace broker_model
