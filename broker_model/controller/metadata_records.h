// The records of the KRaft metadata log, with Kafka's names (org.apache.kafka.common.
// metadata.*Record). Every change to the cluster's metadata is one of these, written by the
// active controller through the Raft quorum and applied in log order by every controller
// and broker (MetadataImage). Records are plain values; their wire/disk form is in
// metadata_record_codec.h and their size (for bandwidth and disk) is that encoding's size.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "broker_model/security/acl.h"
#include "broker_model/types.h"
#include "sim/ids.h"

namespace broker_model {

// A broker joins (or rejoins with a new incarnation). broker_epoch is the offset of the
// batch holding this record; a registered broker starts fenced.
struct RegisterBrokerRecord {
  BrokerId broker_id;
  BrokerEpoch broker_epoch;
  uint64_t incarnation_id = 0;  // differs for every process start of the broker
  std::string rack;             // broker.rack; empty when unset
  sim::NodeId endpoint;         // where clients reach it
  bool operator==(const RegisterBrokerRecord&) const = default;
};

struct FenceBrokerRecord {
  BrokerId broker_id;
  BrokerEpoch broker_epoch;
  bool operator==(const FenceBrokerRecord&) const = default;
};

struct UnfenceBrokerRecord {
  BrokerId broker_id;
  BrokerEpoch broker_epoch;
  bool operator==(const UnfenceBrokerRecord&) const = default;
};

// A broker's registration changed without a new registration. eddy writes it for one change
// only: the broker asked to shut down (BrokerHeartbeat wantShutDown) and entered controlled
// shutdown (Kafka's BrokerRegistrationChangeRecord with InControlledShutdown=1, written by
// ReplicationControlManager.handleBrokerInControlledShutdown). Such a broker is not active:
// it leaves every ISR, leads nothing and may not join an ISR again until it registers anew.
struct BrokerRegistrationChangeRecord {
  BrokerId broker_id;
  BrokerEpoch broker_epoch;
  bool in_controlled_shutdown = true;
  bool operator==(const BrokerRegistrationChangeRecord&) const = default;
};

// A log directory of the broker failed while the broker goes on (KIP-858, Kafka 3.7+): its
// replicas there may no longer lead or stay in an ISR until the broker registers again.
// Kafka writes this as a BrokerRegistrationChangeRecord whose LogDirs lists the directories
// still online, and finds the replicas through each partition's Directories (assigned by
// AssignReplicasToDirs); eddy's broker names the replicas the directory held (in its
// heartbeat) and this record carries them. Written with the partition changes that follow.
struct BrokerLogDirOfflineRecord {
  BrokerId broker_id;
  BrokerEpoch broker_epoch;
  std::string dir;                        // as the broker's log.dirs names it
  std::vector<TopicPartition> replicas;   // newly offline replicas in it
  bool operator==(const BrokerLogDirOfflineRecord&) const = default;
};

struct TopicRecord {
  std::string name;
  int32_t partitions = 0;
  std::map<std::string, std::string> configs;  // topic-level configs, Kafka keys
  bool operator==(const TopicRecord&) const = default;
};

// A partition's full initial state.
struct PartitionRecord {
  TopicPartition tp;
  std::vector<BrokerId> replicas;
  std::vector<BrokerId> isr;
  BrokerId leader = kNoBroker;
  LeaderEpoch leader_epoch{0};
  PartitionEpoch partition_epoch{0};
  bool operator==(const PartitionRecord&) const = default;
};

// A change of leader and/or ISR. The epochs are the new absolute values: leader_epoch is
// bumped when the leader changes, partition_epoch by every change. unclean_election marks a
// leader taken from outside the ISR (Kafka writes LeaderRecoveryState.RECOVERING).
// elr and last_known_elr are KIP-966's EligibleLeaderReplicas and LastKnownElr fields (set
// only when they change; eddy's LastKnownElr holds the last known leader, as Kafka's does
// by default).
struct PartitionChangeRecord {
  TopicPartition tp;
  std::optional<BrokerId> leader;
  std::optional<std::vector<BrokerId>> isr;
  LeaderEpoch leader_epoch{0};
  PartitionEpoch partition_epoch{0};
  bool unclean_election = false;
  std::optional<std::vector<BrokerId>> elr = std::nullopt;
  std::optional<std::vector<BrokerId>> last_known_elr = std::nullopt;
  // Partition reassignment (KIP-455): the new replica list, and the replicas being added and
  // removed (Kafka's Replicas, AddingReplicas, RemovingReplicas fields; set only when they
  // change). While adding or removing is non-empty the partition is being reassigned.
  std::optional<std::vector<BrokerId>> replicas = std::nullopt;
  std::optional<std::vector<BrokerId>> adding_replicas = std::nullopt;
  std::optional<std::vector<BrokerId>> removing_replicas = std::nullopt;
  bool operator==(const PartitionChangeRecord&) const = default;
};

// A broker removed from the cluster's registrations (Kafka's UnregisterBrokerRecord, written
// for UnregisterBroker, KIP-631's `kafka-cluster.sh unregister`): the last step of
// decommissioning a broker, once no partition is assigned to it.
struct UnregisterBrokerRecord {
  BrokerId broker_id;
  BrokerEpoch broker_epoch;
  bool operator==(const UnregisterBrokerRecord&) const = default;
};

// A dynamic config set or deleted (Kafka's ConfigRecord, written for IncrementalAlterConfigs):
// a topic config, or a broker config for one broker (resource_name its id) or for every
// broker (resource_name empty, Kafka's cluster default). value nullopt deletes the key.
struct ConfigRecord {
  enum class Resource : uint8_t { kTopic = 2, kBroker = 4 };  // Kafka's ConfigResource.Type ids
  Resource resource_type = Resource::kTopic;
  std::string resource_name;
  std::string name;
  std::optional<std::string> value;
  bool operator==(const ConfigRecord&) const = default;
};

// Written by a new quorum leader as the first batch of its term (Kafka's LeaderChangeMessage
// control record); its commit tells the new leader that everything before it is committed.
struct LeaderChangeRecord {
  sim::NodeId leader;
  bool operator==(const LeaderChangeRecord&) const = default;
};

// A block of producer ids handed to a broker (Kafka's ProducerIdsRecord, written for
// AllocateProducerIds): ids below next_producer_id are taken, so no two brokers, nor one
// broker across restarts, ever hand out the same producer id.
struct ProducerIdsRecord {
  BrokerId broker_id;
  BrokerEpoch broker_epoch;
  int64_t next_producer_id = 0;  // the first id after the block just allocated
  bool operator==(const ProducerIdsRecord&) const = default;
};

// An ACL created (Kafka's AccessControlEntryRecord, written by AclControlManager.createAcls
// for a CreateAcls request); `id` names it for a later RemoveAccessControlEntryRecord. Brokers
// replay it into their authorizer (security/standard_authorizer.h).
struct AccessControlEntryRecord {
  security::AclId id = 0;
  security::AclBinding acl;
  bool operator==(const AccessControlEntryRecord&) const = default;
};

// An ACL deleted (Kafka's RemoveAccessControlEntryRecord, AclControlManager.deleteAcls).
struct RemoveAccessControlEntryRecord {
  security::AclId id = 0;
  bool operator==(const RemoveAccessControlEntryRecord&) const = default;
};

struct NoOpRecord {
  bool operator==(const NoOpRecord&) const = default;
};

using MetadataRecord = std::variant<RegisterBrokerRecord, FenceBrokerRecord, UnfenceBrokerRecord, TopicRecord,
                                    PartitionRecord, PartitionChangeRecord, LeaderChangeRecord, NoOpRecord,
                                    ProducerIdsRecord, BrokerRegistrationChangeRecord, AccessControlEntryRecord,
                                    RemoveAccessControlEntryRecord, UnregisterBrokerRecord, ConfigRecord,
                                    BrokerLogDirOfflineRecord>;

// Records written together and applied atomically (one Raft log entry, like a KRaft batch).
using MetadataBatch = std::vector<MetadataRecord>;

// "RegisterBrokerRecord", ...
const char* record_type_name(const MetadataRecord& r);
// A short human-readable form for traces and failure messages.
std::string describe(const MetadataRecord& r);
// Encoded size in bytes (what the record costs on the network and on disk).
uint32_t record_bytes(const MetadataRecord& r);
uint32_t batch_bytes(const MetadataBatch& b);
// A stable 64-bit digest of a batch's encoding (checkers compare batches by it).
uint64_t batch_digest(const MetadataBatch& b);

}  // namespace broker_model
