#include "broker_model/kinesis/kinesis_client.h"

#include <algorithm>

namespace broker_model::kinesis {

template <class Resp, class Req>
std::optional<Resp> KinesisClient::call(sim::Symbol type, Req req) {
  auto resp = rpc_.call_sized(frontends_[current_], type, std::move(req), timeout_);
  const Resp* r = resp ? sim::payload_cast<Resp>(&*resp) : nullptr;
  if (r == nullptr) {
    current_ = (current_ + 1) % frontends_.size();
    return std::nullopt;
  }
  return *r;
}

std::optional<PutRecordsResponse> KinesisClient::put_records(PutRecordsRequest req) {
  return call<PutRecordsResponse>(kPutRecordsRpc, std::move(req));
}
std::optional<GetShardIteratorResponse> KinesisClient::get_shard_iterator(GetShardIteratorRequest req) {
  return call<GetShardIteratorResponse>(kGetShardIteratorRpc, std::move(req));
}
std::optional<GetRecordsResponse> KinesisClient::get_records(GetRecordsRequest req) {
  return call<GetRecordsResponse>(kGetRecordsRpc, std::move(req));
}
std::optional<ListShardsResponse> KinesisClient::list_shards(ListShardsRequest req) {
  return call<ListShardsResponse>(kListShardsRpc, std::move(req));
}
std::optional<ReshardResponse> KinesisClient::split_shard(SplitShardRequest req) {
  return call<ReshardResponse>(kSplitShardRpc, std::move(req));
}
std::optional<ReshardResponse> KinesisClient::merge_shards(MergeShardsRequest req) {
  return call<ReshardResponse>(kMergeShardsRpc, std::move(req));
}
std::optional<ReshardResponse> KinesisClient::update_shard_count(UpdateShardCountRequest req) {
  return call<ReshardResponse>(kUpdateShardCountRpc, std::move(req));
}
std::optional<ReshardResponse> KinesisClient::increase_stream_retention_period(StreamRetentionRequest req) {
  return call<ReshardResponse>(kIncreaseStreamRetentionPeriodRpc, std::move(req));
}
std::optional<ReshardResponse> KinesisClient::decrease_stream_retention_period(StreamRetentionRequest req) {
  return call<ReshardResponse>(kDecreaseStreamRetentionPeriodRpc, std::move(req));
}
std::optional<StreamConsumerResponse> KinesisClient::register_stream_consumer(StreamConsumerRequest req) {
  return call<StreamConsumerResponse>(kRegisterStreamConsumerRpc, std::move(req));
}
std::optional<StreamConsumerResponse> KinesisClient::deregister_stream_consumer(StreamConsumerRequest req) {
  return call<StreamConsumerResponse>(kDeregisterStreamConsumerRpc, std::move(req));
}
std::optional<SubscribeToShardResponse> KinesisClient::subscribe_to_shard(SubscribeToShardRequest req) {
  return call<SubscribeToShardResponse>(kSubscribeToShardRpc, std::move(req));
}
std::optional<SubscribeToShardEvent> KinesisClient::next_event(SubscribeToShardEventRequest req, sim::Duration wait) {
  // The subscription lives on the frontend that took it: no failover here (the caller
  // subscribes again on no answer).
  auto resp = rpc_.call_sized(frontends_[current_], kSubscribeToShardEventRpc, req, wait + timeout_);
  const SubscribeToShardEvent* r = resp ? sim::payload_cast<SubscribeToShardEvent>(&*resp) : nullptr;
  if (r == nullptr) {
    current_ = (current_ + 1) % frontends_.size();
    return std::nullopt;
  }
  return *r;
}

KinesisProducer::KinesisProducer(sim::NodeContext& ctx, KinesisClient& client, KinesisProducerConfig config,
                                 OnOutcome on_outcome, OnAttemptError on_attempt_error)
    : ctx_(ctx),
      client_(client),
      config_(std::move(config)),
      on_outcome_(std::move(on_outcome)),
      on_attempt_error_(std::move(on_attempt_error)) {
  config_.batch_records = std::clamp<int32_t>(config_.batch_records, 1, static_cast<int32_t>(kPutRecordsMax));
}

void KinesisProducer::start() {
  for (int32_t i = 0; i < std::max(1, config_.max_in_flight_calls); ++i)
    ctx_.spawn("kinesis-producer-" + std::to_string(i), [this] { sender_loop(); });
}

void KinesisProducer::add(uint64_t token, std::string partition_key, uint64_t record_id, int32_t data_bytes,
                          std::optional<std::string> explicit_hash_key) {
  Pending p;
  p.token = token;
  p.entry = PutRecordsEntry{std::move(partition_key), std::move(explicit_hash_key), record_id, data_bytes};
  p.added = ctx_.now();
  p.retry_after = p.added;
  queue_.push_back(std::move(p));
  ++outstanding_;
  if (queue_.size() == 1 || queue_.size() >= static_cast<size_t>(config_.batch_records) ||
      config_.max_buffered == sim::Duration::zero())
    wakeup_.notify_one();
}

void KinesisProducer::flush() {
  wakeup_.notify_one();
  while (outstanding_ > 0) drained_.wait();
}

void KinesisProducer::retry_later(Pending p, const std::string& error) {
  p.last_error = error;
  const sim::Instant now = ctx_.now();
  if (now - p.added >= config_.record_ttl) {
    on_outcome_(PutOutcome{p.token, false, -1, -1, p.attempts, error});
    --outstanding_;
    return;
  }
  // Exponential backoff with full jitter (the AWS SDKs' retry strategy).
  int64_t cap = config_.backoff_base.ns();
  for (int i = 1; i < p.attempts && cap < config_.backoff_max.ns(); ++i) cap *= 2;
  cap = std::min(cap, config_.backoff_max.ns());
  p.retry_after = now + sim::nanoseconds(static_cast<int64_t>(ctx_.prng().unit() * static_cast<double>(cap)));
  queue_.push_back(std::move(p));
}

void KinesisProducer::sender_loop() {
  for (;;) {
    // Wait for a full batch, for the oldest ready record's buffered time to pass, or for the
    // next record in backoff to become ready.
    const sim::Instant now = ctx_.now();
    std::vector<Pending> batch;
    sim::Instant next_wake = sim::Instant::max();
    size_t ready = 0;
    sim::Instant oldest = sim::Instant::max();
    for (const Pending& p : queue_)
      if (p.retry_after <= now) {
        ++ready;
        oldest = std::min(oldest, p.attempts == 0 ? p.added : p.retry_after);
      } else {
        next_wake = std::min(next_wake, p.retry_after);
      }
    const bool flushing = !drained_.empty();
    const bool due = ready > 0 && (ready >= static_cast<size_t>(config_.batch_records) ||
                                   now - oldest >= config_.max_buffered || flushing);
    if (!due) {
      if (ready > 0) next_wake = std::min(next_wake, oldest + config_.max_buffered);
      if (next_wake == sim::Instant::max()) wakeup_.wait();
      else wakeup_.wait_until(ctx_.sim_deadline(std::max(next_wake - now, sim::milliseconds(1))));
      continue;
    }
    std::deque<Pending> rest;
    while (!queue_.empty()) {
      Pending p = std::move(queue_.front());
      queue_.pop_front();
      if (p.retry_after <= now && batch.size() < static_cast<size_t>(config_.batch_records)) batch.push_back(std::move(p));
      else rest.push_back(std::move(p));
    }
    queue_ = std::move(rest);
    PutRecordsRequest req;
    req.stream = config_.stream;
    for (Pending& p : batch) {
      ++p.attempts;
      req.records.push_back(p.entry);
    }
    std::optional<PutRecordsResponse> resp = client_.put_records(std::move(req));
    if (!resp || !resp->error_code.empty() || resp->records.size() != batch.size()) {
      // No answer, or the whole call failed: every record is retried (those written become duplicates).
      const std::string error = !resp ? "no response" : resp->error_code.empty() ? kInternalFailure : resp->error_code;
      for (Pending& p : batch) {
        on_attempt_error_(p.token, -1, error);
        retry_later(std::move(p), error);
      }
    } else {
      for (size_t i = 0; i < batch.size(); ++i) {
        const PutRecordsResultEntry& r = resp->records[i];
        if (r.error_code.empty()) {
          on_outcome_(PutOutcome{batch[i].token, true, r.shard, r.sequence_number, batch[i].attempts, ""});
          --outstanding_;
        } else {
          on_attempt_error_(batch[i].token, r.shard, r.error_code);
          retry_later(std::move(batch[i]), r.error_code);
        }
      }
    }
    if (outstanding_ == 0) drained_.notify_all();
  }
}

}  // namespace broker_model::kinesis
