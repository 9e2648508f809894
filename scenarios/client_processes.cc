#include "scenarios/client_processes.h"

#include "broker_model/controller/controller_channel.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "broker_model/clients/client_metadata.h"
#include "broker_model/clients/consumer.h"
#include "broker_model/clients/producer.h"
#include "broker_model/controller/controller_messages.h"
#include "broker_model/protocol/messages.h"
#include "broker_model/txn/control_batch.h"
#include "scenarios/client_support.h"
#include "sim/check.h"

namespace scenarios {

using namespace broker_model;
using namespace checkers;

namespace {

constexpr sim::Duration kClientRequestTimeout = sim::seconds(5);
// The final reader's producer index: its marker records never collide with the workload's.
constexpr uint32_t kMarkerProducer = kLivenessProbeProducer;

sim::NodeId node_of(BrokerId b) { return sim::NodeId{static_cast<uint32_t>(b.value())}; }

std::vector<std::string> topic_names(const ScenarioSpec& spec) {
  std::vector<std::string> out;
  for (const auto& t : spec.topics) out.push_back(t.name);
  return out;
}

// A consumer's caller: every record it reads goes into the History.
class ConsumeRecorder final : public ConsumerListener {
 public:
  ConsumeRecorder(sim::NodeContext& ctx, History& history, int consumer_index)
      : ctx_(ctx), history_(history), consumer_index_(consumer_index) {}
  void on_record(const ConsumedRecord& r, BrokerId from, bool after_reset) override {
    history_.consumed(ConsumeOp{consumer_index_, r.tp, r.offset, r.record_id, ctx_.true_now(), from, after_reset});
  }

 private:
  sim::NodeContext& ctx_;
  History& history_;
  int consumer_index_;
};

// Key choice per the scenario's key distribution; zipf by inverse CDF over N keys.
class KeyChooser {
 public:
  KeyChooser(const KeySpec& spec, sim::Prng prng) : spec_(spec), prng_(prng) {
    if (spec.kind == KeySpec::Kind::kZipf && spec.count > 0) {
      double sum = 0;
      for (int i = 1; i <= spec.count; ++i) sum += 1.0 / std::pow(i, spec.zipf_exponent);
      double acc = 0;
      for (int i = 1; i <= spec.count; ++i) {
        acc += 1.0 / std::pow(i, spec.zipf_exponent) / sum;
        cdf_.push_back(acc);
      }
    }
  }
  std::optional<std::string> next() {
    switch (spec_.kind) {
      case KeySpec::Kind::kNone: return std::nullopt;
      case KeySpec::Kind::kUniform: return key(prng_.below(static_cast<uint64_t>(spec_.count)));
      case KeySpec::Kind::kFixedSet: return key(round_robin_++ % static_cast<uint64_t>(spec_.count));
      case KeySpec::Kind::kZipf: {
        double u = prng_.unit();
        auto it = std::lower_bound(cdf_.begin(), cdf_.end(), u);
        return key(it == cdf_.end() ? cdf_.size() - 1 : static_cast<size_t>(it - cdf_.begin()));
      }
    }
    return std::nullopt;
  }

 private:
  // "key-<n>", formatted straight into the string (short enough to stay inline): a producer
  // picks a key per message (600,000 in a default run). A table of the names made once cost
  // more than this: a random entry of it was a cache miss on nearly every message (perf
  // annotate put 84% of the function's samples on that one load).
  static std::string key(uint64_t n) {
    char buf[4 + 20] = {'k', 'e', 'y', '-'};
    auto [end, ec] = std::to_chars(buf + 4, buf + sizeof buf, n);
    (void)ec;  // 20 digits hold any uint64_t
    return std::string(buf, end);
  }

