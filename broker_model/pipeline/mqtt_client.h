// MQTT 3.1.1 clients (docs/pipeline.md): a publishing device and a subscribing session.
//
// MqttPublisher (a device): QoS 0 sends a PUBLISH and forgets it. QoS 1 keeps each PUBLISH
// until its PUBACK; one not acknowledged within `ack_timeout` is taken as a lost connection,
// and after `reconnect_backoff` it is sent again with its original packet id and DUP=1, as
// section 4.4 asks on reconnection. The broker may already have routed the first copy: QoS 1
// is at least once. At most `max_inflight` are unacknowledged (Paho's MaxInflight); readings
// beyond wait in the device's buffer (`buffer_max`, then dropped and reported).
//
// MqttSubscriber: connects with CleanSession=0 (a persistent session) and its subscriptions,
// sends PINGREQ every Keep Alive; a PINGREQ unanswered or answered "no session" means the
// connection is gone, and it connects again (the broker then re-delivers what it had not
// had acknowledged, with DUP=1). Incoming PUBLISH packets go to the application, which
// acknowledges QoS 1 ones when it is done with them (`puback`).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "broker_model/pipeline/pipeline_messages.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "sim/node_context.h"

namespace broker_model::pipeline {

struct MqttPublisherConfig {
  std::string client_id;
  sim::NodeId broker;
  int qos = 1;
  sim::Duration ack_timeout = sim::seconds(3);
  sim::Duration reconnect_backoff = sim::seconds(1);
  int32_t max_inflight = 10;   // Paho's MaxInflight default
  size_t buffer_max = 10'000;  // readings waiting for room in flight
};

// What became of a published reading, for the device's caller.
struct PublishEvent {
  enum class Kind : uint8_t { kSent, kResent, kAcked, kDropped };
  Kind kind = Kind::kSent;
  Reading reading;
  uint16_t packet_id = 0;
};

class MqttPublisher {
 public:
  using Listener = std::function<void(const PublishEvent&)>;
  MqttPublisher(sim::NodeContext& ctx, RpcEndpoint& rpc, MqttPublisherConfig config, Listener listener)
      : ctx_(ctx), rpc_(rpc), config_(std::move(config)), listener_(std::move(listener)) {}
  void start();
  void publish(const Reading& r);
  size_t unacknowledged() const { return inflight_.size() + buffer_.size(); }

 private:
  struct Inflight {
    MqttPublish packet;
    bool awaiting = false;   // a send of it is in flight
    sim::Instant retry_at;   // local clock, when not awaiting
  };
  void send(Inflight& f);
  void fill();
  void retry_loop();

  sim::NodeContext& ctx_;
  RpcEndpoint& rpc_;
  MqttPublisherConfig config_;
  Listener listener_;
  std::map<uint16_t, Inflight> inflight_;
  std::deque<Reading> buffer_;
  uint16_t next_packet_id_ = 1;
  sim::WaitQueue wakeup_{"mqtt publisher"};
};

struct MqttSubscriberConfig {
  std::string client_id;
  sim::NodeId broker;
  std::vector<std::string> subscriptions;
  bool clean_session = false;
  int32_t keep_alive_s = 5;
};

class MqttSubscriber {
 public:
  // The application's handler: a PUBLISH and, for QoS 1, the request to answer with puback().
  using OnPublish = std::function<void(const MqttPublish&, const RequestInfo&)>;
  MqttSubscriber(sim::NodeContext& ctx, RpcEndpoint& rpc, MqttSubscriberConfig config)
      : ctx_(ctx), rpc_(rpc), config_(std::move(config)) {}
  // Handles a message of the process's endpoint if it is an MQTT PUBLISH (true).
  bool handle(const RequestInfo& info, sim::Payload& body, const OnPublish& on_publish);
  void puback(const RequestInfo& info, uint16_t packet_id) { rpc_.reply_sized(info, MqttPubAck{packet_id}); }
  // Connects and keeps the connection alive; a fiber of the caller's (never returns).
  void session_loop();
  int64_t connects() const { return connects_; }

 private:
  bool connect();
  sim::NodeContext& ctx_;
  RpcEndpoint& rpc_;
  MqttSubscriberConfig config_;
  int64_t connects_ = 0;
};

}  // namespace broker_model::pipeline
