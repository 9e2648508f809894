#include "broker_model/kinesis/kcl_worker.h"

#include <algorithm>
#include <set>

namespace broker_model::kinesis {
namespace {

// Retries of a checkpoint that lost a race with this worker's own renewal (counter moved).
constexpr int kCheckpointRetries = 3;
// Backoff after a throttled or failed GetRecords.
constexpr sim::Duration kReadBackoff = sim::milliseconds(500);

}  // namespace

KclWorker::KclWorker(sim::NodeContext& ctx, RpcEndpoint& rpc, KinesisClient& client, KclConfig config,
                     KclListener& listener)
    : ctx_(ctx), rpc_(rpc), client_(client), config_(std::move(config)), listener_(listener) {}

void KclWorker::start() {
  ctx_.spawn("kcl-coordinator", [this] { coordinator_loop(); });
}

std::optional<LeaseResponse> KclWorker::lease_call(LeaseRequest req) {
  req.table = config_.consumer_name;
  auto resp = rpc_.call_sized(config_.lease_table, kLeaseTableRpc, std::move(req), config_.request_timeout);
  const auto* r = resp ? sim::payload_cast<LeaseResponse>(&*resp) : nullptr;
  if (r == nullptr) return std::nullopt;
  return *r;
}

void KclWorker::coordinator_loop() {
  const sim::Duration renew_every = config_.lease_duration / 3;
  sim::Instant next_take = ctx_.now();
  sim::Instant next_sync = ctx_.now();
  for (;;) {
    // Shard sync: at start, every lease_duration (new shards after a reshard), and when a
    // shard consumer reached a shard's end (the KCL syncs shards then to find its children).
    if (!shards_synced_ || sync_requested_ || ctx_.now() >= next_sync) {
      sync_requested_ = false;
      shards_synced_ = sync_shards() || shards_synced_;
      next_sync = ctx_.now() + config_.lease_duration;
    }
    renew_all();
    if (shards_synced_ && ctx_.now() >= next_take) {
      take_leases();
      next_take = ctx_.now() + config_.lease_duration;
    }
    ctx_.sleep_for(renew_every);
  }
}

bool KclWorker::sync_shards() {
  auto shards = client_.list_shards(ListShardsRequest{config_.stream});
  if (!shards || !shards->error_code.empty()) return false;
  bool all = true;
  // By index: a parent's lease is created before its children's (parents have lower ids).
  for (const ShardRange& s : shards->shards) {
    if (leases_known_.count(s.index) != 0) continue;
    std::vector<int32_t> parents;
    if (s.parent >= 0) parents.push_back(s.parent);
    if (s.adjacent_parent >= 0) parents.push_back(s.adjacent_parent);
    auto r = lease_call(LeaseRequest{LeaseOp::kCreateIfAbsent, s.index, "", 0, -1, parents, ""});
    if (!r) {
      all = false;
      break;
    }
    leases_known_.insert(s.index);
    if (r->ok) listener_.on_lease(s.index, "created", "", 0);
  }
  return all;
}

void KclWorker::drop(int32_t shard, const std::string& why, int64_t counter) {
  if (held_.erase(shard) != 0) listener_.on_lease(shard, why, config_.worker_id, counter);
}

void KclWorker::renew_all() {
  std::vector<int32_t> shards;
  for (const auto& [shard, h] : held_) shards.push_back(shard);
  for (int32_t shard : shards) {
    auto it = held_.find(shard);
    if (it == held_.end()) continue;
    auto r = lease_call(LeaseRequest{LeaseOp::kRenew, shard, config_.worker_id, it->second.counter, -1, {}, ""});
    if (!r) continue;  // no answer: try again next time (the lease may expire meanwhile)
    it = held_.find(shard);
    if (it == held_.end()) continue;
    if (r->ok) it->second.counter = r->leases.at(0).counter;
    else drop(shard, "renewal failed", r->leases.empty() ? -1 : r->leases[0].counter);
  }
}

void KclWorker::take_leases() {
  auto list = lease_call(LeaseRequest{LeaseOp::kList, 0, "", 0, -1, {}, ""});
  if (!list) return;
  const sim::Instant now = ctx_.now();
  std::vector<Lease> expired;
  std::map<std::string, std::vector<Lease>> by_owner;
  size_t n = 0;
  for (const Lease& l : list->leases) {
    if (l.finished()) continue;  // read to SHARD_END: nothing left to take
    ++n;
    Seen& s = seen_[l.shard];
    if (s.counter != l.counter) {
      s.counter = l.counter;
      s.since = now;
    }
    const bool mine = held_.count(l.shard) != 0 && l.owner == config_.worker_id;
    if (mine) continue;
    if (l.owner.empty() || now - s.since >= config_.lease_duration) expired.push_back(l);
    else by_owner[l.owner].push_back(l);
  }
  std::set<std::string> workers{config_.worker_id};
  for (const auto& [owner, leases] : by_owner) workers.insert(owner);
  const size_t target = (n + workers.size() - 1) / workers.size();
  auto take = [&](const Lease& l, const char* what) {
    auto r = lease_call(LeaseRequest{LeaseOp::kTake, l.shard, config_.worker_id, l.counter, -1, {}, ""});
    if (!r || !r->ok) return false;
    const Lease& now_lease = r->leases.at(0);
    const uint64_t generation = next_generation_++;
    held_[l.shard] = Held{now_lease.counter, now_lease.checkpoint, generation, now_lease.parents};
    listener_.on_lease(l.shard, what, l.owner, now_lease.counter);
    ctx_.spawn("kcl-shard-" + std::to_string(l.shard), [this, shard = l.shard, generation] { shard_consumer(shard, generation); });
    return true;
  };
  for (const Lease& l : expired) {
    if (held_.size() >= target) break;
    take(l, "taken");
  }
  if (held_.size() < target) {
    // Steal one lease from the most loaded worker holding more than the target.
    const std::vector<Lease>* most = nullptr;
    for (const auto& [owner, leases] : by_owner)
      if (leases.size() > target && (most == nullptr || leases.size() > most->size())) most = &leases;
    if (most != nullptr) take(most->front(), "stolen");
  }
}

bool KclWorker::still_holds(int32_t shard, uint64_t generation) const {
  auto it = held_.find(shard);
  return it != held_.end() && it->second.generation == generation;
}

bool KclWorker::checkpoint(int32_t shard, uint64_t generation, int64_t sequence) {
  for (int attempt = 0; attempt < kCheckpointRetries; ++attempt) {
    if (!still_holds(shard, generation)) return false;
    auto r = lease_call(LeaseRequest{LeaseOp::kCheckpoint, shard, config_.worker_id, held_.at(shard).counter, sequence, {}, ""});
    if (!r) continue;
    if (r->ok) {
      listener_.on_checkpoint(shard, sequence, true);
      return true;
    }
    // Our own renewal moved the counter meanwhile: try again with it. Another owner: lost.
    if (!r->leases.empty() && r->leases[0].owner == config_.worker_id && still_holds(shard, generation)) {
      held_.at(shard).counter = r->leases[0].counter;
      continue;
    }
    listener_.on_checkpoint(shard, sequence, false);
    if (still_holds(shard, generation)) drop(shard, "checkpoint failed", r->leases.empty() ? -1 : r->leases[0].counter);
    return false;
  }
  return false;
}

bool KclWorker::wait_for_parents(int32_t shard, uint64_t generation) {
  if (config_.read_children_early) return true;  // the variant: no BlockOnParentShardTask
  for (;;) {
    if (!still_holds(shard, generation)) return false;
    const Held& h = held_.at(shard);
    if (h.parents.empty()) return true;
    if (auto list = lease_call(LeaseRequest{LeaseOp::kList, 0, "", 0, -1, {}, ""})) {
      Lease me{shard, config_.worker_id, h.counter, h.checkpoint, h.parents};
      if (parents_finished(me, list->leases)) return still_holds(shard, generation);
    }
    ctx_.sleep_for(config_.parent_shard_poll);
  }
}

bool KclWorker::register_consumer() {
  if (!consumer_arn_.empty()) return true;
  auto r = client_.register_stream_consumer(StreamConsumerRequest{config_.stream, config_.consumer_name});
  // Registered now, or already (by another worker of the application): either way its ARN.
  if (r && (r->error_code.empty() || r->error_code == kResourceInUse)) consumer_arn_ = r->consumer_arn;
  return !consumer_arn_.empty();
}

void KclWorker::fan_out_consumer(int32_t shard, uint64_t generation) {
  bool first = true;
  std::optional<int64_t> from;  // the continuation of the last subscription
  while (still_holds(shard, generation)) {
    if (!register_consumer()) {
      ctx_.sleep_for(kReadBackoff);
      continue;
    }
    SubscribeToShardRequest req{consumer_arn_, shard, IteratorType::kTrimHorizon, -1};
    const int64_t cp = held_.at(shard).checkpoint;
    if (from) req = SubscribeToShardRequest{consumer_arn_, shard, IteratorType::kAtSequenceNumber, *from};
    else if (cp >= 0) req = SubscribeToShardRequest{consumer_arn_, shard, IteratorType::kAfterSequenceNumber, cp};
    auto sub = client_.subscribe_to_shard(req);
    if (!sub || !sub->error_code.empty()) {
      if (sub && sub->error_code == kResourceNotFound) consumer_arn_.clear();  // deregistered: register again
      ctx_.sleep_for(kReadBackoff);
      continue;
    }
    for (;;) {
      auto e = client_.next_event(SubscribeToShardEventRequest{sub->subscription}, config_.request_timeout);
      if (!still_holds(shard, generation)) return;
      if (!e || !e->error_code.empty()) break;  // subscribe again
      if (!e->records.empty()) {
        for (const KinesisRecord& rec : e->records) {
          if (config_.processing_time > sim::Duration::zero()) ctx_.sleep_for(config_.processing_time);
          listener_.on_record(shard, rec, first);
          first = false;
        }
        if (!checkpoint(shard, generation, e->records.back().sequence_number)) return;
      }
      if (!e->continuation) {  // the closed shard's end: SHARD_END, as with GetRecords
        if (checkpoint(shard, generation, kShardEnd)) drop(shard, "shard end", held_.at(shard).counter);
        sync_requested_ = true;
        return;
      }
      from = e->continuation;
      if (e->ended) break;  // 5 minutes are up: SubscribeToShard again from the continuation
    }
  }
}

void KclWorker::shard_consumer(int32_t shard, uint64_t generation) {
  // A lease taken from a stale list just as its owner finished the shard: nothing to read.
  if (still_holds(shard, generation) && held_.at(shard).checkpoint == kShardEnd) {
    drop(shard, "shard end", held_.at(shard).counter);
    return;
  }
  if (!wait_for_parents(shard, generation)) return;
  if (config_.fan_out) {
    fan_out_consumer(shard, generation);
    return;
  }
  std::optional<ShardIterator> iterator;
  bool first = true;
  while (still_holds(shard, generation)) {
    if (!iterator) {
      const int64_t cp = held_.at(shard).checkpoint;
      GetShardIteratorRequest req{config_.stream, shard, cp < 0 ? IteratorType::kTrimHorizon : IteratorType::kAfterSequenceNumber,
                                  cp, 0};
      auto r = client_.get_shard_iterator(req);
      if (r && r->error_code.empty()) iterator = r->iterator;
      else {
        ctx_.sleep_for(kReadBackoff);
        continue;
      }
    }
    auto r = client_.get_records(GetRecordsRequest{*iterator, config_.max_records});
    if (!r || !r->error_code.empty()) {
      if (r && r->error_code == kThroughputExceeded) listener_.on_read_throttled(shard);
      ctx_.sleep_for(kReadBackoff);
      continue;
    }
    if (!r->records.empty()) {
      const int64_t last = r->records.back().sequence_number;
      if (config_.checkpoint_before_processing && !checkpoint(shard, generation, last)) break;
      for (const KinesisRecord& rec : r->records) {
        // The KCL hands the whole batch to processRecords: a worker that lost its lease meanwhile
        // does not know it until its next renewal or checkpoint.
        if (config_.processing_time > sim::Duration::zero()) ctx_.sleep_for(config_.processing_time);
        listener_.on_record(shard, rec, first);
        first = false;
      }
      if (!config_.checkpoint_before_processing && !checkpoint(shard, generation, last)) break;
    }
    if (!r->next_iterator) {
      // The shard is closed and read to its end (no NextShardIterator): the KCL shuts the
      // record processor down with reason SHARD_END, the application checkpoints SHARD_END,
      // and the lease is done; the children's leases come from the next shard sync.
      if (checkpoint(shard, generation, kShardEnd)) drop(shard, "shard end", held_.at(shard).counter);
      sync_requested_ = true;
      break;
    }
    iterator = r->next_iterator;
    ctx_.sleep_for(config_.idle_between_reads);
  }
}

}  // namespace broker_model::kinesis
