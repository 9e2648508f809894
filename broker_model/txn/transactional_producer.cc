#include "broker_model/txn/transactional_producer.h"

#include "broker_model/group/group_messages.h"

namespace broker_model {

namespace {
sim::NodeId node_of(BrokerId b) { return sim::NodeId{static_cast<uint32_t>(b.value())}; }
bool retriable(ErrorCode e) {
  switch (e) {
    case ErrorCode::kCoordinatorNotAvailable:
    case ErrorCode::kNotCoordinator:
    case ErrorCode::kCoordinatorLoadInProgress:
    case ErrorCode::kConcurrentTransactions:
    case ErrorCode::kRequestTimedOut:
    case ErrorCode::kUnknownServerError:
      return true;
    default:
      return false;
  }
}
}  // namespace

const char* to_string(TxnOutcome o) {
  switch (o) {
    case TxnOutcome::kCommitted: return "committed";
    case TxnOutcome::kAborted: return "aborted";
    case TxnOutcome::kUnknown: return "unknown";
  }
  return "?";
}

TransactionalProducer::TransactionalProducer(RpcEndpoint& rpc, ClientMetadata& metadata, Producer& producer,
                                             const ProducerConfig& config)
    : rpc_(rpc), metadata_(metadata), producer_(producer), config_(config) {}

bool TransactionalProducer::find_coordinator() {
  if (coordinator_) return true;
  const std::vector<BrokerId>& brokers = metadata_.brokers();
  if (brokers.empty()) {
    metadata_.request_refresh();
    return false;
  }
  for (BrokerId b : brokers) {
    FindCoordinatorRequest req{*config_.transactional_id, kTransactionCoordinatorKey};
    auto resp = rpc_.call(node_of(b), kFindCoordinatorRpc, wire_bytes(req), req, sim::milliseconds(config_.request_timeout_ms));
    const auto* r = resp ? sim::payload_cast<FindCoordinatorResponse>(&*resp) : nullptr;
    if (r != nullptr && r->error == ErrorCode::kNone) {
      coordinator_ = r->node_id;
      return true;
    }
  }
  return false;
}

template <class Resp, class Req>
ErrorCode TransactionalProducer::call_coordinator(sim::Symbol type, const Req& req, int* attempts, Resp* answer) {
  sim::NodeContext& ctx = rpc_.context();
  const sim::Instant deadline = ctx.sim_deadline(sim::milliseconds(config_.max_block_ms));
  ErrorCode last = ErrorCode::kRequestTimedOut;
  while (ctx.true_now() < deadline) {
    if (!find_coordinator()) {
      ctx.sleep_for(sim::milliseconds(config_.retry_backoff_ms));
      continue;
    }
    if (attempts != nullptr) ++*attempts;
    auto resp = rpc_.call(node_of(*coordinator_), type, wire_bytes(req), req, sim::milliseconds(config_.request_timeout_ms));
    const auto* r = resp ? sim::payload_cast<Resp>(&*resp) : nullptr;
    last = r == nullptr ? ErrorCode::kRequestTimedOut : r->error;
    if (r != nullptr && answer != nullptr) *answer = *r;
    if (!retriable(last)) return last;
    if (last == ErrorCode::kNotCoordinator || last == ErrorCode::kCoordinatorNotAvailable || r == nullptr) coordinator_.reset();
    ctx.sleep_for(sim::milliseconds(config_.retry_backoff_ms));
  }
  return last;
}

ErrorCode TransactionalProducer::init_transactions() {
  sim::NodeContext& ctx = rpc_.context();
  const sim::Instant deadline = ctx.sim_deadline(sim::milliseconds(config_.max_block_ms));
  InitProducerIdRequest req;
  req.transactional_id = config_.transactional_id;
  req.transaction_timeout_ms = config_.transaction_timeout_ms;
  ErrorCode last = ErrorCode::kRequestTimedOut;
  while (ctx.true_now() < deadline) {
    if (!find_coordinator()) {
      ctx.sleep_for(sim::milliseconds(config_.retry_backoff_ms));
      continue;
    }
    auto resp = rpc_.call(node_of(*coordinator_), kInitProducerIdRpc, kInitProducerIdRequestBytes, req,
                          sim::milliseconds(config_.request_timeout_ms));
    const auto* r = resp ? sim::payload_cast<InitProducerIdResponse>(&*resp) : nullptr;
    last = r == nullptr ? ErrorCode::kRequestTimedOut : r->error;
    if (last == ErrorCode::kNone) {
      producer_id_ = r->producer_id;
      producer_epoch_ = r->producer_epoch;
      producer_.set_transactional_producer(producer_id_, producer_epoch_);
      in_transaction_ = false;
      records_failed_ = false;
      partitions_.clear();
      ctx.trace("producer.init_transactions", {{"transactional_id", *config_.transactional_id},
                                               {"producer_id", producer_id_.value()},
                                               {"epoch", static_cast<int64_t>(producer_epoch_)}});
      return last;
    }
    if (!retriable(last)) return last;
    if (last != ErrorCode::kConcurrentTransactions && last != ErrorCode::kCoordinatorLoadInProgress) coordinator_.reset();
    ctx.sleep_for(sim::milliseconds(config_.retry_backoff_ms));
  }
  return last;
}

void TransactionalProducer::begin_transaction() {
  in_transaction_ = true;
  records_failed_ = false;
  partitions_.clear();
  offsets_added_ = false;
}

SendResult TransactionalProducer::send(sim::Symbol topic, const std::string& key, std::string value, uint64_t token,
                                       int32_t value_padding) {
  std::optional<TopicPartition> tp = producer_.partition_for_key(topic, key);
  if (!tp) {
    metadata_.request_refresh();
    return SendResult{TopicPartition{topic, 0}, ErrorCode::kUnknownTopicOrPartition};
  }
  if (partitions_.count(*tp) == 0) {
    AddPartitionsToTxnRequest req{*config_.transactional_id, producer_id_, producer_epoch_, {*tp}};
    ErrorCode e = call_coordinator<AddPartitionsToTxnResponse>(kAddPartitionsToTxnRpc, req);
    if (e != ErrorCode::kNone) return SendResult{*tp, e};
    partitions_.insert(*tp);
  }
  return producer_.send(topic, key, std::move(value), token, value_padding);
}

ErrorCode TransactionalProducer::add_offsets(const std::string& group_id) {
  AddOffsetsToTxnRequest req{*config_.transactional_id, producer_id_, producer_epoch_, group_id};
  ErrorCode e = call_coordinator<AddOffsetsToTxnResponse>(kAddOffsetsToTxnRpc, req);
  if (e == ErrorCode::kNone) offsets_added_ = true;
  return e;
}

ErrorCode TransactionalProducer::send_offsets_to_transaction(const std::map<TopicPartition, Offset>& offsets,
                                                             const std::string& group_id, int32_t generation,
                                                             const std::string& member_id) {
  if (offsets.empty()) return ErrorCode::kNone;
  // Kafka's TransactionManager.sendOffsetsToTransaction: AddOffsetsToTxn first, and only once
  // it succeeded the TxnOffsetCommit (TxnOffsetCommitHandler) to the group coordinator.
  if (!offsets_added_)
    if (ErrorCode e = add_offsets(group_id); e != ErrorCode::kNone) return e;
  TxnOffsetCommitRequest req{*config_.transactional_id, group_id, producer_id_, producer_epoch_, generation, member_id, {}};
  for (const auto& [tp, o] : offsets) req.partitions.push_back(TxnOffsetCommitPartition{tp, o});
  sim::NodeContext& ctx = rpc_.context();
  const sim::Instant deadline = ctx.sim_deadline(sim::milliseconds(config_.max_block_ms));
  ErrorCode last = ErrorCode::kRequestTimedOut;
  while (ctx.true_now() < deadline) {
    if (!group_coordinator_) {
      for (BrokerId b : metadata_.brokers()) {
        FindCoordinatorRequest find{group_id, kGroupCoordinatorKey};
        auto resp = rpc_.call(node_of(b), kFindCoordinatorRpc, wire_bytes(find), find, sim::milliseconds(config_.request_timeout_ms));
        const auto* r = resp ? sim::payload_cast<FindCoordinatorResponse>(&*resp) : nullptr;
        if (r != nullptr && r->error == ErrorCode::kNone) {
          group_coordinator_ = r->node_id;
          break;
        }
      }
      if (!group_coordinator_) {
        metadata_.request_refresh();
        ctx.sleep_for(sim::milliseconds(config_.retry_backoff_ms));
        continue;
      }
    }
    auto resp = rpc_.call(node_of(*group_coordinator_), kTxnOffsetCommitRpc, wire_bytes(req), req,
                          sim::milliseconds(config_.request_timeout_ms));
    const auto* r = resp ? sim::payload_cast<TxnOffsetCommitResponse>(&*resp) : nullptr;
    last = r == nullptr ? ErrorCode::kRequestTimedOut : r->error;
    // TxnOffsetCommitHandler: coordinator errors look the coordinator up again, load in
    // progress and timeouts retry, the rest (fencing, a generation the group left behind) end it.
    switch (last) {
      case ErrorCode::kNone: return last;
      case ErrorCode::kCoordinatorNotAvailable:
      case ErrorCode::kNotCoordinator:
      case ErrorCode::kRequestTimedOut: group_coordinator_.reset(); break;
      case ErrorCode::kCoordinatorLoadInProgress:
      case ErrorCode::kUnknownServerError:
      case ErrorCode::kConcurrentTransactions: break;
      default: return last;
    }
    ctx.sleep_for(sim::milliseconds(config_.retry_backoff_ms));
  }
  return last;
}

ErrorCode TransactionalProducer::commit_transaction(TxnOutcome& outcome) {
  producer_.flush();
  if (records_failed_) {  // Kafka's commitTransaction throws the abortable error of a failed send
    outcome = TxnOutcome::kAborted;  // not committed: the caller aborts
    return ErrorCode::kInvalidTxnState;
  }
  return end_transaction(true, outcome);
}

ErrorCode TransactionalProducer::abort_transaction(TxnOutcome& outcome) {
  producer_.flush();
  return end_transaction(false, outcome);
}

ErrorCode TransactionalProducer::end_transaction(bool commit, TxnOutcome& outcome) {
  in_transaction_ = false;
  if (partitions_.empty() && !offsets_added_) {  // nothing was added: the coordinator has nothing open (Kafka skips EndTxn too)
    outcome = commit ? TxnOutcome::kCommitted : TxnOutcome::kAborted;
    return ErrorCode::kNone;
  }
  EndTxnRequest req{*config_.transactional_id, producer_id_, producer_epoch_, commit};
  int attempts = 0;
  EndTxnResponse answer;
  ErrorCode e = call_coordinator<EndTxnResponse>(kEndTxnRpc, req, &attempts, &answer);
  // KIP-890 part 2: a coordinator at transaction.version 2 bumped the epoch; the next
  // transaction runs under it (Kafka's TransactionManager takes it from the EndTxn response).
  if (e == ErrorCode::kNone && answer.producer_epoch != kNoProducerEpoch &&
      (answer.producer_epoch != producer_epoch_ || answer.producer_id != producer_id_)) {
    producer_id_ = answer.producer_id;
    producer_epoch_ = answer.producer_epoch;
    producer_.set_transactional_producer(producer_id_, producer_epoch_);
  }
  if (e == ErrorCode::kNone) outcome = commit ? TxnOutcome::kCommitted : TxnOutcome::kAborted;
  else if (!commit) outcome = TxnOutcome::kAborted;  // an abort that did not go through: the timeout aborts it
  else if (attempts == 1 && (e == ErrorCode::kProducerFenced || e == ErrorCode::kInvalidProducerEpoch ||
                             e == ErrorCode::kInvalidTxnState))
    outcome = TxnOutcome::kAborted;  // refused outright: the coordinator never took a commit decision
  else outcome = TxnOutcome::kUnknown;
  partitions_.clear();
  offsets_added_ = false;
  return e;
}

}  // namespace broker_model
