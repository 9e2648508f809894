// The rule that forwards MQTT messages into the queue (docs/pipeline.md), in the manner of an
// AWS IoT rule with an SQS action ("SELECT * FROM 'devices/+/readings'"): here an MQTT client
// with a persistent session (CleanSession=0) subscribed at QoS 1, which calls SendMessage for
// each PUBLISH and answers PUBACK only once SendMessage succeeded. A message whose
// SendMessage did not succeed gets no PUBACK; the broker re-delivers it (DUP=1) after the
// session reconnects. A SendMessage whose answer was lost may still have enqueued it: the
// re-delivery enqueues it again (at least once). AWS IoT's rules engine acknowledges the
// device before its actions run and sends failed actions to an error action instead; the
// lab's rule is the at-least-once variant a self-hosted bridge would be.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "broker_model/pipeline/mqtt_client.h"
#include "broker_model/pipeline/pipeline_messages.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "sim/node_context.h"

namespace broker_model::pipeline {

struct IotRuleConfig {
  sim::NodeId mqtt_broker;
  sim::NodeId queue;
  std::string topic_filter = "devices/+/readings";
  sim::Duration request_timeout = sim::seconds(2);
  sim::Duration retry_backoff = sim::milliseconds(200);
  int32_t attempts_max = 10;  // SendMessage attempts per PUBLISH; then no PUBACK
  static constexpr size_t kPendingMax = 10'000;
};

// One forwarding of a PUBLISH: the message id SendMessage returned ("" when it failed).
struct RuleForward {
  Reading reading;
  bool dup = false;
  std::string message_id;
};

class IotRule {
 public:
  using Listener = std::function<void(const RuleForward&)>;
  IotRule(sim::NodeContext& ctx, IotRuleConfig config, Listener listener);
  void run();

 private:
  struct Pending {
    MqttPublish publish;
    RequestInfo info;
  };
  void worker();
  sim::NodeContext& ctx_;
  IotRuleConfig config_;
  Listener listener_;
  RpcEndpoint rpc_;
  MqttSubscriber subscriber_;
  std::deque<Pending> pending_;
  sim::WaitQueue wakeup_{"iot rule"};
};

sim::BootFn make_iot_rule_boot(IotRuleConfig config, IotRule::Listener listener);

}  // namespace broker_model::pipeline
