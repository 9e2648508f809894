#include "broker_model/broker/broker_metadata_client.h"

namespace broker_model {

namespace {
constexpr sim::Duration kControllerRequestTimeout = sim::seconds(2);
constexpr sim::Duration kMetadataPollInterval = sim::milliseconds(50);
constexpr sim::Duration kRetryBackoff = sim::milliseconds(100);
}  // namespace

BrokerMetadataClient::BrokerMetadataClient(RpcEndpoint& rpc, BrokerId id, std::string rack,
                                           std::vector<sim::NodeId> controllers, sim::Duration heartbeat_interval,
                                           std::function<void(const MetadataImage&)> on_update)
    : rpc_(rpc), id_(id), rack_(std::move(rack)), controllers_(std::move(controllers)),
      heartbeat_interval_(heartbeat_interval), on_update_(std::move(on_update)),
      incarnation_id_(rpc.context().prng().next_u64()) {}

void BrokerMetadataClient::start() {
  rpc_.context().spawn("broker-lifecycle", [this] { lifecycle_loop(); });
  rpc_.context().spawn("metadata-fetch", [this] { fetch_loop(); });
}

void BrokerMetadataClient::follow_hint(const ControllerResponseHeader* h) {
  if (h != nullptr && h->error == ErrorCode::kNotController && h->leader_hint) {
    for (size_t i = 0; i < controllers_.size(); ++i)
      if (controllers_[i] == *h->leader_hint) {
        active_ = i;
        return;
      }
  }
  active_ = (active_ + 1) % controllers_.size();
}

template <class Resp>
const Resp* BrokerMetadataClient::call_controller(std::optional<std::any>& holder, const char* rpc, uint32_t bytes,
                                                  std::any body) {
  holder = rpc_.call(controllers_[active_], rpc, bytes, std::move(body), kControllerRequestTimeout);
  const Resp* r = holder ? std::any_cast<Resp>(&*holder) : nullptr;
  if (r == nullptr || r->error == ErrorCode::kNotController) {
    follow_hint(r);
    return nullptr;
  }
  return r;
}

bool BrokerMetadataClient::register_once() {
  std::optional<std::any> holder;
  BrokerRegistrationRequest req{id_, incarnation_id_, rack_, rpc_.context().id()};
  const auto* r = call_controller<BrokerRegistrationResponse>(holder, kBrokerRegistrationRpc, kBrokerRegistrationRequestBytes, req);
  if (r == nullptr || r->error != ErrorCode::kNone) return false;
  broker_epoch_ = r->broker_epoch;
  rpc_.context().trace("broker.registered", {{"epoch", broker_epoch_.value()}});
  return true;
}

void BrokerMetadataClient::heartbeat_once() {
  std::optional<std::any> holder;
  BrokerHeartbeatRequest req{id_, broker_epoch_, next_metadata_offset_, false};
  const auto* r = call_controller<BrokerHeartbeatResponse>(holder, kBrokerHeartbeatRpc, kBrokerHeartbeatBytes, req);
  if (r == nullptr) return;
  if (r->error == ErrorCode::kStaleBrokerEpoch) {
    broker_epoch_ = kNoBrokerEpoch;  // the controller forgot us (or we it): register again
    return;
  }
  if (r->error != ErrorCode::kNone) return;
  fenced_ = r->is_fenced;
  if (!fenced_ && !publishing_) {
    publishing_ = true;
    rpc_.context().trace("broker.unfenced", {{"epoch", broker_epoch_.value()}});
    on_update_(image_);
  }
}

void BrokerMetadataClient::lifecycle_loop() {
  sim::NodeContext& ctx = rpc_.context();
  for (;;) {
    if (broker_epoch_ == kNoBrokerEpoch) {
      if (!register_once()) {
        ctx.sleep_for(kRetryBackoff);
        continue;
      }
    }
    heartbeat_once();
    ctx.sleep_for(heartbeat_interval_);
  }
}

void BrokerMetadataClient::fetch_loop() {
  sim::NodeContext& ctx = rpc_.context();
  for (;;) {
    std::optional<std::any> holder;
    MetadataFetchRequest req{id_, next_metadata_offset_, 256};
    const auto* r = call_controller<MetadataFetchResponse>(holder, kMetadataFetchRpc, kMetadataFetchRequestBytes, req);
    if (r == nullptr || r->error != ErrorCode::kNone) {
      ctx.sleep_for(kRetryBackoff);
      continue;
    }
    bool applied = false;
    for (const auto& e : r->entries) {
      if (e.offset != next_metadata_offset_) continue;  // only contiguous entries
      image_.apply(e.batch);
      next_metadata_offset_ = e.offset + 1;
      applied = true;
    }
    if (applied && publishing_) on_update_(image_);  // may block (opening logs); the next fetch waits
    if (r->entries.empty()) ctx.sleep_for(kMetadataPollInterval);
  }
}

void BrokerMetadataClient::alter_partition(const IsrProposal& proposal,
                                           std::function<void(ErrorCode, std::optional<PartitionRegistration>)> done) {
  AlterPartitionRequest req{id_, broker_epoch_, proposal.tp, proposal.leader_epoch, proposal.partition_epoch, proposal.new_isr};
  rpc_.call_async(controllers_[active_], kAlterPartitionRpc, alter_partition_request_bytes(req), req,
                  kControllerRequestTimeout, [this, done](std::optional<std::any>&& resp) {
                    const auto* r = resp ? std::any_cast<AlterPartitionResponse>(&*resp) : nullptr;
                    if (r == nullptr) {
                      done(ErrorCode::kRequestTimedOut, std::nullopt);
                      return;
                    }
                    if (r->error != ErrorCode::kNone) {
                      if (r->error == ErrorCode::kNotController) follow_hint(r);
                      done(r->error, std::nullopt);
                      return;
                    }
                    PartitionRegistration reg;
                    if (const PartitionRegistration* cur = image_.partition(r->tp)) reg = *cur;
                    reg.leader = r->leader;
                    reg.leader_epoch = r->leader_epoch;
                    reg.isr = r->isr;
                    reg.partition_epoch = r->partition_epoch;
                    done(ErrorCode::kNone, reg);
                  });
}

}  // namespace broker_model
