#include "broker_model/clients/producer.h"

#include "sim/check.h"
#include "broker_model/txn/control_batch.h"
#include "broker_model/fault_sites.h"
#include "sim/fault_point.h"

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
    case ErrorCode::kOutOfOrderSequenceNumber:  // idempotence: see on_sequence_error
    case ErrorCode::kUnknownProducerId:
    case ErrorCode::kCoordinatorNotAvailable:  // a transactional produce the leader could not verify (KIP-890)
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
int32_t add_sequence(int32_t seq, int32_t n) {  // wraps past INT32_MAX as Kafka's sequences do
  int64_t v = int64_t{seq} + n;
  return static_cast<int32_t>(v > INT32_MAX ? v - (int64_t{INT32_MAX} + 1) : v);
}
}  // namespace

Producer::Producer(RpcEndpoint& rpc, ClientMetadata& metadata, ProducerConfig config, ProducerListener& listener,
                   int producer_index)
    : rpc_(rpc), metadata_(metadata), config_(config), listener_(listener), index_(producer_index),
      partitioner_(rpc.context().prng().fork("partitioner"), config.partitioner, config.partitioner_ignore_keys) {}

void Producer::start() {
  if (!config_.client_id.empty())
    rpc_.context().trace("producer.start", {{"producer", index_}, {"client_id", config_.client_id}});
  rpc_.context().spawn("producer-sender", [this] { sender_loop(); });
}

size_t Producer::in_flight_requests() const {
  size_t n = 0;
  for (const auto& [b, c] : in_flight_) n += static_cast<size_t>(c);
  return n;
}

SendResult Producer::send(sim::Symbol topic, std::optional<std::string> key, std::string value, uint64_t token,
                          int32_t value_padding, bool tombstone) {
  sim::NodeContext& ctx = rpc_.context();
  int32_t parts = metadata_.partitions(topic);
  TopicPartition tp{topic, parts > 0 ? partitioner_.partition(key, parts) : 0};
  // The record is built in its batch (below), moving the key and value once.
  int64_t size = Record::logical_size_in_bytes_of(key ? key->size() : 0, value.size(), value_padding);
  if (parts == 0) {
    metadata_.request_refresh();
    // KafkaProducer.waitOnMetadata throws TopicAuthorizationException for a topic the
    // principal may not describe.
    if (metadata_.topic_error(topic) == ErrorCode::kTopicAuthorizationFailed) return SendResult{tp, ErrorCode::kTopicAuthorizationFailed};
    return SendResult{tp, ErrorCode::kUnknownTopicOrPartition};
  }
  // Kafka's KafkaProducer.ensureValidRecordSize: a record that could never be sent (larger,
  // with a batch header, than max.request.size or than the whole buffer.memory) fails at
  // once with RecordTooLargeException; it is not queued, not retried.
  const int64_t upper_bound = storage::kRecordBatchOverheadBytes + size;
  if (upper_bound > config_.max_request_size || upper_bound > config_.buffer_memory) {
    ctx.trace("producer.record_too_large", {{"producer", index_}, {"bytes", upper_bound},
                                            {"max_request_size", static_cast<int64_t>(config_.max_request_size)},
                                            {"buffer_memory", config_.buffer_memory}});
    return SendResult{tp, ErrorCode::kRecordTooLarge};
  }
  if (queued_bytes_ + size > config_.buffer_memory && !wait_for_buffer_memory(size)) {
    return SendResult{tp, ErrorCode::kBufferExhausted};
  }
  PartitionQueue& partition = queue_for(tp);
  auto& queue = partition.batches;
  if (queue.empty() || queue.back().in_flight || queue.back().attempts > 0 ||
      queue.back().bytes + size > config_.batch_size) {
    if (!queue.empty()) partitioner_.on_new_batch(parts);
    if (queue.empty()) active_queues_.try_emplace(tp, &partition);
    Batch b;
    b.tp = tp;
    b.partition = &partition;
    b.created = ctx.now();
    // Room for as many records as this partition's last batch had: batches of a steady
    // workload are alike, and growing one record at a time reallocated (and moved every
    // record) at 1, 2, 4, ...
    b.records.reserve(partition.last_batch_records);
    b.tokens.reserve(partition.last_batch_records);
    queue.push_back(std::move(b));
  }
  // Kafka's KafkaProducer.doSend wakes the sender when a record starts a new batch; here only
  // when nothing was queued, since the sender then sleeps without a deadline (sender_loop).
  if (queued_records_ == 0) wakeup_.notify_all();
  Batch& b = queue.back();
  b.records.mutate().emplace_back(ctx.wall_now().ns() / 1'000'000, std::move(key), std::move(value), value_padding, tombstone);
  b.tokens.push_back(token);
  b.bytes += size;
  ++queued_records_;
  queued_bytes_ += size;
  if (b.bytes >= config_.batch_size || config_.linger_ms == 0) wakeup_.notify_all();
  return SendResult{tp, ErrorCode::kNone};
}

