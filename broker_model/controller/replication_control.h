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
#include "broker_model/controller/partition_change_builder.h"

namespace broker_model {

inline constexpr const char* kUncleanLeaderElectionEnableConfig = "unclean.leader.election.enable";
inline constexpr const char* kMinInsyncReplicasConfig = "min.insync.replicas";
// Replication quotas (KIP-73): dynamic broker rates in bytes/s and the topic lists of
// replicas they apply to ("*" or "partition:broker,...").
inline constexpr const char* kLeaderThrottledRateConfig = "leader.replication.throttled.rate";
inline constexpr const char* kFollowerThrottledRateConfig = "follower.replication.throttled.rate";
inline constexpr const char* kLeaderThrottledReplicasConfig = "leader.replication.throttled.replicas";
inline constexpr const char* kFollowerThrottledReplicasConfig = "follower.replication.throttled.replicas";
// KIP-966's feature (set with kafka-storage format / kafka-features.sh in Kafka): 1 turns
// eligible leader replicas on, 0 off.
inline constexpr const char* kEligibleLeaderReplicasVersionFeature = "eligible.leader.replicas.version";

struct ReplicationControlConfig {
  // The cluster default of unclean.leader.election.enable (a topic config overrides it).
  bool unclean_leader_election_enable = false;
  // The cluster default of min.insync.replicas (a topic config overrides it); the ELR is
  // tracked against it.
  int32_t min_insync_replicas = 1;
  // eligible.leader.replicas.version >= 1. On by default: Kafka 4.0 ships KIP-966 off, 4.1
  // and later turn it on for new clusters, and every eddy cluster is new (docs/bug-zoo.md).
  bool eligible_leader_replicas_enabled = true;
};

class ReplicationControl {
 public:
  static constexpr int32_t kMaxPartitionsPerTopic = 10'000;
  static constexpr size_t kMaxTopicNameBytes = 249;  // Kafka's limit
  static constexpr size_t kMaxTopicsPerRequest = 1'000;
  // Partitions in one AlterPartitionReassignments (one metadata batch holds their records).
  static constexpr size_t kMaxReassignmentsPerRequest = 20'000;
  static constexpr size_t kMaxConfigChangesPerRequest = 1'000;

  explicit ReplicationControl(ReplicationControlConfig config) : config_(config) {}

  ControllerResult<CreateTopicsResponse> create_topics(const MetadataImage& image, const CreateTopicsRequest& req) const;
  ControllerResult<AlterPartitionResponse> alter_partition(const MetadataImage& image,
                                                           const AlterPartitionRequest& req) const;
  // At most `max_changes` PartitionChangeRecords.
  MetadataBatch reconcile(const MetadataImage& image, size_t max_changes) const;
  // A broker registered again without proof of a clean shutdown (eddy's brokers keep no
  // clean-shutdown file, so every restart counts as unclean, as a kill -9 does in Kafka):
  // with ELR on it leaves every ISR and ELR it is in (Kafka's handleBrokerUncleanShutdown,
  // KAFKA-15586). `image` already holds its new, fenced registration. One change per such
  // partition, however many: a missed one would leave an unclean replica electable.
  MetadataBatch unclean_shutdown(const MetadataImage& image, BrokerId broker) const;
  // auto.leader.rebalance.enable: preferred-leader elections (the first replica of the
  // assignment leads again once it is active and in the ISR; Kafka's
  // maybeBalancePartitionLeaders with Election.PREFERRED). A broker's partitions are moved
  // back only when more than `imbalance_percentage` of those it is preferred for are led by
  // others (leader.imbalance.per.broker.percentage, as the ZooKeeper-era controller's
  // checkAndTriggerAutoLeaderRebalance applied it; KRaft's controller balances every
  // imbalanced partition, which is percentage 0). At most `max_changes` records.
  MetadataBatch balance_leaders(const MetadataImage& image, int32_t imbalance_percentage, size_t max_changes) const;

  // Partition reassignment (KIP-455, partition_reassignment.cc): Kafka's
  // ReplicationControlManager.alterPartitionReassignments. Per partition, a target replica
  // list starts (or replaces) a reassignment: one PartitionChangeRecord puts the target
  // replicas first, the replicas leaving after them, and records adding and removing
  // (PartitionReassignmentReplicas); when the ISR already holds every target replica it
  // completes at once. nullopt cancels the one in progress (PartitionReassignmentRevert).
  // Each partition gets its own error (INVALID_REPLICA_ASSIGNMENT, UNKNOWN_TOPIC_OR_PARTITION,
  // NO_REASSIGNMENT_IN_PROGRESS, INVALID_REQUEST for a partition named twice); the others
  // proceed.
  ControllerResult<AlterPartitionReassignmentsResponse> alter_partition_reassignments(
      const MetadataImage& image, const AlterPartitionReassignmentsRequest& req) const;
  ListPartitionReassignmentsResponse list_partition_reassignments(const MetadataImage& image) const;
  // IncrementalAlterConfigs for the dynamic configs eddy honours (the replication throttles:
  // broker `leader.replication.throttled.rate`, `follower.replication.throttled.rate`; topic
  // `leader.replication.throttled.replicas`, `follower.replication.throttled.replicas`). Any
  // other key, a bad value or an unknown topic fails the whole request with INVALID_CONFIG /
  // UNKNOWN_TOPIC_OR_PARTITION and a message.
  ControllerResult<IncrementalAlterConfigsResponse> alter_configs(const MetadataImage& image,
                                                                  const IncrementalAlterConfigsRequest& req) const;

  bool unclean_enabled(const MetadataImage& image, const std::string& topic) const;
  int32_t min_insync_replicas(const MetadataImage& image, const std::string& topic) const;
  bool elr_enabled() const { return config_.eligible_leader_replicas_enabled; }

 private:
  ErrorCode validate_topic(const MetadataImage& image, const CreatableTopic& t, size_t active_brokers,
                           std::string& message) const;
  ErrorCode validate_alter(const MetadataImage& image, const AlterPartitionRequest& req,
                           const PartitionRegistration* p) const;
  PartitionChangeBuilder builder(const MetadataImage& image, const TopicPartition& tp,
                                 const PartitionRegistration& p) const;

  ReplicationControlConfig config_;
};

}  // namespace broker_model
