#include "broker_model/pipeline/iot_rule.h"

namespace broker_model::pipeline {

IotRule::IotRule(sim::NodeContext& ctx, IotRuleConfig config, Listener listener)
    : ctx_(ctx),
      config_(std::move(config)),
      listener_(std::move(listener)),
      rpc_(ctx),
      subscriber_(ctx, rpc_, MqttSubscriberConfig{"iot-rule", config_.mqtt_broker, {config_.topic_filter}, false, 5}) {}

sim::BootFn make_iot_rule_boot(IotRuleConfig config, IotRule::Listener listener) {
  return [config, listener](sim::NodeContext& ctx) { ctx.make<IotRule>(ctx, config, listener).run(); };
}

void IotRule::run() {
  rpc_.start([this](const RequestInfo& info, sim::Payload&& body) {
    subscriber_.handle(info, body, [this](const MqttPublish& p, const RequestInfo& i) {
      if (pending_.size() >= IotRuleConfig::kPendingMax) return;  // no PUBACK: re-delivered later
      pending_.push_back(Pending{p, i});
      wakeup_.notify_all();
    });
  });
  ctx_.spawn("iot-rule-session", [this] { subscriber_.session_loop(); });
  ctx_.spawn("iot-rule-action", [this] { worker(); });
}

void IotRule::worker() {
  for (;;) {
    while (pending_.empty()) wakeup_.wait();
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    std::string message_id;
    for (int attempt = 0; attempt < config_.attempts_max && message_id.empty(); ++attempt) {
      if (attempt > 0) ctx_.sleep_for(config_.retry_backoff);
      auto resp = rpc_.call_sized(config_.queue, kSqsSendMessage, SendMessageRequest{p.publish.reading}, config_.request_timeout);
      if (const auto* r = resp ? sim::payload_cast<SendMessageResponse>(&*resp) : nullptr) message_id = r->message_id;
    }
    listener_(RuleForward{p.publish.reading, p.publish.dup, message_id});
    if (!message_id.empty() && p.publish.qos == 1) subscriber_.puback(p.info, p.publish.packet_id);
  }
}

}  // namespace broker_model::pipeline