// Kafka's BufferPool.allocate: send() blocks while buffer.memory is full, up to max.block.ms,
// then fails with BufferExhaustedException (a TimeoutException) and the record is not queued.
// The wait is on the node's clock, as Kafka's is on its host's. Memory comes back as batches
// complete (acknowledged, failed or expired).
bool Producer::wait_for_buffer_memory(int64_t size) {
  sim::NodeContext& ctx = rpc_.context();
  const sim::Instant deadline = ctx.sim_deadline(sim::milliseconds(config_.max_block_ms));
  const sim::Instant blocked_at = ctx.true_now();
  while (queued_bytes_ + size > config_.buffer_memory) {
    if (ctx.true_now() >= deadline) {
      ctx.trace("producer.buffer_exhausted", {{"producer", index_}, {"max_block_ms", config_.max_block_ms}});
      return false;
    }
    wakeup_.notify_all();  // a full buffer is worth sending now, whatever linger.ms says
    memory_freed_.wait_until(deadline);
  }
  if (ctx.true_now() > blocked_at)
    ctx.trace("producer.send_blocked", {{"producer", index_}, {"blocked_ms", (ctx.true_now() - blocked_at).ms()}});
  return true;
}

Producer::PartitionQueue& Producer::queue_for(const TopicPartition& tp) {
  auto& by_number = queues_[tp.topic];
  auto n = static_cast<size_t>(tp.partition);
  if (by_number.size() <= n) by_number.resize(n + 1);
  if (by_number[n] == nullptr) {
    by_number[n] = std::make_unique<PartitionQueue>();
    by_number[n]->tp = tp;
  }
  return *by_number[n];
}

void Producer::forget_idle_queues() {
  for (auto it = active_queues_.begin(); it != active_queues_.end();) {
    const PartitionQueue& q = *it->second;
    if (q.batches.empty() && !q.sequences.unresolved && !q.sequences.needs_bump) it = active_queues_.erase(it);
    else ++it;
  }
}

bool Producer::batch_ready(const Batch& b, sim::Instant now) const {
  if (b.in_flight || now < b.retry_after) return false;
  if (b.attempts > 0) return true;
  return b.bytes >= config_.batch_size || now - b.created >= sim::milliseconds(config_.linger_ms);
}

