#include "broker_model/pipeline/lambda_runtime.h"

#include <algorithm>

#include "broker_model/clients/client_metadata.h"
#include "broker_model/protocol/messages.h"

namespace broker_model::pipeline {

sim::BootFn make_lambda_service_boot(LambdaServiceConfig config, LambdaEvents events) {
  return [config, events](sim::NodeContext& ctx) { ctx.make<LambdaService>(ctx, config, events).run(); };
}

void LambdaService::run() {
  rpc_.start([](const RequestInfo&, sim::Payload&&) {});
  for (int i = 0; i < config_.pollers; ++i) ctx_.spawn("lambda-poller-" + std::to_string(i), [this, i] { poller(i); });
}

int LambdaService::acquire_environment() {
  for (;;) {
    for (size_t k = 0; k < busy_.size(); ++k) {
      const size_t e = (next_environment_ + k) % busy_.size();
      if (!busy_[e]) {
        busy_[e] = true;
        next_environment_ = e + 1;
        return static_cast<int>(e);
      }
    }
    freed_.wait();  // throttled: every environment is busy (the concurrency limit)
  }
}

void LambdaService::poller(int index) {
  for (;;) {
    ReceiveMessageRequest req;
    req.max_number_of_messages = config_.batch_size;
    req.wait_time_ms = 20'000;  // long polling, as Lambda's pollers do
    auto resp = rpc_.call_sized(config_.queue, kSqsReceiveMessage, req, sim::seconds(20) + config_.request_timeout);
    const auto* got = resp ? sim::payload_cast<ReceiveMessageResponse>(&*resp) : nullptr;
    if (got == nullptr) {
      ctx_.sleep_for(sim::seconds(1));
      continue;
    }
    if (got->messages.empty()) continue;
    std::vector<SqsMessage> batch = got->messages;
    if (events_.on_receive) events_.on_receive(index, batch);
    const int env = acquire_environment();
    const int64_t invocation = next_invocation_++;
    if (events_.on_invoke) events_.on_invoke(invocation, env, batch);
    // The service waits a little past the function timeout: the runtime ends the invocation.
    auto result = rpc_.call_sized(config_.environments[static_cast<size_t>(env)], kLambdaInvoke,
                                  InvokeRequest{invocation, batch}, config_.function_timeout + sim::seconds(1));
    busy_[static_cast<size_t>(env)] = false;
    freed_.notify_one();
    const auto* r = result ? sim::payload_cast<InvokeResponse>(&*result) : nullptr;
    const bool ok = r != nullptr && r->ok;
    std::string error = r == nullptr ? "no answer from the execution environment (timed out or ended)" : r->error;
    int32_t deleted = 0;
    if (ok) {
      DeleteMessageBatchRequest del;
      for (const SqsMessage& m : batch) del.receipt_handles.push_back(m.receipt_handle);
      for (int attempt = 0; attempt < 3; ++attempt) {
        auto d = rpc_.call_sized(config_.queue, kSqsDeleteMessageBatch, del, config_.request_timeout);
        if (const auto* dr = d ? sim::payload_cast<DeleteMessageBatchResponse>(&*d) : nullptr) {
          deleted = dr->deleted;
          break;
        }
      }
    }
    if (events_.on_result) events_.on_result(invocation, env, ok, error, deleted);
  }
}

sim::BootFn make_function_boot(FunctionConfig config, std::function<FunctionRecorder&(sim::NodeContext&)> make_recorder) {
  return [config, make_recorder](sim::NodeContext& ctx) {
    FunctionRecorder& recorder = make_recorder(ctx);
    ctx.make<FunctionEnvironment>(ctx, config, recorder).run();
  };
}

void FunctionEnvironment::run() {
  rpc_.start([this](const RequestInfo& info, sim::Payload&& body) {
    if (const auto* req = sim::payload_cast<InvokeRequest>(&body)) {
      pending_.push_back(Invocation{info, *req});
      arrived_.notify_all();
    }
  });
  ctx_.spawn("function-runtime", [this] { invoke_loop(); });
}

void FunctionEnvironment::invoke_loop() {
  for (;;) {
    while (pending_.empty()) arrived_.wait();
    Invocation inv = std::move(pending_.front());
    pending_.pop_front();
    handler_done_ = false;
    failed_ = false;
    const sim::Instant deadline = ctx_.sim_deadline(config_.timeout);
    ctx_.spawn("function-handler", [this, req = inv.req] { handler(req); });
    while (!handler_done_ && done_.wait_until(deadline)) {
    }
    if (!handler_done_) {
      // "Task timed out after N seconds": the runtime ends the environment, mid-produce or not.
      recorder_.invocation_timed_out(inv.req.invocation, config_.environment);
      ctx_.halt("Task timed out");
    }
    rpc_.reply_sized(inv.info, InvokeResponse{!failed_, failed_ ? "a record was not acknowledged by Kafka" : ""});
  }
}

void FunctionEnvironment::handler(const InvokeRequest& req) {
  if (producer_ == nullptr) {
    // The cold start: the runtime's init and the producer outside the handler function.
    ctx_.sleep_for(config_.init_duration);
    auto& md = ctx_.make<ClientMetadata>(rpc_, config_.brokers, std::vector<std::string>{config_.topic}, sim::seconds(5),
                                         sim::milliseconds(config_.producer.request_timeout_ms));
    md.start();
    producer_ = &ctx_.make<Producer>(rpc_, md, config_.producer, *this, config_.producer_index);
    producer_->start();
  }
  const sim::Symbol topic(config_.topic);
  unacknowledged_ = 0;
  for (const SqsMessage& m : req.records) {
    ctx_.sleep_for(config_.work_time);
    const uint64_t token = recorder_.begin_send(m.body, req.invocation);
    SendResult r = producer_->send(topic, "device-" + std::to_string(m.body.device), value_with_record_id(reading_record_id(m.body)), token);
    recorder_.sent(token, r);
    if (r.queued())
      ++unacknowledged_;
    else
      failed_ = true;
  }
  producer_->flush();
  failed_ = failed_ || unacknowledged_ != 0;
  handler_done_ = true;
  done_.notify_all();
}

void FunctionEnvironment::on_completion(std::span<const uint64_t> tokens, const DeliveryReport& report) {
  recorder_.on_completion(tokens, report);
  if (report.outcome == DeliveryOutcome::kAcknowledged)
    unacknowledged_ -= std::min(unacknowledged_, tokens.size());
  else
    failed_ = true;
}

}  // namespace broker_model::pipeline
