#include "scenarios/pipeline_workload.h"

#include <algorithm>

#include "broker_model/pipeline/document_store.h"
#include "broker_model/pipeline/iot_rule.h"
#include "broker_model/pipeline/lambda_runtime.h"
#include "broker_model/pipeline/mqtt_broker.h"
#include "broker_model/pipeline/mqtt_client.h"
#include "broker_model/pipeline/sink_connector.h"
#include "broker_model/pipeline/sqs_queue.h"
#include "scenarios/client_support.h"

namespace scenarios {

using namespace broker_model;
using namespace broker_model::pipeline;
using checkers::OpOutcome;
using checkers::ReadingKey;

namespace {

ReadingKey key_of(const Reading& r) { return {r.device, r.seq}; }

// A function environment's producer, as the lab records it: each send a ProduceOp. Records
// still without an outcome when the runtime ends the environment are unknown: they may be in
// the log already.
class FunctionLabRecorder final : public FunctionRecorder {
 public:
  FunctionLabRecorder(sim::NodeContext& ctx, checkers::History& h, int producer_index)
      : ctx_(ctx), h_(h), produce_(ctx, h, producer_index) {}
  uint64_t begin_send(const Reading& r, int64_t) override {
    const uint64_t token = produce_.invoke(reading_record_id(r));
    open_.push_back(token);
    return token;
  }
  void sent(uint64_t token, const SendResult& r) override { produce_.sent(token, r); }
  void on_completion(std::span<const uint64_t> tokens, const DeliveryReport& report) override {
    produce_.on_completion(tokens, report);
  }
  void invocation_timed_out(int64_t invocation, int environment) override {
    for (uint64_t t : open_) {
      checkers::ProduceOp& op = h_.produce(t);
      if (op.outcome != OpOutcome::kPending) continue;
      op.outcome = OpOutcome::kUnknown;
      op.completed = ctx_.true_now();
      op.error = "function timed out mid-produce";
    }
    for (auto& inv : h_.pipeline().invocations)
      if (inv.id == invocation) {
        inv.outcome = "timeout";
        inv.end = ctx_.true_now();
      }
    if (on_timeout) on_timeout(environment);
  }
  std::function<void(int)> on_timeout;

 private:
  sim::NodeContext& ctx_;
  checkers::History& h_;
  ProduceRecorder produce_;
  std::vector<uint64_t> open_;
};

class SinkLabRecorder final : public SinkTaskListener {
 public:
  SinkLabRecorder(sim::NodeContext& ctx, checkers::History& h) : ctx_(ctx), h_(h) {}
  void on_write(int task, const Write& w) override {
    checkers::PipelineWrite out;
    out.task = task;
    out.tp = checkers::TopicPartition{w.tp.topic.str(), w.tp.partition};
    out.offset = w.offset.value();
    out.reading = {reading_device(w.record_id), reading_seq(w.record_id)};
    out.doc_id = w.doc_id;
    out.upsert = w.op == WriteOp::kReplaceOne;
    out.invoked = w.invoked;
    out.completed = w.completed;
    out.ok = w.ok;
    out.error = w.error;
    out.replaced_seq = w.replaced_seq;
    h_.pipeline().writes.push_back(std::move(out));
  }
  void on_commit(int task, const std::map<TopicPartition, Offset>& offsets, bool ok) override {
    checkers::PipelineCommit c;
    c.task = task;
    c.at = ctx_.true_now();
    c.ok = ok;
    for (const auto& [tp, o] : offsets) c.offsets[checkers::TopicPartition{tp.topic.str(), tp.partition}] = o.value();
    h_.pipeline().commits.push_back(std::move(c));
  }
  void on_task_event(int task, const std::string& what) override {
    h_.pipeline().task_events.push_back(checkers::PipelineTaskEvent{task, ctx_.true_now(), what});
  }
  uint64_t begin_dead_letter(int, const TopicPartition&, Offset, uint64_t record_id) override {
    h_.pipeline().dead_letters.emplace_back(ctx_.true_now(), ReadingKey{reading_device(record_id), reading_seq(record_id)});
    return 0;
  }
  // The dead-letter topic's records are not workload records: their fate is not judged.
  void on_completion(std::span<const uint64_t>, const DeliveryReport&) override {}