void Producer::sender_loop() {
  sim::NodeContext& ctx = rpc_.context();
  for (;;) {
    if (EDDY_FAULT_POINT("producer.sender_stall")) ctx.sleep_for(fault_delay(ctx, sim::milliseconds(1), sim::milliseconds(200)));
    sim::Instant now = ctx.now();
    expire_old_batches(now);
    if (config_.enable_idempotence) {
      maybe_init_producer_id(now);
      resolve_sequences();
    }
    // Collect, per leader, the first ready batch of each partition (Kafka's drain).
    std::map<BrokerId, std::vector<Batch*>> by_leader;
    // Bytes each leader's request holds so far: Kafka's drain stops adding batches to a
    // request at max.request.size, except its first (a record alone may be that large).
    std::map<BrokerId, int64_t> request_bytes;
    sim::Instant next_wake = now + sim::milliseconds(config_.linger_ms > 0 ? config_.linger_ms : 100);
    bool need_metadata = false;
    for (auto& [tp, queue_of] : active_queues_) {
      PartitionQueue& partition = *queue_of;
      // Like Kafka's drain: the first batch not already in flight, if it is ready.
      auto& queue = partition.batches;
      auto first = queue.begin();
      while (first != queue.end() && first->in_flight) ++first;
      if (first == queue.end()) continue;
      Batch& b = *first;
      if (config_.enable_idempotence && !idempotent_ready(partition, b)) continue;
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
      if (in_flight_[leader->leader] >= config_.max_in_flight) continue;  // would be skipped below
      int64_t& bytes = request_bytes[leader->leader];
      if (bytes > 0 && bytes + b.bytes > config_.max_request_size) {
        next_wake = now;  // the next turn sends it in a request of its own
        continue;
      }
      bytes += b.bytes;
      by_leader[leader->leader].push_back(&b);
    }
    if (need_metadata) metadata_.request_refresh();
    for (auto& [broker, list] : by_leader) {
      if (in_flight_[broker] >= config_.max_in_flight) continue;
      send_to(broker, std::move(list));
    }
    forget_idle_queues();
    const bool awaiting_producer_id = config_.enable_idempotence && producer_id_ == kNoProducerId;
    if (awaiting_producer_id && init_retry_after_ < next_wake)
      next_wake = std::max(init_retry_after_, now + sim::milliseconds(1));
    if (active_queues_.empty() && !awaiting_producer_id) {
      // Nothing queued and nothing to resolve: until send() queues a record (it wakes us),
      // every pass would find nothing. A producer that sends once a second would otherwise
      // wake every linger.ms for nothing (2,000 such producers: most of a run's events).
      wakeup_.wait();
      continue;
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
  req.transactional_id = config_.transactional_id;
  req.partitions.reserve(batches.size());
  double compress_ns = 0;
  for (Batch* b : batches) {
    b->in_flight = true;
    ++b->attempts;
    if (b->attempts == 1) {
      b->partition->last_batch_records = b->records.size();
      compress_ns += static_cast<double>(b->bytes) * storage::codec(config_.compression).compress_ns_per_byte;
    }
    RecordBatch batch = RecordBatch::of(b->records);
    batch.attributes = storage::with_compression(batch.attributes, config_.compression);
    if (config_.enable_idempotence) {
      if (!b->has_sequence) assign_sequence(*b);
      PartitionSequences& s = b->partition->sequences;
      if (auto l = metadata_.leader(b->tp); l && l->leader_epoch > s.max_leader_epoch) s.max_leader_epoch = l->leader_epoch;
      batch.producer_id = b->producer_id;
      batch.producer_epoch = b->producer_epoch;
      batch.base_sequence = b->base_sequence;
      if (transactional()) batch.attributes = static_cast<int16_t>(batch.attributes | txn::kTransactionalFlag);
    }
    record_send(b, broker);
    req.partitions.push_back(ProducePartitionData{b->tp, std::move(batch)});
  }
  // compression.type: the CPU time to compress the new batches (compression.h). Kafka pays it
  // in send() as records are appended; here the sender pays it before the request leaves.
  // The batches are in flight meanwhile, so nothing is appended to them.
  if (compress_ns >= 1) rpc_.context().sleep_for(sim::nanoseconds(static_cast<int64_t>(compress_ns)));
  uint32_t bytes = wire_bytes(req);
  if (config_.acks == kAcksNone) {
    // Fire and forget: nobody will ever say whether these records were written.
    rpc_.send_one_way(node_of(broker), kProduceRpc, bytes, std::move(req));
    for (Batch* b : batches) complete(b, DeliveryOutcome::kUnknown, ErrorCode::kNone, Offset{-1}, broker, kNoLeaderEpoch);
    return;
  }
  sim::Duration timeout = sim::milliseconds(config_.request_timeout_ms);
  if (EDDY_FAULT_POINT("producer.request_timeout_shrunk")) timeout = fault_delay(rpc_.context(), sim::milliseconds(1), sim::milliseconds(30));
  ++in_flight_[broker];
  rpc_.call_async(node_of(broker), kProduceRpc, bytes, std::move(req), timeout,
                  [this, broker, batches](std::optional<sim::Payload>&& resp) { on_response(broker, batches, std::move(resp)); },
                  ResponseOn::kDelivery);  // on_response settles the batches and wakes the sender: it never blocks
}

void Producer::on_response(BrokerId broker, std::vector<Batch*> batches, std::optional<sim::Payload>&& response) {
  --in_flight_[broker];
  const auto* r = response ? sim::payload_cast<ProduceResponse>(&*response) : nullptr;
  for (Batch* b : batches) {
    b->in_flight = false;
    const ProducePartitionResponse* pr = nullptr;
    if (r != nullptr)
      for (const auto& p : r->partitions)
        if (p.tp == b->tp) pr = &p;
    if (pr == nullptr) {
      record_answer(b, r == nullptr ? AttemptAnswer::kNoResponse : AttemptAnswer::kPartitionMissing);
      retry_or_fail(b, ErrorCode::kRequestTimedOut);
    } else if (pr->error == ErrorCode::kNone || pr->error == ErrorCode::kDuplicateSequenceNumber) {
      if (config_.enable_idempotence) {
        PartitionSequences& s = b->partition->sequences;
        if (pr->leader_epoch > s.max_leader_epoch) s.max_leader_epoch = pr->leader_epoch;
      }
      // DUPLICATE_SEQUENCE_NUMBER: an old broker's way of saying "already written".
      record_answer(b, AttemptAnswer::kAcknowledged, pr->base_offset);
      if (config_.enable_idempotence) on_idempotent_ack(b);
      complete(b, DeliveryOutcome::kAcknowledged, ErrorCode::kNone, pr->base_offset, broker, pr->leader_epoch);
    } else if (pr->error == ErrorCode::kMessageTooLarge && b->records.size() > 1) {
      record_answer(b, AttemptAnswer::kError, Offset{-1}, pr->error);
      split_batch(b);
    } else {
      record_answer(b, AttemptAnswer::kError, Offset{-1}, pr->error);
      if (config_.enable_idempotence) on_sequence_error(b, pr->error, pr->leader_epoch);
      retry_or_fail(b, pr->error);
    }
  }
  wakeup_.notify_all();
}

// Kafka's Sender.completeBatch: MESSAGE_TOO_LARGE for a batch of more than one record splits
// it (RecordAccumulator.splitAndReenqueue) and sends the parts again, without counting an
// attempt; a single record too large fails (MESSAGE_TOO_LARGE is not retriable). eddy halves
// the batch each time, as Kafka does for a batch that was already split. The broker appended
// nothing, so the parts keep the batch's sequences in order (Kafka gives the split batches
// the big batch's base sequence onwards).
void Producer::split_batch(Batch* b) {
  auto& queue = b->partition->batches;
  auto it = queue.begin();
  while (it != queue.end() && &*it != b) ++it;
  EDDY_CHECK_MSG(it != queue.end(), "split batch not found in its partition queue");
  const size_t first_half = b->records.size() / 2;
  Batch rest;
  rest.tp = b->tp;
  rest.partition = b->partition;
  rest.created = b->created;
  rest.retry_after = b->retry_after;
  rest.attempts = b->attempts;
  std::vector<Record>& records = b->records.mutate();
  std::vector<Record> tail(std::make_move_iterator(records.begin() + static_cast<std::ptrdiff_t>(first_half)),
                           std::make_move_iterator(records.end()));
  records.resize(first_half);
  rest.records = SharedRecords(std::move(tail));
  rest.tokens.assign(b->tokens.begin() + static_cast<std::ptrdiff_t>(first_half), b->tokens.end());
  b->tokens.resize(first_half);
  int64_t first_bytes = 0;
  for (const Record& r : b->records) first_bytes += r.logical_size_in_bytes();
  rest.bytes = b->bytes - first_bytes;
  b->bytes = first_bytes;
  if (b->has_sequence) {
    rest.has_sequence = true;
    rest.producer_id = b->producer_id;
    rest.producer_epoch = b->producer_epoch;
    rest.base_sequence = add_sequence(b->base_sequence, static_cast<int32_t>(first_half));
    rest.sequence_reset = b->sequence_reset;
  }
  b->partition->last_batch_records = first_half;
  rpc_.context().trace("producer.batch_split", {{"producer", index_}, {"partition", b->tp.str()},
                                                {"records", static_cast<int64_t>(first_half + rest.records.size())}});
  queue.insert(std::next(it), std::move(rest));
}

void Producer::retry_or_fail(Batch* b, ErrorCode error) {
  if (maybe_appended(error)) b->maybe_written = true;
  metadata_.request_refresh();
  sim::Instant now = rpc_.context().now();
  bool expired = now - b->created >= sim::milliseconds(config_.delivery_timeout_ms);
  if (!retriable(error) || expired || b->attempts > config_.retries) {
    complete(b, b->maybe_written ? DeliveryOutcome::kUnknown : DeliveryOutcome::kFailed, error, Offset{-1}, kNoBroker,
             kNoLeaderEpoch);
    return;
  }
  b->retry_after = now + sim::milliseconds(config_.retry_backoff_ms);
}

// delivery.timeout.ms, as Kafka's Sender does (clients/.../producer/internals/Sender.java,
// sendProducerData: accumulator.expiredBatches and getExpiredInflightBatches, each handed to
// failBatch(batch, new TimeoutException(...), adjustSequenceNumbers=false), then
// transactionManager.markSequenceUnresolved(batch) when it had been sent): an expired batch is
// failed to the application and dropped, never sent again. Its partition is then unresolved
// until nothing of it is in flight; TransactionManager.maybeResolveSequences clears it without
// an epoch bump when a later sequence was acknowledged ("This would happen when a batch was
// expired, but subsequent batches succeeded") and bumps only when none was (complete() and
// resolve_sequences() below). Bumping and resending the expired batch would write it twice.
void Producer::expire_old_batches(sim::Instant now) {
  // Batches of a partition are in creation order: only the oldest not in flight can be
  // the first to expire, so look no further than that.
  for (auto& [tp, partition] : active_queues_) {
    auto& queue = partition->batches;
    auto it = queue.begin();
    while (it != queue.end() && it->in_flight) ++it;
    if (it == queue.end() || now - it->created < sim::milliseconds(config_.delivery_timeout_ms)) continue;
    complete(&*it, it->maybe_written ? DeliveryOutcome::kUnknown : DeliveryOutcome::kFailed, ErrorCode::kRequestTimedOut,
             Offset{-1}, kNoBroker, kNoLeaderEpoch);
  }
}

void Producer::complete(Batch* b, DeliveryOutcome outcome, ErrorCode error, Offset base, BrokerId by, LeaderEpoch epoch) {
  if (b->sends.size() > 1) {
    b->sends.front().tokens = b->tokens;  // the first send carries the record list
    for (const ProduceBatchAttempt& a : b->sends) rpc_.context().emit(a);
  }
  if (config_.enable_idempotence && b->has_sequence && outcome != DeliveryOutcome::kAcknowledged) {
    // Given up with sequences the broker may or may not have: resolve before going on.
    PartitionSequences& s = b->partition->sequences;
    if (b->producer_epoch == s.epoch && b->producer_id == s.producer_id) {
      s.unresolved = true;
      s.unresolved_sequence = b->last_sequence();
    }
  }
  DeliveryReport report{b->tp, outcome, error, base, by, epoch, b->attempts};
  if (outcome == DeliveryOutcome::kAcknowledged) report.error = ErrorCode::kNone;
  listener_.on_completion(b->tokens, report);
  queued_records_ -= b->records.size();
  queued_bytes_ -= b->bytes;
  memory_freed_.notify_all();
  remove_batch(b);
  if (queued_records_ == 0) drained_.notify_all();
}

void Producer::remove_batch(Batch* b) {
  auto& queue = b->partition->batches;
  for (auto it = queue.begin(); it != queue.end(); ++it) {
    if (&*it == b) {
      queue.erase(it);
      return;
    }
  }
  EDDY_CHECK_MSG(false, "completed batch not found in its partition queue");
}

// ---------------------------------------------------------------------------- idempotence
//
// How the producer keeps "retries never duplicate" true, following Kafka's TransactionManager
// for an idempotent producer without transactions (KIP-360 epoch bumps on the client):
//
// - Sequences are per partition and per epoch. A batch gets its sequences when first sent and
//   keeps them on every retry. Batches of a partition are sent in sequence order: a retry
//   waits until it is the oldest unanswered batch of its partition, and at most five batches
//   of a partition are in flight (the broker's dedup window).
// - OUT_OF_ORDER_SEQUENCE_NUMBER proves a gap only for the batch right after the last one
//   acknowledged (or right after a batch given up, below): the broker is missing sequences we
//   will never resend, and neither that batch nor any later one is in its log. The partition
//   then needs an epoch bump: once nothing of it is in flight, the epoch goes up by one and its
//   pending batches are renumbered from sequence 0 (a new epoch must start at 0). Renumbering
//   is safe exactly because the broker showed they are absent. Any other batch answered
//   OUT_OF_ORDER is retried as it is: one before it is still in flight, or it is *behind* the
//   last acknowledged sequence (a retry that reaches a new leader after later batches did:
//   the broker took those in order, so this one is in its log, and only its offset is
//   unknown); it is retried until delivery.timeout.ms fails it to the application, never
//   renumbered (renumbering would write it twice). This is Kafka's
//   TransactionManager.canRetry (clients/src/main/java/org/apache/kafka/clients/producer/
//   internals/TransactionManager.java: "retry the OutOfOrderSequenceException if the batch is
//   _not_ the next batch, ie. its base sequence isn't the lastAckedSequence + 1").
// - UNKNOWN_PRODUCER_ID (the broker has no state for us, so none of our batches are in its
//   log): the same epoch bump. (eddy's brokers accept an unknown producer at any sequence,
//   as Kafka's do since KIP-360, so they do not send it; the client handles it anyway.)
// - A batch given up with sequences (delivery.timeout.ms, retries, a fatal error) leaves its
//   partition "unresolved": no new batch is sequenced there until it is resolved. When no
//   sequenced batch of the partition is pending any more: if a later sequence was
//   acknowledged, the broker took the given-up batch before it (written); otherwise the epoch
//   is bumped (Kafka's maybeResolveSequences). OUT_OF_ORDER on the batch right after the given-up one proves
//   the gap at once (a bump). The given-up batch is never resent, so a bump cannot
//   duplicate it.
// - An OUT_OF_ORDER_SEQUENCE_NUMBER proves a gap only when it comes from the newest leader
//   epoch seen for the partition (in metadata or any response): a deposed leader that has
//   not heard of its successor may lack sequences the new one holds. Otherwise: retry.
// - INVALID_PRODUCER_EPOCH (the partition has seen a newer epoch of ours) fails the batch.
// - Other partitions move to a new epoch only when none of their batches of the old epoch
//   is pending: their sequences then restart at 0.
// - At epoch 32767 a bump asks for a new producer id instead.

void Producer::set_transactional_producer(ProducerId id, int16_t epoch) {
  producer_id_ = id;
  producer_epoch_ = epoch;
  // A new epoch starts every partition's sequences at 0; what the old epoch left unresolved
  // belongs to a transaction that is over (the caller flushed and ended it).
  for (auto& [topic, by_number] : queues_)
    for (auto& q : by_number) {
      if (!q) continue;
      LeaderEpoch seen = q->sequences.max_leader_epoch;
      q->sequences = PartitionSequences{};
      q->sequences.max_leader_epoch = seen;
    }
  wakeup_.notify_all();
}

std::optional<TopicPartition> Producer::partition_for_key(sim::Symbol topic, const std::string& key) {
  int32_t parts = metadata_.partitions(topic);
  if (parts <= 0) return std::nullopt;
  return TopicPartition{topic, partitioner_.partition(key, parts)};
}

void Producer::maybe_init_producer_id(sim::Instant now) {
  if (transactional()) return;  // the transaction coordinator's (set_transactional_producer)
  if (producer_id_ != kNoProducerId || init_in_flight_ || now < init_retry_after_) return;
  const std::vector<BrokerId>& brokers = metadata_.brokers();
  if (brokers.empty()) {
    metadata_.request_refresh();
    init_retry_after_ = now + sim::milliseconds(config_.retry_backoff_ms);
    return;
  }
  BrokerId target = brokers[init_broker_++ % brokers.size()];
  init_in_flight_ = true;
  rpc_.call_async(node_of(target), kInitProducerIdRpc, kInitProducerIdRequestBytes, InitProducerIdRequest{},
                  sim::milliseconds(config_.request_timeout_ms),
                  [this](std::optional<sim::Payload>&& resp) { on_init_producer_id(std::move(resp)); });
}

void Producer::on_init_producer_id(std::optional<sim::Payload>&& response) {
  sim::NodeContext& ctx = rpc_.context();
  init_in_flight_ = false;
  const auto* r = response ? sim::payload_cast<InitProducerIdResponse>(&*response) : nullptr;
  if (r == nullptr || r->error != ErrorCode::kNone || r->producer_id == kNoProducerId) {
    init_retry_after_ = ctx.now() + sim::milliseconds(config_.retry_backoff_ms);
    ctx.trace("producer.init_producer_id_failed", {{"producer", index_}, {"error", r ? to_string(r->error) : "no response"}});
  } else {
    producer_id_ = r->producer_id;
    producer_epoch_ = r->producer_epoch;
    ctx.trace("producer.init_producer_id", {{"producer", index_}, {"producer_id", producer_id_.value()},
                                            {"epoch", static_cast<int64_t>(producer_epoch_)}});
  }
  wakeup_.notify_all();
}

bool Producer::idempotent_ready(const PartitionQueue& partition, const Batch& b) const {
  if (producer_id_ == kNoProducerId) return false;
  const PartitionSequences& s = partition.sequences;
  const std::list<Batch>& queue = partition.batches;
  if (s.needs_bump) return false;  // resolve_sequences bumps once nothing is in flight
  int in_flight = 0;
  bool older_sequenced = false;  // batches before `b` are in flight (the drain takes the first one that is not)
  for (const Batch& other : queue) {
    if (&other == &b) break;
    ++in_flight;
    older_sequenced = older_sequenced || other.has_sequence;
  }
  if (in_flight >= kIdempotentMaxInFlight) return false;
  if (b.has_sequence) return !older_sequenced;  // a retry goes only as the oldest pending batch
  if (s.unresolved) return false;
  // New sequences: only in the current epoch, and only once no batch of an older epoch is pending.
  if (!in_current_epoch(s) && older_sequenced) return false;
  return true;
}

void Producer::assign_sequence(Batch& b) {
  PartitionSequences& s = b.partition->sequences;
  if (!in_current_epoch(s)) {  // first batch of this partition in a new epoch (or producer id)
    s.producer_id = producer_id_;
    s.epoch = producer_epoch_;
    s.next_sequence = 0;
    s.last_acked_sequence = kNoSequence;
  }
  b.has_sequence = true;
  b.producer_id = producer_id_;
  b.producer_epoch = s.epoch;
  b.base_sequence = s.next_sequence;
  s.next_sequence = add_sequence(s.next_sequence, static_cast<int32_t>(b.records.size()));
}

void Producer::on_idempotent_ack(Batch* b) {
  PartitionSequences& s = b->partition->sequences;
  if (!b->has_sequence || b->producer_epoch != s.epoch || b->producer_id != s.producer_id) return;
  s.last_acked_sequence = b->last_sequence();
  // The broker took this batch in sequence, so every earlier sequence is in its log: a
  // given-up batch before it was written after all.
  if (s.unresolved && b->base_sequence > s.unresolved_sequence) s.unresolved = false;
}

int32_t Producer::next_sequence_after(int32_t seq) { return seq == kNoSequence ? 0 : add_sequence(seq, 1); }

bool Producer::acknowledged_after(const PartitionSequences& s, int32_t seq) {
  // Sequences within one epoch of one partition; a wrap past INT32_MAX (2^31 records of one
  // producer to one partition) is not told apart here.
  return s.last_acked_sequence != kNoSequence && s.last_acked_sequence > seq;
}

void Producer::on_sequence_error(Batch* b, ErrorCode error, LeaderEpoch responder_epoch) {
  PartitionSequences& s = b->partition->sequences;
  // Only the newest leader we know of can show a gap: a deposed leader that has not heard of
  // its successor may lack sequences the new one holds (retry: metadata will move us on).
  bool stale_responder = responder_epoch < s.max_leader_epoch;
  if (responder_epoch > s.max_leader_epoch) s.max_leader_epoch = responder_epoch;
  if (stale_responder) return;
  sim::NodeContext& ctx = rpc_.context();
  // INVALID_PRODUCER_EPOCH is not retriable: retry_or_fail gives the batch up.
  if (error != ErrorCode::kOutOfOrderSequenceNumber && error != ErrorCode::kUnknownProducerId) return;
  // A transactional producer never bumps its own epoch: its coordinator does (InitProducerId).
  // The batch is retried until delivery.timeout.ms and the application aborts.
  if (transactional()) return;
  if (!b->has_sequence || b->producer_epoch != s.epoch || b->producer_id != s.producer_id) return;  // renumbered since
  if (error == ErrorCode::kOutOfOrderSequenceNumber && s.last_acked_sequence != kNoSequence &&
      b->base_sequence <= s.last_acked_sequence && !config_.variants.has(Variant::kProducerBumpBehindAcked)) {
    // Behind the last acknowledged sequence of its epoch: the broker took sequences in order,
    // so this batch is in its log, whatever else is unresolved; the answer is OUT_OF_ORDER
    // because it is older than the five batches the broker remembers. Never a gap: retry it as
    // it is until delivery.timeout.ms fails it. (Kafka's canRetry would bump here when the
    // batch comes right after an expired one, renumbering a written batch; over TCP that cannot
    // meet a batch already behind the acknowledged ones on one connection, but a lost response
    // without a broken connection, the message-drop fault, or a move to a new leader can.)
    ctx.trace("producer.retry_behind_acknowledged", {{"producer", index_}, {"partition", b->tp.str()},
                                                     {"sequence", static_cast<int64_t>(b->base_sequence)},
                                                     {"last_acknowledged", static_cast<int64_t>(s.last_acked_sequence)}});
    return;
  }
  if (error == ErrorCode::kOutOfOrderSequenceNumber) {
    bool next_after_acked = b->base_sequence == next_sequence_after(s.last_acked_sequence);
    bool next_after_unresolved = s.unresolved && b->base_sequence == next_sequence_after(s.unresolved_sequence);
    // BUG ZOO (KAFKA-5793 and TransactionManager.canRetry, Kafka 1.0.0): early idempotent
    // producers took every OUT_OF_ORDER_SEQUENCE_NUMBER as a gap, also for a retry that is
    // *behind* batches already acknowledged (it reached a new leader after later batches did,
    // so it is in the log). Bumping the epoch and renumbering it writes it a second time.
    bool behind_acked = !b->sequence_reset && s.last_acked_sequence != kNoSequence &&
                        b->base_sequence <= s.last_acked_sequence;
    bool bump_anyway = config_.variants.has(Variant::kProducerBumpBehindAcked) && !s.unresolved && behind_acked;
    if (!s.unresolved && (b->sequence_reset || !next_after_acked) && !bump_anyway) {  // not a gap: retry as it is
      if (!b->sequence_reset && s.last_acked_sequence != kNoSequence && b->base_sequence <= s.last_acked_sequence)
        ctx.trace("producer.retry_behind_acknowledged", {{"producer", index_}, {"partition", b->tp.str()},
                                                         {"sequence", static_cast<int64_t>(b->base_sequence)},
                                                         {"last_acknowledged", static_cast<int64_t>(s.last_acked_sequence)}});
      return;
    }
    if (s.unresolved && !next_after_unresolved) return;  // wait for the given-up batch to resolve
  }
  s.needs_bump = true;
  ctx.trace("producer.epoch_bump_needed", {{"producer", index_}, {"partition", b->tp.str()}, {"error", to_string(error)},
                                           {"sequence", static_cast<int64_t>(b->base_sequence)}});
}

void Producer::resolve_sequences() {
  if (producer_id_ == kNoProducerId) return;
  // A transactional producer's epochs are its coordinator's: a bump here would reuse an epoch
  // the coordinator hands to the next instance of this transactional.id (two writers under one
  // producer id and epoch: one's batch taken for the other's retry, found by the zombie-fencing
  // sweep, seed 130). A partition left unresolved waits for the application to abort and
  // re-initialize (set_transactional_producer starts every partition over).
  if (transactional()) return;
  bool bumped = false;
  for (auto& [tp, queue_of] : active_queues_) {
    PartitionQueue& partition = *queue_of;
    PartitionSequences& s = partition.sequences;
    if (!s.unresolved && !s.needs_bump) continue;  // nothing to resolve: skip the queue scan
    auto& queue = partition.batches;
    bool any_in_flight = false, any_sequenced = false;
    for (const Batch& b : queue) {
      any_in_flight = any_in_flight || b.in_flight;
      any_sequenced = any_sequenced || b.has_sequence;
    }
    // Unresolved with no sequenced batch left to ask with (Kafka's "no in-flight batches":
    // its in-flight set holds every sequenced batch until it completes, retries included):
    // the given-up batch was written if a later sequence was acknowledged (the broker takes
    // sequences in order); else assume the gap. Never while a sequenced batch is pending: it
    // may have been written, and renumbering it would write it twice.
    if (s.unresolved && !any_sequenced) {
      if (acknowledged_after(s, s.unresolved_sequence)) s.unresolved = false;
      else s.needs_bump = true;
    }
    if (!s.needs_bump || any_in_flight) continue;
    if (in_current_epoch(s) && !bumped) {
      bumped = true;
      if (producer_epoch_ == INT16_MAX) {
        producer_id_ = kNoProducerId;  // a new id (and epoch 0) from InitProducerId
        producer_epoch_ = kNoProducerEpoch;
      } else {
        ++producer_epoch_;
      }
      rpc_.context().trace("producer.epoch_bump", {{"producer", index_}, {"partition", tp.str()},
                                                   {"epoch", static_cast<int64_t>(producer_epoch_)}});
    }
    // Pending batches were shown absent from the log: they get new sequences when sent.
    for (Batch& b : queue) {
      if (b.has_sequence) b.sequence_reset = true;
      b.has_sequence = false;
    }
    s.needs_bump = false;
    s.unresolved = false;
    s.epoch = kNoProducerEpoch;  // the next send starts the new epoch at sequence 0
    if (producer_id_ == kNoProducerId) return;
  }
}

void Producer::record_send(Batch* b, BrokerId broker) {
  ProduceBatchAttempt a;
  a.producer = index_;
  a.tp = b->tp;
  a.attempt = b->attempts;
  a.sent = rpc_.context().true_now();
  a.broker = broker;
  a.producer_id = b->producer_id;
  a.producer_epoch = b->producer_epoch;
  a.base_sequence = b->base_sequence;
  b->sends.push_back(std::move(a));
}

void Producer::record_answer(Batch* b, AttemptAnswer answer, Offset offset, ErrorCode error) {
  if (b->sends.empty()) return;
  ProduceBatchAttempt& a = b->sends.back();
  a.answered = rpc_.context().true_now();
  a.answer = answer;
  a.offset = offset;
  a.error = error;
  if (answer != AttemptAnswer::kAcknowledged && rpc_.context().observed<ProduceErrorAnswered>())
    rpc_.context().emit(ProduceErrorAnswered{index_, b->tp, a.broker, answer == AttemptAnswer::kError ? error : ErrorCode::kRequestTimedOut});
}

void Producer::flush() {
  wakeup_.notify_all();
  while (queued_records_ > 0) drained_.wait();
}

}  // namespace broker_model
