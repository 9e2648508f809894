#include "broker_model/broker/replica_fetcher.h"

#include <algorithm>

#include "broker_model/broker/partition.h"
#include "broker_model/broker/replica_manager.h"
#include "broker_model/broker/replication_quota.h"
#include "broker_model/fault_sites.h"
#include "sim/fault_point.h"

namespace broker_model {

namespace {
sim::NodeId node_of(BrokerId b) { return sim::NodeId{static_cast<uint32_t>(b.value())}; }
}  // namespace

ReplicaFetcher::ReplicaFetcher(RpcEndpoint& rpc, const BrokerConfig& config, BrokerId leader, ReplicationQuota& quota)
    : rpc_(rpc), config_(config), leader_(leader), quota_(quota) {}

void ReplicaFetcher::start() {
  rpc_.context().spawn("fetcher-" + leader_.str(), [this] { loop(); });
}

void ReplicaFetcher::add(Partition* p) {
  partitions_[p->tp()] = State{p, true, p->leader_epoch()};
  ++membership_changes_;
  wakeup_.notify_all();
}

void ReplicaFetcher::remove(Partition* p) {
  partitions_.erase(p->tp());
  ++membership_changes_;
}

void ReplicaFetcher::loop() {
  // Reused from one round to the next (one allocation per fetch otherwise).
  std::vector<State*> truncate, fetch;
  for (;;) {
    if (partitions_.empty()) {
      wakeup_.wait();
      continue;
    }
    truncate.clear();
    fetch.clear();
    for (auto& [tp, s] : partitions_) (s.needs_truncation ? truncate : fetch).push_back(&s);
    if (!truncate.empty()) truncate_by_epoch(truncate);
    else fetch_once(fetch);
  }
}

void ReplicaFetcher::truncate_to_high_watermark(const std::vector<State*>& states) {
  std::vector<TopicPartition> tps;
  for (State* s : states) tps.push_back(s->partition->tp());
  for (const TopicPartition& tp : tps) {
    auto it = partitions_.find(tp);  // may have been removed while an earlier one truncated
    if (it == partitions_.end() || !it->second.needs_truncation) continue;
    Partition* p = it->second.partition;
    p->truncate_to(p->high_watermark(), "high watermark (pre-KIP-101)");  // blocks
    if (auto again = partitions_.find(tp); again != partitions_.end()) again->second.needs_truncation = false;
  }
}

void ReplicaFetcher::truncate_by_epoch(const std::vector<State*>& states) {
  sim::NodeContext& ctx = rpc_.context();
  // BUG ZOO (KIP-101, fixed in Kafka 0.11.0.0): before leader epochs, a new follower cut its
  // log to its own high watermark at once, before asking the leader anything. Its high
  // watermark lags the leader's (and is 0 here after a restart: no checkpoint), so it drops
  // records the leader acknowledged; if it is elected before it fetched them back, they are
  // gone (the KIP's scenario 1). A follower whose log is already at its high watermark (a
  // fetch answered OFFSET_OUT_OF_RANGE) asks the leader as before.
  if (config_.variants.has(Variant::kPreKip101Truncation)) {
    bool any = false;
    for (State* s : states) any = any || s->partition->high_watermark() < s->partition->log().log_end_offset();
    if (any) {
      truncate_to_high_watermark(states);
      return;
    }
  }
  OffsetsForLeaderEpochRequest req;
  req.replica_id = config_.id;
  std::vector<TopicPartition> asked;
  for (State* s : states) {
    Partition* p = s->partition;
    auto latest = p->log().latest_epoch();
    if (!latest) {  // nothing written under any epoch: nothing to truncate
      s->needs_truncation = false;
      continue;
    }
    req.partitions.push_back(EpochQuery{p->tp(), p->leader_epoch(), *latest});
    asked.push_back(p->tp());
  }
  if (asked.empty()) return;
  auto resp = rpc_.call_sized(node_of(leader_), kOffsetsForLeaderEpochRpc, std::move(req),
                        sim::milliseconds(config_.request_timeout_ms));
  const auto* r = resp ? sim::payload_cast<OffsetsForLeaderEpochResponse>(&*resp) : nullptr;
  bool backoff = r == nullptr;
  if (r != nullptr) {
    for (const auto& e : r->partitions) {
      auto it = partitions_.find(e.tp);  // may have been reassigned while we waited
      if (it == partitions_.end() || !it->second.needs_truncation) continue;
      Partition* p = it->second.partition;
      if (e.error != ErrorCode::kNone) {
        backoff = true;
        continue;
      }
      Offset target;
      if (config_.variants.has(Variant::kPreKip279EpochLookup) && e.leader_epoch != kUndefinedEpoch) {
        // BUG ZOO (KIP-279 / KAFKA-6361, fixed in Kafka 2.0.0): the follower took the
        // leader's end offset as it came, without bounding it by its own end offset for the
        // epoch the leader answered with. When the leader's largest epoch at or below ours is
        // older than ours, our entries past our own end of that epoch are not the leader's:
        // a tail that diverged across several leader changes is kept.
        target = e.end_offset;
      } else if (e.leader_epoch == kUndefinedEpoch) {
        target = p->high_watermark();  // the leader knows none of our epochs
      } else {
        storage::EpochEndOffset mine = p->log().end_offset_for_epoch(e.leader_epoch);
        target = mine.undefined() ? e.end_offset : std::min(e.end_offset, mine.end_offset);
      }
      p->truncate_to(target, "OffsetsForLeaderEpoch");  // blocks: re-find the state after it
      if (auto again = partitions_.find(e.tp); again != partitions_.end()) again->second.needs_truncation = false;
    }
  }
  if (backoff) ctx.sleep_for(sim::milliseconds(config_.replica_fetch_backoff_ms));
}

void ReplicaFetcher::fetch_once(const std::vector<State*>& states) {
  sim::NodeContext& ctx = rpc_.context();
  if (EDDY_FAULT_POINT("replication.fetch_delay")) {
    ctx.sleep_for(fault_delay(ctx, sim::milliseconds(1), sim::milliseconds(200)));
    return;  // the partitions may have changed meanwhile: the loop looks again
  }
  if (EDDY_FAULT_POINT("replication.fetch_session_reset")) session_.handle_failure();
  bool stale_epoch = EDDY_FAULT_POINT("replication.stale_epoch_fetch");
  FetchRequest req;
  req.replica_id = config_.id;
  req.max_wait_ms = config_.replica_fetch_wait_max_ms;
  req.min_bytes = 1;
  std::vector<FetchPartition>& wanted = session_.next();
  // Kafka's ReplicaFetcherThread.buildFetch with shouldFollowerThrottle: a throttled replica
  // out of the ISR is left out of the fetch while the follower quota is exceeded.
  const bool over_quota = quota_.exceeded(ctx.now());
  for (State* s : states) {
    Partition* p = s->partition;
    if (over_quota && p->follower_throttled() && !p->in_isr(config_.id)) continue;
    LeaderEpoch epoch = p->leader_epoch();
    if (stale_epoch && epoch.value() > 0) epoch = LeaderEpoch(epoch.value() - 1);
    wanted.push_back(FetchPartition{p->tp(), p->log().log_end_offset(), epoch, config_.replica_fetch_max_bytes});
  }
  if (wanted.empty()) {  // everything throttled: Kafka's fetcher backs off (replica.fetch.backoff.ms)
    ctx.sleep_for(sim::milliseconds(std::min<int64_t>(config_.replica_fetch_backoff_ms, 100)));
    return;
  }
  session_.build(req);
  auto resp = rpc_.call_sized(node_of(leader_), kFetchRpc, std::move(req),
                        sim::milliseconds(config_.request_timeout_ms + config_.replica_fetch_wait_max_ms));
  const auto* r = resp ? sim::payload_cast<FetchResponse>(&*resp) : nullptr;
  if (r == nullptr) {
    session_.handle_failure();
    ctx.sleep_for(sim::milliseconds(config_.replica_fetch_backoff_ms));
    return;
  }
  if (!session_.handle_response(*r)) return;  // a session error: the next fetch is a full one, at once
  bool backoff = false;
  // The response lists partitions in the session's order, which is the map's order (an
  // incremental answer only those with news; the others have nothing new): walk on from the
  // entry after the previous one instead of searching the whole map (a find per partition per
  // response was 2% of a run). handle() blocks, and partitions may be added or removed
  // meanwhile: the walk is used only while the membership is unchanged (iterators stay valid
  // then); otherwise, or if the walk misses, the map is searched.
  auto next = partitions_.begin();
  uint64_t changes = membership_changes_;
  for (const auto& pr : r->partitions) {
    auto it = partitions_.end();
    if (changes == membership_changes_) {
      while (next != partitions_.end() && next->first < pr.tp) ++next;
      if (next != partitions_.end() && next->first == pr.tp) it = next;
    }
    if (it == partitions_.end()) it = partitions_.find(pr.tp);
    if (it == partitions_.end()) continue;
    next = std::next(it);
    changes = membership_changes_;
    handle(it->second, pr);
    if (pr.error != ErrorCode::kNone && pr.error != ErrorCode::kOffsetOutOfRange) backoff = true;
  }
  if (backoff) ctx.sleep_for(sim::milliseconds(config_.replica_fetch_backoff_ms));
}

void ReplicaFetcher::handle(State& s, const FetchPartitionResponse& r) {
  Partition* p = s.partition;
  switch (r.error) {
    case ErrorCode::kNone: {
      if (p->leader_epoch() != s.epoch) {  // our role changed while the fetch was out
        s.needs_truncation = true;
        s.epoch = p->leader_epoch();
        return;
      }
      TopicPartition tp = p->tp();
      if (p->follower_throttled() || p->adding()) {
        int64_t bytes = 0;
        for (const auto& b : r.batches) bytes += b.logical_size_in_bytes();
        // processPartitionData: a throttled replica's bytes count against the quota.
        if (p->follower_throttled()) quota_.record(bytes, rpc_.context().now());
        if (p->adding() && bytes > 0) rpc_.context().emit(ReassignmentBytesFetched{tp, config_.id, bytes});
      }
      ErrorCode e = p->append_as_follower(r.batches, r.high_watermark);  // blocks on disk
      // Re-checking the log against the leader's epochs is always safe: it truncates nothing
      // when the logs agree.
      bool revalidate = e == ErrorCode::kNone && EDDY_FAULT_POINT("replication.revalidate_epoch");
      if (e != ErrorCode::kUnexpectedAppendOffset && !revalidate) return;
      auto again = partitions_.find(tp);  // `s` may be gone: reassigned while we appended
      if (again != partitions_.end()) again->second.needs_truncation = true;
      return;
    }
    case ErrorCode::kOffsetOutOfRange:
      if (p->log().log_end_offset() > r.log_end_offset) {
        s.needs_truncation = true;
      } else if (p->log().log_end_offset() < r.log_start_offset) {
        p->truncate_fully_and_start_at(r.log_start_offset, "below the leader's log start");  // `s` not used after this
      }
      return;
    default:
      return;  // fenced, not leader, storage error: wait for metadata and retry
  }
}

}  // namespace broker_model