 private:
  sim::NodeContext& ctx_;
  checkers::History& h_;
};

SinkWriteMode write_mode_of(const PipelineSpec& p) {
  if (p.write_mode == "insert") return SinkWriteMode::kInsert;
  return p.upsert_key == "device" ? SinkWriteMode::kUpsertByDevice : SinkWriteMode::kUpsertByReading;
}

}  // namespace

sim::NodeId add_pipeline(sim::World& world, const ScenarioSpec& spec, LabState& lab, std::vector<sim::NodeId>& server_nodes,
                         std::vector<sim::NodeId>& workload_nodes, int first_producer_index) {
  const PipelineSpec& p = *spec.pipeline;
  checkers::PipelineHistory& ph = lab.history.pipeline();
  ph.active = true;
  ph.write_mode = p.write_mode;
  ph.upsert_key = p.upsert_key;
  ph.visibility_timeout = p.visibility_timeout;
  ph.function_timeout = p.function_timeout;
  auto add = [&](const std::string& name, sim::BootFn boot, std::vector<sim::NodeId>& into) {
    sim::NodeId n = world.add_node(name, std::move(boot));
    lab.pipeline_nodes[name] = n;
    into.push_back(n);
    return n;
  };
  const sim::NodeId mqtt = add("mqtt-broker", make_mqtt_broker_boot(MqttBrokerConfig{p.mqtt_max_inflight_messages, p.mqtt_max_queued_messages}), server_nodes);
  SqsQueueConfig qc;
  qc.visibility_timeout = p.visibility_timeout;
  qc.max_receive_count = p.max_receive_count;
  const sim::NodeId sqs = add("sqs", make_sqs_boot(qc), server_nodes);
  const sim::NodeId store = add("docstore", make_document_store_boot(), server_nodes);
  checkers::History& h = lab.history;
  IotRuleConfig rc;
  rc.mqtt_broker = mqtt;
  rc.queue = sqs;
  add("iot-rule", make_iot_rule_boot(rc, [&h, &world](const RuleForward& f) {
        h.pipeline().forwards.push_back(checkers::PipelineForward{world.now(), key_of(f.reading), f.dup, f.message_id});
      }), server_nodes);
  // Function environments (the concurrency limit), each restarted after a timeout ended it.
  std::vector<sim::NodeId> envs;
  for (int e = 0; e < p.concurrency; ++e) {
    FunctionConfig fc;
    fc.brokers = lab.brokers;
    fc.topic = p.topic;
    ProducerConfig::parse(p.producer_configs, fc.producer);  // validated by the loader
    fc.timeout = p.function_timeout;
    fc.work_time = p.work_time;
    fc.init_duration = p.cold_start;
    fc.environment = e;
    fc.producer_index = first_producer_index + e;
    const std::string name = "function-" + std::to_string(e);
    const int producer_index = first_producer_index + e;
    const sim::Duration cold_start = p.cold_start;
    auto node = std::make_shared<sim::NodeId>();
    *node = add(name, make_function_boot(fc, [&h, &world, producer_index, cold_start, node](sim::NodeContext& ctx) -> FunctionRecorder& {
                  auto& r = ctx.make<FunctionLabRecorder>(ctx, h, producer_index);
                  r.on_timeout = [&world, cold_start, node](int) {
                    // Lambda replaces the environment: a new one after a cold start.
                    world.at(world.now() + cold_start + sim::milliseconds(1), [&world, node] {
                      if (world.node(*node).state() == sim::NodeState::kDown) world.start(*node);
                    });
                  };
                  return r;
                }),
                server_nodes);
    envs.push_back(*node);
    h.set_producer_client_id(producer_index, name);
  }
  LambdaServiceConfig lc;
  lc.queue = sqs;
  lc.environments = envs;
  lc.pollers = p.pollers;
  lc.batch_size = p.batch_size;
  lc.function_timeout = p.function_timeout;
  LambdaEvents ev;
  ev.on_receive = [&h, &world](int poller, const std::vector<SqsMessage>& batch) {
    for (const SqsMessage& m : batch)
      h.pipeline().receives.push_back(
          checkers::PipelineReceive{world.now(), poller, key_of(m.body), m.message_id, m.approximate_receive_count});
  };
  ev.on_invoke = [&h, &world](int64_t invocation, int env, const std::vector<SqsMessage>& batch) {
    checkers::PipelineInvocation inv;
    inv.id = invocation;
    inv.environment = env;
    inv.start = world.now();
    for (const SqsMessage& m : batch) {
      inv.message_ids.push_back(m.message_id);
      inv.readings.push_back(key_of(m.body));
    }
    h.pipeline().invocations.push_back(std::move(inv));
  };
  ev.on_result = [&h, &world](int64_t invocation, int, bool ok, const std::string& error, int32_t deleted) {
    for (auto& inv : h.pipeline().invocations)
      if (inv.id == invocation) {
        if (inv.outcome != "timeout") inv.outcome = ok ? "ok" : "error: " + error;
        if (inv.outcome != "timeout" || inv.end == sim::Instant{}) inv.end = world.now();
        inv.deleted = deleted;
      }
  };
  add("lambda", make_lambda_service_boot(lc, ev), server_nodes);
  for (int t = 0; t < p.tasks; ++t) {
    SinkTaskConfig sc;
    sc.brokers = lab.brokers;
    sc.topic = p.topic;
    sc.store = store;
    sc.task = t;
    sc.mode = write_mode_of(p);
    sc.offset_flush_interval = p.offset_flush_interval;
    sc.errors_tolerance_all = p.errors_tolerance_all;
    sc.dead_letter_topic = p.dead_letter_topic;
    sc.retry_backoff = p.retry_backoff;
    add("connect-task-" + std::to_string(t), make_sink_task_boot(sc, [&h, &lab](sim::NodeContext& ctx) -> SinkTaskListener& {
          wait_ready(lab);
          return ctx.make<SinkLabRecorder>(ctx, h);
        }),
        server_nodes);
  }
  // Devices.
  for (int d = 0; d < p.devices; ++d) {
    add("device-" + std::to_string(d), [&p, &lab, &h, mqtt, d](sim::NodeContext& ctx) {
          RpcEndpoint& rpc = client_rpc(ctx);
          MqttPublisherConfig pc;
          pc.client_id = "device-" + std::to_string(d);
          pc.broker = mqtt;
          pc.qos = p.qos;
          MqttPublisher& pub = ctx.make<MqttPublisher>(ctx, rpc, pc, [&h, &ctx](const PublishEvent& e) {
            checkers::PipelineReading& r = h.pipeline().readings[key_of(e.reading)];
            switch (e.kind) {
              case PublishEvent::Kind::kSent:
              case PublishEvent::Kind::kResent: ++r.publishes; break;
              case PublishEvent::Kind::kAcked:
                if (!r.acked) r.acked_at = ctx.true_now();
                r.acked = true;
                break;
              case PublishEvent::Kind::kDropped: r.dropped = true; break;
            }
          });
          pub.start();
          wait_ready(lab);
          sim::Prng draws = ctx.prng().fork("readings");
          const sim::Duration interval = sim::nanoseconds(static_cast<int64_t>(1e9 / p.readings_per_s));
          int64_t seq = 0;
          while (!lab.workload_stopped) {
            Reading r;
            r.device = d;
            r.seq = ++seq;
            r.value = static_cast<int64_t>(draws.below(1'000));
            r.sent_ns = ctx.true_now().ns();
            r.malformed = p.malformed_share > 0 && draws.unit() < p.malformed_share;
            checkers::PipelineReading& rec = h.pipeline().readings[key_of(r)];
            rec.qos = p.qos;
            rec.malformed = r.malformed;
            rec.sent = ctx.true_now();
            pub.publish(r);
            ctx.sleep_for(interval);
          }
        },
        workload_nodes);
  }
  // The store reader: once the queue is drained (or the bound passes), every document.
  const sim::Duration bound = spec.liveness_bound;
  return world.add_node("pipeline-reader", [&lab, &h, sqs, store, bound](sim::NodeContext& ctx) {
    RpcEndpoint& rpc = client_rpc(ctx);
    const sim::Instant deadline = ctx.now() + bound;
    while (ctx.now() < deadline) {
      auto a = rpc.call_sized(sqs, kSqsGetQueueAttributes, GetQueueAttributesRequest{}, sim::seconds(2));
      const auto* r = a ? sim::payload_cast<GetQueueAttributesResponse>(&*a) : nullptr;
      if (r != nullptr && r->approximate_number_of_messages == 0 && r->approximate_number_of_messages_not_visible == 0) break;
      ctx.sleep_for(sim::milliseconds(500));
    }
    ctx.sleep_for(sim::seconds(3));  // the sink's last writes
    for (int attempt = 0; attempt < 5 && !h.pipeline().store_read; ++attempt) {
      auto f = rpc.call_sized(store, kStoreFind, StoreFindRequest{}, sim::seconds(5));
      if (const auto* r = f ? sim::payload_cast<StoreFindResponse>(&*f) : nullptr) {
        for (const Document& d : r->documents)
          h.pipeline().documents.push_back(checkers::PipelineDocument{d.id, ReadingKey{d.device, d.seq}});
        h.pipeline().store_read = true;
      }
    }
    lab.pipeline_read_done = true;
    lab.changed.notify_all();
  });
}

}  // namespace scenarios
