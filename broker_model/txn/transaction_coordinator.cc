#include "broker_model/txn/transaction_coordinator.h"

#include <algorithm>
#include <memory>

#include "broker_model/broker/replica_manager.h"
#include "broker_model/group/group_messages.h"
#include "broker_model/txn/control_batch.h"

namespace broker_model {

namespace {
// How often leadership of the transaction-log partitions is looked at.
constexpr sim::Duration kTick = sim::milliseconds(50);
// Bytes read per step while loading a transaction-log partition.
constexpr int64_t kLoadReadBytes = 1 << 20;
// Pause between rounds of marker writes that did not all succeed (Kafka's marker channel
// retries on its next send; retry.backoff.ms).
constexpr sim::Duration kMarkerRetryBackoff = sim::milliseconds(100);
const sim::Symbol kWriteTxnMarkersRpc{"WriteTxnMarkers"};
sim::NodeId node_of(BrokerId b) { return sim::NodeId{static_cast<uint32_t>(b.value())}; }

ErrorCode log_error(ErrorCode e) {  // a produce error to the transaction log, as the client sees it
  switch (e) {
    case ErrorCode::kNone: return ErrorCode::kNone;
    case ErrorCode::kNotLeaderOrFollower: return ErrorCode::kNotCoordinator;
    case ErrorCode::kNotEnoughReplicas:
    case ErrorCode::kNotEnoughReplicasAfterAppend:
    case ErrorCode::kRequestTimedOut: return ErrorCode::kCoordinatorNotAvailable;
    default: return ErrorCode::kUnknownServerError;
  }
}
}  // namespace

TransactionCoordinator::TransactionCoordinator(sim::NodeContext& ctx, RpcEndpoint& rpc, ReplicaManager& replicas,
                                               BrokerId self, TransactionCoordinatorConfig config,
                                               ProducerIdFn new_producer_id, LeaderFn leader_of)
    : ctx_(ctx), rpc_(rpc), replicas_(replicas), self_(self), config_(config),
      new_producer_id_(std::move(new_producer_id)), leader_of_(std::move(leader_of)) {}

void TransactionCoordinator::start() {
  ctx_.spawn("txn-coordinator", [this] { tick_loop(); });
}

// Kafka's TransactionStateManager.partitionFor: Utils.abs(transactionalId.hashCode) % partitions.
int32_t TransactionCoordinator::partition_for(const std::string& transactional_id) const {
  return offsets_partition_for(transactional_id, config_.transaction_state_partitions);
}

void TransactionCoordinator::tick_loop() {
  for (;;) {
    ctx_.sleep_for(kTick);
    follow_leadership();
    if (ctx_.now() >= next_timeout_check_) {
      next_timeout_check_ = ctx_.now() + sim::milliseconds(config_.abort_timed_out_transaction_cleanup_interval_ms);
      abort_timed_out();
    }
  }
}

// ---- leadership of the transaction-log partitions ------------------------------------------

void TransactionCoordinator::follow_leadership() {
  for (int32_t p = 0; p < config_.transaction_state_partitions; ++p) {
    Partition* part = replicas_.partition(state_tp(p));
    bool leader = part != nullptr && part->is_leader();
    auto it = loaded_.find(p);
    if (leader && (it == loaded_.end() || it->second.epoch != part->leader_epoch())) {
      load(p, part->leader_epoch());
    } else if (!leader && it != loaded_.end()) {
      loaded_.erase(it);
      std::erase_if(txns_, [&](const auto& kv) { return kv.second.partition == p; });
      ctx_.trace("txn.coordinator_unloaded", {{"partition", p}});
    }
  }
}

void TransactionCoordinator::load(int32_t partition, LeaderEpoch epoch) {
  loaded_[partition] = Loaded{epoch, true};
  std::erase_if(txns_, [&](const auto& kv) { return kv.second.partition == partition; });
  Partition* part = replicas_.partition(state_tp(partition));
  std::map<std::string, Txn> loaded;
  part->log().for_each_record(kLoadReadBytes, [&](const storage::Record& rec) {
    if (std::optional<txn::TxnLogRecord> t = txn::decode_txn_record(rec)) {
      Txn& x = loaded[t->transactional_id];
      x.meta = std::move(*t);
      x.partition = partition;
    }
  });
  auto it = loaded_.find(partition);
  if (it == loaded_.end() || it->second.epoch != epoch || !part->is_leader() || part->leader_epoch() != epoch) return;
  std::vector<std::string> prepared;
  for (auto& [id, t] : loaded) {
    if (t.meta.state == txn::TxnState::kPrepareCommit || t.meta.state == txn::TxnState::kPrepareAbort) prepared.push_back(id);
    txns_[id] = std::move(t);
  }
  it->second.loading = false;
  ctx_.trace("txn.coordinator_loaded", {{"partition", partition}, {"epoch", static_cast<int64_t>(epoch.value())},
                                        {"transactional_ids", static_cast<int64_t>(loaded.size())},
                                        {"prepared", static_cast<int64_t>(prepared.size())}});
  // Kafka's TransactionCoordinator.onElection: transactions found prepared get their markers.
  for (const std::string& id : prepared) complete_later(id);
}

ErrorCode TransactionCoordinator::coordinator_error(int32_t partition) const {
  auto it = loaded_.find(partition);
  if (it == loaded_.end()) return ErrorCode::kNotCoordinator;
  if (it->second.loading) return ErrorCode::kCoordinatorLoadInProgress;
  Partition* part = replicas_.partition(state_tp(partition));
  if (part == nullptr || !part->is_leader() || part->leader_epoch() != it->second.epoch) return ErrorCode::kNotCoordinator;
  return ErrorCode::kNone;
}

TransactionCoordinator::Txn* TransactionCoordinator::find(const std::string& id, ErrorCode& error) {
  error = coordinator_error(partition_for(id));
  if (error != ErrorCode::kNone) return nullptr;
  auto it = txns_.find(id);
  if (it == txns_.end()) return nullptr;
  if (it->second.busy) {
    error = ErrorCode::kConcurrentTransactions;
    return nullptr;
  }
  return &it->second;
}

TransactionCoordinator::Txn* TransactionCoordinator::find_for(const std::string& id, ProducerId pid, int16_t epoch,
                                                              ErrorCode& error) {
  Txn* t = find(id, error);
  if (t == nullptr) {
    if (error == ErrorCode::kNone) error = ErrorCode::kInvalidProducerIdMapping;
    return nullptr;
  }
  error = check_producer(*t, pid, epoch);
  return error == ErrorCode::kNone ? t : nullptr;
}

ErrorCode TransactionCoordinator::check_producer(const Txn& t, ProducerId pid, int16_t epoch) {
  if (t.meta.producer_id != pid) return ErrorCode::kInvalidProducerIdMapping;
  // Kafka answers PRODUCER_FENCED (since 2.7, KIP-588) to a transactional request of an
  // older epoch: a newer instance (or a timeout abort) bumped it.
  if (epoch < t.meta.producer_epoch) return ErrorCode::kProducerFenced;
  if (epoch > t.meta.producer_epoch) return ErrorCode::kInvalidProducerEpoch;
  return ErrorCode::kNone;
}

ErrorCode TransactionCoordinator::write_state(const std::string& id, int32_t partition, const txn::TxnLogRecord& next) {
  auto loaded = loaded_.find(partition);
  Partition* part = replicas_.partition(state_tp(partition));
  if (loaded == loaded_.end() || part == nullptr || !part->is_leader() || part->leader_epoch() != loaded->second.epoch)
    return ErrorCode::kNotCoordinator;
  LeaderEpoch epoch = loaded->second.epoch;
  auto it = txns_.find(id);
  if (it != txns_.end()) it->second.busy = true;
  ProducePartitionResponse r = part->produce(RecordBatch::of(std::vector<storage::Record>{txn::encode_txn_record(next, now_ms())}),
                                             kAcksAll, sim::milliseconds(config_.request_timeout_ms));
  // Leadership may have moved while the write waited: then the transactions were unloaded.
  it = txns_.find(id);
  if (it != txns_.end()) it->second.busy = false;
  if (coordinator_error(partition) != ErrorCode::kNone || loaded_.at(partition).epoch != epoch) return ErrorCode::kNotCoordinator;
  if (r.error != ErrorCode::kNone) return log_error(r.error);
  Txn& t = txns_[id];
  t.meta = next;
  t.partition = partition;
  ctx_.trace("txn.state", {{"transactional_id", id}, {"state", txn::to_string(next.state)},
                           {"producer_id", next.producer_id.value()},
                           {"epoch", static_cast<int64_t>(next.producer_epoch)},
                           {"partitions", static_cast<int64_t>(next.partitions.size())}});
  return ErrorCode::kNone;
}

// ---- InitProducerId ---------------------------------------------------------------------------

InitProducerIdResponse TransactionCoordinator::init_producer_id(const InitProducerIdRequest& req) {
  InitProducerIdResponse resp;
  const std::string& id = *req.transactional_id;
  if (req.transaction_timeout_ms <= 0 || req.transaction_timeout_ms > config_.transaction_max_timeout_ms) {
    resp.error = ErrorCode::kInvalidTransactionTimeout;
    return resp;
  }
  const int32_t partition = partition_for(id);
  ErrorCode error;
  Txn* t = find(id, error);
  if (error != ErrorCode::kNone) {
    resp.error = error;
    return resp;
  }
  txn::TxnLogRecord next;
  next.transactional_id = id;
  next.timeout_ms = req.transaction_timeout_ms;
  if (t == nullptr) {
    // A placeholder, busy, so that a concurrent InitProducerId for this new id waits
    // (CONCURRENT_TRANSACTIONS) instead of taking a second producer id.
    Txn& placeholder = txns_[id];
    placeholder.partition = partition;
    placeholder.busy = true;
    IdResult fresh = new_producer_id_();  // may block
    next.producer_id = fresh.id;
    next.producer_epoch = 0;
    next.state = txn::TxnState::kEmpty;
    if (fresh.error == ErrorCode::kNone) resp.error = write_state(id, partition, next);
    else resp.error = fresh.error;
    auto it = txns_.find(id);
    if (resp.error != ErrorCode::kNone) {
      if (it != txns_.end() && it->second.meta.producer_id == kNoProducerId) txns_.erase(it);  // never written
      return resp;
    }
    resp.producer_id = next.producer_id;
    resp.producer_epoch = next.producer_epoch;
    return resp;
  } else {
    if (t->meta.state == txn::TxnState::kPrepareCommit || t->meta.state == txn::TxnState::kPrepareAbort) {
      resp.error = ErrorCode::kConcurrentTransactions;  // the markers are being written: retry
      return resp;
    }
    next.producer_id = t->meta.producer_id;
    next.producer_epoch = static_cast<int16_t>(t->meta.producer_epoch + 1);
    if (t->meta.state == txn::TxnState::kOngoing) {
      // A new instance while the old one's transaction is open: fence it by aborting that
      // transaction under the bumped epoch (Kafka's prepareFenceProducerEpoch + abort).
      txn::TxnLogRecord abort = t->meta;
      abort.producer_epoch = next.producer_epoch;
      abort.state = txn::TxnState::kPrepareAbort;
      ErrorCode e = write_state(id, partition, abort);
      if (e != ErrorCode::kNone) {
        resp.error = e;
        return resp;
      }
      complete(id, loaded_.at(partition).epoch);  // the markers, then CompleteAbort
      Txn* after = find(id, error);
      if (after == nullptr || after->meta.state != txn::TxnState::kCompleteAbort) {
        resp.error = error != ErrorCode::kNone ? error : ErrorCode::kConcurrentTransactions;
        return resp;
      }
      next.producer_epoch = static_cast<int16_t>(after->meta.producer_epoch + 1);
    }
    if (next.producer_epoch < 0 || next.producer_epoch == INT16_MAX) {  // exhausted: a new id at epoch 0
      IdResult fresh = new_producer_id_();
      if (fresh.error != ErrorCode::kNone) {
        resp.error = fresh.error;
        return resp;
      }
      next.producer_id = fresh.id;
      next.producer_epoch = 0;
    }
  }
  next.state = txn::TxnState::kEmpty;
  resp.error = write_state(id, partition, next);
  if (resp.error == ErrorCode::kNone) {
    resp.producer_id = next.producer_id;
    resp.producer_epoch = next.producer_epoch;
  }
  return resp;
}

// ---- AddPartitionsToTxn / AddOffsetsToTxn -------------------------------------------------------

ErrorCode TransactionCoordinator::verify(const AddPartitionsToTxnRequest& req) const {
  if (ErrorCode e = coordinator_error(partition_for(req.transactional_id)); e != ErrorCode::kNone) return e;
  auto it = txns_.find(req.transactional_id);
  if (it == txns_.end()) return ErrorCode::kInvalidProducerIdMapping;
  const Txn& t = it->second;
  // What the coordinator has written (a state change still being written is not there yet).
  if (ErrorCode e = check_producer(t, req.producer_id, req.producer_epoch); e != ErrorCode::kNone) return e;
  if (t.meta.state != txn::TxnState::kOngoing) return ErrorCode::kInvalidTxnState;
  for (const TopicPartition& tp : req.partitions)
    if (std::find(t.meta.partitions.begin(), t.meta.partitions.end(), tp) == t.meta.partitions.end())
      return ErrorCode::kInvalidTxnState;
  return ErrorCode::kNone;
}

AddPartitionsToTxnResponse TransactionCoordinator::add_partitions(const AddPartitionsToTxnRequest& req) {
  if (req.verify_only) return AddPartitionsToTxnResponse{verify(req)};
  AddPartitionsToTxnResponse resp;
  Txn* t = find_for(req.transactional_id, req.producer_id, req.producer_epoch, resp.error);
  if (t == nullptr) return resp;
  if (t->meta.state == txn::TxnState::kPrepareCommit || t->meta.state == txn::TxnState::kPrepareAbort) {
    resp.error = ErrorCode::kConcurrentTransactions;
    return resp;
  }
  txn::TxnLogRecord next = t->meta;
  if (next.state != txn::TxnState::kOngoing) {  // the first partition starts the transaction
    next.partitions.clear();
    next.start_ms = now_ms();
  }
  bool added = false;
  for (const TopicPartition& tp : req.partitions)
    if (std::find(next.partitions.begin(), next.partitions.end(), tp) == next.partitions.end()) {
      next.partitions.push_back(tp);
      added = true;
    }
  if (!added && next.state == txn::TxnState::kOngoing) return resp;  // already in (a retry)
  next.state = txn::TxnState::kOngoing;
  resp.error = write_state(req.transactional_id, t->partition, next);
  return resp;
}

AddOffsetsToTxnResponse TransactionCoordinator::add_offsets(const AddOffsetsToTxnRequest& req, const TopicPartition& offsets_tp) {
  AddPartitionsToTxnRequest add{req.transactional_id, req.producer_id, req.producer_epoch, {offsets_tp}};
  return AddOffsetsToTxnResponse{add_partitions(add).error};
}

// ---- EndTxn -----------------------------------------------------------------------------------

EndTxnResponse TransactionCoordinator::end_txn(const EndTxnRequest& req) {
  EndTxnResponse resp;
  using S = txn::TxnState;
  const S prepare = req.committed ? S::kPrepareCommit : S::kPrepareAbort;
  const S done = req.committed ? S::kCompleteCommit : S::kCompleteAbort;
  const bool bump = config_.transaction_version >= 2;
  Txn* t = nullptr;
  if (!bump) {
    t = find_for(req.transactional_id, req.producer_id, req.producer_epoch, resp.error);
    if (t == nullptr) return resp;
  } else {
    // Kafka's TransactionCoordinator.endTransaction with TV_2: Ongoing (and Empty) need the
    // current epoch; a Prepare*/Complete* state only answers the retry of the EndTxn that
    // bumped it (the epoch just before, as lastProducerEpoch recorded: endTxnEpochBumped);
    // anything else is PRODUCER_FENCED. So a delayed EndTxn of transaction N cannot end
    // transaction N+1, which runs under the next epoch.
    t = find(req.transactional_id, resp.error);
    if (t == nullptr) {
      if (resp.error == ErrorCode::kNone) resp.error = ErrorCode::kInvalidProducerIdMapping;
      return resp;
    }
    if (t->meta.producer_id != req.producer_id) {
      resp.error = ErrorCode::kInvalidProducerIdMapping;
      return resp;
    }
    const S state = t->meta.state;
    const bool retry = req.producer_epoch == t->last_epoch && t->meta.producer_epoch == req.producer_epoch + 1;
    const bool valid = state == S::kOngoing || state == S::kEmpty ? req.producer_epoch == t->meta.producer_epoch : retry;
    if (!valid) {
      resp.error = ErrorCode::kProducerFenced;
      ctx_.trace("txn.end_txn_fenced", {{"transactional_id", req.transactional_id},
                                        {"epoch", static_cast<int64_t>(req.producer_epoch)},
                                        {"current_epoch", static_cast<int64_t>(t->meta.producer_epoch)},
                                        {"state", txn::to_string(state)}});
      return resp;
    }
    resp.producer_id = t->meta.producer_id;
    resp.producer_epoch = t->meta.producer_epoch;
  }
  // Kafka's TransactionCoordinator.endTransaction: a retry of the decision already taken is
  // answered as it was (CONCURRENT_TRANSACTIONS while its markers are still being written);
  // the other decision, or EndTxn with nothing open, is INVALID_TXN_STATE.
  if (t->meta.state == done) return resp;
  if (t->meta.state == prepare) {
    resp.error = ErrorCode::kConcurrentTransactions;
    return resp;
  }
  if (t->meta.state != S::kOngoing) {
    resp.error = ErrorCode::kInvalidTxnState;
    return resp;
  }
  txn::TxnLogRecord next = t->meta;
  next.state = prepare;
  // TV_2 (TransactionMetadata.prepareAbortOrCommit with supportsEpochBump): the decision is
  // written with the epoch bumped, and the markers carry it.
  if (bump && next.producer_epoch < INT16_MAX - 1) next.producer_epoch = static_cast<int16_t>(next.producer_epoch + 1);
  const std::string id = req.transactional_id;
  resp.error = write_state(id, t->partition, next);
  if (resp.error == ErrorCode::kNone) {
    if (bump) {
      auto it = txns_.find(id);
      if (it != txns_.end()) it->second.last_epoch = req.producer_epoch;
      resp.producer_id = next.producer_id;
      resp.producer_epoch = next.producer_epoch;
    }
    complete_later(id);
  }
  return resp;
}

void TransactionCoordinator::abort_timed_out() {
  std::vector<std::string> expired;
  for (const auto& [id, t] : txns_)
    if (t.meta.state == txn::TxnState::kOngoing && !t.busy && coordinator_error(t.partition) == ErrorCode::kNone &&
        now_ms() - t.meta.start_ms > t.meta.timeout_ms)
      expired.push_back(id);
  for (const std::string& id : expired) {
    ErrorCode error;
    Txn* t = find(id, error);
    if (t == nullptr || t->meta.state != txn::TxnState::kOngoing) continue;
    txn::TxnLogRecord next = t->meta;
    // Kafka's abortTimedOutTransactions: the epoch is bumped so that the producer, a zombie
    // by now, can neither add to nor commit this transaction.
    next.producer_epoch = static_cast<int16_t>(next.producer_epoch + 1);
    next.state = txn::TxnState::kPrepareAbort;
    ctx_.trace("txn.timed_out", {{"transactional_id", id}, {"producer_id", next.producer_id.value()},
                                 {"epoch", static_cast<int64_t>(next.producer_epoch)}});
    if (write_state(id, t->partition, next) == ErrorCode::kNone) complete_later(id);
  }
}

// ---- markers ------------------------------------------------------------------------------------

void TransactionCoordinator::complete_later(const std::string& id) {
  auto it = txns_.find(id);
  if (it == txns_.end()) return;
  LeaderEpoch epoch = loaded_.at(it->second.partition).epoch;
  ctx_.spawn("txn-markers", [this, id, epoch] { complete(id, epoch); });
}

void TransactionCoordinator::complete(const std::string& id, LeaderEpoch epoch) {
  std::vector<TopicPartition> remaining;
  for (;;) {
    ErrorCode error;
    auto it = txns_.find(id);
    if (it == txns_.end()) return;
    const int32_t partition = it->second.partition;
    auto loaded = loaded_.find(partition);
    if (loaded == loaded_.end() || loaded->second.epoch != epoch || coordinator_error(partition) != ErrorCode::kNone)
      return;  // no longer coordinator: the next one finishes from the log
    const txn::TxnLogRecord meta = it->second.meta;
    if (meta.state != txn::TxnState::kPrepareCommit && meta.state != txn::TxnState::kPrepareAbort) return;
    if (remaining.empty()) remaining = meta.partitions;
    // One WriteTxnMarkers per leader, as Kafka's marker channel batches them per broker.
    std::map<BrokerId, WriteTxnMarkersRequest> by_leader;
    for (const TopicPartition& tp : remaining) {
      BrokerId leader = leader_of_(tp);
      if (leader == kNoBroker) continue;
      WriteTxnMarkersRequest& r = by_leader[leader];
      r.producer_id = meta.producer_id;
      r.producer_epoch = meta.producer_epoch;
      r.committed = meta.state == txn::TxnState::kPrepareCommit;
      r.coordinator_epoch = epoch.value();
      r.partitions.push_back(tp);
    }
    // To every leader at once, as Kafka's marker channel sends to each broker independently:
    // a leader that died without resetting its connections holds up only its own partitions
    // (until the request times out and the metadata names a new leader).
    sim::Duration timeout = sim::milliseconds(config_.request_timeout_ms);
    struct Round {
      size_t pending = 0;
      std::vector<WriteTxnMarkersPartitionResult> results;
      sim::WaitQueue answered{"txn markers"};
    };
    auto round = std::make_shared<Round>();
    std::optional<WriteTxnMarkersRequest> local;
    for (auto& [leader, req] : by_leader) {
      if (leader == self_) {
        local = req;
        continue;
      }
      ++round->pending;
      rpc_.call_async_sized(node_of(leader), kWriteTxnMarkersRpc, req, timeout, [round](std::optional<sim::Payload>&& resp) {
        const auto* r = resp ? sim::payload_cast<WriteTxnMarkersResponse>(&*resp) : nullptr;
        if (r != nullptr) round->results.insert(round->results.end(), r->partitions.begin(), r->partitions.end());
        --round->pending;
        round->answered.notify_all();
      });
    }
    if (local) {
      WriteTxnMarkersResponse mine = write_markers(ctx_, replicas_, *local, timeout, marker_written_);
      round->results.insert(round->results.end(), mine.partitions.begin(), mine.partitions.end());
    }
    while (round->pending > 0) round->answered.wait();  // each call ends by its answer or its timeout
    for (const auto& pr : round->results) {
      // Written, or refused because the partition has seen a newer epoch of this producer
      // (a later transaction is under way there: this one's marker is moot).
      if (pr.error == ErrorCode::kNone || pr.error == ErrorCode::kInvalidProducerEpoch) std::erase(remaining, pr.tp);
    }
    if (remaining.empty()) {
      txn::TxnLogRecord next = meta;
      next.state = meta.state == txn::TxnState::kPrepareCommit ? txn::TxnState::kCompleteCommit : txn::TxnState::kCompleteAbort;
      next.partitions.clear();
      error = write_state(id, partition, next);
      if (error == ErrorCode::kNone || error == ErrorCode::kNotCoordinator) return;
    }
    ctx_.sleep_for(kMarkerRetryBackoff);
  }
}

WriteTxnMarkersResponse TransactionCoordinator::write_markers(sim::NodeContext& ctx, ReplicaManager& replicas,
                                                              const WriteTxnMarkersRequest& req, sim::Duration timeout,
                                                              const MarkerWritten& on_written) {
  WriteTxnMarkersResponse resp;
  const txn::MarkerType type = req.committed ? txn::MarkerType::kCommit : txn::MarkerType::kAbort;
  for (const TopicPartition& tp : req.partitions) {
    Partition* p = replicas.partition(tp);
    ErrorCode e = ErrorCode::kNotLeaderOrFollower;
    if (p != nullptr && p->is_leader()) {
      // Kafka's ReplicaManager.appendRecords(requiredAcks = -1, origin = COORDINATOR).
      RecordBatch marker = txn::make_marker_batch(req.producer_id, req.producer_epoch, type, req.coordinator_epoch,
                                                  ctx.wall_now().ns() / 1'000'000);
      e = p->produce(marker, kAcksAll, timeout).error;
      // KafkaApis.handleWriteTxnMarkersRequest: for the __consumer_offsets partitions whose
      // marker was appended, groupCoordinator.onTransactionCompleted.
      if (e == ErrorCode::kNone && on_written) on_written(tp, req.producer_id, req.committed);
    }
    ctx.trace("txn.marker", {{"partition", tp.str()}, {"producer_id", req.producer_id.value()},
                             {"epoch", static_cast<int64_t>(req.producer_epoch)}, {"type", txn::to_string(type)},
                             {"error", to_string(e)}});
    resp.partitions.push_back(WriteTxnMarkersPartitionResult{tp, e});
  }
  return resp;
}

}  // namespace broker_model
