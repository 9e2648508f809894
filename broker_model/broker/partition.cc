#include "broker_model/broker/partition.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "sim/check.h"
#include "broker_model/fault_sites.h"
#include "broker_model/txn/control_batch.h"
#include "sim/fault_point.h"

namespace broker_model {

namespace {
// A rebuild that keeps racing truncations gives up after this many tries (the produce gets
// a retriable error).
constexpr int kProducerStateRebuildTries = 8;
// Bytes read per step of a rebuild scan.
constexpr int64_t kProducerStateScanBytes = int64_t{1} << 20;
bool contains(const std::vector<BrokerId>& v, BrokerId b) { return std::find(v.begin(), v.end(), b) != v.end(); }
}  // namespace

Partition::Partition(sim::NodeContext& ctx, BrokerId self, TopicPartition tp, PartitionConfig config,
                     sim::WaitQueue* activity)
    : ctx_(ctx), self_(self), tp_(tp), config_(config), log_(ctx, tp, config.log, config.log_dir), activity_(activity) {
  log_.set_failure_channel(config.log_dir_failure);
  // BUG ZOO (KAFKA-5494, fixed in Kafka 1.0.0): idempotence first kept only the last batch
  // of each producer, which was right for one request in flight. With up to five in flight,
  // a retry of any but the last is no longer recognised as a duplicate: it gets
  // OUT_OF_ORDER_SEQUENCE_NUMBER, or (when it is next after a gap the broker thinks it sees)
  // it is written a second time.
  if (config.variants.has(Variant::kPreKafka5494OneBatch)) producer_state_ = ProducerStateTable(1);
}

ErrorCode Partition::open() {
  ErrorCode e = log_.open();
  producer_state_invalidated();  // a restart: the state is in the log only
  // An empty log has no producers: the empty state is exact, and followers keep it current.
  if (e == ErrorCode::kNone && log_.log_end_offset() == log_.log_start_offset()) producer_state_stale_ = false;
  return e;
}

void Partition::producer_state_invalidated() {
  producer_state_stale_ = true;
  ++log_rewrites_;
  producer_state_.clear();
  txns_.clear();
}

ErrorCode Partition::ensure_producer_state() {
  for (int attempt = 0; producer_state_stale_ && attempt < kProducerStateRebuildTries; ++attempt) {
    uint64_t rewrites = log_rewrites_;
    ProducerStateTable fresh(producer_state_.batches_max());
    txn::TxnIndex fresh_txns;
    Offset at = log_.log_start_offset();
    int64_t batches = 0;
    ErrorCode error = ErrorCode::kNone;
    while (at < log_.log_end_offset() && log_rewrites_ == rewrites) {
      storage::LogReadResult r = log_.read(at, kProducerStateScanBytes);
      if (r.error != ErrorCode::kNone || r.batches.empty()) {
        error = r.error == ErrorCode::kNone ? ErrorCode::kKafkaStorageError : r.error;
        break;
      }
      for (const RecordBatch& b : r.batches) {
        fresh.update(b);
        fresh_txns.update(b);
      }
      batches += static_cast<int64_t>(r.batches.size());
      at = r.batches.back().next_offset();
    }
    if (log_rewrites_ != rewrites) continue;  // truncated (or restarted at a new offset) meanwhile
    if (error == ErrorCode::kOffsetOutOfRange) continue;  // retention moved the log start
    if (error != ErrorCode::kNone) return error;
    producer_state_ = std::move(fresh);
    txns_ = std::move(fresh_txns);
    txns_.on_high_watermark(high_watermark_);
    producer_state_stale_ = false;
    ctx_.trace("partition.producer_state_rebuilt", {{"partition", tp_.str()},
                                                    {"producers", static_cast<int64_t>(producer_state_.producer_count())},
                                                    {"batches_scanned", batches},
                                                    {"log_end", log_.log_end_offset().value()}});
    ctx_.emit(ProducerStateRebuilt{tp_, self_, static_cast<int64_t>(producer_state_.producer_count()), batches,
                                   log_.log_end_offset()});
  }
  return producer_state_stale_ ? ErrorCode::kNotLeaderOrFollower : ErrorCode::kNone;
}

void Partition::apply_producer_batch(const RecordBatch& batch) {
  producer_state_.update(batch);
  txns_.update(batch);
}

std::optional<Offset> Partition::last_stable_offset() const {
  if (producer_state_stale_) return std::nullopt;
  return txns_.last_stable_offset(high_watermark_);
}

const ProducerStateTable& Partition::producer_state() {
  ensure_producer_state();
  return producer_state_;
}

void Partition::notify_activity() {
  high_watermark_moved_.notify_all();
  follower_fetch_waiters_.notify_all();
  consumer_fetch_waiters_.notify_all();
  if (activity_ != nullptr) activity_->notify_all();
}

void Partition::notify_appended() {
  follower_fetch_waiters_.notify_all();
  if (activity_ != nullptr) activity_->notify_all();
}

void Partition::notify_high_watermark() {
  high_watermark_moved_.notify_all();
  consumer_fetch_waiters_.notify_all();
  if (activity_ != nullptr) activity_->notify_all();
}

bool Partition::apply(const PartitionRegistration& reg) {
  replicas_ = reg.replicas;
  adding_ = reg.adding_replicas;
  if (!contains(reg.replicas, self_)) {
    bool changed = role_ != Role::kNone;
    role_ = Role::kNone;
    if (changed) notify_activity();  // waiting produces and fetches answer NOT_LEADER_OR_FOLLOWER
    return changed;
  }
  deleted_ = false;
  if (is_leader()) sync_followers();
  bool epoch_changed = reg.leader_epoch != leader_epoch_;
  if (reg.leader == self_) {
    if (role_ != Role::kLeader || epoch_changed) {
      become_leader(reg);
      return true;
    }
  } else if (role_ != Role::kFollower || epoch_changed || reg.leader != leader_) {
    become_follower(reg);
    return true;
  }
  // Same leader and epoch: an ISR change committed by the controller.
  if (reg.partition_epoch > partition_epoch_) {
    if (reg.isr != isr_) ctx_.emit(IsrChanged{tp_, self_, isr_, reg.isr});
    isr_ = reg.isr;
    partition_epoch_ = reg.partition_epoch;
    pending_alter_.reset();  // a newer committed state supersedes whatever was proposed
    if (is_leader()) maybe_advance_high_watermark();
    notify_activity();
  }
  return false;
}

// A reassignment adds and removes replicas without a new leader (Kafka's
// Partition.updateAssignmentAndIsr): the leader tracks every replica of the list.
void Partition::sync_followers() {
  for (auto it = followers_.begin(); it != followers_.end();)
    it = contains(replicas_, it->first) ? std::next(it) : followers_.erase(it);
  sim::Instant now = ctx_.now();
  for (BrokerId r : replicas_)
    if (r != self_ && followers_.count(r) == 0) followers_[r] = FollowerProgress{Offset{-1}, now, now, Offset{-1}};
}

// Kafka's ReplicaManager.stopPartitions with deleteLocalLog (the broker applied metadata
// that no longer lists it as a replica; LogManager.asyncDelete removes the directory): the
// replica stops and its log is emptied, so it holds nothing and no dump lists it.
ErrorCode Partition::delete_replica() {
  EDDY_CHECK(role_ == Role::kNone);
  deleted_ = true;
  Offset before = log_.log_end_offset();
  ErrorCode e = log_.truncate_fully_and_start_at(Offset{0});
  producer_state_invalidated();
  producer_state_stale_ = e != ErrorCode::kNone;
  high_watermark_ = Offset{0};
  leader_ = kNoBroker;
  leader_epoch_ = kNoLeaderEpoch;
  followers_.clear();
  pending_alter_.reset();
  ctx_.emit(ReplicaDeleted{tp_, self_, before});
  return e;
}

void Partition::become_leader(const PartitionRegistration& reg) {
  role_ = Role::kLeader;
  leader_ = self_;
  leader_epoch_ = reg.leader_epoch;
  partition_epoch_ = reg.partition_epoch;
  isr_ = reg.isr;
  pending_alter_.reset();
  log_.assign_epoch_start_offset(leader_epoch_, log_.log_end_offset());
  followers_.clear();
  sim::Instant now = ctx_.now();
  for (BrokerId r : replicas_)
    if (r != self_) followers_[r] = FollowerProgress{Offset{-1}, now, now, Offset{-1}};
  if (high_watermark_ > log_.log_end_offset()) {
    Offset from = high_watermark_;
    high_watermark_ = log_.log_end_offset();
    high_watermark_moved(from);
  }
  ctx_.emit(PartitionLeaderStarted{tp_, self_, leader_epoch_, log_.log_end_offset(), high_watermark_, isr_,
                                   reg.last_election_unclean});
  maybe_advance_high_watermark();
  notify_activity();
}

void Partition::become_follower(const PartitionRegistration& reg) {
  role_ = Role::kFollower;
  leader_ = reg.leader;
  leader_epoch_ = reg.leader_epoch;
  partition_epoch_ = reg.partition_epoch;
  isr_ = reg.isr;
  pending_alter_.reset();
  followers_.clear();
  ctx_.emit(PartitionFollowerStarted{tp_, self_, leader_, leader_epoch_});
  // Waiting producers and fetchers see the change and answer NOT_LEADER_OR_FOLLOWER.
  notify_activity();
}

storage::LogAppendInfo Partition::append_checked(const RecordBatch& batch, LeaderEpoch epoch, bool& duplicate) {
  sim::MutexLock lock(append_mutex_);
  storage::LogAppendInfo info;
  duplicate = false;
  bool idempotent = batch.producer_id != kNoProducerId;
  if (idempotent) {
    info.error = ensure_producer_state();  // may block: leadership is re-checked below
    if (info.error != ErrorCode::kNone) return info;
  }
  if (!is_leader() || leader_epoch_ != epoch) {
    info.error = ErrorCode::kNotLeaderOrFollower;
    return info;
  }
  if (idempotent) {
    ProducerCheckResult check = producer_state_.check(batch);
    // BUG ZOO (kStaleEpochProduceAccepted, eddy's mutation of KIP-98's fencing): a batch of an
    // older epoch than the producer's (a fenced zombie's) is appended, not refused.
    if (check.verdict == ProducerCheck::kReject && check.error == ErrorCode::kInvalidProducerEpoch &&
        config_.variants.has(Variant::kStaleEpochProduceAccepted) && !txn::is_control(batch))
      check.verdict = ProducerCheck::kAppend;
    if (check.verdict == ProducerCheck::kReject) {
      ctx_.trace("partition.producer_rejected",
                 {{"partition", tp_.str()}, {"producer_id", batch.producer_id.value()},
                  {"error", to_string(check.error)}, {"why", check.reason}});
      info.error = check.error;
      return info;
    }
    if (check.verdict == ProducerCheck::kDuplicate) {
      // A retry of a batch already in the log: answer with where it is (Kafka's
      // DUPLICATE_SEQUENCE semantics), append nothing.
      duplicate = true;
      info.first_offset = check.duplicate_of.first_offset;
      info.last_offset = check.duplicate_of.last_offset;
      ctx_.trace("partition.duplicate_batch",
                 {{"partition", tp_.str()}, {"producer_id", batch.producer_id.value()},
                  {"epoch", static_cast<int64_t>(batch.producer_epoch)},
                  {"first_sequence", static_cast<int64_t>(batch.base_sequence)},
                  {"first_offset", info.first_offset.value()}});
      ctx_.emit(DuplicateBatchAnswered{tp_, self_, batch.producer_id, batch.producer_epoch, batch.base_sequence,
                                       info.first_offset});
      return info;
    }
  }
  info = log_.append_as_leader(batch, epoch);
  if (info.error == ErrorCode::kNone && idempotent && !producer_state_stale_) {
    RecordBatch appended;  // the header as the log holds it
    appended.producer_id = batch.producer_id;
    appended.producer_epoch = batch.producer_epoch;
    appended.base_sequence = batch.base_sequence;
    appended.attributes = batch.attributes;
    appended.records = batch.records;  // shared: a marker's type is its record's key
    appended.base_offset = info.first_offset;
    appended.last_offset_delta = static_cast<int32_t>(info.last_offset - info.first_offset);
    apply_producer_batch(appended);
  }
  return info;
}

// Kafka's LogValidator: a compressed batch is decompressed to validate its records, and a
// topic whose compression.type is not "producer" stores batches in its own codec (decompress,
// then compress). Sets `batch`'s codec to the stored one; returns the CPU time it costs.
sim::Duration Partition::validation_cost(RecordBatch& batch) const {
  const storage::Compression sent = storage::compression_of(batch.attributes);
  const storage::Compression stored = config_.log.compression_type.value_or(sent);
  const double bytes = static_cast<double>(batch.records.records_bytes() + batch.records.padding_bytes());
  double ns = bytes * storage::codec(sent).decompress_ns_per_byte;
  if (stored != sent) {
    ns += bytes * storage::codec(stored).compress_ns_per_byte;
    batch.attributes = storage::with_compression(batch.attributes, stored);
  }
  return sim::nanoseconds(static_cast<int64_t>(ns));
}

ProducePartitionResponse Partition::produce(const RecordBatch& batch, int16_t acks, sim::Duration timeout) {
  ProducePartitionResponse r{tp_, ErrorCode::kNone, Offset{-1}, leader_epoch_};
  if (!is_leader()) {
    r.error = ErrorCode::kNotLeaderOrFollower;
    return r;
  }
  if (acks == kAcksAll && static_cast<int32_t>(isr_.size()) < config_.min_insync_replicas) {
    r.error = ErrorCode::kNotEnoughReplicas;
    return r;
  }
  LeaderEpoch epoch = leader_epoch_;
  bool duplicate = false;
  RecordBatch stored = batch;  // shares the records
  if (sim::Duration cpu = validation_cost(stored); cpu > sim::Duration::zero()) {
    ctx_.sleep_for(cpu);  // the request handler's CPU time (compression.h)
    if (!is_leader() || leader_epoch_ != epoch) {
      r.error = ErrorCode::kNotLeaderOrFollower;
      return r;
    }
  }
  storage::LogAppendInfo info = append_checked(stored, epoch, duplicate);
  // BUG ZOO (`ack-on-failed-log-dir`, a planted mutation of KIP-112): a leader whose log
  // directory failed answers the write as appended at its log end, though nothing was written.
  if (info.error == ErrorCode::kKafkaStorageError && config_.variants.has(Variant::kAckOnFailedLogDir)) {
    r.base_offset = log_.log_end_offset();
    return r;
  }
  if (info.error != ErrorCode::kNone) {
    r.error = info.error;
    return r;
  }
  r.base_offset = info.first_offset;
  if (!duplicate) {
    maybe_advance_high_watermark();  // notifies if the append alone commits (ISR of one)
    notify_appended();
  }
  if (acks != kAcksAll) return r;
  // A duplicate is acknowledged like the original would be: once replicated.
  sim::Instant deadline = ctx_.sim_deadline(timeout);
  for (;;) {
    if (!is_leader() || leader_epoch_ != epoch) {
      r.error = ErrorCode::kNotLeaderOrFollower;
      return r;
    }
    if (high_watermark_ > info.last_offset) {
      if (static_cast<int32_t>(isr_.size()) < config_.min_insync_replicas) r.error = ErrorCode::kNotEnoughReplicasAfterAppend;
      return r;
    }
    if (ctx_.true_now() >= deadline) {
      r.error = ErrorCode::kRequestTimedOut;
      return r;
    }
    high_watermark_moved_.wait_until(deadline);
  }
}

ErrorCode Partition::check_fetch_epoch(LeaderEpoch requested) const {
  if (requested == kNoLeaderEpoch) return ErrorCode::kNone;
  // BUG ZOO (KIP-320, fixed in Kafka 2.1.0): fetches carried no current leader epoch, so a
  // follower (or consumer) that had not heard of a leader change was served as if nothing
  // happened: a follower whose log diverged under an older epoch appends the new leader's
  // records on top of its own tail, and the leader counts that as progress.
  if (config_.variants.has(Variant::kPreKip320UnfencedFetch)) return ErrorCode::kNone;
  if (requested < leader_epoch_) return ErrorCode::kFencedLeaderEpoch;
  if (requested > leader_epoch_) return ErrorCode::kUnknownLeaderEpoch;
  return ErrorCode::kNone;
}

FetchPartitionResponse Partition::fetch(const FetchPartition& req, BrokerId replica, bool read_committed) {
  FetchPartitionResponse r;
  r.tp = tp_;
  bool follower = replica != kNoBroker;
  if (!is_leader()) {
    r.error = ErrorCode::kNotLeaderOrFollower;
    return r;
  }
  if (ErrorCode e = check_fetch_epoch(req.current_leader_epoch); e != ErrorCode::kNone) {
    r.error = e;
    return r;
  }
  if (follower) update_follower(replica, req.fetch_offset, ctx_.now());
  std::optional<Offset> max_offset;
  if (!follower) max_offset = high_watermark_;
  read_committed = read_committed && !follower;
  if (read_committed) {
    // KIP-98: a read_committed fetch reads to the last stable offset. While the transaction
    // state is being rebuilt from the log (after a restart or a truncation) the LSO is not
    // known: nothing is returned yet (the consumer polls again).
    std::optional<Offset> lso = last_stable_offset();
    max_offset = lso.value_or(std::min(req.fetch_offset, high_watermark_));
    if (!lso && !rebuild_scheduled_) {
      // The state is rebuilt lazily, at the first idempotent produce; a read_committed reader
      // must not wait for one: rebuild it now, as an append would (under the append lock).
      rebuild_scheduled_ = true;
      ctx_.spawn("producer-state-rebuild", [this] {
        sim::MutexLock lock(append_mutex_);
        ensure_producer_state();
        rebuild_scheduled_ = false;
      });
    }
    // BUG ZOO (eddy's transactions zoo, not a Kafka release): read_committed served to the
    // high watermark, as read_uncommitted is: records of open transactions are visible.
    if (config_.variants.has(Variant::kReadCommittedPastLso)) max_offset = high_watermark_;
  }
  LeaderEpoch epoch = leader_epoch_;
  if (EDDY_FAULT_POINT("replication.slow_fetch_read")) ctx_.sleep_for(fault_delay(ctx_, sim::milliseconds(1), sim::milliseconds(100)));
  storage::LogReadResult read = log_.read(req.fetch_offset, req.partition_max_bytes, max_offset);
  if (!is_leader() || leader_epoch_ != epoch) {  // lost leadership while reading from disk
    r.error = ErrorCode::kNotLeaderOrFollower;
    return r;
  }
  r.error = read.error;
  r.batches = std::move(read.batches);
  r.high_watermark = high_watermark_;
  r.last_stable_offset = last_stable_offset().value_or(Offset{-1});
  if (read_committed && !r.batches.empty() && !config_.variants.has(Variant::kNoAbortedTransactionsInFetch)) {
    // BUG ZOO (kNoAbortedTransactionsInFetch, eddy's zoo): without the aborted list a
    // read_committed consumer cannot tell aborted records from committed ones.
    r.aborted_transactions = txns_.aborted_between(req.fetch_offset, r.batches.back().next_offset());
  }
  r.log_start_offset = log_.log_start_offset();
  r.log_end_offset = log_.log_end_offset();
  r.leader_epoch = leader_epoch_;
  return r;
}

EpochEndOffsetResult Partition::end_offset_for(const EpochQuery& q) const {
  EpochEndOffsetResult r;
  r.tp = tp_;
  if (!is_leader()) {
    r.error = ErrorCode::kNotLeaderOrFollower;
    return r;
  }
  if (ErrorCode e = check_fetch_epoch(q.current_leader_epoch); e != ErrorCode::kNone) {
    r.error = e;
    return r;
  }
  storage::EpochEndOffset eo = log_.end_offset_for_epoch(q.leader_epoch);
  r.leader_epoch = eo.leader_epoch;
  r.end_offset = eo.end_offset;
  return r;
}

void Partition::update_follower(BrokerId replica, Offset fetch_offset, sim::Instant now) {
  auto it = followers_.find(replica);
  if (it == followers_.end()) return;  // not a replica of this partition
  FollowerProgress& p = it->second;
  Offset leader_end = log_.log_end_offset();
  // Kafka's lastCaughtUpTime: caught up to the log end now, or to where it was at the
  // follower's previous fetch.
  if (fetch_offset >= leader_end) p.last_caught_up = now;
  else if (fetch_offset >= p.leader_end_at_last_fetch) p.last_caught_up = p.last_fetch;
  bool moved = fetch_offset != p.log_end_offset;
  p.log_end_offset = fetch_offset;
  p.leader_end_at_last_fetch = leader_end;
  p.last_fetch = now;
  // Only this follower's progress can have changed the high watermark's inputs here: every
  // other change (appends, ISR, leadership, AlterPartition settling) checks it itself. A
  // long-poll re-evaluated at the same offset leaves it where it is.
  if (moved) maybe_advance_high_watermark();
}

void Partition::maybe_advance_high_watermark() {
  if (!is_leader()) return;
  // KIP-966 ("the High Watermark can only advance if the ISR size is larger or equal to
  // min.insync.replicas"; Kafka's Partition.maybeIncrementLeaderHW, isUnderMinIsr).
  // BUG ZOO (pre-KIP-966, `pre-kip-966-no-elr`): without it the HW advances on an ISR of one.
  if (config_.eligible_leader_replicas && static_cast<int32_t>(isr_.size()) < config_.min_insync_replicas) return;
  Offset hw = log_.log_end_offset();
  // Over the maximal ISR: the committed ISR and, while an AlterPartition is unsettled, the
  // members it proposes (no allocation: this runs on every follower fetch).
  auto bound_by = [&](BrokerId b) {
    if (b == self_) return true;
    auto it = followers_.find(b);
    if (it == followers_.end() || it->second.log_end_offset < Offset{0}) return false;  // unknown progress
    hw = std::min(hw, it->second.log_end_offset);
    return true;
  };
  for (BrokerId b : isr_)
    if (!bound_by(b)) return;
  // BUG ZOO (eddy's own seed-47 finding, fixed in commit ca79723; Kafka counts the maximal
  // ISR since KIP-497, 2.7.0): over the committed ISR only. When the controller committed an
  // expansion whose answer was lost, the new member is electable while the leader
  // acknowledges records it lacks.
  bool committed_isr_only = config_.variants.has(Variant::kHwOverCommittedIsr);
  if (pending_alter_ && !committed_isr_only)
    for (BrokerId b : pending_alter_->new_isr)
      if (!contains(isr_, b) && !bound_by(b)) return;
  if (hw <= high_watermark_) return;
  Offset from = high_watermark_;
  high_watermark_ = hw;
  EDDY_CHECK(high_watermark_ <= log_.log_end_offset());
  high_watermark_moved(from);
  txns_.on_high_watermark(high_watermark_);
  notify_high_watermark();
}

void Partition::high_watermark_moved(Offset from) {
  if (!ctx_.observed<HighWatermarkUpdated>()) return;
  HighWatermarkUpdated e{tp_, self_, leader_epoch_, is_leader(), from, high_watermark_, log_.log_end_offset(), {}};
  if (high_watermark_ > from)
    for (const storage::EpochEntry& x : log_.leader_epoch_cache().entries_covering(from, high_watermark_))
      e.epochs.emplace_back(x.start_offset, x.epoch);
  ctx_.emit(e);
}

bool Partition::alter_pending(const IsrProposal& p) const {
  return pending_alter_ && pending_alter_->leader_epoch == p.leader_epoch &&
         pending_alter_->partition_epoch == p.partition_epoch && pending_alter_->new_isr == p.new_isr;
}

void Partition::alter_sent(const IsrProposal& p) { pending_alter_ = p; }

void Partition::alter_settled(const IsrProposal& p) {
  if (alter_pending(p)) pending_alter_.reset();
  if (is_leader()) maybe_advance_high_watermark();
}

std::vector<BrokerId> Partition::maximal_isr() const {
  std::vector<BrokerId> out = isr_;
  if (pending_alter_)
    for (BrokerId b : pending_alter_->new_isr)
      if (!contains(out, b)) out.push_back(b);
  return out;
}

std::optional<IsrProposal> Partition::maybe_shrink_isr(sim::Instant now) {
  if (!is_leader() || alter_in_flight()) return std::nullopt;
  std::vector<BrokerId> keep;
  std::vector<BrokerId> dropped;
  for (BrokerId b : isr_) {
    auto it = followers_.find(b);
    bool lagging = b != self_ && (it == followers_.end() || now - it->second.last_caught_up > config_.replica_lag_time_max);
    (lagging ? dropped : keep).push_back(b);
  }
  if (dropped.empty()) return std::nullopt;
  ctx_.emit(IsrShrinkProposed{tp_, self_, dropped});
  return IsrProposal{tp_, leader_epoch_, partition_epoch_, keep};
}

std::optional<IsrProposal> Partition::maybe_expand_isr(BrokerId follower) {
  if (!is_leader() || alter_in_flight() || contains(isr_, follower) || !contains(replicas_, follower)) return std::nullopt;
  auto it = followers_.find(follower);
  if (it == followers_.end()) return std::nullopt;
  auto epoch_start = log_.leader_epoch_cache().latest_entry();
  Offset needed = std::max(high_watermark_, epoch_start ? epoch_start->start_offset : Offset{0});
  // BUG ZOO (KAFKA-7128, fixed in Kafka 2.0.1 and 2.1.0): the follower only had to reach the
  // high watermark. A new leader's high watermark can lag what the previous leader committed;
  // a follower let into the ISR below the start of the leader's epoch lacks committed records,
  // and if it is elected next, they are lost.
  if (config_.variants.has(Variant::kKafka7128IsrExpansion)) needed = high_watermark_;
  if (it->second.log_end_offset < needed) return std::nullopt;
  if (EDDY_FAULT_POINT("replication.isr_expand_delayed")) return std::nullopt;  // proposed again at its next fetch
  std::vector<BrokerId> isr = isr_;
  isr.push_back(follower);
  ctx_.emit(IsrExpandProposed{tp_, self_, follower});
  return IsrProposal{tp_, leader_epoch_, partition_epoch_, isr};
}

ErrorCode Partition::append_as_follower(const std::vector<RecordBatch>& batches, Offset leader_high_watermark) {
  for (const auto& b : batches) {
    if (b.next_offset() <= log_.log_end_offset()) continue;  // already have it (a duplicate response)
    storage::LogAppendInfo info = log_.append_as_follower(b);
    if (info.error != ErrorCode::kNone) return info.error;
    if (!producer_state_stale_) apply_producer_batch(b);  // followers keep producer state too
  }
  Offset hw = std::min(leader_high_watermark, log_.log_end_offset());
  if (hw > high_watermark_) {
    Offset from = high_watermark_;
    high_watermark_ = hw;
    txns_.on_high_watermark(high_watermark_);
    high_watermark_moved(from);
  }
  // Nobody long-polls a follower (fetches from it are answered NOT_LEADER_OR_FOLLOWER at
  // once); kept for any waiter that outlived a role change.
  follower_fetch_waiters_.notify_all();
  consumer_fetch_waiters_.notify_all();
  if (activity_ != nullptr) activity_->notify_all();
  return ErrorCode::kNone;
}

ErrorCode Partition::truncate_to(Offset offset, const char* why) {
  if (offset >= log_.log_end_offset()) return log_.truncate_to(offset);  // the epoch cache only
  ctx_.emit(LogTruncated{tp_, self_, log_.log_end_offset(), offset, false, why});
  producer_state_invalidated();  // the state may name batches no longer in the log
  ErrorCode e = log_.truncate_to(offset);
  if (high_watermark_ > log_.log_end_offset()) {
    Offset from = high_watermark_;
    high_watermark_ = log_.log_end_offset();
    high_watermark_moved(from);
  }
  return e;
}

ErrorCode Partition::truncate_fully_and_start_at(Offset offset, const char* why) {
  ctx_.emit(LogTruncated{tp_, self_, log_.log_end_offset(), offset, true, why});
  producer_state_invalidated();
  ErrorCode e = log_.truncate_fully_and_start_at(offset);
  if (high_watermark_ > log_.log_end_offset()) {
    Offset from = high_watermark_;
    high_watermark_ = log_.log_end_offset();
    high_watermark_moved(from);
  }
  return e;
}

namespace {

// record_id_of() on a value still in the log's bytes: the first 8 bytes, 0 when shorter.
uint64_t record_id_of_value(std::string_view value) {
  if (value.size() < 8) return 0;
  uint64_t id;
  std::memcpy(&id, value.data(), 8);
  return id;
}

}  // namespace

ReplicaDump Partition::dump() {
  ReplicaDump d;
  d.tp = tp_;
  d.leader = is_leader();
  d.leader_epoch = leader_epoch_;
  d.log_start_offset = log_.log_start_offset();
  d.log_end_offset = log_.log_end_offset();
  d.high_watermark = high_watermark_;
  d.isr = isr_;
  // Every record's id straight from the log's bytes (one disk copy per segment, no Records):
  // this dump runs for every replica at the end of every run and decoding the whole log
  // into Records was ~5% of a run. When the scan cannot promise what reads would return
  // (corruption, a busy log, reads that cost time) the log is read as before.
  d.records.reserve(static_cast<size_t>(std::max<int64_t>(0, d.log_end_offset - d.log_start_offset)));
  storage::LogScanResult scan = log_.scan_values([&](Offset base, const std::vector<std::string_view>& values) {
    for (size_t i = 0; i < values.size(); ++i)
      if (!values[i].empty())  // empty: a record the log cleaner removed (Record::compacted)
        d.records.emplace_back(base + static_cast<int64_t>(i), record_id_of_value(values[i]));
  });
  if (scan.complete) return d;
  d.records.clear();
  Offset at = log_.log_start_offset();
  while (at < log_.log_end_offset()) {
    storage::LogReadResult r = log_.read(at, 1 << 20);
    if (r.error != ErrorCode::kNone || r.batches.empty()) break;
    for (const auto& b : r.batches)
      for (size_t i = 0; i < b.records.size(); ++i)
        if (!b.records[i].compacted) d.records.emplace_back(b.base_offset + static_cast<int64_t>(i), record_id_of(b.records[i]));
    at = r.batches.back().next_offset();
  }
  return d;
}

}  // namespace broker_model
