#include "scenarios/kinesis_workload.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "broker_model/kinesis/kcl_worker.h"
#include "broker_model/kinesis/kinesis_client.h"
#include "broker_model/kinesis/lease_table.h"
#include "broker_model/kinesis/stream_frontend.h"
#include "scenarios/client_support.h"

namespace scenarios {

using namespace broker_model;
using namespace broker_model::kinesis;
using checkers::OpOutcome;

namespace {

// The rate loop's tick: records go out in bursts of at most this much of the rate.
constexpr sim::Duration kSendTick = sim::milliseconds(1);
constexpr sim::Duration kClientRequestTimeout = sim::seconds(6);
// A reshard call answered ResourceInUseException (the stream is UPDATING) or not answered is
// tried again after this, at most this many times.
constexpr sim::Duration kReshardRetryBackoff = sim::milliseconds(200);
constexpr int kReshardAttemptsMax = 150;
static_assert(kShardEnd == checkers::kShardEndSequence, "SHARD_END is recorded as itself");

// Partition keys per the scenario's key distribution (as the Kafka workload's KeyChooser;
// none: a fresh random key per record, as applications without a natural key use).
class PartitionKeys {
 public:
  PartitionKeys(const KeySpec& spec, double hot_share, sim::Prng prng) : spec_(spec), hot_share_(hot_share), prng_(prng) {
    if (spec.kind == KeySpec::Kind::kZipf) {
      double sum = 0;
      for (int i = 1; i <= spec.count; ++i) sum += 1.0 / std::pow(i, spec.zipf_exponent);
      double acc = 0;
      for (int i = 1; i <= spec.count; ++i) cdf_.push_back(acc += 1.0 / std::pow(i, spec.zipf_exponent) / sum);
    }
  }
  std::string next() {
    if (hot_share_ > 0 && prng_.unit() < hot_share_) return "hot";
    switch (spec_.kind) {
      case KeySpec::Kind::kNone: return "r-" + std::to_string(prng_.below(uint64_t{1} << 40));
      case KeySpec::Kind::kUniform: return "key-" + std::to_string(prng_.below(static_cast<uint64_t>(spec_.count)));
      case KeySpec::Kind::kFixedSet: return "key-" + std::to_string(round_robin_++ % static_cast<uint64_t>(spec_.count));
      case KeySpec::Kind::kZipf: {
        auto it = std::lower_bound(cdf_.begin(), cdf_.end(), prng_.unit());
        return "key-" + std::to_string(it == cdf_.end() ? cdf_.size() - 1 : static_cast<size_t>(it - cdf_.begin()));
      }
    }
    return "key";
  }

 private:
  KeySpec spec_;
  double hot_share_;
  sim::Prng prng_;
  std::vector<double> cdf_;
  uint64_t round_robin_ = 0;
};

const checkers::TopicPartition shard_tp(const std::string& stream, int32_t shard) {
  return checkers::TopicPartition{stream_topic(stream), shard};
}

// A KCL worker's application: records what it processes and what its worker goes through.
class KclRecorder final : public KclListener {
 public:
  KclRecorder(sim::NodeContext& ctx, checkers::History& h, int consumer, std::string stream)
      : ctx_(ctx), h_(h), consumer_(consumer), stream_(std::move(stream)) {}
  void on_record(int32_t shard, const KinesisRecord& r, bool first_after_lease) override {
    h_.consumed(checkers::ConsumeOp{consumer_, shard_tp(stream_, shard), Offset{r.sequence_number}, r.record_id,
                                    ctx_.true_now(), kNoBroker, first_after_lease});
  }
  void on_lease(int32_t shard, const std::string& what, const std::string& previous_owner, int64_t counter) override {
    h_.kinesis().leases.push_back(
        checkers::KinesisLeaseEvent{ctx_.true_now(), consumer_, shard_tp(stream_, shard), what, previous_owner, counter});
  }
  void on_checkpoint(int32_t shard, int64_t sequence, bool ok) override {
    h_.kinesis().checkpoints.push_back(checkers::KinesisCheckpoint{ctx_.true_now(), consumer_, shard_tp(stream_, shard), sequence, ok});
  }
  void on_read_throttled(int32_t shard) override {
    h_.kinesis().throttles.push_back(checkers::KinesisThrottle{ctx_.true_now(), shard_tp(stream_, shard), false, consumer_});
  }

