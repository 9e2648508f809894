#include "broker_model/clients/consumer.h"

#include <algorithm>

namespace broker_model {

namespace {
sim::NodeId node_of(BrokerId b) { return sim::NodeId{static_cast<uint32_t>(b.value())}; }
// How long the loop sleeps when it has nothing to send, at most.
constexpr sim::Duration kIdlePoll = sim::milliseconds(50);
}  // namespace

Consumer::Consumer(RpcEndpoint& rpc, ClientMetadata& metadata, ConsumerConfig config, ConsumerListener& listener,
                   int consumer_index, std::vector<TopicPartition> assignment)
    : rpc_(rpc), metadata_(metadata), config_(config), listener_(listener), index_(consumer_index) {
  for (auto& tp : assignment) positions_[tp] = Position{};
}

void Consumer::start() {
  rpc_.context().spawn("consumer", [this] { loop(); });
}

Offset Consumer::position(const TopicPartition& tp) const {
  auto it = positions_.find(tp);
  return it == positions_.end() ? Offset{-1} : it->second.offset;
}

void Consumer::refresh_leaders() {
  for (auto& [tp, p] : positions_) {
    auto l = metadata_.leader(tp);
    if (!l) continue;
    if (p.leader_epoch != kNoLeaderEpoch && l->leader_epoch > p.leader_epoch && p.last_fetched_epoch != kNoLeaderEpoch)
      p.needs_validation = true;
    if (l->leader_epoch > p.leader_epoch) p.leader_epoch = l->leader_epoch;
  }
}

void Consumer::loop() {
  sim::NodeContext& ctx = rpc_.context();
  for (;;) {
    if (metadata_.version() != metadata_version_seen_) {
      metadata_version_seen_ = metadata_.version();
      refresh_leaders();
    }
    for (auto& l : to_fetch_) l.tps.clear();
    for (auto& l : to_validate_) l.tps.clear();
    sim::Instant now = ctx.now();
    for (auto& [tp, p] : positions_) {
      if (now < p.retry_after) continue;
      auto l = metadata_.leader(tp);
      if (!l) {
        metadata_.request_refresh();
        continue;
      }
      // A broker with a request in flight is skipped below: build no list for it (the loop
      // runs after every response, and mostly one broker is free then).
      if (in_flight_[l->leader]) continue;
      list_for(p.needs_validation ? to_validate_ : to_fetch_, l->leader).push_back(tp);
    }
    for (const auto& [broker, tps] : to_validate_)
      if (!tps.empty() && !in_flight_[broker]) validate(broker, tps);
    for (const auto& [broker, tps] : to_fetch_)
      if (!tps.empty() && !in_flight_[broker]) send_fetch(broker, tps);
    wakeup_.wait_until(ctx.sim_deadline(kIdlePoll));
  }
}

std::vector<TopicPartition>& Consumer::list_for(std::vector<BrokerPartitions>& lists, BrokerId broker) {
  auto it = std::lower_bound(lists.begin(), lists.end(), broker,
                             [](const BrokerPartitions& l, BrokerId b) { return l.broker < b; });
  if (it == lists.end() || it->broker != broker) it = lists.insert(it, BrokerPartitions{broker, {}});
  return it->tps;
}

void Consumer::send_fetch(BrokerId broker, const std::vector<TopicPartition>& tps) {
  FetchRequest req;
  req.replica_id = kNoBroker;
  req.max_wait_ms = config_.fetch_max_wait_ms;
  req.min_bytes = config_.fetch_min_bytes;
  FetchSessionHandler& session = sessions_[broker];
  std::vector<FetchPartition>& wanted = session.next();
  for (const auto& tp : tps) {
    const Position& p = positions_[tp];
    wanted.push_back(FetchPartition{tp, p.offset, p.leader_epoch, config_.max_partition_fetch_bytes});
  }
  session.build(req);
  in_flight_[broker] = true;
  rpc_.call_async_sized(node_of(broker), kFetchRpc, std::move(req),
                  sim::milliseconds(config_.request_timeout_ms + config_.fetch_max_wait_ms),
                  [this, broker](std::optional<sim::Payload>&& r) { on_fetch(broker, std::move(r)); },
                  ResponseOn::kDelivery);  // on_fetch records what was read and wakes the loop: it never blocks
}

void Consumer::backoff(Position& p) { p.retry_after = rpc_.context().now() + sim::milliseconds(config_.retry_backoff_ms); }

void Consumer::on_fetch(BrokerId broker, std::optional<sim::Payload>&& response) {
  in_flight_[broker] = false;
  wakeup_.notify_all();
  const auto* r = response ? sim::payload_cast<FetchResponse>(&*response) : nullptr;
  FetchSessionHandler& session = sessions_[broker];
  if (r == nullptr) {
    session.handle_failure();
    metadata_.request_refresh();
    return;
  }
  if (!session.handle_response(*r)) return;  // a session error: the next fetch is a full one
  for (const auto& pr : r->partitions) {
    auto it = positions_.find(pr.tp);
    if (it == positions_.end()) continue;
    Position& p = it->second;
    if (pr.error == ErrorCode::kOffsetOutOfRange) {
      // auto.offset.reset=earliest: start over from the log start.
      rpc_.context().emit(ConsumerOffsetReset{index_, pr.tp, broker, p.offset, pr.log_start_offset});
      p.offset = pr.log_start_offset;
      p.reset_pending = true;
      continue;
    }
    if (pr.error != ErrorCode::kNone) {
      metadata_.request_refresh();
      backoff(p);
      continue;
    }
    for (const auto& b : pr.batches) {
      for (size_t i = 0; i < b.records.size(); ++i) {
        Offset off = b.base_offset + static_cast<int64_t>(i);
        if (off < p.offset) continue;  // a batch starting before our position
        listener_.on_record(ConsumedRecord{pr.tp, off, record_id_of(b.records[i])}, broker, p.reset_pending);
        p.reset_pending = false;
        ++consumed_;
        p.offset = off + 1;
      }
      p.last_fetched_epoch = b.partition_leader_epoch;
    }
  }
}

void Consumer::validate(BrokerId broker, const std::vector<TopicPartition>& tps) {
  OffsetsForLeaderEpochRequest req;
  for (const auto& tp : tps) {
    const Position& p = positions_[tp];
    req.partitions.push_back(EpochQuery{tp, p.leader_epoch, p.last_fetched_epoch});
  }
  in_flight_[broker] = true;
  rpc_.call_async_sized(node_of(broker), kOffsetsForLeaderEpochRpc, std::move(req),
                  sim::milliseconds(config_.request_timeout_ms), [this, broker](std::optional<sim::Payload>&& r) {
                    in_flight_[broker] = false;
                    on_validate(std::move(r));
                  });
}

void Consumer::on_validate(std::optional<sim::Payload>&& response) {
  wakeup_.notify_all();
  const auto* r = response ? sim::payload_cast<OffsetsForLeaderEpochResponse>(&*response) : nullptr;
  if (r == nullptr) return;
  for (const auto& e : r->partitions) {
    auto it = positions_.find(e.tp);
    if (it == positions_.end()) continue;
    Position& p = it->second;
    if (e.error != ErrorCode::kNone) {
      metadata_.request_refresh();
      backoff(p);
      continue;
    }
    p.needs_validation = false;
    if (e.end_offset != kUndefinedEpochOffset && e.end_offset < p.offset) {
      // The log we read was truncated under us (KIP-320): go back to where it diverged.
      rpc_.context().emit(ConsumerTruncationDetected{index_, e.tp, p.offset, e.leader_epoch, e.end_offset});
      p.offset = e.end_offset;
      p.reset_pending = true;
    }
  }
}

}  // namespace broker_model
