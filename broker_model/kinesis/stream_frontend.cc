#include "broker_model/kinesis/stream_frontend.h"

#include <algorithm>

#include "broker_model/clients/partitioner.h"
#include "broker_model/protocol/messages.h"
#include "sim/check.h"

namespace broker_model::kinesis {
namespace {

// Requests waiting for the serving fiber beyond this are refused (InternalFailure).
constexpr size_t kQueuedRequestsMax = 10'000;
// A PutRecords record's token: the pending call's number and the record's place in it.
constexpr int kTokenIndexBits = 20;
// How often the frontend looks for its streams' topics while the cluster starts.
constexpr sim::Duration kStartupPoll = sim::milliseconds(100);
// Retention trims every 1/100 of the shortest retention period, within these bounds (a read
// trims its shard first, so a trimmed record is never served in between).
constexpr sim::Duration kTrimEveryMin = sim::milliseconds(10);
constexpr sim::Duration kTrimEveryMax = sim::seconds(60);
// Enhanced fan-out: how often the frontend looks for records to push (AWS quotes ~70 ms from
// put to a subscriber), and how long it holds a SubscribeToShardEvent call with nothing to
// push before answering it empty.
constexpr sim::Duration kFanOutTick = sim::milliseconds(20);
constexpr sim::Duration kEventHoldMax = sim::seconds(1);

uint64_t token_of(uint64_t put, size_t index) { return (put << kTokenIndexBits) | index; }

}  // namespace

sim::BootFn make_stream_frontend_boot(FrontendConfig config) {
  return [config](sim::NodeContext& ctx) {
    StreamFrontend& f = ctx.make<StreamFrontend>(ctx, config);
    f.run();
  };
}

StreamFrontend::StreamFrontend(sim::NodeContext& ctx, FrontendConfig config)
    : ctx_(ctx), config_(std::move(config)), rpc_(ctx), throttle_(config_.limits) {
  for (const StreamConfig& s : config_.streams) {
    Stream st;
    st.config = s;
    st.map = ShardMap(s.shards);
    const int32_t partitions = s.capacity();
    st.cache.resize(static_cast<size_t>(partitions));
    st.in_flight.assign(static_cast<size_t>(partitions), 0);
    st.last_acked.assign(static_cast<size_t>(partitions), -1);
    // A key the Kafka partitioner sends to each shard's partition (as the lab's liveness
    // probe finds its keys): the shard, not the Kafka partitioner, decides where a record goes.
    st.routing_keys.resize(static_cast<size_t>(partitions));
    int32_t missing = partitions;
    for (uint64_t n = 0; missing > 0; ++n) {
      EDDY_CHECK_MSG(n < uint64_t{1000} * static_cast<uint64_t>(partitions) + 1000, "no routing key for some shard");
      std::string key = "shard-route-" + std::to_string(n);
      std::string& slot = st.routing_keys[static_cast<size_t>(to_positive(murmur2(key)) % partitions)];
      if (!slot.empty()) continue;
      slot = std::move(key);
      --missing;
    }
    stream_of_topic_[stream_topic(s.name)] = s.name;
    streams_.emplace(s.name, std::move(st));
  }
}

void StreamFrontend::run() {
  std::vector<std::string> topics;
  for (const auto& [topic, stream] : stream_of_topic_) topics.push_back(topic);
  ProducerConfig pc;
  pc.acks = kAcksAll;
  pc.linger_ms = 2;
  pc.delivery_timeout_ms = config_.write_timeout_ms;
  pc.request_timeout_ms = std::min<int64_t>(2'000, config_.write_timeout_ms);
  pc.retry_backoff_ms = 50;
  pc.max_block_ms = 0;
  // Batches well below the broker's message.max.bytes (1 MiB), so that a backlog after a
  // fault never builds one the broker refuses as too large.
  pc.batch_size = 256 << 10;
  pc.buffer_memory = int64_t{256} << 20;
  pc.client_id = "kinesis-frontend";
  metadata_ = &ctx_.make<ClientMetadata>(rpc_, config_.brokers, topics, sim::seconds(5),
                                         sim::milliseconds(pc.request_timeout_ms));
  rpc_.start([this](const RequestInfo& info, sim::Payload&& body) { on_request(info, std::move(body)); });
  metadata_->start();
  // Wait until every stream's topic exists (the lab's admin creates them), then start the
  // internal producer and the consumer that fills the read cache.
  for (;;) {
    bool all = true;
    for (const auto& [topic, stream] : stream_of_topic_)
      if (metadata_->partitions(topic) == 0) all = false;
    if (all) break;
    metadata_->refresh_now();
    ctx_.sleep_for(kStartupPoll);
  }
  producer_ = &ctx_.make<Producer>(rpc_, *metadata_, pc, *this, kFrontendClientIndex);
  producer_->start();
  std::vector<TopicPartition> all;
  for (const auto& [name, s] : streams_)
    for (int32_t i = 0; i < s.config.capacity(); ++i) all.push_back(TopicPartition{stream_topic(name), i});
  ConsumerConfig cc;
  cc.auto_offset_reset = "earliest";
  cc.fetch_max_wait_ms = 50;
  cc.request_timeout_ms = 3'000;
  Consumer& consumer = ctx_.make<Consumer>(rpc_, *metadata_, cc, *this, kFrontendClientIndex, all);
  consumer.start();
  ready_ = true;
  ctx_.spawn("kinesis-frontend", [this] { serve_loop(); });
  ctx_.spawn("kinesis-retention", [this] { retention_loop(); });
}

void StreamFrontend::retention_loop() {
  for (;;) {
    int32_t hours = kRetentionHoursMax;
    for (auto& [name, s] : streams_) {
      trim(name, s);
      hours = std::min(hours, s.config.retention_hours);
    }
    ctx_.sleep_for(std::clamp(config_.retention_hour * hours / 100, kTrimEveryMin, kTrimEveryMax));
  }
}

void StreamFrontend::trim(const std::string& name, Stream& s) {
  for (size_t shard = 0; shard < s.cache.size(); ++shard) trim(name, s, static_cast<int32_t>(shard));
}

void StreamFrontend::trim(const std::string& name, Stream& s, int32_t shard) {
  // Arrival times are the frontend's wall clock (its internal producer stamps them).
  const int64_t oldest_kept_ms = ctx_.wall_now().ns() / 1'000'000 - (config_.retention_hour * s.config.retention_hours).ms();
  ShardCache& c = s.cache[static_cast<size_t>(shard)];
  const int64_t before = c.first;
  while (!c.records.empty() && c.records.front().approximate_arrival_ms < oldest_kept_ms) {
    c.records.pop_front();
    ++c.first;
  }
  if (c.first != before && config_.on_trimmed) config_.on_trimmed(ctx_.true_now(), name, shard, c.first);
}

void StreamFrontend::on_request(const RequestInfo& info, sim::Payload&& body) {
  if (queue_.size() >= kQueuedRequestsMax) {
    if (info.type == kPutRecordsRpc) rpc_.reply_sized(info, PutRecordsResponse{kInternalFailure, 0, {}});
    if (info.type == kSplitShardRpc || info.type == kMergeShardsRpc || info.type == kUpdateShardCountRpc ||
        info.type == kIncreaseStreamRetentionPeriodRpc || info.type == kDecreaseStreamRetentionPeriodRpc)
      rpc_.reply_sized(info, ReshardResponse{kLimitExceeded, "the frontend's queue is full"});
    return;  // other calls time out at the client
  }
  queue_.push_back(Queued{info, std::move(body)});
  queued_.notify_one();
}

void StreamFrontend::serve_loop() {
  for (;;) {
    while (queue_.empty()) queued_.wait();
    Queued q = std::move(queue_.front());
    queue_.pop_front();
    if (q.info.type == kPutRecordsRpc) {
      if (auto* req = sim::payload_cast<PutRecordsRequest>(&q.body)) put_records(q.info, *req);
    } else if (q.info.type == kGetShardIteratorRpc) {
      if (auto* req = sim::payload_cast<GetShardIteratorRequest>(&q.body)) rpc_.reply_sized(q.info, get_shard_iterator(*req));
    } else if (q.info.type == kGetRecordsRpc) {
      if (auto* req = sim::payload_cast<GetRecordsRequest>(&q.body)) rpc_.reply_sized(q.info, get_records(*req));
    } else if (q.info.type == kListShardsRpc) {
      if (auto* req = sim::payload_cast<ListShardsRequest>(&q.body)) rpc_.reply_sized(q.info, list_shards(*req));
    } else if (q.info.type == kSplitShardRpc) {
      if (auto* req = sim::payload_cast<SplitShardRequest>(&q.body)) rpc_.reply_sized(q.info, split_shard(*req));
    } else if (q.info.type == kMergeShardsRpc) {
      if (auto* req = sim::payload_cast<MergeShardsRequest>(&q.body)) rpc_.reply_sized(q.info, merge_shards(*req));
    } else if (q.info.type == kUpdateShardCountRpc) {
      if (auto* req = sim::payload_cast<UpdateShardCountRequest>(&q.body)) rpc_.reply_sized(q.info, update_shard_count(*req));
    } else if (q.info.type == kRegisterStreamConsumerRpc) {
      if (auto* req = sim::payload_cast<StreamConsumerRequest>(&q.body)) rpc_.reply_sized(q.info, register_consumer(*req));
    } else if (q.info.type == kDeregisterStreamConsumerRpc) {
      if (auto* req = sim::payload_cast<StreamConsumerRequest>(&q.body)) rpc_.reply_sized(q.info, deregister_consumer(*req));
    } else if (q.info.type == kSubscribeToShardRpc) {
      if (auto* req = sim::payload_cast<SubscribeToShardRequest>(&q.body)) rpc_.reply_sized(q.info, subscribe_to_shard(*req));
    } else if (q.info.type == kSubscribeToShardEventRpc) {
      if (auto* req = sim::payload_cast<SubscribeToShardEventRequest>(&q.body)) hold_event(q.info, *req);
    } else if (q.info.type == kIncreaseStreamRetentionPeriodRpc || q.info.type == kDecreaseStreamRetentionPeriodRpc) {
      if (auto* req = sim::payload_cast<StreamRetentionRequest>(&q.body))
        rpc_.reply_sized(q.info, change_retention(*req, q.info.type == kIncreaseStreamRetentionPeriodRpc));
    }
  }
}

StreamFrontend::Stream* StreamFrontend::find_stream(const std::string& name) {
  auto it = streams_.find(name);
  return it == streams_.end() ? nullptr : &it->second;
}

void StreamFrontend::put_records(const RequestInfo& info, PutRecordsRequest& req) {
  Stream* s = find_stream(req.stream);
  if (s == nullptr) {
    rpc_.reply_sized(info, PutRecordsResponse{kResourceNotFound, 0, {}});
    return;
  }
  int64_t total = 0;
  bool valid = !req.records.empty() && req.records.size() <= kPutRecordsMax;
  for (const auto& e : req.records) {
    total += e.data_bytes + static_cast<int64_t>(e.partition_key.size());
    if (e.partition_key.empty() || e.partition_key.size() > kPartitionKeyLengthMax) valid = false;
    if (e.data_bytes < 8 || e.data_bytes > kRecordDataBytesMax) valid = false;
    if (e.explicit_hash_key && !parse_hash_key(*e.explicit_hash_key)) valid = false;
  }
  if (!valid || total > kPutRecordsBytesMax) {
    rpc_.reply_sized(info, PutRecordsResponse{kInvalidArgument, 0, {}});
    return;
  }
  const uint64_t put = next_put_++;
  PendingPut& p = puts_[put];
  p.info = info;
  p.response.records.resize(req.records.size());
  p.remaining = req.records.size();
  const sim::Instant now = ctx_.now();
  const sim::Symbol topic(stream_topic(req.stream));
  for (size_t i = 0; i < req.records.size(); ++i) {
    const PutRecordsEntry& e = req.records[i];
    HashKey k = e.explicit_hash_key ? *parse_hash_key(*e.explicit_hash_key) : hash_key_of_partition_key(e.partition_key);
    const int32_t shard = s->map.route(k);
    PutRecordsResultEntry result;
    result.shard = shard;
    if (!throttle_.admit_write(shard, e.data_bytes + static_cast<int64_t>(e.partition_key.size()), now)) {
      result.error_code = kThroughputExceeded;
      finish_record(token_of(put, i), result);
      continue;
    }
    p.response.records[i].shard = shard;
    SendResult r = producer_->send(topic, s->routing_keys[static_cast<size_t>(shard)], value_with_record_id(e.record_id),
                                   token_of(put, i), std::max(0, e.data_bytes - 8));
    if (!r.queued()) {
      result.error_code = kInternalFailure;
      finish_record(token_of(put, i), result);
    } else {
      ++s->in_flight[static_cast<size_t>(shard)];
    }
  }
}

void StreamFrontend::finish_record(uint64_t token, const PutRecordsResultEntry& result) {
  auto it = puts_.find(token >> kTokenIndexBits);
  if (it == puts_.end()) return;
  PendingPut& p = it->second;
  const size_t index = token & ((uint64_t{1} << kTokenIndexBits) - 1);
  p.response.records[index] = result;
  if (!result.error_code.empty()) ++p.response.failed_record_count;
  if (--p.remaining == 0) {
    rpc_.reply_sized(p.info, std::move(p.response));
    puts_.erase(it);
  }
}

void StreamFrontend::on_completion(std::span<const uint64_t> tokens, const DeliveryReport& report) {
  auto stream = stream_of_topic_.find(std::string(report.tp.topic.view()));
  if (stream != stream_of_topic_.end()) {
    Stream& s = streams_.at(stream->second);
    const auto shard = static_cast<size_t>(report.tp.partition);
    s.in_flight[shard] -= static_cast<int64_t>(tokens.size());
    EDDY_CHECK_MSG(s.in_flight[shard] >= 0, "more writes answered than sent to a shard");
    if (report.outcome == DeliveryOutcome::kAcknowledged && !tokens.empty())
      s.last_acked[shard] = std::max(s.last_acked[shard], report.base_offset.value() + static_cast<int64_t>(tokens.size()) - 1);
    if (s.updating) finish_closing(stream->second, s);
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    PutRecordsResultEntry result;
    result.shard = report.tp.partition;
    if (report.outcome == DeliveryOutcome::kAcknowledged) {
      result.sequence_number = report.base_offset.value() + static_cast<int64_t>(i);
    } else {
      result.error_code = kInternalFailure;
    }
    finish_record(tokens[i], result);
  }
}

void StreamFrontend::on_record(const ConsumedRecord& r, BrokerId, bool) {
  auto it = stream_of_topic_.find(std::string(r.tp.topic.view()));
  if (it == stream_of_topic_.end()) return;
  Stream& s = streams_.at(it->second);
  ShardCache& cache = s.cache[static_cast<size_t>(r.tp.partition)];
  // The consumer reads committed records only; after a position reset it may go back: the
  // cache then keeps what it had up to there. Below `first`: trimmed already.
  const auto seq = r.offset.value();
  if (seq < cache.first) return;
  if (seq < cache.end()) cache.records.resize(static_cast<size_t>(seq - cache.first));
  if (seq != cache.end()) return;  // a gap: not in the cache
  cache.records.push_back(
      KinesisRecord{seq, r.record_id, r.timestamp_ms, static_cast<int32_t>(std::min<int64_t>(r.bytes, INT32_MAX))});
}

GetShardIteratorResponse StreamFrontend::get_shard_iterator(const GetShardIteratorRequest& req) {
  GetShardIteratorResponse out;
  Stream* s = find_stream(req.stream);
  if (s == nullptr || req.shard < 0 || req.shard >= s->map.size()) {
    out.error_code = kResourceNotFound;
    return out;
  }
  trim(req.stream, *s, req.shard);
  const ShardCache& cache = s->cache[static_cast<size_t>(req.shard)];
  const std::optional<int64_t> ending = s->map.at(req.shard).ending_sequence_number;
  out.iterator.stream = req.stream;
  out.iterator.shard = req.shard;
  switch (req.type) {
    // "TRIM_HORIZON - Start reading at the last untrimmed record in the shard in the system,
    // which is the oldest data record in the shard" (GetShardIterator).
    case IteratorType::kTrimHorizon: out.iterator.next_sequence = cache.first; break;
    case IteratorType::kLatest:
      out.iterator.next_sequence = ending ? *ending + 1 : cache.end();
      break;
    case IteratorType::kAtSequenceNumber: out.iterator.next_sequence = req.sequence_number; break;
    case IteratorType::kAfterSequenceNumber:
      out.iterator.next_sequence = req.sequence_number == INT64_MAX ? -1 : req.sequence_number + 1;
      break;
    case IteratorType::kAtTimestamp: {
      // "If the time stamp is older than the current trim horizon, the iterator returned is for
      // the oldest untrimmed data record (TRIM_HORIZON)" (GetShardIterator, Timestamp).
      auto it = std::find_if(cache.records.begin(), cache.records.end(),
                             [&](const KinesisRecord& k) { return k.approximate_arrival_ms >= req.timestamp_ms; });
      out.iterator.next_sequence = it == cache.records.end() ? cache.end() : it->sequence_number;
      break;
    }
  }
  if (out.iterator.next_sequence < 0) out.error_code = kInvalidArgument;
  return out;
}

GetRecordsResponse StreamFrontend::get_records(const GetRecordsRequest& req) {
  GetRecordsResponse out;
  Stream* s = find_stream(req.iterator.stream);
  if (s == nullptr || req.iterator.shard < 0 || req.iterator.shard >= s->map.size()) {
    out.error_code = kResourceNotFound;
    return out;
  }
  if (req.limit < 1 || req.limit > kGetRecordsLimitMax) {
    out.error_code = kInvalidArgument;
    return out;
  }
  const sim::Instant now = ctx_.now();
  if (!throttle_.admit_read(req.iterator.shard, now)) {
    out.error_code = kThroughputExceeded;
    return out;
  }
  trim(req.iterator.stream, *s, req.iterator.shard);
  const ShardCache& cache = s->cache[static_cast<size_t>(req.iterator.shard)];
  const ShardRange& shard = s->map.at(req.iterator.shard);
  // A closed shard whose end is known: past it, no NextShardIterator and the ChildShards.
  if (shard.ending_sequence_number && req.iterator.next_sequence > *shard.ending_sequence_number) {
    for (int32_t c : s->map.children_of(shard.index)) {
      const ShardRange& child = s->map.at(c);
      ChildShard cs{c, {child.parent}, child.starting_hash_key, child.ending_hash_key};
      if (child.adjacent_parent >= 0) cs.parent_shards.push_back(child.adjacent_parent);
      out.child_shards.push_back(std::move(cs));
    }
    return out;
  }
  const int64_t readable =
      shard.ending_sequence_number ? std::min<int64_t>(*shard.ending_sequence_number + 1, cache.end()) : cache.end();
  // "GetRecords can return up to 10 MB of data" per call (GetRecords).
  constexpr int64_t kGetRecordsBytesMax = int64_t{10} << 20;
  int64_t bytes = 0;
  // An iterator at a record retention trimmed since reads on from the oldest record kept: the
  // API reference states this for AT_TIMESTAMP; for sequence numbers it says nothing, and the
  // lab does the same (the records between are gone; docs/kinesis.md, "Retention").
  int64_t seq = std::max(req.iterator.next_sequence, cache.first);
  while (seq < readable && static_cast<int32_t>(out.records.size()) < req.limit &&
         bytes < kGetRecordsBytesMax) {
    out.records.push_back(cache.at(seq));
    bytes += cache.at(seq).data_bytes;
    ++seq;
  }
  throttle_.charge_read(req.iterator.shard, bytes, now);
  out.next_iterator = req.iterator;
  out.next_iterator->next_sequence = seq;
  if (!out.records.empty() && !cache.records.empty())
    out.millis_behind_latest =
        std::max<int64_t>(0, cache.records.back().approximate_arrival_ms - out.records.back().approximate_arrival_ms);
  return out;
}

ListShardsResponse StreamFrontend::list_shards(const ListShardsRequest& req) {
  ListShardsResponse out;
  Stream* s = find_stream(req.stream);
  if (s == nullptr) out.error_code = kResourceNotFound;
  else out.shards = s->map.shards();
  return out;
}

ReshardResponse StreamFrontend::reshard(const std::string& name, const std::function<ReshardResult(ShardMap&)>& op) {
  Stream* s = find_stream(name);
  if (s == nullptr) return ReshardResponse{kResourceNotFound, "stream " + name + " not found"};
  if (s->updating) return ReshardResponse{kResourceInUse, "stream " + name + " is UPDATING"};
  ShardMap next = s->map;
  ReshardResult r = op(next);
  if (!r.ok()) return ReshardResponse{r.error_code, r.message};
  if (next.size() > s->config.capacity())
    return ReshardResponse{kLimitExceeded, "stream " + name + " would have more than " + std::to_string(s->config.capacity()) +
                                               " shards (open and closed) in all"};
  s->map = std::move(next);
  s->updating = true;
  finish_closing(name, *s);
  if (s->updating && config_.on_shards_changed) config_.on_shards_changed(name, s->map.shards());
  return ReshardResponse{};
}

void StreamFrontend::finish_closing(const std::string& name, Stream& s) {
  bool waiting = false, changed = false;
  for (const ShardRange& sh : s.map.shards()) {
    if (!sh.closed || sh.ending_sequence_number) continue;
    if (s.in_flight[static_cast<size_t>(sh.index)] > 0) {
      waiting = true;
      continue;
    }
    s.map.at(sh.index).ending_sequence_number = s.last_acked[static_cast<size_t>(sh.index)];
    changed = true;
  }
  s.updating = waiting;
  if (changed && config_.on_shards_changed) config_.on_shards_changed(name, s.map.shards());
}

ReshardResponse StreamFrontend::split_shard(const SplitShardRequest& req) {
  const std::optional<int32_t> shard = shard_index_of(req.shard_to_split);
  const std::optional<HashKey> key = parse_hash_key(req.new_starting_hash_key);
  if (!shard || !key) return ReshardResponse{kInvalidArgument, "SplitShard: bad ShardToSplit or NewStartingHashKey"};
  return reshard(req.stream, [&](ShardMap& m) { return m.split(*shard, *key); });
}

ReshardResponse StreamFrontend::merge_shards(const MergeShardsRequest& req) {
  const std::optional<int32_t> a = shard_index_of(req.shard_to_merge);
  const std::optional<int32_t> b = shard_index_of(req.adjacent_shard_to_merge);
  if (!a || !b) return ReshardResponse{kInvalidArgument, "MergeShards: bad ShardToMerge or AdjacentShardToMerge"};
  return reshard(req.stream, [&](ShardMap& m) { return m.merge(*a, *b); });
}

StreamConsumerResponse StreamFrontend::register_consumer(const StreamConsumerRequest& req) {
  StreamConsumerResponse out;
  Stream* s = find_stream(req.stream);
  if (s == nullptr) return StreamConsumerResponse{kResourceNotFound, "stream " + req.stream + " not found", ""};
  if (req.consumer_name.empty() || req.consumer_name.size() > 128)
    return StreamConsumerResponse{kInvalidArgument, "ConsumerName must be 1 to 128 characters", ""};
  if (auto it = s->consumers.find(req.consumer_name); it != s->consumers.end())
    return StreamConsumerResponse{kResourceInUse, "consumer " + req.consumer_name + " is already registered", it->second};
  if (s->consumers.size() >= kConsumersPerStreamMax)
    return StreamConsumerResponse{kLimitExceeded, "a stream has at most 20 registered consumers", ""};
  out.consumer_arn = "arn:aws:kinesis:lab:000000000000:stream/" + req.stream + "/consumer/" + req.consumer_name + ":" +
                     std::to_string(++s->consumers_registered);
  s->consumers[req.consumer_name] = out.consumer_arn;
  return out;
}

StreamConsumerResponse StreamFrontend::deregister_consumer(const StreamConsumerRequest& req) {
  Stream* s = find_stream(req.stream);
  if (s == nullptr || s->consumers.erase(req.consumer_name) == 0)
    return StreamConsumerResponse{kResourceNotFound, "consumer " + req.consumer_name + " not found", ""};
  return StreamConsumerResponse{};  // its subscriptions end at their next push
}

SubscribeToShardResponse StreamFrontend::subscribe_to_shard(const SubscribeToShardRequest& req) {
  SubscribeToShardResponse out;
  Stream* stream = nullptr;
  std::string name;
  for (auto& [n, s] : streams_)
    for (const auto& [consumer, arn] : s.consumers)
      if (arn == req.consumer_arn) {
        stream = &s;
        name = n;
      }
  if (stream == nullptr) {
    out.error_code = kResourceNotFound;
    return out;
  }
  GetShardIteratorResponse it = get_shard_iterator(GetShardIteratorRequest{name, req.shard, req.type, req.sequence_number, 0});
  if (!it.error_code.empty()) {
    out.error_code = it.error_code;
    return out;
  }
  if (!fan_out_started_) {
    fan_out_started_ = true;
    ctx_.spawn("kinesis-fan-out", [this] { fan_out_loop(); });
  }
  out.subscription = next_subscription_++;
  subscriptions_[out.subscription] =
      Subscription{name, req.consumer_arn, req.shard, it.iterator.next_sequence, ctx_.now() + sim::seconds(kSubscriptionLifetimeS), {}, {}};
  return out;
}

void StreamFrontend::hold_event(const RequestInfo& info, const SubscribeToShardEventRequest& req) {
  auto it = subscriptions_.find(req.subscription);
  if (it == subscriptions_.end()) {
    SubscribeToShardEvent e;
    e.error_code = kResourceNotFound;
    rpc_.reply_sized(info, std::move(e));
    return;
  }
  it->second.waiting = info;
  it->second.answer_by = ctx_.now() + kEventHoldMax;
  push(req.subscription);
}

void StreamFrontend::fan_out_loop() {
  for (;;) {
    std::vector<uint64_t> ids;
    for (const auto& [id, sub] : subscriptions_)
      if (sub.waiting) ids.push_back(id);
    for (uint64_t id : ids) push(id);
    ctx_.sleep_for(kFanOutTick);
  }
}

void StreamFrontend::push(uint64_t id) {
  auto found = subscriptions_.find(id);
  if (found == subscriptions_.end() || !found->second.waiting) return;
  Subscription& sub = found->second;
  Stream& s = streams_.at(sub.stream);
  const sim::Instant now = ctx_.now();
  SubscribeToShardEvent e;
  bool registered = false;
  for (const auto& [name, arn] : s.consumers) registered = registered || arn == sub.consumer_arn;
  auto answer = [&](bool done) {
    rpc_.reply_sized(*sub.waiting, std::move(e));
    sub.waiting.reset();
    if (done) subscriptions_.erase(found);
  };
  if (!registered || now >= sub.expires) {  // over: the consumer subscribes again from here
    e.ended = true;
    e.continuation = sub.next_sequence;
    answer(true);
    return;
  }
  trim(sub.stream, s, sub.shard);
  const ShardCache& cache = s.cache[static_cast<size_t>(sub.shard)];
  const ShardRange& shard = s.map.at(sub.shard);
  if (shard.ending_sequence_number && sub.next_sequence > *shard.ending_sequence_number) {
    for (int32_t c : s.map.children_of(shard.index)) {
      const ShardRange& child = s.map.at(c);
      ChildShard cs{c, {child.parent}, child.starting_hash_key, child.ending_hash_key};
      if (child.adjacent_parent >= 0) cs.parent_shards.push_back(child.adjacent_parent);
      e.child_shards.push_back(std::move(cs));
    }
    answer(true);
    return;
  }
  const int64_t readable =
      shard.ending_sequence_number ? std::min<int64_t>(*shard.ending_sequence_number + 1, cache.end()) : cache.end();
  sub.next_sequence = std::max(sub.next_sequence, cache.first);
  auto bucket = fan_out_bytes_.find({sub.consumer_arn, sub.shard});
  if (bucket == fan_out_bytes_.end())
    bucket = fan_out_bytes_.emplace(std::pair{sub.consumer_arn, sub.shard}, TokenBucket(kFanOutBytesPerShardPerS, now)).first;
  const bool has_records = sub.next_sequence < readable;
  if (has_records && bucket->second.positive(now)) {
    // Each push is charged to this consumer's own 2 MB/s of the shard (in debt after a large
    // one, as GetRecords' bytes): other consumers, shared or not, are not affected.
    constexpr int64_t kPushBytesMax = int64_t{2} << 20;
    int64_t bytes = 0;
    while (sub.next_sequence < readable && static_cast<int32_t>(e.records.size()) < kGetRecordsLimitMax && bytes < kPushBytesMax) {
      e.records.push_back(cache.at(sub.next_sequence));
      bytes += cache.at(sub.next_sequence).data_bytes;
      ++sub.next_sequence;
    }
    bucket->second.charge(static_cast<double>(bytes), now);
    if (!cache.records.empty())
      e.millis_behind_latest =
          std::max<int64_t>(0, cache.records.back().approximate_arrival_ms - e.records.back().approximate_arrival_ms);
  } else if (now < sub.answer_by) {
    return;  // nothing to push yet: keep holding the call
  }
  e.continuation = sub.next_sequence;
  answer(false);
}

ReshardResponse StreamFrontend::change_retention(const StreamRetentionRequest& req, bool increase) {
  Stream* s = find_stream(req.stream);
  if (s == nullptr) return ReshardResponse{kResourceNotFound, "stream " + req.stream + " not found"};
  const char* call = increase ? "IncreaseStreamRetentionPeriod" : "DecreaseStreamRetentionPeriod";
  const int32_t current = s->config.retention_hours, hours = req.retention_period_hours;
  if (hours < kRetentionHoursMin || hours > kRetentionHoursMax)
    return ReshardResponse{kInvalidArgument, std::string(call) + ": RetentionPeriodHours " + std::to_string(hours) +
                                                 " is outside 24 to 8760 hours"};
  if (increase ? hours <= current : hours >= current)
    return ReshardResponse{kInvalidArgument, std::string(call) + ": RetentionPeriodHours " + std::to_string(hours) +
                                                 " must be " + (increase ? "more" : "less") + " than the current " +
                                                 std::to_string(current)};
  // A longer period keeps what is not yet trimmed ("it does not make previous, expired data
  // ... accessible"); a shorter one trims at once what is older ("any data already in the
  // stream that is older than 24 hours is inaccessible").
  s->config.retention_hours = hours;
  trim(req.stream, *s);
  return ReshardResponse{};
}

ReshardResponse StreamFrontend::update_shard_count(const UpdateShardCountRequest& req) {
  if (req.scaling_type != "UNIFORM_SCALING")
    return ReshardResponse{kInvalidArgument, "UpdateShardCount: ScalingType must be UNIFORM_SCALING"};
  return reshard(req.stream, [&](ShardMap& m) { return m.update_shard_count(req.target_shard_count); });
}

}  // namespace broker_model::kinesis
