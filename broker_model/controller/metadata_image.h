// MetadataImage: the cluster's metadata as of some offset of the metadata log — brokers
// (registered, fenced or not, rack, endpoint), topics (partition count, configs) and every
// partition's replicas, ISR, leader and epochs. Built by applying records in log order;
// every controller and every broker keeps one. Applying checks the invariants a correct
// controller never breaks (epochs only move forward, leader in ISR, ISR within replicas).
// Ordered containers only, so iteration order (and everything decided from it) is
// deterministic.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "broker_model/controller/metadata_records.h"

namespace broker_model {

struct BrokerRegistration {
  BrokerId id;
  BrokerEpoch epoch;
  uint64_t incarnation_id = 0;
  std::string rack;
  sim::NodeId endpoint;
  bool fenced = true;
  // Asked to shut down and granted a controlled shutdown (BrokerRegistrationChangeRecord):
  // not active, as Kafka's ClusterControlManager.isActive says, until it registers again.
  bool in_controlled_shutdown = false;
  // KIP-858: log directories reported offline since it registered, and the replicas in them
  // (BrokerLogDirOfflineRecord): those may not lead or be in an ISR.
  std::vector<std::string> offline_log_dirs = {};
  std::set<TopicPartition> offline_replicas = {};
  bool operator==(const BrokerRegistration&) const = default;
};

struct TopicImage {
  std::string name;
  int32_t partitions = 0;
  std::map<std::string, std::string> configs;
  bool operator==(const TopicImage&) const = default;
};

struct PartitionRegistration {
  std::vector<BrokerId> replicas;
  std::vector<BrokerId> isr;
  BrokerId leader = kNoBroker;
  LeaderEpoch leader_epoch{0};
  PartitionEpoch partition_epoch{0};
  bool last_election_unclean = false;  // Kafka: leader_recovery_state == RECOVERING
  // KIP-966: replicas that left the ISR while it was below min.insync.replicas (so they hold
  // everything committed), electable when the ISR is empty; and the last known leader, kept
  // while the partition has no leader (Kafka's LastKnownElr in its default use).
  std::vector<BrokerId> elr = {};
  std::vector<BrokerId> last_known_elr = {};
  // A reassignment in progress (KIP-455; Kafka's PartitionRegistration.addingReplicas and
  // removingReplicas): `replicas` is then the target replicas followed by those being
  // removed; the adding ones catch up and join the ISR, then the removing ones leave.
  std::vector<BrokerId> adding_replicas = {};
  std::vector<BrokerId> removing_replicas = {};
  bool has_leader() const { return leader != kNoBroker; }
  bool reassigning() const { return !adding_replicas.empty() || !removing_replicas.empty(); }
  // The replicas the partition ends with: `replicas` without those being removed.
  std::vector<BrokerId> target_replicas() const;
  bool in_isr(BrokerId b) const;
  bool in_elr(BrokerId b) const;
  bool is_replica(BrokerId b) const;
  bool operator==(const PartitionRegistration&) const = default;
};

class MetadataImage {
 public:
  void apply(const MetadataRecord& r);
  void apply(const MetadataBatch& batch);

  const std::map<BrokerId, BrokerRegistration>& brokers() const { return brokers_; }
  const BrokerRegistration* broker(BrokerId id) const;
  // Registered, not fenced and not in controlled shutdown.
  bool is_active(BrokerId id) const;
  // Active, and its replica of tp is not in a failed log directory (KIP-858's
  // LeaderAcceptor: isActive and hasOnlineDir).
  bool is_active_replica(BrokerId id, const TopicPartition& tp) const;
  std::vector<BrokerId> active_brokers() const;

  const std::map<std::string, TopicImage>& topics() const { return topics_; }
  const TopicImage* topic(const std::string& name) const;
  // A topic config, or `fallback` when the topic does not set it.
  std::string topic_config(const std::string& topic, const std::string& key, const std::string& fallback) const;
  // A dynamic broker config (ConfigRecord): this broker's own, else the cluster default
  // (resource name ""), else `fallback`.
  std::string broker_config(BrokerId broker, const std::string& key, const std::string& fallback) const;

  const std::map<TopicPartition, PartitionRegistration>& partitions() const { return partitions_; }
  const PartitionRegistration* partition(const TopicPartition& tp) const;

  // ACLs by id (AccessControlEntryRecord / RemoveAccessControlEntryRecord), and the id the
  // next created ACL gets (above every id used so far).
  const std::map<security::AclId, security::AclBinding>& acls() const { return acls_; }
  security::AclId next_acl_id() const { return next_acl_id_; }

  // Producer ids below this have been handed out in blocks (ProducerIdsRecord).
  int64_t next_producer_id() const { return next_producer_id_; }

  bool operator==(const MetadataImage&) const = default;
  // Multi-line dump for failure messages.
  std::string dump() const;

 private:
  void apply_record(const RegisterBrokerRecord& r);
  void apply_record(const FenceBrokerRecord& r);
  void apply_record(const UnfenceBrokerRecord& r);
  void apply_record(const BrokerRegistrationChangeRecord& r);
  void apply_record(const BrokerLogDirOfflineRecord& r);
  void apply_record(const TopicRecord& r);
  void apply_record(const PartitionRecord& r);
  void apply_record(const PartitionChangeRecord& r);
  void apply_record(const LeaderChangeRecord&) {}
  void apply_record(const NoOpRecord&) {}
  void apply_record(const ProducerIdsRecord& r);
  void apply_record(const AccessControlEntryRecord& r);
  void apply_record(const RemoveAccessControlEntryRecord& r);
  void apply_record(const UnregisterBrokerRecord& r);
  void apply_record(const ConfigRecord& r);
  static void check_partition(const PartitionRegistration& p);

  std::map<BrokerId, BrokerRegistration> brokers_;
  std::map<std::string, TopicImage> topics_;
  std::map<TopicPartition, PartitionRegistration> partitions_;
  // Dynamic broker configs by resource name (a broker id, or "" for the cluster default).
  std::map<std::string, std::map<std::string, std::string>> broker_configs_;
  int64_t next_producer_id_ = 0;
  std::map<security::AclId, security::AclBinding> acls_;
  security::AclId next_acl_id_ = 1;
};

}  // namespace broker_model
