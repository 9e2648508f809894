// An MQTT 3.1.1 broker (docs/pipeline.md), in the manner of Mosquitto:
// - QoS 0, at most once: a PUBLISH is forwarded once to connected subscribers and never
//   stored; to a subscriber that is not connected it is dropped (Mosquitto's
//   queue_qos0_messages defaults to false);
// - QoS 1, at least once: the broker answers the publisher's PUBLISH with PUBACK once it has
//   routed the message, and delivers it to each subscriber until that subscriber's PUBACK;
//   a receiver "MUST treat any incoming PUBLISH packet ... as being a new publication,
//   irrespective of the setting of its DUP flag" (QoS 1 has no de-duplication);
// - persistent sessions: a client connecting with CleanSession=0 keeps its subscriptions and
//   its unacknowledged and queued QoS 1 messages across disconnections; on reconnection the
//   broker re-sends every unacknowledged PUBLISH "using their original Packet Identifiers"
//   with DUP=1 (MQTT 3.1.1 section 4.4, [MQTT-4.4.0-1], the only circumstance the standard
//   requires a re-delivery), then the queued ones. CleanSession=1 discards the session;
// - keep alive: a client silent for one and a half times its Keep Alive is disconnected "as
//   if the network had failed" ([MQTT-3.1.2-24]); a delivery not acknowledged within that
//   time disconnects it too;
// - limits as Mosquitto's: max_inflight_messages (default 20) per client in flight,
//   max_queued_messages (default 1000) queued beyond that, further QoS 1 messages for the
//   client dropped (counted).
// Sessions live in the broker's memory (Mosquitto's `persistence false`, its default): a
// crash of the broker loses them; its PUBACKs to devices already went out.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "broker_model/pipeline/pipeline_messages.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "sim/node_context.h"

namespace broker_model::pipeline {

struct MqttBrokerConfig {
  int32_t max_inflight_messages = 20;   // Mosquitto's default
  int32_t max_queued_messages = 1'000;  // Mosquitto's default
};

// An MQTT topic filter against a topic name: '+' one level, '#' the rest (section 4.7).
bool mqtt_topic_matches(const std::string& filter, const std::string& topic);

sim::BootFn make_mqtt_broker_boot(MqttBrokerConfig config);

class MqttBroker {
 public:
  MqttBroker(sim::NodeContext& ctx, MqttBrokerConfig config) : ctx_(ctx), rpc_(ctx), config_(config) {}
  void run();
  int64_t dropped_qos0() const { return dropped_qos0_; }
  int64_t dropped_queue_full() const { return dropped_queue_full_; }

 private:
  struct Session {
    bool clean_session = true;
    std::vector<std::string> subscriptions;
    sim::NodeId node;
    int32_t keep_alive_s = 10;
    bool connected = false;
    uint64_t connection = 0;  // counts CONNECTs: answers to an older connection's deliveries are ignored
    sim::Instant last_heard;  // local clock
    std::deque<MqttPublish> inflight;  // sent, not acknowledged (packet ids assigned)
    std::deque<MqttPublish> queued;
    uint16_t next_packet_id = 1;
  };
  void on_request(const RequestInfo& info, sim::Payload&& body);
  void on_connect(const RequestInfo& info, const MqttConnect& c);
  void route(const MqttPublish& p);
  void pump(const std::string& client_id);
  void deliver(const std::string& client_id, Session& s, const MqttPublish& p);
  void disconnect(Session& s);
  void keep_alive_loop();
  sim::Duration keep_alive_limit(const Session& s) const { return sim::milliseconds(s.keep_alive_s * 1'500); }

  sim::NodeContext& ctx_;
  RpcEndpoint rpc_;
  MqttBrokerConfig config_;
  std::map<std::string, Session> sessions_;
  int64_t dropped_qos0_ = 0;
  int64_t dropped_queue_full_ = 0;
};

}  // namespace broker_model::pipeline
