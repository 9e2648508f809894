#include "broker_model/clients/client_metadata.h"
#include "broker_model/fault_sites.h"
#include "sim/fault_point.h"

namespace broker_model {

namespace {
// Refreshes asked for in a burst are served by one request, at most this often.
constexpr sim::Duration kMinRefreshInterval = sim::milliseconds(50);
}  // namespace

ClientMetadata::ClientMetadata(RpcEndpoint& rpc, std::vector<BrokerId> bootstrap, std::vector<std::string> topics,
                               sim::Duration max_age, sim::Duration request_timeout)
    : rpc_(rpc), known_brokers_(std::move(bootstrap)), topics_(std::move(topics)), max_age_(max_age),
      request_timeout_(request_timeout) {}

void ClientMetadata::start() {
  rpc_.context().spawn("metadata", [this] { refresher_loop(); });
}

int32_t ClientMetadata::partitions(sim::Symbol topic) const {
  const std::vector<PartitionLeader>* parts = topics_state_.find(topic);
  return parts == nullptr ? 0 : static_cast<int32_t>(parts->size());
}

ErrorCode ClientMetadata::topic_error(sim::Symbol topic) const {
  auto it = topic_errors_.find(topic.str());
  return it == topic_errors_.end() ? ErrorCode::kNone : it->second;
}

std::optional<PartitionLeader> ClientMetadata::leader(const TopicPartition& tp) const {
  const std::vector<PartitionLeader>* parts = topics_state_.find(tp.topic);
  if (parts == nullptr || tp.partition < 0 || tp.partition >= static_cast<int32_t>(parts->size())) return std::nullopt;
  const PartitionLeader& l = (*parts)[static_cast<size_t>(tp.partition)];
  if (l.leader == kNoBroker) return std::nullopt;
  return l;
}

void ClientMetadata::request_refresh() {
  if (refresh_wanted_) return;
  refresh_wanted_ = true;
  wakeup_.notify_all();
}

void ClientMetadata::refresh_now() {
  uint64_t seen = version_;
  request_refresh();
  while (version_ == seen) changed_.wait();
}

bool ClientMetadata::fetch_once() {
  if (known_brokers_.empty()) return false;
  BrokerId target = known_brokers_[next_broker_ % known_brokers_.size()];
  MetadataRequest req{topics_};
  auto resp = rpc_.call(sim::NodeId{static_cast<uint32_t>(target.value())}, kMetadataRpc, wire_bytes(req), req,
                        request_timeout_);
  const auto* m = resp ? sim::payload_cast<MetadataResponse>(&*resp) : nullptr;
  if (m == nullptr) {
    ++next_broker_;  // try another broker next time
    return false;
  }
  if (!m->brokers.empty()) known_brokers_ = m->brokers;
  for (const auto& t : m->topics) {
    if (t.error == ErrorCode::kTopicAuthorizationFailed) topic_errors_[t.name] = t.error;
    else topic_errors_.erase(t.name);
    if (t.error != ErrorCode::kNone || t.partitions == nullptr) continue;
    std::vector<PartitionLeader> parts(t.partitions->size());
    for (const auto& p : *t.partitions)
      if (p.partition >= 0 && static_cast<size_t>(p.partition) < parts.size())
        parts[static_cast<size_t>(p.partition)] = PartitionLeader{p.error == ErrorCode::kNone ? p.leader : kNoBroker, p.leader_epoch};
    topics_state_[t.name] = std::move(parts);
  }
  return true;
}

void ClientMetadata::refresher_loop() {
  sim::NodeContext& ctx = rpc_.context();
  for (;;) {
    if (!refresh_wanted_) wakeup_.wait_until(ctx.sim_deadline(max_age_));
    refresh_wanted_ = false;
    if (EDDY_FAULT_POINT("client.metadata_refresh_delayed")) ctx.sleep_for(fault_delay(ctx, sim::milliseconds(10), sim::seconds(1)));
    bool ok = fetch_once();
    ++version_;
    changed_.notify_all();
    // Back off a little between refreshes; retry soon after a failure.
    ctx.sleep_for(kMinRefreshInterval);
    if (!ok) refresh_wanted_ = true;
  }
}

}  // namespace broker_model
