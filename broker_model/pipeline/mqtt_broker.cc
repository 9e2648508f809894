#include "broker_model/pipeline/mqtt_broker.h"

namespace broker_model::pipeline {

namespace {
std::vector<std::string> levels(const std::string& s) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == '/')
      out.emplace_back();
    else
      out.back() += c;
  }
  return out;
}
}  // namespace

bool mqtt_topic_matches(const std::string& filter, const std::string& topic) {
  const std::vector<std::string> f = levels(filter), t = levels(topic);
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "#") return true;
    if (i >= t.size()) return false;
    if (f[i] != "+" && f[i] != t[i]) return false;
  }
  return f.size() == t.size();
}

sim::BootFn make_mqtt_broker_boot(MqttBrokerConfig config) {
  return [config](sim::NodeContext& ctx) { ctx.make<MqttBroker>(ctx, config).run(); };
}

void MqttBroker::run() {
  rpc_.start([this](const RequestInfo& info, sim::Payload&& body) { on_request(info, std::move(body)); });
  ctx_.spawn("mqtt-keep-alive", [this] { keep_alive_loop(); });
}

void MqttBroker::on_request(const RequestInfo& info, sim::Payload&& body) {
  if (const auto* c = sim::payload_cast<MqttConnect>(&body)) {
    on_connect(info, *c);
    return;
  }
  if (const auto* p = sim::payload_cast<MqttPublish>(&body)) {
    route(*p);
    // QoS 1: PUBACK once the broker owns the message ([MQTT-4.3.2-2]); QoS 0 has no answer.
    if (p->qos == 1 && info.correlation_id != 0) rpc_.reply_sized(info, MqttPubAck{p->packet_id});
    return;
  }
  if (const auto* ping = sim::payload_cast<MqttPing>(&body)) {
    auto it = sessions_.find(ping->client_id);
    const bool known = it != sessions_.end() && it->second.connected;
    if (known) it->second.last_heard = ctx_.now();
    rpc_.reply_sized(info, MqttPingResp{known});
  }
}

void MqttBroker::on_connect(const RequestInfo& info, const MqttConnect& c) {
  auto it = sessions_.find(c.client_id);
  const bool present = it != sessions_.end() && !c.clean_session && !it->second.clean_session;
  if (!present) {
    // CleanSession=1, or no session: a new one ([MQTT-3.1.2-6]).
    if (it != sessions_.end()) sessions_.erase(it);
    it = sessions_.emplace(c.client_id, Session{}).first;
  }
  Session& s = it->second;
  s.clean_session = c.clean_session;
  s.subscriptions = c.subscriptions;
  s.node = c.node;
  s.keep_alive_s = c.keep_alive_s;
  s.connected = true;
  ++s.connection;
  s.last_heard = ctx_.now();
  rpc_.reply_sized(info, MqttConnAck{present});
  // [MQTT-4.4.0-1]: unacknowledged PUBLISH packets again, original packet ids, DUP=1.
  for (MqttPublish& p : s.inflight) {
    p.dup = true;
    deliver(c.client_id, s, p);
  }
  pump(c.client_id);
}

void MqttBroker::route(const MqttPublish& p) {
  for (auto& [client_id, s] : sessions_) {
    bool matches = false;
    for (const std::string& f : s.subscriptions) matches = matches || mqtt_topic_matches(f, p.topic);
    if (!matches) continue;
    MqttPublish out = p;
    out.client_id = client_id;
    out.dup = false;  // the outgoing DUP is the broker's own ([MQTT-3.3.1-3])
    out.qos = p.qos >= 1 ? 1 : 0;  // min(publish QoS, subscription QoS 1)
    if (out.qos == 0) {
      if (!s.connected) {
        ++dropped_qos0_;
        continue;
      }
      out.packet_id = 0;
      rpc_.send_one_way(s.node, kMqttPublish, wire_bytes(out), out);
      continue;
    }
    if (static_cast<int32_t>(s.queued.size()) >= config_.max_queued_messages) {
      ++dropped_queue_full_;
      continue;
    }
    s.queued.push_back(std::move(out));
    pump(client_id);
  }
}

void MqttBroker::pump(const std::string& client_id) {
  auto it = sessions_.find(client_id);
  if (it == sessions_.end()) return;
  Session& s = it->second;
  while (s.connected && !s.queued.empty() && static_cast<int32_t>(s.inflight.size()) < config_.max_inflight_messages) {
    MqttPublish p = std::move(s.queued.front());
    s.queued.pop_front();
    p.packet_id = s.next_packet_id;
    s.next_packet_id = static_cast<uint16_t>(s.next_packet_id == 65'535 ? 1 : s.next_packet_id + 1);
    s.inflight.push_back(p);
    deliver(client_id, s, p);
  }
}

void MqttBroker::deliver(const std::string& client_id, Session& s, const MqttPublish& p) {
  const uint64_t connection = s.connection;
  const uint16_t packet_id = p.packet_id;
  rpc_.call_async_sized(s.node, kMqttPublish, p, keep_alive_limit(s),
                        [this, client_id, connection, packet_id](std::optional<sim::Payload>&& resp) {
                          auto it = sessions_.find(client_id);
                          if (it == sessions_.end() || it->second.connection != connection) return;
                          Session& session = it->second;
                          if (!resp) {
                            disconnect(session);  // no PUBACK in time: the connection is taken as failed
                            return;
                          }
                          session.last_heard = ctx_.now();
                          for (auto i = session.inflight.begin(); i != session.inflight.end(); ++i)
                            if (i->packet_id == packet_id) {
                              session.inflight.erase(i);
                              break;
                            }
                          pump(client_id);
                        });
}

void MqttBroker::disconnect(Session& s) {
  s.connected = false;
  ++s.connection;
}

void MqttBroker::keep_alive_loop() {
  for (;;) {
    ctx_.sleep_for(sim::seconds(1));
    const sim::Instant now = ctx_.now();
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      Session& s = it->second;
      if (s.connected && now - s.last_heard > keep_alive_limit(s)) {
        disconnect(s);
        // A clean session ends with its connection ([MQTT-3.1.2-6]).
        if (s.clean_session) {
          it = sessions_.erase(it);
          continue;
        }
      }
      ++it;
    }
  }
}

}  // namespace broker_model::pipeline
