#include "broker_model/controller/broker_lifecycle.h"

#include <algorithm>

#include "broker_model/fault_sites.h"
#include "sim/fault_point.h"

namespace broker_model {

BrokerLifecycle::BrokerLifecycle(sim::NodeContext& ctx, ControllerChannel& channel, MetadataClient& metadata,
                                 BrokerLifecycleConfig config)
    : ctx_(ctx), channel_(channel), metadata_(metadata), config_(std::move(config)), incarnation_id_(ctx.prng().next_u64()) {}

void BrokerLifecycle::start() {
  ctx_.spawn("broker-lifecycle", [this] { run(); });
}

void BrokerLifecycle::run() {
  for (;;) {
    if (!registered_) {
      if (EDDY_FAULT_POINT("controller.registration_delayed"))
        ctx_.sleep_for(fault_delay(ctx_, sim::milliseconds(100), sim::seconds(1)));
      if (!register_once()) ctx_.sleep_for(sim::milliseconds(config_.registration_retry_backoff_ms));
      continue;
    }
    heartbeat_once();
    if (!registered_) continue;
    sim::Duration interval = sim::milliseconds(config_.broker_heartbeat_interval_ms);
    if (shutdown_granted_) return;  // SHUTTING_DOWN: no more heartbeats
    if (pending_shutdown_) {
      // Kafka: the first answer in PENDING_CONTROLLED_SHUTDOWN brings the next heartbeat 50 ms
      // later ("in the case where controlled shutdown completes quickly, this will speed things
      // up a little bit"), later ones come at the usual interval.
      bool first = !got_shutdown_response_;
      got_shutdown_response_ = true;
      ctx_.sleep_for(first ? sim::milliseconds(50) : interval);
      continue;
    }
    if (fenced_) {
      // Heartbeat as soon as the registration is applied here: that is what unfences us.
      metadata_.wait_for_offset(Offset(broker_epoch_.value() + 1), interval);
      if (metadata_.applied_end_offset().value() > broker_epoch_.value()) {
        ctx_.sleep_for(sim::milliseconds(config_.registration_retry_backoff_ms / 5));
        continue;
      }
    } else {
      heartbeat_now_.wait_until(ctx_.sim_deadline(interval));  // begin_controlled_shutdown cuts it short
      if (EDDY_FAULT_POINT("controller.heartbeat_delayed")) ctx_.sleep_for(fault_delay(ctx_, sim::milliseconds(100), sim::seconds(2)));
    }
  }
}

bool BrokerLifecycle::register_once() {
  BrokerRegistrationRequest req{config_.broker_id, incarnation_id_, config_.rack, ctx_.id()};
  auto resp = channel_.call<BrokerRegistrationResponse>(kBrokerRegistrationRpc, kBrokerRegistrationRequestBytes, req);
  if (!resp || resp->error != ErrorCode::kNone) {
    ctx_.trace("broker.registration_failed",
               {{"broker", config_.broker_id.value()}, {"error", resp ? to_string(resp->error) : "no response"}});
    return false;
  }
  registered_ = true;
  fenced_ = true;
  broker_epoch_ = resp->broker_epoch;
  ctx_.trace("broker.registered", {{"broker", config_.broker_id.value()}, {"broker_epoch", broker_epoch_.value()}});
  return true;
}

void BrokerLifecycle::heartbeat_once() {
  BrokerHeartbeatRequest req{config_.broker_id, broker_epoch_, metadata_.applied_end_offset(), false, pending_shutdown_,
                             offline_log_dirs_};
  auto resp = channel_.call<BrokerHeartbeatResponse>(kBrokerHeartbeatRpc, broker_heartbeat_request_bytes(req), req);
  if (!resp) return;
  if (resp->error == ErrorCode::kStaleBrokerEpoch || resp->error == ErrorCode::kBrokerIdNotRegistered) {
    ctx_.trace("broker.reregister", {{"broker", config_.broker_id.value()}, {"error", to_string(resp->error)}});
    registered_ = false;
    return;
  }
  if (resp->error != ErrorCode::kNone) return;
  if (resp->is_fenced != fenced_) {
    if (resp->is_fenced) ctx_.trace("broker.fenced", {{"broker", config_.broker_id.value()}});
    else ctx_.trace("broker.unfenced", {{"broker", config_.broker_id.value()}});
  }
  fenced_ = resp->is_fenced;
  if (pending_shutdown_ && resp->should_shut_down && !shutdown_granted_) {
    shutdown_granted_ = true;
    ctx_.trace("broker.controlled_shutdown_granted", {{"broker", config_.broker_id.value()}});
    shutdown_changed_.notify_all();
  }
}

void BrokerLifecycle::log_dir_offline(const std::string& dir, const std::vector<TopicPartition>& replicas) {
  auto it = std::find_if(offline_log_dirs_.begin(), offline_log_dirs_.end(),
                         [&](const OfflineLogDir& d) { return d.dir == dir; });
  if (it == offline_log_dirs_.end()) it = offline_log_dirs_.insert(offline_log_dirs_.end(), OfflineLogDir{dir, {}});
  it->replicas.insert(it->replicas.end(), replicas.begin(), replicas.end());
  ctx_.trace("broker.log_dir_offline", {{"broker", config_.broker_id.value()}, {"dir", dir}, {"replicas", replicas.size()}});
  heartbeat_now_.notify_all();  // propagateDirectoryFailure: "send a heartbeat immediately"
}

void BrokerLifecycle::begin_controlled_shutdown() {
  if (pending_shutdown_) return;
  pending_shutdown_ = true;
  ctx_.trace("broker.controlled_shutdown_begin", {{"broker", config_.broker_id.value()}});
  heartbeat_now_.notify_all();  // "send the next heartbeat immediately"
}

bool BrokerLifecycle::wait_for_controlled_shutdown(int64_t timeout_ms) {
  sim::Instant deadline = ctx_.sim_deadline(sim::milliseconds(timeout_ms));
  while (!shutdown_granted_)
    if (!shutdown_changed_.wait_until(deadline)) return shutdown_granted_;
  return true;
}

void BrokerLifecycle::alter_partition(TopicPartition tp, LeaderEpoch leader_epoch, PartitionEpoch partition_epoch,
                                      std::vector<BrokerId> new_isr,
                                      std::function<void(std::optional<AlterPartitionResponse>)> done) {
  AlterPartitionRequest req{config_.broker_id, broker_epoch_, std::move(tp), leader_epoch, partition_epoch, std::move(new_isr)};
  uint32_t bytes = alter_partition_request_bytes(req);
  channel_.send<AlterPartitionResponse>(kAlterPartitionRpc, bytes, std::move(req), std::move(done));
}

}  // namespace broker_model
