#include "broker_model/broker/replica_manager.h"

#include <algorithm>

#include <boost/container/small_vector.hpp>

#include "broker_model/clients/client_config.h"
#include "broker_model/controller/replication_control.h"
#include "sim/check.h"
#include "broker_model/fault_sites.h"
#include "sim/fault_point.h"

namespace broker_model {

namespace {
// Between re-sends of an AlterPartition whose outcome is unknown.
constexpr sim::Duration kAlterPartitionRetryBackoff = sim::milliseconds(100);
}  // namespace

ReplicaManager::ReplicaManager(RpcEndpoint& rpc, BrokerConfig config, AlterPartitionFn alter_partition)
    : rpc_(rpc),
      config_(config),
      alter_partition_(std::move(alter_partition)),
      fetch_sessions_(config.max_incremental_fetch_session_cache_slots, rpc.context().prng().fork("fetch-sessions")) {
  std::vector<std::string> names = config_.log_dirs;
  if (names.empty()) names.push_back("");
  for (size_t k = 0; k < names.size(); ++k) {
    LogDir d;
    d.name = names[k];
    d.prefix = names[k].empty() ? "" : log_dir_prefix(names[k]);
    d.failure = std::make_unique<storage::LogDirFailureChannel>([this, k](std::string_view log, std::string_view during) {
      // Called in the middle of a failing operation: the handler fiber does the rest, as
      // Kafka's LogDirFailureChannel queues the directory for its LogDirFailureHandler.
      log_dirs_[k].failure_reason = std::string(log) + " (" + std::string(during) + ")";
      log_dir_failed_.notify_all();
    });
    log_dirs_.push_back(std::move(d));
  }
}

std::string log_dir_prefix(std::string_view name) {
  while (name.starts_with('/')) name.remove_prefix(1);
  while (name.ends_with('/')) name.remove_suffix(1);
  return std::string(name) + "/";
}

void ReplicaManager::start() {
  rpc_.context().spawn("isr-maintenance", [this] { isr_maintenance_loop(); });
  rpc_.context().spawn("log-manager", [this] { log_manager_loop(); });
  rpc_.context().spawn("log-cleaner", [this] { log_cleaner_loop(); });
  rpc_.context().spawn("log-dir-failure-handler", [this] { log_dir_failure_loop(); });
}

// Kafka's ReplicaManager.handleLogDirFailure: the replicas of a failed log directory stop
// being served (their logs answer KAFKA_STORAGE_ERROR from the failure on, followers stop
// fetching: replicaFetcherManager.removeFetcherForPartitions, logManager.handleLogDirFailure),
// and when no log directory is left online the broker halts ("Shutdown broker because all log
// dirs in ... have failed", then Exit.halt; core/src/main/scala/kafka/server/ReplicaManager.scala).
// A broker with one log directory therefore halts; the controller fences it when its
// heartbeats stop. With several (KIP-112, and KIP-858 in KRaft) it goes on: the directory is
// reported to the controller (BrokerLifecycleManager.propagateDirectoryFailure: the heartbeat's
// OfflineLogDirs), which moves leadership away from the replicas in it and takes them out of
// the ISR (ReplicationControlManager.handleDirectoriesOffline). Kafka brings a failed
// directory back only with a restart, as here.
void ReplicaManager::log_dir_failure_loop() {
  for (;;) {
    size_t failed = log_dirs_.size();
    for (size_t k = 0; k < log_dirs_.size() && failed == log_dirs_.size(); ++k)
      if (!log_dirs_[k].handled && log_dirs_[k].failure->has_failed()) failed = k;
    if (failed == log_dirs_.size()) {
      log_dir_failed_.wait();
      continue;
    }
    handle_log_dir_failure(failed);
  }
}

void ReplicaManager::handle_log_dir_failure(size_t k) {
  sim::NodeContext& ctx = rpc_.context();
  LogDir& d = log_dirs_[k];
  d.handled = true;
  const bool all_failed = std::all_of(log_dirs_.begin(), log_dirs_.end(), [](const LogDir& x) { return x.handled; });
  if (log_dirs_.size() == 1) {
    ctx.emit(LogDirFailed{config_.id, d.failure_reason, "", d.name, true, 0});
    ctx.trace("broker.log_dir_failed", {{"broker", config_.id.value()}, {"log", d.failure_reason}});
    ctx.halt("all log dirs have failed: " + d.failure_reason);
  }
  std::vector<TopicPartition> offline;
  for_each_partition([&](Partition& p) {
    if (p.deleted() || log_dir_of(p) != k) return;
    p.log().take_offline("log-dir-failure");
    offline.push_back(p.tp());
    if (p.is_follower()) {
      auto f = fetchers_.find(p.leader());
      if (f != fetchers_.end()) f->second->remove(&p);
    }
  });
  ctx.emit(LogDirFailed{config_.id, d.failure_reason, "", d.name, all_failed || k == 0, static_cast<int32_t>(offline.size())});
  ctx.trace("broker.log_dir_failed", {{"broker", config_.id.value()}, {"log", d.failure_reason}, {"dir", d.name},
                                      {"replicas", offline.size()}});
  if (all_failed) ctx.halt("all log dirs have failed: " + d.failure_reason);
  // In KRaft the metadata log lives in metadata.log.dir, by default the first of log.dirs; its
  // failure halts the broker ("Shutdown broker because the metadata log dir ... has failed",
  // ReplicaManager.handleLogDirFailure).
  if (k == 0) ctx.halt("the metadata log dir has failed: " + d.failure_reason);
  // BUG ZOO (`log-dir-failure-unreported`): the controller is never told.
  if (config_.variants.has(Variant::kLogDirFailureUnreported)) return;
  if (on_log_dir_offline_) on_log_dir_offline_(d.name, std::move(offline));
}

size_t ReplicaManager::log_dir_of(const Partition& p) const {
  for (size_t k = log_dirs_.size(); k-- > 1;)
    if (p.log_dir() == log_dirs_[k].prefix) return k;
  return 0;
}

// Kafka's LogManager: a log found on disk stays in its directory (loadLogs); a new one goes to
// the online directory holding the fewest logs, the first in log.dirs order on a tie
// (nextLogDirs). Kafka 3.7+ then tells the controller (AssignReplicasToDirs); eddy's
// controller learns a replica's directory only when that directory fails (the heartbeat names
// the replicas it held), which is when it acts on it.
size_t ReplicaManager::place_log(const TopicPartition& tp) {
  if (log_dirs_.size() == 1) return 0;
  sim::Files& files = rpc_.context().files();
  for (size_t k = 0; k < log_dirs_.size(); ++k)
    if (!files.list(log_dirs_[k].prefix + storage::PartitionLog::dir_for(tp)).empty()) return k;
  size_t best = log_dirs_.size();
  for (size_t k = 0; k < log_dirs_.size(); ++k) {
    if (log_dirs_[k].failure->has_failed()) continue;
    if (best == log_dirs_.size() || log_dirs_[k].partitions < log_dirs_[best].partitions) best = k;
  }
  return best == log_dirs_.size() ? 0 : best;  // none online: the broker is halting
}

// Kafka's LogManager background tasks: the flush.ms scheduler and retention (time and size),
// which deletes whole segments below the high watermark and advances the log start offset.
void ReplicaManager::log_manager_loop() {
  sim::NodeContext& ctx = rpc_.context();
  sim::Duration flush_period = sim::milliseconds(std::max<int64_t>(1, config_.log_flush_scheduler_interval_ms));
  sim::Duration retention_period = sim::milliseconds(std::max<int64_t>(1, config_.log_retention_check_interval_ms));
  sim::Instant next_retention = ctx.now() + retention_period;
  for (;;) {
    ctx.sleep_for(flush_period);
    for_each_partition([](Partition& p) { p.log().maybe_flush(); });
    if (ctx.now() < next_retention) continue;
    next_retention = ctx.now() + retention_period;
    int64_t now_ms = ctx.wall_now().ns() / 1'000'000;
    for_each_partition([&](Partition& p) {
      Offset before = p.log().log_start_offset();
      storage::RetentionResult r = p.log().delete_old_segments(now_ms, p.high_watermark());
      if (r.segments_deleted > 0)
        ctx.emit(RetentionDeleted{p.tp(), config_.id, r.segments_deleted, p.log().log_start_offset(), before});
    });
  }
}

// Kafka's LogCleaner thread: every log.cleaner.backoff.ms, each compacted replica's log is
// cleaned below its high watermark when dirty enough (PartitionLog::clean). Kafka cleans the
// dirtiest log first, one at a time; here every log that qualifies is cleaned each round.
void ReplicaManager::log_cleaner_loop() {
  sim::NodeContext& ctx = rpc_.context();
  const sim::Duration backoff = sim::milliseconds(std::max<int64_t>(1, config_.log_cleaner_backoff_ms));
  for (;;) {
    ctx.sleep_for(backoff);
    int64_t now_ms = ctx.wall_now().ns() / 1'000'000;
    for_each_partition([&](Partition& p) {
      if (!p.log().config().cleanup_compact) return;
      storage::CleanResult r = p.log().clean(now_ms, p.high_watermark());
      if (r.cleaned && r.error == ErrorCode::kNone && r.records_removed + r.tombstones_removed > 0)
        ctx.emit(LogCompacted{p.tp(), config_.id, r.first_uncleanable, r.records_removed, r.tombstones_removed});
    });
  }
}

Partition* ReplicaManager::partition(const TopicPartition& tp) {
  const auto* by_number = partitions_.find(tp.topic);
  if (by_number == nullptr || tp.partition < 0) return nullptr;
  auto n = static_cast<size_t>(tp.partition);
  return n < by_number->size() ? (*by_number)[n].get() : nullptr;
}

PartitionConfig ReplicaManager::partition_config(const TopicPartition& tp, const MetadataImage& image) {
  PartitionConfig c;
  c.log = config_.log;
  c.replica_lag_time_max = sim::milliseconds(config_.replica_lag_time_max_ms);
  c.min_insync_replicas = config_.min_insync_replicas;
  c.variants = config_.variants;
  c.eligible_leader_replicas = config_.eligible_leader_replicas && !config_.variants.has(Variant::kPreKip966NoElr);
  if (const TopicImage* t = image.topic(tp.topic)) {
    for (const auto& [key, value] : t->configs) {
      auto v = parse_int(value);
      if (key == "min.insync.replicas" && v) c.min_insync_replicas = static_cast<int32_t>(*v);
      else c.log.set_text(key, value);  // segment.bytes, retention.ms, cleanup.policy, ...
    }
  }
  return c;
}

Partition* ReplicaManager::create_partition(const TopicPartition& tp, const MetadataImage& image) {
  PartitionConfig config = partition_config(tp, image);
  const size_t dir = place_log(tp);
  config.log_dir = log_dirs_[dir].prefix;
  config.log_dir_failure = log_dirs_[dir].failure.get();
  ++log_dirs_[dir].partitions;
  auto p = std::make_unique<Partition>(rpc_.context(), config_.id, tp, config, nullptr);
  Partition* raw = p.get();
  EDDY_CHECK(tp.partition >= 0);
  auto& by_number = partitions_[tp.topic];
  if (by_number.size() <= static_cast<size_t>(tp.partition)) by_number.resize(static_cast<size_t>(tp.partition) + 1);
  by_number[static_cast<size_t>(tp.partition)] = std::move(p);
  raw->open();  // recovery from disk; a failed log stays offline and answers KAFKA_STORAGE_ERROR
  if (log_dirs_[dir].handled) {
    // Its directory failed before: the replica is offline from the start and the controller
    // hears of it with the directory's other replicas.
    raw->log().take_offline("log-dir-failure");
    if (on_log_dir_offline_) on_log_dir_offline_(log_dirs_[dir].name, {tp});
  }
  return raw;
}

void ReplicaManager::apply_metadata(MetadataImage image) {
  sim::MutexLock lock(apply_mutex_);
  for (const auto& [tp, reg] : image.partitions()) {
    if (!reg.is_replica(config_.id) && partition(tp) == nullptr) continue;
    Partition* p = partition(tp);
    if (p == nullptr) p = create_partition(tp, image);
    BrokerId old_leader = p->leader();
    bool was_follower = p->is_follower();
    bool changed = p->apply(reg);
    if (changed && was_follower && old_leader != kNoBroker) {
      auto f = fetchers_.find(old_leader);
      if (f != fetchers_.end()) f->second->remove(p);
    }
    // No longer a replica (a reassignment moved it away): stop it and delete its log, as
    // KRaft's ReplicaManager.applyDelta does for partitions removed from this broker.
    if (!reg.is_replica(config_.id)) {
      if (!p->deleted()) p->delete_replica();  // blocks on disk
      continue;
    }
    // A replica in a failed log directory fetches nothing (Kafka's handleLogDirFailure removed
    // its fetcher; an offline partition gets none back).
    if (changed && p->is_follower() && p->leader() != kNoBroker && !in_failed_dir(*p)) assign_fetcher(p);
  }
  apply_throttles(image);
}

namespace {

// "*" or "partition:broker,...": does it name `partition` on `broker`?
bool names_replica(const std::string& list, int32_t partition, BrokerId broker) {
  if (list == "*") return true;
  const std::string want = std::to_string(partition) + ":" + broker.str();
  size_t at = 0;
  while (at < list.size()) {
    size_t comma = list.find(',', at);
    size_t end = comma == std::string::npos ? list.size() : comma;
    if (list.compare(at, end - at, want) == 0) return true;
    at = end + 1;
  }
  return false;
}

int64_t rate_of(const std::string& value) {
  auto v = parse_int(value);
  return v && *v >= 0 ? *v : ReplicationQuota::kUnlimited;
}

}  // namespace

// Kafka's DynamicConfig handlers (BrokerConfigHandler, TopicConfigHandler.updateThrottledList).
void ReplicaManager::apply_throttles(const MetadataImage& image) {
  leader_quota_.set_rate(rate_of(image.broker_config(config_.id, kLeaderThrottledRateConfig, "")));
  follower_quota_.set_rate(rate_of(image.broker_config(config_.id, kFollowerThrottledRateConfig, "")));
  for (auto& [topic, by_number] : partitions_) {
    const TopicImage* t = image.topic(topic.str());
    std::string leader_list, follower_list;
    if (t != nullptr) {
      if (auto it = t->configs.find(kLeaderThrottledReplicasConfig); it != t->configs.end()) leader_list = it->second;
      if (auto it = t->configs.find(kFollowerThrottledReplicasConfig); it != t->configs.end()) follower_list = it->second;
    }
    for (size_t i = 0; i < by_number.size(); ++i) {
      if (by_number[i] == nullptr) continue;
      auto n = static_cast<int32_t>(i);
      by_number[i]->set_throttled(!leader_list.empty() && names_replica(leader_list, n, config_.id),
                                  !follower_list.empty() && names_replica(follower_list, n, config_.id));
    }
  }
}

void ReplicaManager::assign_fetcher(Partition* p) {
  auto& f = fetchers_[p->leader()];
  if (!f) {
    f = std::make_unique<ReplicaFetcher>(rpc_, config_, p->leader(), follower_quota_);
    f->start();
  }
  f->add(p);
}

ProduceResponse ReplicaManager::handle_produce(const ProduceRequest& req) {
  ProduceResponse resp;
  for (const auto& pd : req.partitions) {
    Partition* p = partition(pd.tp);
    if (p == nullptr) {
      resp.partitions.push_back(ProducePartitionResponse{pd.tp, ErrorCode::kNotLeaderOrFollower, Offset{-1}, kNoLeaderEpoch});
      continue;
    }
    resp.partitions.push_back(p->produce(pd.batch, req.acks, sim::milliseconds(req.timeout_ms)));
  }
  return resp;
}

namespace {
constexpr size_t kInlineFetchPartitions = 16;
}  // namespace

FetchResponse ReplicaManager::handle_fetch(const FetchRequest& req) {
  sim::NodeContext& ctx = rpc_.context();
  // The fetch session (KIP-227): an incremental fetch reads every partition of its session
  // (as a full fetch reads every partition it names) and its answer leaves out those with
  // nothing new.
  std::shared_ptr<FetchSession> session;
  bool create_session = false;
  if (req.full()) {
    if (req.session_id != kInvalidFetchSessionId) fetch_sessions_.remove(req.session_id);
    create_session = req.session_epoch == kInitialFetchSessionEpoch;
  } else {
    if (EDDY_FAULT_POINT("fetch.session_evicted")) fetch_sessions_.remove(req.session_id);
    session = fetch_sessions_.find(req.session_id);
    if (session == nullptr || session->epoch != req.session_epoch) {
      FetchResponse resp;
      resp.error = session == nullptr ? ErrorCode::kFetchSessionIdNotFound : ErrorCode::kInvalidFetchSessionEpoch;
      ctx.emit(FetchSessionRefused{config_.id, resp.error});
      return resp;
    }
    session->update(req.partitions, req.forgotten);
    session->epoch = next_fetch_session_epoch(session->epoch);
    session->last_used = ctx.now();
  }
  // What this fetch reads. A session's list changes only by a request carrying the epoch this
  // one moved it to, which its client sends after this answer: it stays put while this waits.
  const std::vector<FetchPartition>& asked = session != nullptr ? session->partitions : req.partitions;

  sim::Instant deadline = ctx.sim_deadline(sim::milliseconds(std::max(0, req.max_wait_ms)));
  // Long-poll on the partitions asked for: woken when one of them moves, not on every
  // append anywhere on the broker. (This list and `found` are inline for the few partitions
  // a fetch usually names: two allocations per fetch otherwise.)
  boost::container::small_vector<sim::WaitQueue*, kInlineFetchPartitions> waiters;
  waiters.reserve(asked.size());
  // The partitions found, for the ISR check when the fetch returns (partitions are never
  // removed from partitions_, so the pointers stay valid while fetches block). A partition
  // not found answers at once, so a fetch that waits found every partition on its first
  // pass: later passes reuse that list and its wait queues.
  boost::container::small_vector<Partition*, kInlineFetchPartitions> found;
  found.reserve(asked.size());
  for (bool first_pass = true;; first_pass = false) {
    FetchResponse resp;
    resp.partitions.reserve(asked.size());
    int64_t bytes = 0;
    bool any_error = false;
    EDDY_CHECK(first_pass || found.size() == asked.size());
    for (size_t i = 0; i < asked.size(); ++i) {
      const FetchPartition& fp = asked[i];
      Partition* p = first_pass ? partition(fp.tp) : found[i];
      if (p == nullptr) {
        FetchPartitionResponse r;
        r.tp = fp.tp;
        r.error = ErrorCode::kNotLeaderOrFollower;
        resp.partitions.push_back(std::move(r));
        any_error = true;
        continue;
      }
      if (first_pass) {
        found.push_back(p);
        waiters.push_back(&p->fetch_waiters(req.replica_id != kNoBroker));
      }
      FetchPartitionResponse r = p->fetch(fp, req.replica_id, req.isolation_level == kReadCommitted);
      if (r.error != ErrorCode::kNone) any_error = true;
      int64_t partition_bytes = 0;
      for (const auto& b : r.batches) partition_bytes += b.logical_size_in_bytes();
      if (req.replica_id != kNoBroker && p->leader_throttled() && partition_bytes > 0) {
        // Kafka's shouldLeaderThrottle: a throttled replica out of the ISR gets no data while
        // the leader quota is exceeded; what a throttled replica is sent counts against it.
        if (!p->in_isr(req.replica_id) && leader_quota_.exceeded(ctx.now())) {
          r.batches.clear();
          partition_bytes = 0;
        } else {
          leader_quota_.record(partition_bytes, ctx.now());
        }
      }
      bytes += partition_bytes;
      if (session != nullptr) {
        const SessionPartitionSent& sent = session->sent[i];
        if (r.error == ErrorCode::kNone && r.batches.empty() && r.high_watermark == sent.high_watermark &&
            r.log_start_offset == sent.log_start_offset)
          continue;  // nothing new: left out of the answer
      }
      resp.partitions.push_back(std::move(r));
    }
    if (bytes >= req.min_bytes || any_error || ctx.true_now() >= deadline) {
      if (req.replica_id != kNoBroker) {
        // A follower's fetch may have caught it up: propose it back into the ISR.
        for (Partition* p : found)
          if (auto proposal = p->maybe_expand_isr(req.replica_id)) propose(*proposal);
      }
      if (session != nullptr) {
        // What the session sent: the answer's partitions are a subsequence of its list.
        size_t at = 0;
        for (const auto& r : resp.partitions) {
          while (at < asked.size() && !(asked[at].tp == r.tp)) ++at;
          EDDY_CHECK(at < asked.size());
          session->sent[at++] = {r.high_watermark, r.log_start_offset};
        }
        resp.session_id = session->id;
        ctx.emit(IncrementalFetchAnswered{config_.id, static_cast<int64_t>(asked.size() - resp.partitions.size())});
      } else if (create_session) {
        const bool follower = req.replica_id != kNoBroker;
        uint64_t evictions = fetch_sessions_.evictions();
        auto created = fetch_sessions_.create(follower, ctx.now(), req.partitions, resp);
        for (uint64_t i = evictions; i < fetch_sessions_.evictions(); ++i) ctx.emit(FetchSessionEvicted{config_.id});
        if (created != nullptr)
          ctx.emit(FetchSessionCreated{config_.id, follower});
        else
          ctx.emit(FetchSessionNotCreated{config_.id, follower});
        resp.session_id = created != nullptr ? created->id : kInvalidFetchSessionId;
      }
      return resp;
    }
    sim::WaitQueue::wait_any({waiters.data(), waiters.size()}, deadline);  // until what this fetch reads to moves
  }
}

OffsetsForLeaderEpochResponse ReplicaManager::handle_offsets_for_leader_epoch(const OffsetsForLeaderEpochRequest& req) {
  OffsetsForLeaderEpochResponse resp;
  for (const auto& q : req.partitions) {
    Partition* p = partition(q.tp);
    if (p == nullptr) {
      EpochEndOffsetResult r;
      r.tp = q.tp;
      r.error = ErrorCode::kNotLeaderOrFollower;
      resp.partitions.push_back(r);
      continue;
    }
    resp.partitions.push_back(p->end_offset_for(q));
  }
  return resp;
}

DumpReplicasResponse ReplicaManager::handle_dump() {
  DumpReplicasResponse resp;
  // A replica in a failed log directory cannot be read (Kafka serves nothing from it).
  for_each_partition([&](Partition& p) {
    if (!p.deleted() && !in_failed_dir(p)) resp.replicas.push_back(p.dump());
  });
  return resp;
}

void ReplicaManager::propose(const IsrProposal& proposal) {
  Partition* p = partition(proposal.tp);
  if (p == nullptr || p->alter_in_flight()) return;
  p->alter_sent(proposal);
  send_alter(proposal);
}

// Sends (or re-sends) an AlterPartition. Only a definitive answer settles the proposal: the
// committed registration, or an error saying the controller did not apply it. Any other
// outcome (timeout, lost answer, controller moved, stale partition epoch because the change
// already committed) leaves it pending, so the high watermark keeps counting the proposed
// members, and it is re-sent after a backoff until an answer or a newer registration from the
// metadata log settles it.
void ReplicaManager::send_alter(const IsrProposal& proposal) {
  alter_partition_(proposal, [this, proposal](ErrorCode error, std::optional<PartitionRegistration> committed) {
    Partition* q = partition(proposal.tp);
    if (q == nullptr || !q->alter_pending(proposal)) return;  // superseded meanwhile
    if (committed) {
      q->apply(*committed);
      q->alter_settled(proposal);
      return;
    }
    if (error == ErrorCode::kFencedLeaderEpoch) return;  // superseded by the metadata log (a newer epoch)
    if (error == ErrorCode::kIneligibleReplica || error == ErrorCode::kInvalidRequest ||
        error == ErrorCode::kUnknownTopicOrPartition) {
      q->alter_settled(proposal);  // the controller did not apply it
      return;
    }
    rpc_.context().spawn("alter-partition-retry", [this, proposal] {
      rpc_.context().sleep_for(kAlterPartitionRetryBackoff);
      Partition* r = partition(proposal.tp);
      if (r != nullptr && r->is_leader() && r->alter_pending(proposal)) send_alter(proposal);
    });
  });
}

void ReplicaManager::isr_maintenance_loop() {
  sim::NodeContext& ctx = rpc_.context();
  // Kafka checks every replica.lag.time.max.ms / 2.
  sim::Duration period = sim::milliseconds(std::max<int64_t>(1, config_.replica_lag_time_max_ms / 2));
  for (;;) {
    ctx.sleep_for(period);
    if (EDDY_FAULT_POINT("replication.isr_check_skipped")) continue;
    for_each_partition([&](Partition& p) {
      if (auto proposal = p.maybe_shrink_isr(ctx.now())) propose(*proposal);
    });
  }
}

void ReplicaManager::close_logs() {
  for_each_partition([](Partition& p) { p.log().close(); });  // an error: the log recovers on start
}

}  // namespace broker_model