  KeySpec spec_;
  sim::Prng prng_;
  std::vector<double> cdf_;
  uint64_t round_robin_ = 0;
};

// Sends CreateTopics to the controllers until the active one accepts it.
void create_topics(sim::NodeContext& ctx, RpcEndpoint& rpc, const ScenarioSpec& spec, LabState& lab) {
  CreateTopicsRequest req;
  for (const auto& t : spec.topics)
    req.topics.push_back(CreatableTopic{t.name, t.partitions, static_cast<int16_t>(t.replication_factor), t.configs});
  size_t next = 0;
  for (int attempt = 0; attempt < 10'000; ++attempt) {
    sim::NodeId target = lab.controllers[next % lab.controllers.size()];
    auto resp = rpc.call(target, kCreateTopicsRpc, create_topics_request_bytes(req), req, kClientRequestTimeout);
    const auto* r = resp ? sim::payload_cast<CreateTopicsResponse>(&*resp) : nullptr;
    if (r != nullptr && r->error == ErrorCode::kNone) {
      bool all_done = true;
      for (const auto& t : r->topics)
        if (t.error != ErrorCode::kNone && t.error != ErrorCode::kTopicAlreadyExists) all_done = false;
      if (all_done) return;
    }
    if (r != nullptr && r->error == ErrorCode::kNotController && r->leader_hint) {
      for (size_t i = 0; i < lab.controllers.size(); ++i)
        if (lab.controllers[i] == *r->leader_hint) next = i;
    } else {
      ++next;
    }
    ctx.sleep_for(sim::milliseconds(100));
  }
}

// Sends a controller request until the active controller answers it (NOT_CONTROLLER hints
// followed); nullopt when it never did within the attempts.
template <class Response, class Request>
std::optional<Response> call_controller(sim::NodeContext& ctx, RpcEndpoint& rpc, LabState& lab, sim::Symbol type,
                                        uint32_t bytes, const Request& req) {
  constexpr int kAttemptsMax = 10'000;
  size_t next = 0;
  for (int attempt = 0; attempt < kAttemptsMax; ++attempt) {
    sim::NodeId target = lab.controllers[next % lab.controllers.size()];
    auto resp = rpc.call(target, type, bytes, req, kClientRequestTimeout);
    const auto* r = resp ? sim::payload_cast<Response>(&*resp) : nullptr;
    if (r != nullptr && r->error == ErrorCode::kNone) return *r;
    if (r != nullptr && r->error == ErrorCode::kNotController && r->leader_hint) {
      for (size_t i = 0; i < lab.controllers.size(); ++i)
        if (lab.controllers[i] == *r->leader_hint) next = i;
    } else {
      ++next;
    }
    ctx.sleep_for(sim::milliseconds(100));
  }
  return std::nullopt;
}

// CreateAcls for the scenario's `security.acls`, straight to the controller quorum (KIP-919's
// admin-to-controller path; Kafka's brokers would forward it there, KIP-590).
void create_initial_acls(sim::NodeContext& ctx, RpcEndpoint& rpc, const ScenarioSpec& spec, LabState& lab) {
  if (spec.security->acls.empty()) return;
  CreateAclsRequest req{spec.security->acls};
  call_controller<CreateAclsResponse>(ctx, rpc, lab, kCreateAclsRpc, create_acls_request_bytes(req), req);
}

// `security.changes`: each grant (CreateAcls) or revoke (DeleteAcls of exactly that entry) at
// its time from the workload's start; the fault list says when each was sent and answered.
void run_acl_changes(sim::NodeContext& ctx, RpcEndpoint& rpc, const ScenarioSpec& spec, LabState& lab) {
  constexpr int kStartWaitsMax = 600'000;  // 10 minutes of 1 ms waits for the driver to start the workload
  for (int i = 0; i < kStartWaitsMax && lab.workload_start == sim::Instant::epoch(); ++i) ctx.sleep_for(sim::milliseconds(1));
  std::vector<AclChangeSpec> changes = spec.security->changes;
  std::stable_sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  for (const AclChangeSpec& c : changes) {
    sim::Instant due = lab.workload_start + c.at;
    if (ctx.true_now() < due) ctx.sleep_for(due - ctx.true_now());
    sim::Instant sent = ctx.true_now();
    bool done = false;
    if (c.grant) {
      CreateAclsRequest req{{c.acl}};
      auto r = call_controller<CreateAclsResponse>(ctx, rpc, lab, kCreateAclsRpc, create_acls_request_bytes(req), req);
      done = r && !r->results.empty() && r->results.front().error == ErrorCode::kNone;
    } else {
      DeleteAclsRequest req{{security::AclBindingFilter::exactly(c.acl)}};
      auto r = call_controller<DeleteAclsResponse>(ctx, rpc, lab, kDeleteAclsRpc, delete_acls_request_bytes(req), req);
      done = r && !r->results.empty() && r->results.front().error == ErrorCode::kNone;
    }
    lab.security_lines.push_back(fault_line(lab, sent, std::string(c.grant ? "acl grant " : "acl revoke ") + c.acl.str() +
                                                           (done ? ", answered at " + sim::format_instant(ctx.true_now())
                                                                 : ", never answered")));
  }
}

}  // namespace

std::string lab_principal(const ScenarioSpec& spec) { return spec.security ? kLabPrincipal : ""; }

std::string fault_line(const LabState& lab, sim::Instant now, const std::string& what) {
  return "at " + sim::format_instant(sim::Instant::epoch() + (now - lab.workload_start)) + " (t=" + sim::format_instant(now) +
         ") " + what;
}

sim::BootFn make_admin_boot(const ScenarioSpec& spec, LabState& lab) {
  return [&spec, &lab](sim::NodeContext& ctx) {
    RpcEndpoint& rpc = client_rpc(ctx, lab_principal(spec));
    // The ACLs first: brokers apply the metadata log in order, so a broker that knows a topic
    // already knows them.
    if (spec.security) create_initial_acls(ctx, rpc, spec, lab);
    create_topics(ctx, rpc, spec, lab);
    ClientMetadata& md = ctx.make<ClientMetadata>(rpc, lab.brokers, topic_names(spec), kMetadataMaxAge, kClientRequestTimeout);
    md.start();
    for (;;) {
      bool all = true;
      for (const auto& t : spec.topics) {
        if (md.partitions(t.name) != t.partitions) all = false;
        for (int32_t p = 0; all && p < t.partitions; ++p)
          if (!md.leader(TopicPartition{t.name, p})) all = false;
      }
      if (all) break;
      ctx.sleep_for(sim::milliseconds(100));
      md.request_refresh();
    }
    lab.ready = true;
    lab.changed.notify_all();
    const bool acl_changes = spec.security && !spec.security->changes.empty();
    if (spec.operations.empty()) {
      if (acl_changes) run_acl_changes(ctx, rpc, spec, lab);
      return;
    }
    // ACL changes and operations both run on this admin node: the changes on a fiber of their own.
    if (acl_changes) ctx.spawn("acl-changes", [&ctx, &rpc, &spec, &lab] { run_acl_changes(ctx, rpc, spec, lab); });
    // The scenario's operations (cluster_operations.h). Kafka's Admin waits request.timeout.ms
    // (30 s) for an answer: a controller answers once its batch commits, which at 1,000
    // partitions and 20 brokers can take over a second, and a shorter wait would resend
    // requests that already took effect.
    ControllerChannelConfig channel_config;
    channel_config.request_timeout_ms = 30'000;
    lab.admin_channel = &ctx.make<ControllerChannel>(ctx, rpc, lab.controllers, channel_config);
    for (;;) {
      while (lab.admin_tasks.empty()) lab.admin_wakeup.wait();
      auto task = std::move(lab.admin_tasks.front());
      lab.admin_tasks.pop_front();
      ctx.spawn("admin-task", [task = std::move(task), &ctx] { task(ctx); });
    }
  };
}

sim::BootFn make_producer_boot(const ScenarioSpec& spec, const ProducerSpec& p, int producer_index, LabState& lab) {
  return [&spec, &p, producer_index, &lab](sim::NodeContext& ctx) {
    RpcEndpoint& rpc = client_rpc(ctx, p.principal);
    ProducerConfig config;
    ProducerConfig::parse(p.configs, config);  // validated by the loader
    config.variants = spec.cluster.variants;
    // The lab refreshes every kMetadataMaxAge unless the scenario sets metadata.max.age.ms for
    // its producers (Kafka's default is 5 minutes; thousands of clients each fetching every
    // partition's metadata every 5 s was a quarter of a 10,000-partition run).
    const sim::Duration max_age =
        p.configs.count("metadata.max.age.ms") != 0 ? sim::milliseconds(config.metadata_max_age_ms) : kMetadataMaxAge;
    ClientMetadata& md = ctx.make<ClientMetadata>(rpc, lab.brokers, std::vector<std::string>{p.topic}, max_age,
                                                  sim::milliseconds(config.request_timeout_ms));
    md.start();
    if (!config.client_id.empty()) lab.history.set_producer_client_id(producer_index, config.client_id);
    ProduceRecorder& recorder = ctx.make<ProduceRecorder>(ctx, lab.history, producer_index);
    if (lab.history.compacted_topics().count(p.topic) != 0) recorder.record_keys();
    Producer& producer = ctx.make<Producer>(rpc, md, config, recorder, producer_index);
    producer.start();
    wait_ready(lab);
    // A topic the principal may not describe stays unknown: its sends fail at once.
    while (md.partitions(p.topic) == 0 && md.topic_error(sim::Symbol(p.topic)) == ErrorCode::kNone) md.refresh_now();
    KeyChooser keys(p.keys, ctx.prng().fork("keys"));
    sim::Prng tombstone_draws = ctx.prng().fork("tombstones");
    // Messages go out in bursts of at most kSendTick worth of the rate: the same rate, far
    // fewer wake-ups at high rates (a burst shares its send instant, well below linger.ms).
    constexpr sim::Duration kSendTick = sim::milliseconds(1);
    double rate = -1;
    int64_t burst = 1;
    sim::Duration interval;
    // A rate of (almost) nothing still wakes up now and then, to see whether the rate changed.
    constexpr double kRateMin = 1e-3;
    constexpr sim::Duration kIntervalMax = sim::seconds(1);
    auto set_rate = [&](double messages_per_s) {
      rate = messages_per_s;
      const double per_ns = std::max(messages_per_s, kRateMin) / 1e9;
      burst = std::max<int64_t>(1, static_cast<int64_t>(per_ns * static_cast<double>(kSendTick.ns())));
      interval = sim::nanoseconds(static_cast<int64_t>(static_cast<double>(burst) / per_ns));
    };
    set_rate(p.max_rate ? lab.max_rate_per_producer : p.messages_per_s);
    uint64_t seq = 0;
    const sim::Symbol topic(p.topic);  // interned once, not per message
    while (!lab.workload_stopped) {
      if (p.max_rate && lab.max_rate_per_producer != rate) set_rate(lab.max_rate_per_producer);
      if (p.max_rate && interval > kIntervalMax) {
        ctx.sleep_for(kIntervalMax);  // nothing to send yet at this rate: look again later
        continue;
      }
      for (int64_t i = 0; i < burst; ++i) {
        uint64_t id = make_record_id(static_cast<uint32_t>(producer_index), ++seq);
        std::optional<std::string> key = keys.next();
        // A tombstone: a null value (eddy keeps the record id; see Record::tombstone).
        bool tombstone = key && p.tombstones > 0 && tombstone_draws.unit() < p.tombstones;
        uint64_t token = recorder.invoke(id, key, tombstone);
        SendResult r = producer.send(topic, std::move(key), value_with_record_id(id), token,
                                     tombstone ? 0 : std::max(0, p.message_bytes - 8), tombstone);
        recorder.sent(token, r);
      }
      ctx.sleep_for(interval);
    }
    // Every record gets its outcome under the faults still in force (bounded by
    // delivery.timeout.ms); only then does the driver heal the cluster.
    producer.flush();
    ++lab.producers_drained;
    lab.changed.notify_all();
  };
}

sim::BootFn make_consumer_boot(const ScenarioSpec& spec, const ConsumerSpec& c, int consumer_index, int index_in_entry,
                               int consumers_of_topic, LabState& lab) {
  return [&spec, &c, consumer_index, index_in_entry, consumers_of_topic, &lab](sim::NodeContext& ctx) {
    RpcEndpoint& rpc = client_rpc(ctx, c.principal);
    ConsumerConfig config;
    ConsumerConfig::parse(c.configs, config);
    ClientMetadata& md = ctx.make<ClientMetadata>(rpc, lab.brokers, std::vector<std::string>{c.topic}, kMetadataMaxAge,
                                                  sim::milliseconds(config.request_timeout_ms));
    md.start();
    wait_ready(lab);
    int32_t partitions = 0;
    for (const auto& t : spec.topics)
      if (t.name == c.topic) partitions = t.partitions;
    std::vector<TopicPartition> mine;
    for (int32_t p = 0; p < partitions; ++p)
      if (p % consumers_of_topic == index_in_entry % consumers_of_topic) mine.push_back(TopicPartition{c.topic, p});
    while (md.partitions(c.topic) == 0 && md.topic_error(sim::Symbol(c.topic)) == ErrorCode::kNone) md.refresh_now();
    if (!config.client_id.empty()) lab.history.set_consumer_client_id(consumer_index, config.client_id);
    if (config.read_committed) lab.history.set_read_committed(consumer_index);
    ConsumeRecorder& recorder = ctx.make<ConsumeRecorder>(ctx, lab.history, consumer_index);
    Consumer& consumer = ctx.make<Consumer>(rpc, md, config, recorder, consumer_index, mine);
    consumer.start();
  };
}

namespace {

bool check_liveness(sim::NodeContext& ctx, RpcEndpoint& rpc, ClientMetadata& md, const ScenarioSpec& spec, LabState& lab) {
  ProducerConfig config;
  config.acks = kAcksAll;
  config.linger_ms = 0;
  config.delivery_timeout_ms = spec.liveness_bound.ms();
  config.request_timeout_ms = std::min<int64_t>(5'000, spec.liveness_bound.ms());
  ProduceRecorder& recorder = ctx.make<ProduceRecorder>(ctx, lab.history, static_cast<int>(kMarkerProducer));
  Producer& producer = ctx.make<Producer>(rpc, md, config, recorder, static_cast<int>(kMarkerProducer));
  producer.start();
  size_t first_op = lab.history.produces().size();
  uint64_t seq = 0;
  for (const auto& t : spec.topics) {
    // A keyed record is hashed to its partition: name each partition through a key that hashes
    // there. Trying "marker-0", "marker-1", ... once and keeping the first key landing on each
    // partition takes about P ln P hashes; searching each partition's own key took about P per
    // partition (10^8 at 10,000 partitions).
    std::vector<std::string> keys(static_cast<size_t>(t.partitions));
    int32_t missing = t.partitions;
    const uint64_t tries_max = uint64_t{1000} * static_cast<uint64_t>(t.partitions);  // never reached: ~P ln P
    for (uint64_t n = 0; missing > 0; ++n) {
      EDDY_CHECK_MSG(n < tries_max, "no liveness-probe key found for some partition");
      std::string key = "marker-" + std::to_string(n);
      std::string& slot = keys[static_cast<size_t>(to_positive(murmur2(key)) % t.partitions)];
      if (!slot.empty()) continue;
      slot = std::move(key);
      --missing;
    }
    for (int32_t p = 0; p < t.partitions; ++p) {
      uint64_t id = make_record_id(kMarkerProducer, ++seq);
      uint64_t token = recorder.invoke(id);
      recorder.sent(token, producer.send(t.name, keys[static_cast<size_t>(p)], value_with_record_id(id), token));
    }
  }
  producer.flush();
  int64_t failed = 0;
  for (size_t i = first_op; i < lab.history.produces().size(); ++i)
    if (lab.history.produces()[i].outcome != OpOutcome::kOk) ++failed;
  lab.liveness_note = failed == 0 ? "every partition accepted an acks=all write within " + sim::format_duration(spec.liveness_bound)
                                  : std::to_string(failed) + " partition(s) did not accept an acks=all write within " +
                                        sim::format_duration(spec.liveness_bound);
  return failed == 0;
}

void dump_replicas(RpcEndpoint& rpc, LabState& lab) {
  for (BrokerId b : lab.all_brokers) {
    auto resp = rpc.call(node_of(b), "DumpReplicas", 32, DumpReplicasRequest{}, kClientRequestTimeout);
    auto* r = resp ? sim::payload_cast<DumpReplicasResponse>(&*resp) : nullptr;
    if (r == nullptr) continue;
    for (auto& d : r->replicas)  // moved: a replica's record list is its whole log
      lab.history.replica_state(ReplicaState{b, d.tp, d.log_start_offset, d.log_end_offset, d.high_watermark,
                                             d.leader_epoch, d.leader, std::move(d.isr), std::move(d.records)});
  }
}

FinalRead read_partition(sim::NodeContext& ctx, RpcEndpoint& rpc, ClientMetadata& md, const TopicPartition& tp,
                         sim::Instant deadline) {
  FinalRead out;
  out.tp = tp;
  Offset at{0};
  bool started = false;
  // Transactional records waiting for their producer's marker: indexes into out.records.
  std::map<ProducerId, std::vector<size_t>> open_txn;
  auto settle_open = [&] {
    for (auto& [pid, idx] : open_txn)
      for (size_t i : idx) out.meta[i].txn = FinalRecordMeta::Txn::kOpen;
  };
  while (ctx.true_now() < deadline) {
    auto leader = md.leader(tp);
    if (!leader) {
      md.refresh_now();
      continue;
    }
    FetchRequest req;
    req.max_wait_ms = 0;
    req.partitions.push_back(FetchPartition{tp, at, leader->leader_epoch, 4 << 20});
    auto resp = rpc.call(node_of(leader->leader), kFetchRpc, wire_bytes(req), req, kClientRequestTimeout);
    const auto* r = resp ? sim::payload_cast<FetchResponse>(&*resp) : nullptr;
    if (r == nullptr || r->partitions.empty()) {
      md.refresh_now();
      continue;
    }
    const FetchPartitionResponse& pr = r->partitions.front();
    if (pr.error == ErrorCode::kOffsetOutOfRange) {
      at = pr.log_start_offset;
      continue;
    }
    if (pr.error != ErrorCode::kNone) {
      md.refresh_now();
      ctx.sleep_for(sim::milliseconds(100));
      continue;
    }
    if (!started) out.start_offset = at;
    started = true;
    for (const auto& b : pr.batches) {
      if (txn::is_control(b)) {  // a transaction marker: it settles its producer's open records
        std::optional<txn::MarkerType> m = txn::marker_of(b);
        if (b.base_offset < at || !m) continue;
        auto it = open_txn.find(b.producer_id);
        if (it == open_txn.end()) continue;
        for (size_t i : it->second)
          out.meta[i].txn = *m == txn::MarkerType::kCommit ? FinalRecordMeta::Txn::kCommitted : FinalRecordMeta::Txn::kAborted;
        open_txn.erase(it);
        continue;
      }
      for (size_t i = 0; i < b.records.size(); ++i) {
        Offset off = b.base_offset + static_cast<int64_t>(i);
        if (off < at || b.records[i].compacted) continue;
        out.records.emplace_back(off, record_id_of(b.records[i]));
        int32_t seq = b.base_sequence < 0 ? -1 : b.base_sequence + static_cast<int32_t>(i);
        out.meta.push_back(FinalRecordMeta{b.producer_id, seq, b.partition_leader_epoch});
        if (txn::is_transactional(b)) {
          out.meta.back().txn = FinalRecordMeta::Txn::kOpen;
          open_txn[b.producer_id].push_back(out.meta.size() - 1);
        }
      }
    }
    if (!pr.batches.empty()) at = pr.batches.back().next_offset();
    if (at >= pr.high_watermark) {
      out.complete = true;
      out.high_watermark = pr.high_watermark;
      settle_open();
      return out;
    }
  }
  settle_open();
  return out;
}

}  // namespace

sim::BootFn make_final_reader_boot(const ScenarioSpec& spec, LabState& lab) {
  return [&spec, &lab](sim::NodeContext& ctx) {
    RpcEndpoint& rpc = client_rpc(ctx, lab_principal(spec));
    ClientMetadata& md = ctx.make<ClientMetadata>(rpc, lab.brokers, topic_names(spec), sim::seconds(1), kClientRequestTimeout);
    md.start();
    md.refresh_now();
    sim::Instant deadline = ctx.true_now() + spec.liveness_bound;
    lab.liveness = check_liveness(ctx, rpc, md, spec, lab);
    dump_replicas(rpc, lab);
    for (const auto& t : spec.topics)
      for (int32_t p = 0; p < t.partitions; ++p)
        lab.history.final_read(read_partition(ctx, rpc, md, TopicPartition{t.name, p}, deadline + spec.liveness_bound));
    lab.final_phase_done = true;
    lab.changed.notify_all();
  };
}

RpcEndpoint& client_rpc(sim::NodeContext& ctx, const std::string& principal) {
  RpcEndpoint& rpc = ctx.make<RpcEndpoint>(ctx);
  if (!principal.empty()) rpc.set_sasl_principal(principal);
  rpc.start([](const RequestInfo&, sim::Payload&&) {});  // clients serve nothing
  return rpc;
}

void wait_ready(LabState& lab) {
  while (!lab.ready) lab.changed.wait();
}

int64_t broker_int(const ScenarioSpec& spec, const char* key, int64_t fallback) {
  auto it = spec.cluster.broker_configs.find(key);
  if (it == spec.cluster.broker_configs.end()) return fallback;
  return parse_int(it->second).value_or(fallback);  // validated by the loader
}

void ProduceRecorder::sent(uint64_t token, const SendResult& r) {
  ProduceOp& p = history_.produce(token);
  p.tp = r.tp;
  if (!r.queued()) {
    p.completed = ctx_.true_now();
    p.outcome = OpOutcome::kFailed;
    p.error = to_string(r.error);
    if (on_not_acknowledged_) on_not_acknowledged_();
  }
}

void ProduceRecorder::on_completion(std::span<const uint64_t> tokens, const DeliveryReport& r) {
  const sim::Instant now = ctx_.true_now();
  const OpOutcome outcome = r.outcome == DeliveryOutcome::kAcknowledged ? OpOutcome::kOk
                            : r.outcome == DeliveryOutcome::kFailed     ? OpOutcome::kFailed
                                                                        : OpOutcome::kUnknown;
  if (outcome != OpOutcome::kOk && on_not_acknowledged_) on_not_acknowledged_();
  for (size_t i = 0; i < tokens.size(); ++i) {
    ProduceOp& p = history_.produce(tokens[i]);
    p.completed = now;
    p.outcome = outcome;
    p.attempts = r.attempts;
    if (outcome == OpOutcome::kOk) {
      p.offset = r.base_offset + static_cast<int64_t>(i);
      p.acked_by = r.broker;
      p.leader_epoch = r.leader_epoch;
    } else if (r.error != ErrorCode::kNone) {
      p.error = to_string(r.error);
    }
  }
}

}  // namespace scenarios
