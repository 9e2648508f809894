#include "broker_model/clients/producer.h"

#include "sim/check.h"

namespace broker_model {

namespace {
bool retriable(ErrorCode e) {
  switch (e) {
    case ErrorCode::kNotLeaderOrFollower:
    case ErrorCode::kLeaderNotAvailable:
    case ErrorCode::kNotEnoughReplicas:
    case ErrorCode::kNotEnoughReplicasAfterAppend:
    case ErrorCode::kRequestTimedOut:
    case ErrorCode::kKafkaStorageError:
    case ErrorCode::kUnknownTopicOrPartition:
    case ErrorCode::kFencedLeaderEpoch:
    case ErrorCode::kUnknownLeaderEpoch:
    case ErrorCode::kBrokerNotAvailable:
      return true;
    default:
      return false;
  }
}
// Errors after which the batch may be in the log even though it was not acknowledged.
bool maybe_appended(ErrorCode e) {
  return e == ErrorCode::kRequestTimedOut || e == ErrorCode::kNotEnoughReplicasAfterAppend ||
         e == ErrorCode::kKafkaStorageError;
}
sim::NodeId node_of(BrokerId b) { return sim::NodeId{static_cast<uint32_t>(b.value())}; }
}  // namespace

Producer::Producer(RpcEndpoint& rpc, ClientMetadata& metadata, ProducerConfig config, History* history, int producer_index)
    : rpc_(rpc), metadata_(metadata), config_(config), history_(history), index_(producer_index),
      partitioner_(rpc.context().prng().fork("partitioner")) {}

void Producer::start() {
  rpc_.context().spawn("producer-sender", [this] { sender_loop(); });
}

size_t Producer::in_flight_requests() const {
  size_t n = 0;
  for (const auto& [b, c] : in_flight_) n += static_cast<size_t>(c);
  return n;
}

bool Producer::send(const std::string& topic, std::optional<std::string> key, std::string value, uint64_t record_id,
                    int32_t value_padding) {
  sim::NodeContext& ctx = rpc_.context();
  int32_t parts = metadata_.partitions(topic);
  TopicPartition tp{topic, parts > 0 ? partitioner_.partition(key, parts) : 0};
  ProduceOp op;
  op.record_id = record_id;
  op.producer = index_;
  op.tp = tp;
  op.invoked = ctx.true_now();
  size_t op_index = history_->begin_produce(op);
  Record rec{ctx.wall_now().ns() / 1'000'000, std::move(key), std::move(value), value_padding};
  int64_t size = rec.logical_size_in_bytes();
  if (parts == 0 || queued_bytes_ + size > config_.buffer_memory) {
    ProduceOp& p = history_->produce(op_index);
    p.completed = ctx.true_now();
    p.outcome = OpOutcome::kFailed;
    p.error = parts == 0 ? "UNKNOWN_TOPIC_OR_PARTITION" : "BUFFER_EXHAUSTED";
    if (parts == 0) metadata_.request_refresh();
    return false;
  }
  auto& queue = batches_[tp];
  if (queue.empty() || queue.back().in_flight || queue.back().attempts > 0 ||
      queue.back().bytes + size > config_.batch_size) {
    if (!queue.empty()) partitioner_.on_new_batch(parts);
    Batch b;
    b.tp = tp;
    b.created = ctx.now();
    queue.push_back(std::move(b));
  }
  Batch& b = queue.back();
  b.records.push_back(std::move(rec));
  b.history_ops.push_back(op_index);
  b.bytes += size;
  ++queued_records_;
  queued_bytes_ += size;
  if (b.bytes >= config_.batch_size || config_.linger_ms == 0) wakeup_.notify_all();
  return true;
}

bool Producer::batch_ready(const Batch& b, sim::Instant now) const {
  if (b.in_flight || now < b.retry_after) return false;
  if (b.attempts > 0) return true;
  return b.bytes >= config_.batch_size || now - b.created >= sim::milliseconds(config_.linger_ms);
}

void Producer::sender_loop() {
  sim::NodeContext& ctx = rpc_.context();
  for (;;) {
    sim::Instant now = ctx.now();
    expire_old_batches(now);
    // Collect, per leader, the first ready batch of each partition (Kafka's drain).
    std::map<BrokerId, std::vector<Batch*>> by_leader;
    sim::Instant next_wake = now + sim::milliseconds(config_.linger_ms > 0 ? config_.linger_ms : 100);
    bool need_metadata = false;
    for (auto& [tp, queue] : batches_) {
      // Like Kafka's drain: the first batch not already in flight, if it is ready.
      auto first = queue.begin();
      while (first != queue.end() && first->in_flight) ++first;
      if (first == queue.end()) continue;
      Batch& b = *first;
      if (!batch_ready(b, now)) {
        sim::Instant due = b.attempts > 0 ? b.retry_after : b.created + sim::milliseconds(config_.linger_ms);
        if (due < next_wake) next_wake = due;
        continue;
      }
      auto leader = metadata_.leader(tp);
      if (!leader) {
        need_metadata = true;
        continue;
      }
      by_leader[leader->leader].push_back(&b);
    }
    if (need_metadata) metadata_.request_refresh();
    for (auto& [broker, list] : by_leader) {
      if (in_flight_[broker] >= config_.max_in_flight) continue;
      send_to(broker, std::move(list));
    }
    sim::Duration wait = next_wake - now;
    if (wait < sim::milliseconds(1)) wait = sim::milliseconds(1);
    wakeup_.wait_until(ctx.sim_deadline(wait));
  }
}

void Producer::send_to(BrokerId broker, std::vector<Batch*> batches) {
  ProduceRequest req;
  req.acks = config_.acks;
  req.timeout_ms = static_cast<int32_t>(config_.request_timeout_ms);
  for (Batch* b : batches) {
    b->in_flight = true;
    ++b->attempts;
    for (size_t op : b->history_ops) history_->produce(op).attempts = b->attempts;
    req.partitions.push_back(ProducePartitionData{b->tp, RecordBatch::of(b->records)});
  }
  uint32_t bytes = wire_bytes(req);
  if (config_.acks == kAcksNone) {
    // Fire and forget: nobody will ever say whether these records were written.
    rpc_.send_one_way(node_of(broker), "Produce", bytes, std::move(req));
    for (Batch* b : batches) complete(b, OpOutcome::kUnknown, ErrorCode::kNone, Offset{-1}, broker, kNoLeaderEpoch);
    return;
  }
  ++in_flight_[broker];
  rpc_.call_async(node_of(broker), "Produce", bytes, std::move(req), sim::milliseconds(config_.request_timeout_ms),
                  [this, broker, batches](std::optional<std::any>&& resp) { on_response(broker, batches, std::move(resp)); });
}

void Producer::on_response(BrokerId broker, std::vector<Batch*> batches, std::optional<std::any>&& response) {
  --in_flight_[broker];
  const auto* r = response ? std::any_cast<ProduceResponse>(&*response) : nullptr;
  for (Batch* b : batches) {
    b->in_flight = false;
    const ProducePartitionResponse* pr = nullptr;
    if (r != nullptr)
      for (const auto& p : r->partitions)
        if (p.tp == b->tp) pr = &p;
    if (pr == nullptr) {
      retry_or_fail(b, ErrorCode::kRequestTimedOut);
    } else if (pr->error == ErrorCode::kNone) {
      complete(b, OpOutcome::kOk, ErrorCode::kNone, pr->base_offset, broker, pr->leader_epoch);
    } else {
      retry_or_fail(b, pr->error);
    }
  }
  wakeup_.notify_all();
}

void Producer::retry_or_fail(Batch* b, ErrorCode error) {
  if (maybe_appended(error)) b->maybe_written = true;
  metadata_.request_refresh();
  sim::Instant now = rpc_.context().now();
  bool expired = now - b->created >= sim::milliseconds(config_.delivery_timeout_ms);
  if (!retriable(error) || expired || b->attempts > config_.retries) {
    complete(b, b->maybe_written ? OpOutcome::kUnknown : OpOutcome::kFailed, error, Offset{-1}, kNoBroker, kNoLeaderEpoch);
    return;
  }
  b->retry_after = now + sim::milliseconds(config_.retry_backoff_ms);
}

void Producer::expire_old_batches(sim::Instant now) {
  // Batches of a partition are in creation order: only the oldest not in flight can be
  // the first to expire, so look no further than that.
  for (auto& [tp, queue] : batches_) {
    auto it = queue.begin();
    while (it != queue.end() && it->in_flight) ++it;
    if (it == queue.end() || now - it->created < sim::milliseconds(config_.delivery_timeout_ms)) continue;
    complete(&*it, it->maybe_written ? OpOutcome::kUnknown : OpOutcome::kFailed, ErrorCode::kRequestTimedOut, Offset{-1},
             kNoBroker, kNoLeaderEpoch);
  }
}

void Producer::complete(Batch* b, OpOutcome outcome, ErrorCode error, Offset base, BrokerId by, LeaderEpoch epoch) {
  sim::Instant now = rpc_.context().true_now();
  for (size_t i = 0; i < b->history_ops.size(); ++i) {
    ProduceOp& p = history_->produce(b->history_ops[i]);
    p.completed = now;
    p.outcome = outcome;
    if (outcome == OpOutcome::kOk) {
      p.offset = base + static_cast<int64_t>(i);
      p.acked_by = by;
      p.leader_epoch = epoch;
    } else if (error != ErrorCode::kNone) {
      p.error = to_string(error);
    }
  }
  queued_records_ -= b->records.size();
  queued_bytes_ -= b->bytes;
  remove_batch(b);
  if (queued_records_ == 0) drained_.notify_all();
}

void Producer::remove_batch(Batch* b) {
  auto& queue = batches_[b->tp];
  for (auto it = queue.begin(); it != queue.end(); ++it) {
    if (&*it == b) {
      queue.erase(it);
      return;
    }
  }
  EDDY_CHECK_MSG(false, "completed batch not found in its partition queue");
}

void Producer::flush() {
  wakeup_.notify_all();
  while (queued_records_ > 0) drained_.wait();
}

}  // namespace broker_model
