#include "broker_model/controller/metadata_image.h"

#include <algorithm>

#include "sim/check.h"

namespace broker_model {

bool PartitionRegistration::in_isr(BrokerId b) const { return std::find(isr.begin(), isr.end(), b) != isr.end(); }
bool PartitionRegistration::in_elr(BrokerId b) const { return std::find(elr.begin(), elr.end(), b) != elr.end(); }

bool PartitionRegistration::is_replica(BrokerId b) const {
  return std::find(replicas.begin(), replicas.end(), b) != replicas.end();
}

std::vector<BrokerId> PartitionRegistration::target_replicas() const {
  std::vector<BrokerId> out;
  for (BrokerId b : replicas)
    if (std::find(removing_replicas.begin(), removing_replicas.end(), b) == removing_replicas.end()) out.push_back(b);
  return out;
}

void MetadataImage::apply(const MetadataRecord& r) {
  std::visit([this](const auto& rec) { apply_record(rec); }, r);
}

void MetadataImage::apply(const MetadataBatch& batch) {
  for (const MetadataRecord& r : batch) apply(r);
}

void MetadataImage::apply_record(const RegisterBrokerRecord& r) {
  auto it = brokers_.find(r.broker_id);
  if (it != brokers_.end()) EDDY_CHECK_MSG(r.broker_epoch > it->second.epoch, "broker epoch went backwards");
  brokers_[r.broker_id] = BrokerRegistration{r.broker_id, r.broker_epoch, r.incarnation_id, r.rack, r.endpoint, true};
}

void MetadataImage::apply_record(const FenceBrokerRecord& r) {
  auto it = brokers_.find(r.broker_id);
  EDDY_CHECK_MSG(it != brokers_.end(), "fencing an unregistered broker");
  EDDY_CHECK_MSG(it->second.epoch == r.broker_epoch, "fencing a stale broker epoch");
  it->second.fenced = true;
}

void MetadataImage::apply_record(const UnfenceBrokerRecord& r) {
  auto it = brokers_.find(r.broker_id);
  EDDY_CHECK_MSG(it != brokers_.end(), "unfencing an unregistered broker");
  EDDY_CHECK_MSG(it->second.epoch == r.broker_epoch, "unfencing a stale broker epoch");
  it->second.fenced = false;
}

void MetadataImage::apply_record(const BrokerRegistrationChangeRecord& r) {
  auto it = brokers_.find(r.broker_id);
  EDDY_CHECK_MSG(it != brokers_.end(), "changing an unregistered broker");
  EDDY_CHECK_MSG(it->second.epoch == r.broker_epoch, "changing a stale broker epoch");
  it->second.in_controlled_shutdown = r.in_controlled_shutdown;
}

void MetadataImage::apply_record(const BrokerLogDirOfflineRecord& r) {
  auto it = brokers_.find(r.broker_id);
  EDDY_CHECK_MSG(it != brokers_.end(), "a log directory of an unregistered broker");
  EDDY_CHECK_MSG(it->second.epoch == r.broker_epoch, "a log directory of a stale broker epoch");
  std::vector<std::string>& dirs = it->second.offline_log_dirs;
  if (std::find(dirs.begin(), dirs.end(), r.dir) == dirs.end()) dirs.push_back(r.dir);
  it->second.offline_replicas.insert(r.replicas.begin(), r.replicas.end());
}

void MetadataImage::apply_record(const TopicRecord& r) {
  EDDY_CHECK_MSG(topics_.count(r.name) == 0, "topic created twice");
  EDDY_CHECK(r.partitions > 0);
  topics_[r.name] = TopicImage{r.name, r.partitions, r.configs};
}

void MetadataImage::check_partition(const PartitionRegistration& p) {
  EDDY_CHECK_MSG(!p.replicas.empty(), "partition without replicas");
  // With KIP-966 the ISR may be empty (a partition whose last ISR member was fenced); then
  // it has no leader.
  EDDY_CHECK_MSG(!p.isr.empty() || !p.has_leader(), "a leader with an empty ISR");
  for (BrokerId b : p.isr) EDDY_CHECK_MSG(p.is_replica(b), "ISR member is not a replica");
  for (BrokerId b : p.elr) {
    EDDY_CHECK_MSG(p.is_replica(b), "ELR member is not a replica");
    EDDY_CHECK_MSG(!p.in_isr(b), "ELR member also in the ISR");
  }
  if (p.has_leader()) EDDY_CHECK_MSG(p.in_isr(p.leader), "leader outside the ISR");
  for (BrokerId b : p.adding_replicas) EDDY_CHECK_MSG(p.is_replica(b), "adding replica is not a replica");
  for (BrokerId b : p.removing_replicas) {
    EDDY_CHECK_MSG(p.is_replica(b), "removing replica is not a replica");
    EDDY_CHECK_MSG(std::find(p.adding_replicas.begin(), p.adding_replicas.end(), b) == p.adding_replicas.end(),
                   "a replica both added and removed");
  }
}

void MetadataImage::apply_record(const PartitionRecord& r) {
  const TopicImage* t = topic(r.tp.topic);
  EDDY_CHECK_MSG(t != nullptr, "partition of an unknown topic");
  EDDY_CHECK_MSG(r.tp.partition >= 0 && r.tp.partition < t->partitions, "partition number out of range");
  EDDY_CHECK_MSG(partitions_.count(r.tp) == 0, "partition created twice");
  PartitionRegistration p{r.replicas, r.isr, r.leader, r.leader_epoch, r.partition_epoch, false, {}, {}, {}, {}};
  check_partition(p);
  partitions_[r.tp] = std::move(p);
}

void MetadataImage::apply_record(const PartitionChangeRecord& r) {
  auto it = partitions_.find(r.tp);
  EDDY_CHECK_MSG(it != partitions_.end(), "change to an unknown partition");
  PartitionRegistration& p = it->second;
  EDDY_CHECK_MSG(r.partition_epoch.value() == p.partition_epoch.value() + 1, "partition epoch must grow by one");
  bool leader_changed = r.leader.has_value() && *r.leader != p.leader;
  // A leader field, even naming the same leader, bumps the leader epoch (Kafka's
  // triggerLeaderEpochBumpForReplicaReassignmentIfNeeded sets it so when replicas leave).
  if (r.leader.has_value()) {
    EDDY_CHECK_MSG(r.leader_epoch.value() == p.leader_epoch.value() + 1, "leader epoch must grow by one on a leader change");
  } else {
    EDDY_CHECK_MSG(r.leader_epoch == p.leader_epoch, "leader epoch changed without a leader change");
  }
  if (r.leader) p.leader = *r.leader;
  if (r.isr) p.isr = *r.isr;
  if (r.replicas) p.replicas = *r.replicas;
  if (r.adding_replicas) p.adding_replicas = *r.adding_replicas;
  if (r.removing_replicas) p.removing_replicas = *r.removing_replicas;
  if (r.elr) p.elr = *r.elr;
  if (r.last_known_elr) p.last_known_elr = *r.last_known_elr;
  p.leader_epoch = r.leader_epoch;
  p.partition_epoch = r.partition_epoch;
  if (leader_changed) p.last_election_unclean = r.unclean_election;
  check_partition(p);
}

void MetadataImage::apply_record(const ProducerIdsRecord& r) {
  EDDY_CHECK_MSG(r.next_producer_id > next_producer_id_, "producer id blocks must only move forward");
  next_producer_id_ = r.next_producer_id;
}

void MetadataImage::apply_record(const UnregisterBrokerRecord& r) {
  auto it = brokers_.find(r.broker_id);
  EDDY_CHECK_MSG(it != brokers_.end(), "unregistering an unregistered broker");
  EDDY_CHECK_MSG(it->second.epoch == r.broker_epoch, "unregistering a stale broker epoch");
  brokers_.erase(it);
}

void MetadataImage::apply_record(const ConfigRecord& r) {
  std::map<std::string, std::string>* configs = nullptr;
  if (r.resource_type == ConfigRecord::Resource::kTopic) {
    auto it = topics_.find(r.resource_name);
    EDDY_CHECK_MSG(it != topics_.end(), "config of an unknown topic");
    configs = &it->second.configs;
  } else {
    configs = &broker_configs_[r.resource_name];
  }
  if (r.value) (*configs)[r.name] = *r.value;
  else configs->erase(r.name);
}

std::string MetadataImage::broker_config(BrokerId broker, const std::string& key, const std::string& fallback) const {
  for (const std::string& resource : {broker.str(), std::string()}) {
    auto it = broker_configs_.find(resource);
    if (it == broker_configs_.end()) continue;
    auto kv = it->second.find(key);
    if (kv != it->second.end()) return kv->second;
  }
  return fallback;
}

const BrokerRegistration* MetadataImage::broker(BrokerId id) const {
  auto it = brokers_.find(id);
  return it == brokers_.end() ? nullptr : &it->second;
}

bool MetadataImage::is_active(BrokerId id) const {
  const BrokerRegistration* b = broker(id);
  return b != nullptr && !b->fenced && !b->in_controlled_shutdown;
}

bool MetadataImage::is_active_replica(BrokerId id, const TopicPartition& tp) const {
  const BrokerRegistration* b = broker(id);
  return b != nullptr && !b->fenced && !b->in_controlled_shutdown &&
         (b->offline_replicas.empty() || b->offline_replicas.count(tp) == 0);
}

std::vector<BrokerId> MetadataImage::active_brokers() const {
  std::vector<BrokerId> out;
  for (const auto& [id, b] : brokers_)
    if (!b.fenced && !b.in_controlled_shutdown) out.push_back(id);
  return out;
}

const TopicImage* MetadataImage::topic(const std::string& name) const {
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : &it->second;
}

std::string MetadataImage::topic_config(const std::string& topic_name, const std::string& key,
                                        const std::string& fallback) const {
  const TopicImage* t = topic(topic_name);
  if (t == nullptr) return fallback;
  auto it = t->configs.find(key);
  return it == t->configs.end() ? fallback : it->second;
}

const PartitionRegistration* MetadataImage::partition(const TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? nullptr : &it->second;
}

// AclControlManager.replay: an id is created once and removed only while it exists.
void MetadataImage::apply_record(const AccessControlEntryRecord& r) {
  EDDY_CHECK_MSG(acls_.count(r.id) == 0, "ACL id created twice");
  acls_[r.id] = r.acl;
  next_acl_id_ = std::max(next_acl_id_, r.id + 1);
}

void MetadataImage::apply_record(const RemoveAccessControlEntryRecord& r) {
  EDDY_CHECK_MSG(acls_.erase(r.id) == 1, "removing an ACL id that does not exist");
}

std::string MetadataImage::dump() const {
  std::string out;
  for (const auto& [id, b] : brokers_)
    out += "broker " + id.str() + " epoch " + b.epoch.str() + (b.fenced ? " fenced" : " active") + " rack '" +
           b.rack + "'\n";
  for (const auto& [name, t] : topics_) out += "topic " + name + " partitions " + std::to_string(t.partitions) + "\n";
  if (next_producer_id_ > 0) out += "next producer id " + std::to_string(next_producer_id_) + "\n";
  for (const auto& [id, acl] : acls_) out += "acl " + std::to_string(id) + " " + acl.str() + "\n";
  for (const auto& [tp, p] : partitions_) {
    PartitionRecord r{tp, p.replicas, p.isr, p.leader, p.leader_epoch, p.partition_epoch};
    out += describe(r) + (p.last_election_unclean ? " (unclean)" : "");
    if (p.reassigning())
      out += " adding " + std::to_string(p.adding_replicas.size()) + " removing " + std::to_string(p.removing_replicas.size());
    if (!p.elr.empty() || !p.last_known_elr.empty())
      out += " elr " + std::to_string(p.elr.size()) + " last_known_elr " + std::to_string(p.last_known_elr.size());
    out += "\n";
  }
  return out;
}

}  // namespace broker_model