 private:
  sim::NodeContext& ctx_;
  checkers::History& h_;
  int consumer_;
  std::string stream_;
};

}  // namespace

KinesisNodes add_kinesis_servers(sim::World& world, const ScenarioSpec& spec, LabState& lab) {
  const KinesisSpec& k = *spec.kinesis;
  KinesisNodes out;
  lab.history.kinesis().active = true;
  out.lease_table = world.add_node("lease-table", make_lease_table_boot());
  FrontendConfig fc;
  for (const auto& s : k.streams) {
    fc.streams.push_back(StreamConfig{s.name, s.shards, s.partitions, s.retention_hours});
    lab.history.kinesis().retention_hours[stream_topic(s.name)] = s.retention_hours;
  }
  fc.retention_hour = k.retention_hour;
  // The shards' lineage and ends, for the checkers (kinesis_history.h).
  checkers::KinesisHistory& kh = lab.history.kinesis();
  fc.on_shards_changed = [&kh](const std::string& stream, const std::vector<ShardRange>& shards) {
    for (const ShardRange& s : shards) {
      checkers::KinesisShardInfo& info = kh.shards[shard_tp(stream, s.index)];
      info.parents.clear();
      if (s.parent >= 0) info.parents.push_back(s.parent);
      if (s.adjacent_parent >= 0) info.parents.push_back(s.adjacent_parent);
      info.closed = s.closed;
      info.ending_sequence = s.ending_sequence_number;
    }
  };
  fc.on_trimmed = [&kh](sim::Instant at, const std::string& stream, int32_t shard, int64_t trim_horizon) {
    kh.trims.push_back(checkers::KinesisTrim{at, shard_tp(stream, shard), trim_horizon});
  };
  fc.brokers = lab.brokers;
  fc.limits = ShardLimits{k.write_bytes_per_s, k.write_records_per_s, k.read_bytes_per_s, k.read_calls_per_s};
  for (int i = 0; i < k.frontends; ++i)
    out.frontends.push_back(world.add_node("kinesis-frontend-" + std::to_string(i), make_stream_frontend_boot(fc)));
  return out;
}

sim::BootFn make_kinesis_producer_boot(const ScenarioSpec& spec, const KinesisProducerSpec& p, int producer_index,
                                       const KinesisNodes& nodes, LabState& lab) {
  (void)spec;
  return [&p, producer_index, nodes, &lab](sim::NodeContext& ctx) {
    RpcEndpoint& rpc = client_rpc(ctx);
    KinesisClient& client =
        ctx.make<KinesisClient>(rpc, nodes.frontends, kClientRequestTimeout, static_cast<size_t>(producer_index));
    KinesisProducerConfig config;
    config.stream = p.stream;
    config.batch_records = p.batch_records;
    config.max_buffered = p.max_buffered;
    config.record_ttl = p.record_ttl;
    config.request_timeout = kClientRequestTimeout;
    config.max_in_flight_calls = p.kpl ? 8 : 1;
    checkers::History& h = lab.history;
    // Whether an attempt of the record may have written it (InternalFailure, no answer): then a
    // record that runs out of TTL has an unknown outcome, not a failed one.
    auto& maybe_written = ctx.make<std::map<uint64_t, bool>>();
    const std::string stream = p.stream;
    KinesisProducer& producer = ctx.make<KinesisProducer>(
        ctx, client, config,
        [&h, &ctx, &maybe_written, stream](const PutOutcome& o) {
          checkers::ProduceOp& op = h.produce(o.token);
          op.completed = ctx.true_now();
          op.attempts = o.attempts;
          if (o.ok) {
            op.outcome = OpOutcome::kOk;
            op.tp = shard_tp(stream, o.shard);
            op.offset = Offset{o.sequence_number};
          } else {
            op.outcome = maybe_written[o.token] ? OpOutcome::kUnknown : OpOutcome::kFailed;
            op.error = maybe_written[o.token] ? "record TTL passed after InternalFailure or no answer"
                                              : "record TTL passed, throttled";
          }
          maybe_written.erase(o.token);
        },
        [&h, &ctx, &maybe_written, stream, producer_index](uint64_t token, int32_t shard, const std::string& error) {
          if (error == kThroughputExceeded)
            h.kinesis().throttles.push_back(checkers::KinesisThrottle{ctx.true_now(), shard_tp(stream, shard), true, producer_index});
          else
            maybe_written[token] = true;
        });
    producer.start();
    wait_ready(lab);
    PartitionKeys keys(p.keys, p.hot_key_share, ctx.prng().fork("keys"));
    const double per_ns = p.records_per_s / 1e9;
    const int64_t burst = std::max<int64_t>(1, static_cast<int64_t>(per_ns * static_cast<double>(kSendTick.ns())));
    const sim::Duration interval = sim::nanoseconds(static_cast<int64_t>(static_cast<double>(burst) / per_ns));
    uint64_t seq = 0;
    while (!lab.workload_stopped) {
      for (int64_t i = 0; i < burst; ++i) {
        const uint64_t id = checkers::make_record_id(static_cast<uint32_t>(producer_index), ++seq);
        std::string key = keys.next();
        checkers::ProduceOp op;
        op.record_id = id;
        op.producer = producer_index;
        op.invoked = ctx.true_now();
        op.tp = shard_tp(p.stream, 0);
        const uint64_t token = h.begin_produce(std::move(op));
        h.kinesis().partition_keys[id] = key;
        producer.add(token, std::move(key), id, p.record_bytes);
      }
      ctx.sleep_for(interval);
    }
    producer.flush();
    ++lab.producers_drained;
    lab.changed.notify_all();
  };
}

sim::BootFn make_kcl_worker_boot(const ScenarioSpec& spec, const KinesisConsumerSpec& c, int consumer_index, int worker,
                                 const KinesisNodes& nodes, LabState& lab) {
  (void)spec;
  const std::string worker_id = c.application + "-worker-" + std::to_string(worker);
  lab.history.kinesis().kcl_consumers.insert(consumer_index);
  lab.history.kinesis().worker_ids[consumer_index] = worker_id;
  lab.history.kinesis().applications[c.application].insert(consumer_index);
  if (c.fan_out) lab.history.kinesis().fan_out_applications.insert(c.application);
  lab.history.set_consumer_client_id(consumer_index, worker_id);
  return [&c, consumer_index, worker, worker_id, nodes, &lab](sim::NodeContext& ctx) {
    RpcEndpoint& rpc = client_rpc(ctx);
    KinesisClient& client = ctx.make<KinesisClient>(rpc, nodes.frontends, sim::seconds(3), static_cast<size_t>(worker));
    KclConfig config;
    config.stream = c.stream;
    config.worker_id = worker_id;
    config.lease_table = nodes.lease_table;
    config.lease_duration = c.lease_duration;
    config.idle_between_reads = c.idle_between_reads;
    config.max_records = c.max_records;
    config.processing_time = c.processing_time;
    config.checkpoint_before_processing = c.checkpoint_before_processing;
    config.read_children_early = c.read_children_early;
    config.parent_shard_poll = c.parent_shard_poll;
    config.fan_out = c.fan_out;
    config.consumer_name = c.application;
    KclRecorder& recorder = ctx.make<KclRecorder>(ctx, lab.history, consumer_index, c.stream);
    wait_ready(lab);
    KclWorker& w = ctx.make<KclWorker>(ctx, rpc, client, config, recorder);
    w.start();
  };
}

sim::BootFn make_kinesis_admin_boot(const ScenarioSpec& spec, const KinesisNodes& nodes, LabState& lab) {
  return [&spec, nodes, &lab](sim::NodeContext& ctx) {
    RpcEndpoint& rpc = client_rpc(ctx);
    KinesisClient& client = ctx.make<KinesisClient>(rpc, nodes.frontends, sim::seconds(3), 0);
    wait_ready(lab);
    const sim::Instant start = ctx.now();  // the workload's start, as the fault times count from it
    for (const KinesisReshardSpec& r : spec.kinesis->reshards) {
      if (ctx.now() < start + r.at) ctx.sleep_for(start + r.at - ctx.now());
      // Retried while the stream is UPDATING (a previous reshard still closing its parents)
      // or the frontend does not answer, for a bounded time.
      if (r.retention()) {
        std::string outcome = "gave up: no answer";
        for (int attempt = 0; attempt < kReshardAttemptsMax; ++attempt) {
          StreamRetentionRequest req{r.stream, r.retention_hours};
          auto resp = r.action == KinesisReshardSpec::Action::kIncreaseRetention ? client.increase_stream_retention_period(req)
                                                                                   : client.decrease_stream_retention_period(req);
          if (resp) {
            outcome = resp->error_code.empty() ? "done" : resp->error_code + ": " + resp->message;
            break;
          }
          ctx.sleep_for(kReshardRetryBackoff);
        }
        lab.history.timeline(checkers::TimelineEvent{ctx.true_now(), "retention", shard_tp(r.stream, 0), kNoBroker,
                                                     stream_topic(r.stream) + ": " + r.describe() + ": " + outcome});
        continue;
      }
      std::string outcome = "gave up: no answer";
      for (int attempt = 0; attempt < kReshardAttemptsMax; ++attempt) {
        std::optional<ReshardResponse> resp;
        switch (r.action) {
          case KinesisReshardSpec::Action::kSplitShard:
            resp = client.split_shard(SplitShardRequest{r.stream, r.shard, r.new_starting_hash_key});
            break;
          case KinesisReshardSpec::Action::kMergeShards:
            resp = client.merge_shards(MergeShardsRequest{r.stream, r.shard, r.adjacent_shard});
            break;
          case KinesisReshardSpec::Action::kUpdateShardCount:
            resp = client.update_shard_count(UpdateShardCountRequest{r.stream, r.target_shard_count, "UNIFORM_SCALING"});
            break;
          case KinesisReshardSpec::Action::kIncreaseRetention:
          case KinesisReshardSpec::Action::kDecreaseRetention: break;  // above
        }
        if (resp && resp->error_code.empty()) {
          outcome = "done";
          break;
        }
        if (resp) outcome = resp->error_code + ": " + resp->message;
        if (resp && resp->error_code != kResourceInUse && resp->error_code != kLimitExceeded) break;
        ctx.sleep_for(kReshardRetryBackoff);
      }
      lab.history.timeline(checkers::TimelineEvent{ctx.true_now(), "reshard", shard_tp(r.stream, 0), kNoBroker,
                                                   "reshard of " + stream_topic(r.stream) + ": " + r.describe() + ": " + outcome});
    }
  };
}

}  // namespace scenarios
