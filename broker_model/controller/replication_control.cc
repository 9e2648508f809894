#include "broker_model/controller/replication_control.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "broker_model/controller/replica_placer.h"

namespace broker_model {

namespace {

bool valid_topic_name(const std::string& name) {
  if (name.empty() || name.size() > ReplicationControl::kMaxTopicNameBytes || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

}  // namespace

bool ReplicationControl::unclean_enabled(const MetadataImage& image, const std::string& topic) const {
  std::string fallback = config_.unclean_leader_election_enable ? "true" : "false";
  return image.topic_config(topic, kUncleanLeaderElectionEnableConfig, fallback) == "true";
}

int32_t ReplicationControl::min_insync_replicas(const MetadataImage& image, const std::string& topic) const {
  std::string value = image.topic_config(topic, kMinInsyncReplicasConfig, "");
  int32_t v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size() || v < 1) return config_.min_insync_replicas;
  return v;
}

PartitionChangeBuilder ReplicationControl::builder(const MetadataImage& image, const TopicPartition& tp,
                                                   const PartitionRegistration& p) const {
  // A replica in a failed log directory counts as inactive for this partition (KIP-858).
  PartitionChangeBuilder b(tp, p, [&image, &tp](BrokerId id) { return image.is_active_replica(id, tp); },
                           unclean_enabled(image, tp.topic));
  b.set_eligible_leader_replicas(config_.eligible_leader_replicas_enabled, min_insync_replicas(image, tp.topic));
  return b;
}

ErrorCode ReplicationControl::validate_topic(const MetadataImage& image, const CreatableTopic& t,
                                             size_t active_brokers, std::string& message) const {
  if (!valid_topic_name(t.name)) {
    message = "invalid topic name";
    return ErrorCode::kInvalidTopicException;
  }
  if (image.topic(t.name) != nullptr) {
    message = "topic '" + t.name + "' already exists";
    return ErrorCode::kTopicAlreadyExists;
  }
  if (t.num_partitions <= 0 || t.num_partitions > kMaxPartitionsPerTopic) {
    message = "number of partitions must be in [1, " + std::to_string(kMaxPartitionsPerTopic) + "]";
    return ErrorCode::kInvalidPartitions;
  }
  if (t.replication_factor <= 0 || static_cast<size_t>(t.replication_factor) > active_brokers) {
    message = "replication factor " + std::to_string(t.replication_factor) + " with " +
              std::to_string(active_brokers) + " active brokers";
    return ErrorCode::kInvalidReplicationFactor;
  }
  return ErrorCode::kNone;
}

ControllerResult<CreateTopicsResponse> ReplicationControl::create_topics(const MetadataImage& image,
                                                                         const CreateTopicsRequest& req) const {
  ControllerResult<CreateTopicsResponse> out;
  std::vector<PlacementBroker> brokers;
  for (BrokerId id : image.active_brokers()) brokers.push_back(PlacementBroker{id, image.broker(id)->rack});
  std::map<std::string, int> seen;
  for (const CreatableTopic& t : req.topics) ++seen[t.name];
  uint64_t start = image.partitions().size();
  for (size_t i = 0; i < req.topics.size(); ++i) {
    const CreatableTopic& t = req.topics[i];
    CreatableTopicResult result{t.name, ErrorCode::kNone, ""};
    if (i >= kMaxTopicsPerRequest || seen[t.name] > 1) {
      result.error = ErrorCode::kInvalidRequest;
      result.error_message = "too many topics, or a topic named twice";
    } else {
      result.error = validate_topic(image, t, brokers.size(), result.error_message);
    }
    if (result.error == ErrorCode::kNone) {
      auto placement = place_replicas(brokers, t.num_partitions, t.replication_factor, start);
      start += static_cast<uint64_t>(t.num_partitions);
      out.records.push_back(TopicRecord{t.name, t.num_partitions, t.configs});
      for (int32_t p = 0; p < t.num_partitions; ++p) {
        const std::vector<BrokerId>& replicas = (*placement)[static_cast<size_t>(p)];
        out.records.push_back(
            PartitionRecord{TopicPartition{t.name, p}, replicas, replicas, replicas.front(), LeaderEpoch(0), PartitionEpoch(0)});
      }
    }
    out.response.topics.push_back(std::move(result));
  }
  return out;
}

ErrorCode ReplicationControl::validate_alter(const MetadataImage& image, const AlterPartitionRequest& req,
                                             const PartitionRegistration* p) const {
  if (p == nullptr) return ErrorCode::kUnknownTopicOrPartition;
  const BrokerRegistration* b = image.broker(req.broker_id);
  if (b == nullptr || b->epoch != req.broker_epoch) return ErrorCode::kStaleBrokerEpoch;
  if (req.leader_epoch != p->leader_epoch) return ErrorCode::kFencedLeaderEpoch;
  if (req.broker_id != p->leader) return ErrorCode::kInvalidRequest;
  if (req.partition_epoch != p->partition_epoch) return ErrorCode::kInvalidUpdateVersion;
  std::set<BrokerId> distinct(req.new_isr.begin(), req.new_isr.end());
  if (req.new_isr.empty() || distinct.size() != req.new_isr.size() || distinct.count(p->leader) == 0)
    return ErrorCode::kInvalidRequest;
  for (BrokerId r : req.new_isr) {
    if (!p->is_replica(r)) return ErrorCode::kInvalidRequest;
    if (!image.is_active_replica(r, req.tp)) return ErrorCode::kIneligibleReplica;
  }
  return ErrorCode::kNone;
}

ControllerResult<AlterPartitionResponse> ReplicationControl::alter_partition(const MetadataImage& image,
                                                                             const AlterPartitionRequest& req) const {
  ControllerResult<AlterPartitionResponse> out;
  out.response.tp = req.tp;
  const PartitionRegistration* p = image.partition(req.tp);
  out.response.error = validate_alter(image, req, p);
  if (out.response.error != ErrorCode::kNone) return out;
  PartitionRegistration next = *p;
  if (p->reassigning()) {
    // During a reassignment the ISR change goes through the whole builder, as Kafka's
    // AlterPartition does: an ISR holding every target replica completes the reassignment
    // (the removing replicas leave the list and the ISR, and a leader being removed is
    // replaced by the first target replica in the ISR, under a new leader epoch).
    if (std::optional<PartitionChangeRecord> rec = builder(image, req.tp, *p).set_target_isr(req.new_isr).build()) {
      if (rec->leader) next.leader = *rec->leader;
      if (rec->isr) next.isr = *rec->isr;
      next.leader_epoch = rec->leader_epoch;
      next.partition_epoch = rec->partition_epoch;
      out.records.push_back(std::move(*rec));
    }
  } else if (req.new_isr != p->isr) {
    PartitionChangeRecord rec;
    rec.tp = req.tp;
    rec.isr = req.new_isr;
    rec.leader_epoch = p->leader_epoch;
    rec.partition_epoch = PartitionEpoch(p->partition_epoch.value() + 1);
    if (config_.eligible_leader_replicas_enabled) {
      // KIP-966: the ELR follows the ISR. Validation keeps the leader (active, in the new
      // ISR), so the builder only works out the ELR fields here.
      std::optional<PartitionChangeRecord> elr = builder(image, req.tp, *p).set_target_isr(req.new_isr).build();
      if (elr) {
        rec.elr = elr->elr;
        rec.last_known_elr = elr->last_known_elr;
      }
    }
    next.isr = req.new_isr;
    next.partition_epoch = rec.partition_epoch;
    out.records.push_back(std::move(rec));
  }
  out.response.leader = next.leader;
  out.response.leader_epoch = next.leader_epoch;
  out.response.isr = next.isr;
  out.response.partition_epoch = next.partition_epoch;
  return out;
}

MetadataBatch ReplicationControl::reconcile(const MetadataImage& image, size_t max_changes) const {
  MetadataBatch out;
  for (const auto& [tp, p] : image.partitions()) {
    if (out.size() >= max_changes) break;
    if (std::optional<PartitionChangeRecord> rec = builder(image, tp, p).build()) out.push_back(std::move(*rec));
  }
  return out;
}

MetadataBatch ReplicationControl::unclean_shutdown(const MetadataImage& image, BrokerId broker) const {
  MetadataBatch out;
  if (!config_.eligible_leader_replicas_enabled) return out;
  for (const auto& [tp, p] : image.partitions()) {
    if (!p.in_isr(broker) && !p.in_elr(broker)) continue;
    if (std::optional<PartitionChangeRecord> rec = builder(image, tp, p).set_unclean_shutdown_replica(broker).build())
      out.push_back(std::move(*rec));
  }
  return out;
}

MetadataBatch ReplicationControl::balance_leaders(const MetadataImage& image, int32_t imbalance_percentage,
                                                 size_t max_changes) const {
  // Per preferred broker: the partitions it should lead, and those it does not.
  std::map<BrokerId, std::pair<int64_t, std::vector<TopicPartition>>> by_preferred;
  for (const auto& [tp, p] : image.partitions()) {
    if (p.replicas.empty()) continue;
    auto& [preferred_for, not_led] = by_preferred[p.replicas.front()];
    ++preferred_for;
    if (p.leader != p.replicas.front()) not_led.push_back(tp);
  }
  MetadataBatch out;
  for (const auto& [broker, counts] : by_preferred) {
    const auto& [preferred_for, not_led] = counts;
    if (!image.is_active(broker)) continue;
    if (static_cast<int64_t>(not_led.size()) * 100 <= static_cast<int64_t>(imbalance_percentage) * preferred_for) continue;
    for (const TopicPartition& tp : not_led) {
      if (out.size() >= max_changes) return out;
      const PartitionRegistration& p = *image.partition(tp);
      // Kafka's electPreferredLeader: the preferred replica, if it is a valid new leader (in
      // the ISR and acceptable); otherwise nothing changes.
      if (!p.in_isr(broker)) continue;
      PartitionChangeRecord rec;
      rec.tp = tp;
      rec.leader = broker;
      rec.leader_epoch = LeaderEpoch(p.leader_epoch.value() + 1);
      rec.partition_epoch = PartitionEpoch(p.partition_epoch.value() + 1);
      out.push_back(std::move(rec));
    }
  }
  return out;
}

}  // namespace broker_model
