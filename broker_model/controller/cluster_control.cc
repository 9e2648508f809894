#include "broker_model/controller/cluster_control.h"

#include <algorithm>
#include <limits>

namespace broker_model {

bool ClusterControl::session_alive(BrokerId id, sim::Instant now) const {
  auto it = last_contact_.find(id);
  return it != last_contact_.end() && now - it->second <= sim::milliseconds(config_.broker_session_timeout_ms);
}

ControllerResult<BrokerRegistrationResponse> ClusterControl::register_broker(const MetadataImage& image,
                                                                             const BrokerRegistrationRequest& req,
                                                                             Offset next_offset, sim::Instant now) {
  ControllerResult<BrokerRegistrationResponse> out;
  const BrokerRegistration* existing = image.broker(req.broker_id);
  if (existing != nullptr && existing->incarnation_id == req.incarnation_id) {
    // A retry of a registration that already went through.
    last_contact_[req.broker_id] = now;
    out.response.broker_epoch = existing->epoch;
    return out;
  }
  if (existing != nullptr && !existing->fenced && session_alive(req.broker_id, now)) {
    // Another process holds this broker id and is still heartbeating (or only just stopped).
    out.response.error = ErrorCode::kDuplicateBrokerRegistration;
    return out;
  }
  BrokerEpoch epoch(next_offset.value());
  out.records.push_back(RegisterBrokerRecord{req.broker_id, epoch, req.incarnation_id, req.rack, req.endpoint});
  last_contact_[req.broker_id] = now;
  out.response.broker_epoch = epoch;
  return out;
}

namespace {

bool leads_any(const MetadataImage& image, BrokerId id) {
  for (const auto& [tp, p] : image.partitions())
    if (p.leader == id) return true;
  return false;
}

}  // namespace

Offset ClusterControl::lowest_active_offset(const MetadataImage& image) const {
  Offset lowest = Offset(std::numeric_limits<int64_t>::max());
  for (const auto& [id, b] : image.brokers()) {
    if (!image.is_active(id)) continue;
    auto it = metadata_end_.find(id);
    Offset end = it == metadata_end_.end() ? Offset(0) : it->second;
    lowest = std::min(lowest, end);
  }
  return lowest;
}

bool ClusterControl::controlled_shutdown_done(const MetadataImage& image, const BrokerRegistration& b) const {
  // Kafka: "Broker {} is in controlled shutdown state, but can not shut down because more
  // leaders still need to be moved" / "...since the lowest active offset {} is now greater
  // than the broker's controlled shutdown offset {}".
  if (leads_any(image, b.id)) return false;
  auto it = controlled_shutdown_offset_.find(b.id);
  if (it == controlled_shutdown_offset_.end()) return false;
  // metadata_end_ is exclusive (the broker applied everything below it).
  return it->second < lowest_active_offset(image);
}

ControllerResult<BrokerHeartbeatResponse> ClusterControl::heartbeat(const MetadataImage& image,
                                                                    const BrokerHeartbeatRequest& req,
                                                                    Offset next_offset, sim::Instant now) {
  ControllerResult<BrokerHeartbeatResponse> out;
  const BrokerRegistration* b = image.broker(req.broker_id);
  if (b == nullptr) {
    out.response.error = ErrorCode::kBrokerIdNotRegistered;
    return out;
  }
  if (b->epoch != req.broker_epoch) {
    out.response.error = ErrorCode::kStaleBrokerEpoch;
    return out;
  }
  last_contact_[req.broker_id] = now;
  metadata_end_[req.broker_id] = req.current_metadata_offset;
  offline_log_dirs(image, *b, req, out.records);
  // Caught up: the broker has applied the batch that registered it.
  bool caught_up = req.current_metadata_offset.value() > b->epoch.value();
  bool fenced = b->fenced;
  bool in_shutdown = !fenced && b->in_controlled_shutdown;
  bool shut_down_now = false;
  if (fenced) {
    if (req.want_shut_down) {
      shut_down_now = true;  // "Fenced broker {} has requested and been granted an immediate shutdown"
    } else if (caught_up && !req.want_fence) {
      out.records.push_back(UnfenceBrokerRecord{b->id, b->epoch});
      fenced = false;
    }
  } else if (in_shutdown) {
    // A controller that became active since: the batch is somewhere below the log's end.
    if (controlled_shutdown_offset_.count(b->id) == 0) controlled_shutdown_offset_[b->id] = Offset(next_offset.value() - 1);
    if (controlled_shutdown_done(image, *b)) shut_down_now = true;
  } else if (req.want_fence || (req.want_shut_down && !leads_any(image, b->id))) {
    shut_down_now = req.want_shut_down;  // "granted an immediate shutdown" (or fencing, as asked)
    out.records.push_back(FenceBrokerRecord{b->id, b->epoch});
    fenced = true;
  } else if (req.want_shut_down) {
    // "Unfenced broker {} has requested and been granted a controlled shutdown."
    out.records.push_back(BrokerRegistrationChangeRecord{b->id, b->epoch, true});
    controlled_shutdown_offset_[b->id] = next_offset;
    in_shutdown = true;
  }
  if (shut_down_now && in_shutdown) {
    out.records.push_back(FenceBrokerRecord{b->id, b->epoch});
    fenced = true;
    in_shutdown = false;
  }
  out.response.is_caught_up = caught_up;
  out.response.is_fenced = fenced;
  out.response.in_controlled_shutdown = in_shutdown;
  out.response.should_shut_down = shut_down_now;
  return out;
}

// KIP-858 (Kafka 3.7+; ReplicationControlManager.handleDirectoriesOffline, called from
// processBrokerHeartbeat): a directory the heartbeat names offline, or replicas of it not yet
// recorded, are written down; the partition changes that follow (its replicas leave the ISR,
// leadership moves) come from the same batch's reconcile (QuorumController's
// with_partition_changes, PartitionChangeBuilder with the replica inactive).
void ClusterControl::offline_log_dirs(const MetadataImage& image, const BrokerRegistration& b,
                                      const BrokerHeartbeatRequest& req, MetadataBatch& records) const {
  for (const OfflineLogDir& d : req.offline_log_dirs) {
    std::vector<TopicPartition> fresh;
    for (const TopicPartition& tp : d.replicas) {
      const PartitionRegistration* p = image.partition(tp);
      if (p != nullptr && p->is_replica(b.id) && b.offline_replicas.count(tp) == 0) fresh.push_back(tp);
    }
    bool known = std::find(b.offline_log_dirs.begin(), b.offline_log_dirs.end(), d.dir) != b.offline_log_dirs.end();
    if (!known || !fresh.empty()) records.push_back(BrokerLogDirOfflineRecord{b.id, b.epoch, d.dir, std::move(fresh)});
  }
}

MetadataBatch ClusterControl::fence_expired(const MetadataImage& image, sim::Instant now) {
  MetadataBatch out;
  for (const auto& [id, b] : image.brokers()) {
    if (b.fenced || out.size() >= kMaxFencesPerPass) continue;
    if (last_contact_.count(id) == 0) last_contact_[id] = now;  // first sight: a fresh session
    if (!session_alive(id, now)) out.push_back(FenceBrokerRecord{id, b.epoch});
  }
  return out;
}

void ClusterControl::reset_sessions(const MetadataImage& image, sim::Instant now) {
  last_contact_.clear();
  metadata_end_.clear();
  controlled_shutdown_offset_.clear();
  for (const auto& [id, b] : image.brokers()) last_contact_[id] = now;
}

}  // namespace broker_model
