#include "broker_model/pipeline/sink_connector.h"

#include <cstdio>

#include "broker_model/clients/client_metadata.h"
#include "broker_model/clients/group_consumer.h"
#include "broker_model/pipeline/lambda_runtime.h"
#include "broker_model/protocol/messages.h"

namespace broker_model::pipeline {

sim::BootFn make_sink_task_boot(SinkTaskConfig config, std::function<SinkTaskListener&(sim::NodeContext&)> make_listener) {
  return [config, make_listener](sim::NodeContext& ctx) {
    SinkTaskListener& l = make_listener(ctx);
    ctx.make<SinkTask>(ctx, config, l).run();
  };
}

void SinkTask::run() {
  rpc_.start([](const RequestInfo&, sim::Payload&&) {});  // a client: it serves nothing
  ctx_.spawn("connect-task", [this] { loop(); });
}

std::string SinkTask::document_id(uint64_t record_id) {
  const int32_t device = reading_device(record_id);
  const int64_t seq = reading_seq(record_id);
  switch (config_.mode) {
    case SinkWriteMode::kUpsertByReading: return "d" + std::to_string(device) + "-" + std::to_string(seq);
    case SinkWriteMode::kUpsertByDevice: return "d" + std::to_string(device);
    case SinkWriteMode::kInsert: break;
  }
  // An ObjectId: unique per write (a process-random part and a counter), as the driver makes it.
  char oid[40];
  std::snprintf(oid, sizeof oid, "oid-%012llx-%06llx", static_cast<unsigned long long>(oid_random_ & 0xffffffffffffULL),
                static_cast<unsigned long long>(++oid_counter_));
  return oid;
}

bool SinkTask::write(const ConsumedRecord& r) {
  StoreWriteRequest w;
  w.op = config_.mode == SinkWriteMode::kInsert ? WriteOp::kInsertOne : WriteOp::kReplaceOne;
  w.doc.id = document_id(r.record_id);
  w.doc.device = reading_device(r.record_id);
  w.doc.seq = reading_seq(r.record_id);
  w.doc.sent_ns = r.timestamp_ms * 1'000'000;
  SinkTaskListener::Write out;
  out.tp = r.tp;
  out.offset = r.offset;
  out.record_id = r.record_id;
  out.doc_id = w.doc.id;
  out.op = w.op;
  out.invoked = ctx_.true_now();
  auto resp = rpc_.call_sized(config_.store, kStoreWrite, w, config_.store_timeout);
  const auto* sr = resp ? sim::payload_cast<StoreWriteResponse>(&*resp) : nullptr;
  out.completed = ctx_.true_now();
  out.ok = sr != nullptr && sr->ok;
  out.error = sr == nullptr ? "no answer from the store" : sr->error;
  out.replaced_seq = sr != nullptr ? sr->replaced_seq : -1;
  listener_.on_write(config_.task, out);
  return out.ok;
}

void SinkTask::commit(const std::vector<TopicPartition>& partitions) {
  std::map<TopicPartition, Offset> offsets;
  for (const TopicPartition& tp : partitions)
    if (auto it = put_.find(tp); it != put_.end()) offsets[tp] = it->second;
  if (offsets.empty()) return;
  const bool ok = consumer_->commit_sync(offsets) == ErrorCode::kNone;
  listener_.on_commit(config_.task, offsets, ok);
}

void SinkTask::on_partitions_revoked(const std::vector<TopicPartition>& tps) {
  commit(tps);  // WorkerSinkTask commits what it put before giving partitions up
  for (const TopicPartition& tp : tps) put_.erase(tp);
}

void SinkTask::loop() {
  oid_random_ = ctx_.prng().next_u64();
  ConsumerConfig cc;
  cc.group_id = "connect-" + config_.connector;
  cc.enable_auto_commit = false;
  cc.auto_offset_reset = "earliest";
  cc.max_poll_records = config_.max_poll_records;
  cc.session_timeout_ms = config_.session_timeout_ms;
  cc.heartbeat_interval_ms = config_.heartbeat_interval_ms;
  cc.client_id = "connector-" + config_.connector + "-" + std::to_string(config_.task);
  std::vector<std::string> topics{config_.topic};
  if (!config_.dead_letter_topic.empty()) topics.push_back(config_.dead_letter_topic);
  auto& md = ctx_.make<ClientMetadata>(rpc_, config_.brokers, topics, sim::seconds(5), sim::seconds(30));
  md.start();
  while (md.partitions(sim::Symbol(config_.topic)) == 0) md.refresh_now();
  consumer_ = &ctx_.make<GroupConsumer>(rpc_, md, cc, std::vector<std::string>{config_.topic}, *this, -1 - config_.task);
  consumer_->start();
  if (!config_.dead_letter_topic.empty()) {
    ProducerConfig pc;  // Connect's DLQ producer: acks=all, idempotent by default
    dlq_producer_ = &ctx_.make<Producer>(rpc_, md, pc, listener_, -1 - config_.task);
    dlq_producer_->start();
  }
  listener_.on_task_event(config_.task, "started");
  sim::Instant next_flush = ctx_.now() + config_.offset_flush_interval;
  const sim::Symbol dlq_topic(config_.dead_letter_topic.empty() ? std::string("-") : config_.dead_letter_topic);
  for (;;) {
    std::vector<ConsumedRecord> records = consumer_->poll(sim::milliseconds(500));
    for (const ConsumedRecord& r : records) {
      if (!is_reading_record(r.record_id)) continue;
      if (reading_malformed(r.record_id)) {
        // The converter's error: errors.tolerance decides (KIP-298).
        if (!config_.errors_tolerance_all) {
          listener_.on_task_event(config_.task, "FAILED: converter error at " + r.tp.str() + " offset " +
                                                    std::to_string(r.offset.value()) + " (errors.tolerance=none)");
          for (;;) ctx_.sleep_for(sim::seconds(3600));  // FAILED until restarted
        }
        if (dlq_producer_ != nullptr) {
          const uint64_t token = listener_.begin_dead_letter(config_.task, r.tp, r.offset, r.record_id);
          dlq_producer_->send(dlq_topic, std::nullopt, value_with_record_id(r.record_id), token);
        }
        put_[r.tp] = r.offset + 1;
        continue;
      }
      // put(): a failed write is retried, the same record, until the store takes it.
      while (!write(r)) ctx_.sleep_for(config_.retry_backoff);
      put_[r.tp] = r.offset + 1;
    }
    if (ctx_.now() >= next_flush) {
      commit(consumer_->assignment());
      next_flush = ctx_.now() + config_.offset_flush_interval;
    }
  }
}

}  // namespace broker_model::pipeline
