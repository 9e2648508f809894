#include "broker_model/clients/fetcher.h"

#include <set>

#include "broker_model/txn/control_batch.h"
#include "broker_model/fault_sites.h"
#include "sim/fault_point.h"

#include <algorithm>

namespace broker_model {

namespace {
sim::NodeId node_of(BrokerId b) { return sim::NodeId{static_cast<uint32_t>(b.value())}; }
}  // namespace

Fetcher::Fetcher(RpcEndpoint& rpc, ClientMetadata& metadata, const ConsumerConfig& config, Events& events,
                 sim::WaitQueue& wakeup)
    : rpc_(rpc), metadata_(metadata), config_(config), events_(events), wakeup_(wakeup) {}

void Fetcher::assign(const std::vector<TopicPartition>& tps) {
  ++assignment_;
  std::map<TopicPartition, PartitionState> kept;
  for (const auto& tp : tps) {
    auto it = parts_.find(tp);
    kept[tp] = it == parts_.end() ? PartitionState{} : std::move(it->second);
  }
  parts_ = std::move(kept);
  assigned_ = tps;
  collect_cursor_ = 0;
}

void Fetcher::seek(const TopicPartition& tp, Offset position) {
  auto it = parts_.find(tp);
  if (it == parts_.end()) return;
  PartitionState& p = it->second;
  p.position = position;
  p.buffer.clear();
  p.needs_validation = false;
  p.stopped = false;
}

std::optional<Offset> Fetcher::position(const TopicPartition& tp) const {
  auto it = parts_.find(tp);
  return it == parts_.end() ? std::nullopt : it->second.position;
}

void Fetcher::refresh_leaders() {
  for (auto& [tp, p] : parts_) {
    auto l = metadata_.leader(tp);
    if (!l) continue;
    // A new leader: check the position against its log before fetching (KIP-320).
    if (p.leader_epoch != kNoLeaderEpoch && l->leader_epoch > p.leader_epoch && p.last_consumed_epoch != kNoLeaderEpoch)
      p.needs_validation = true;
    if (l->leader_epoch > p.leader_epoch) p.leader_epoch = l->leader_epoch;
  }
}

bool Fetcher::ready(const PartitionState& p, sim::Instant now) const {
  return p.position && !p.stopped && p.buffer.empty() && now >= p.retry_after;
}

std::vector<TopicPartition>& Fetcher::list_for(std::vector<BrokerPartitions>& lists, BrokerId broker) {
  auto it = std::lower_bound(lists.begin(), lists.end(), broker,
                             [](const BrokerPartitions& l, BrokerId b) { return l.broker < b; });
  if (it == lists.end() || it->broker != broker) it = lists.insert(it, BrokerPartitions{broker, {}});
  return it->tps;
}

void Fetcher::send() {
  if (metadata_.version() != metadata_version_seen_) {
    metadata_version_seen_ = metadata_.version();
    refresh_leaders();
  }
  for (auto& l : to_fetch_) l.tps.clear();
  for (auto& l : to_validate_) l.tps.clear();
  sim::Instant now = rpc_.context().now();
  for (const auto& tp : assigned_) {
    PartitionState& p = parts_[tp];
    if (!ready(p, now)) continue;
    if (EDDY_FAULT_POINT("consumer.fetch_delayed")) {
      p.retry_after = now + fault_delay(rpc_.context(), sim::milliseconds(1), sim::milliseconds(200));
      continue;
    }
    auto l = metadata_.leader(tp);
    if (!l) {
      metadata_.request_refresh();
      continue;
    }
    if (in_flight_[l->leader]) continue;
    // A position still to be reset is not validated: there is nothing consumed to check.
    bool validate_first = p.needs_validation && *p.position >= Offset{0};
    list_for(validate_first ? to_validate_ : to_fetch_, l->leader).push_back(tp);
  }
  for (const auto& [broker, tps] : to_validate_)
    if (!tps.empty() && !in_flight_[broker]) validate(broker, tps);
  for (const auto& [broker, tps] : to_fetch_)
    if (!tps.empty() && !in_flight_[broker]) send_fetch(broker, tps);
}

void Fetcher::send_fetch(BrokerId broker, const std::vector<TopicPartition>& tps) {
  sim::Duration timeout = sim::milliseconds(config_.request_timeout_ms + config_.fetch_max_wait_ms);
  if (EDDY_FAULT_POINT("consumer.fetch_timeout_shrunk")) timeout = fault_delay(rpc_.context(), sim::milliseconds(1), sim::milliseconds(30));
  FetchRequest req;
  req.replica_id = kNoBroker;
  req.max_wait_ms = config_.fetch_max_wait_ms;
  req.min_bytes = config_.fetch_min_bytes;
  req.isolation_level = config_.read_committed ? kReadCommitted : kReadUncommitted;
  FetchSessionHandler& session = sessions_[broker];
  std::vector<FetchPartition>& wanted = session.next();
  for (const auto& tp : tps) {
    const PartitionState& p = parts_[tp];
    wanted.push_back(FetchPartition{tp, *p.position, p.leader_epoch, config_.max_partition_fetch_bytes});
  }
  session.build(req);
  in_flight_[broker] = true;
  uint64_t assignment = assignment_;
  rpc_.call_async_sized(
      node_of(broker), kFetchRpc, std::move(req), timeout,
      [this, assignment, broker](std::optional<sim::Payload>&& r) { on_fetch(assignment, broker, std::move(r)); },
      ResponseOn::kDelivery);  // on_fetch only buffers what was read and wakes the owner: it never blocks
}

void Fetcher::backoff(PartitionState& p) {
  p.retry_after = rpc_.context().now() + sim::milliseconds(config_.retry_backoff_ms);
}

void Fetcher::on_fetch(uint64_t assignment, BrokerId broker, std::optional<sim::Payload>&& response) {
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
  if (assignment != assignment_) return;     // the assignment changed meanwhile
  for (const auto& pr : r->partitions) on_partition(broker, pr);
}

void Fetcher::on_partition(BrokerId broker, const FetchPartitionResponse& pr) {
  auto it = parts_.find(pr.tp);
  if (it == parts_.end() || !it->second.position) return;
  PartitionState& p = it->second;
  if (pr.error == ErrorCode::kOffsetOutOfRange) {
    if (config_.auto_offset_reset == "none") {
      events_.on_no_offset(pr.tp);
      p.stopped = true;
      return;
    }
    Offset reset = config_.auto_offset_reset == "latest" ? pr.high_watermark : pr.log_start_offset;
    if (*p.position >= Offset{0}) events_.on_position_reset(pr.tp, broker, *p.position, reset);
    p.position = reset;
    p.reset_pending = true;
    return;
  }
  if (pr.error != ErrorCode::kNone) {
    metadata_.request_refresh();
    backoff(p);
    return;
  }
  Offset next = *p.position;
  // read_committed (Kafka's CompletedFetch.nextFetchedRecord): the aborted transactions the
  // leader listed, by first offset; a producer's transactional batches are dropped from its
  // aborted transaction's first offset until its ABORT marker. Control batches are never
  // handed to the application, whatever the isolation level.
  std::vector<txn::AbortedTxn> aborted = pr.aborted_transactions;
  std::sort(aborted.begin(), aborted.end(), [](const auto& a, const auto& b) { return a.first_offset < b.first_offset; });
  size_t next_aborted = 0;
  std::set<ProducerId> aborted_producers;
  for (const auto& b : pr.batches) {
    if (config_.read_committed && b.producer_id != kNoProducerId) {
      while (next_aborted < aborted.size() && aborted[next_aborted].first_offset <= b.last_offset())
        aborted_producers.insert(aborted[next_aborted++].producer_id);
      if (txn::marker_of(b) == txn::MarkerType::kAbort) {
        aborted_producers.erase(b.producer_id);
      } else if (txn::is_transactional(b) && !txn::is_control(b) && aborted_producers.count(b.producer_id) != 0) {
        if (b.next_offset() > next) next = b.next_offset();  // an aborted batch: skipped
        continue;
      }
    }
    if (txn::is_control(b)) {
      if (b.next_offset() > next) next = b.next_offset();
      continue;
    }
    for (size_t i = 0; i < b.records.size(); ++i) {
      Offset off = b.base_offset + static_cast<int64_t>(i);
      if (off < next) continue;  // a batch starting before the position
      if (b.records[i].compacted) {  // removed by the log cleaner: nothing to deliver
        next = off + 1;
        continue;
      }
      p.buffer.push_back(PartitionState::Entry{
          Fetched{ConsumedRecord{pr.tp, off, record_id_of(b.records[i]), b.records[i].timestamp_ms,
                                 b.records[i].logical_size_in_bytes()},
                  broker, p.reset_pending},
          b.partition_leader_epoch});
      p.reset_pending = false;
      next = off + 1;
    }
  }
  // Only removed records, markers or aborted records fetched: move past them, as Kafka's
  // consumer moves to the batch's next offset whatever it held back.
  if (p.buffer.empty() && next > *p.position) p.position = next;
}

bool Fetcher::has_buffered() const {
  for (const auto& tp : assigned_) {
    auto it = parts_.find(tp);
    if (it != parts_.end() && !it->second.buffer.empty()) return true;
  }
  return false;
}

std::vector<Fetcher::Fetched> Fetcher::collect(size_t max) {
  std::vector<Fetched> out;
  if (assigned_.empty()) return out;
  size_t n = assigned_.size();
  for (size_t k = 0; k < n && out.size() < max; ++k) {
    PartitionState& p = parts_[assigned_[(collect_cursor_ + k) % n]];
    while (!p.buffer.empty() && out.size() < max) {
      PartitionState::Entry& e = p.buffer.front();
      p.position = e.fetched.record.offset + 1;
      p.last_consumed_epoch = e.batch_epoch;
      out.push_back(e.fetched);
      p.buffer.pop_front();
    }
  }
  collect_cursor_ = (collect_cursor_ + 1) % n;
  return out;
}

void Fetcher::validate(BrokerId broker, const std::vector<TopicPartition>& tps) {
  OffsetsForLeaderEpochRequest req;
  for (const auto& tp : tps) {
    const PartitionState& p = parts_[tp];
    req.partitions.push_back(EpochQuery{tp, p.leader_epoch, p.last_consumed_epoch});
  }
  in_flight_[broker] = true;
  uint64_t assignment = assignment_;
  rpc_.call_async_sized(node_of(broker), kOffsetsForLeaderEpochRpc, std::move(req),
                        sim::milliseconds(config_.request_timeout_ms),
                        [this, assignment, broker](std::optional<sim::Payload>&& r) {
                          in_flight_[broker] = false;
                          on_validate(assignment, std::move(r));
                        });
}

void Fetcher::on_validate(uint64_t assignment, std::optional<sim::Payload>&& response) {
  wakeup_.notify_all();
  const auto* r = response ? sim::payload_cast<OffsetsForLeaderEpochResponse>(&*response) : nullptr;
  if (r == nullptr || assignment != assignment_) return;
  for (const auto& e : r->partitions) {
    auto it = parts_.find(e.tp);
    if (it == parts_.end() || !it->second.position) continue;
    PartitionState& p = it->second;
    if (e.error != ErrorCode::kNone) {
      metadata_.request_refresh();
      backoff(p);
      continue;
    }
    p.needs_validation = false;
    if (e.end_offset != kUndefinedEpochOffset && e.end_offset < *p.position) {
      // The log we read was truncated under us (KIP-320): go back to where it diverged.
      events_.on_truncation_detected(e.tp, *p.position, e.leader_epoch, e.end_offset);
      p.position = e.end_offset;
      p.reset_pending = true;
    }
  }
}

}  // namespace broker_model
