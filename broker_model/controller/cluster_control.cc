#include "broker_model/controller/cluster_control.h"

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

ControllerResult<BrokerHeartbeatResponse> ClusterControl::heartbeat(const MetadataImage& image,
                                                                    const BrokerHeartbeatRequest& req,
                                                                    sim::Instant now) {
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
  // Caught up: the broker has applied the batch that registered it.
  bool caught_up = req.current_metadata_offset.value() > b->epoch.value();
  bool fenced = b->fenced;
  if (fenced && caught_up && !req.want_fence) {
    out.records.push_back(UnfenceBrokerRecord{b->id, b->epoch});
    fenced = false;
  } else if (!fenced && req.want_fence) {
    out.records.push_back(FenceBrokerRecord{b->id, b->epoch});
    fenced = true;
  }
  out.response.is_caught_up = caught_up;
  out.response.is_fenced = fenced;
  return out;
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
  for (const auto& [id, b] : image.brokers()) last_contact_[id] = now;
}

}  // namespace broker_model
