#include "broker_model/pipeline/mqtt_client.h"

namespace broker_model::pipeline {

void MqttPublisher::start() {
  ctx_.spawn("mqtt-publisher-retry", [this] { retry_loop(); });
}

void MqttPublisher::publish(const Reading& r) {
  if (config_.qos == 0) {
    MqttPublish p{config_.client_id, 0, 0, false, "devices/" + std::to_string(r.device) + "/readings", r};
    rpc_.send_one_way(config_.broker, kMqttPublish, wire_bytes(p), p);
    listener_(PublishEvent{PublishEvent::Kind::kSent, r, 0});
    return;
  }
  if (buffer_.size() >= config_.buffer_max) {
    listener_(PublishEvent{PublishEvent::Kind::kDropped, r, 0});
    return;
  }
  buffer_.push_back(r);
  fill();
}

void MqttPublisher::fill() {
  while (!buffer_.empty() && static_cast<int32_t>(inflight_.size()) < config_.max_inflight) {
    while (inflight_.count(next_packet_id_) != 0 || next_packet_id_ == 0) ++next_packet_id_;
    const uint16_t id = next_packet_id_++;
    Reading r = buffer_.front();
    buffer_.pop_front();
    Inflight& f = inflight_[id];
    f.packet = MqttPublish{config_.client_id, id, 1, false, "devices/" + std::to_string(r.device) + "/readings", r};
    listener_(PublishEvent{PublishEvent::Kind::kSent, r, id});
    send(f);
  }
}

void MqttPublisher::send(Inflight& f) {
  f.awaiting = true;
  const uint16_t id = f.packet.packet_id;
  rpc_.call_async_sized(config_.broker, kMqttPublish, f.packet, config_.ack_timeout,
                        [this, id](std::optional<sim::Payload>&& resp) {
                          auto it = inflight_.find(id);
                          if (it == inflight_.end()) return;
                          if (resp && sim::payload_cast<MqttPubAck>(&*resp) != nullptr) {
                            listener_(PublishEvent{PublishEvent::Kind::kAcked, it->second.packet.reading, id});
                            inflight_.erase(it);
                            fill();
                            return;
                          }
                          // No PUBACK: the connection is taken as lost; resend after reconnecting.
                          it->second.awaiting = false;
                          it->second.retry_at = ctx_.now() + config_.reconnect_backoff;
                          wakeup_.notify_all();
                        });
}

void MqttPublisher::retry_loop() {
  for (;;) {
    sim::Instant next = sim::Instant::max();
    const sim::Instant now = ctx_.now();
    for (auto& [id, f] : inflight_) {
      if (f.awaiting) continue;
      if (f.retry_at <= now) {
        f.packet.dup = true;  // a re-delivery, original packet id ([MQTT-4.4.0-1])
        listener_(PublishEvent{PublishEvent::Kind::kResent, f.packet.reading, id});
        send(f);
      } else {
        next = std::min(next, f.retry_at);
      }
    }
    const sim::Duration sleep = next == sim::Instant::max() ? sim::seconds(3600) : next - now;
    wakeup_.wait_until(ctx_.sim_deadline(sleep));
  }
}

bool MqttSubscriber::handle(const RequestInfo& info, sim::Payload& body, const OnPublish& on_publish) {
  const auto* p = sim::payload_cast<MqttPublish>(&body);
  if (p == nullptr) return false;
  on_publish(*p, info);
  return true;
}

bool MqttSubscriber::connect() {
  MqttConnect c{config_.client_id, config_.clean_session, config_.keep_alive_s, config_.subscriptions, ctx_.id()};
  auto resp = rpc_.call_sized(config_.broker, kMqttConnect, c, sim::seconds(config_.keep_alive_s));
  if (!resp || sim::payload_cast<MqttConnAck>(&*resp) == nullptr) return false;
  ++connects_;
  return true;
}

void MqttSubscriber::session_loop() {
  const sim::Duration keep_alive = sim::seconds(config_.keep_alive_s);
  for (;;) {
    while (!connect()) ctx_.sleep_for(sim::seconds(1));
    for (;;) {
      ctx_.sleep_for(keep_alive / 2);
      auto resp = rpc_.call_sized(config_.broker, kMqttPing, MqttPing{config_.client_id}, keep_alive);
      const auto* pr = resp ? sim::payload_cast<MqttPingResp>(&*resp) : nullptr;
      if (pr == nullptr || !pr->session_known) break;  // reconnect
    }
  }
}

}  // namespace broker_model::pipeline
