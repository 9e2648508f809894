#include "sim/world/network.h"

#include <cmath>

#include "sim/check.h"
#include "sim/world/engine.h"
#include "sim/world/trace.h"

namespace sim {

Duration LatencyModel::sample(Prng& prng) const {
  switch (kind) {
    case Kind::kConstant: return a;
    case Kind::kUniform: return b > a ? nanoseconds(prng.int_in_range(a.ns(), b.ns() + 1)) : a;
    case Kind::kNormal: {
      double v = prng.normal(static_cast<double>(a.ns()), static_cast<double>(b.ns()));
      return nanoseconds(v < 0 ? 0 : static_cast<int64_t>(v));
    }
    case Kind::kExponential: return prng.exponential(a);
    case Kind::kPareto: {
      // scale a, shape b/1000 (b = 2000 means shape 2.0); capped at 1000x the scale.
      double shape = static_cast<double>(b.ns()) / 1000.0;
      double u = 1.0 - prng.unit();
      double x = static_cast<double>(a.ns()) / std::pow(u, 1.0 / shape);
      double cap = static_cast<double>(a.ns()) * 1000.0;
      return nanoseconds(static_cast<int64_t>(x > cap ? cap : x));
    }
  }
  return a;
}

Network::Network(Engine& engine, Trace& trace, Prng prng, DeliverFn deliver)
    : engine_(engine), trace_(trace), prng_(prng), deliver_(std::move(deliver)) {}

void Network::resize(size_t nodes) {
  std::vector<Link> links(nodes * nodes, Link{default_link_, {}, {}});
  std::vector<bool> blocked(nodes * nodes, false);
  for (size_t f = 0; f < n_; ++f)
    for (size_t t = 0; t < n_; ++t) {
      links[f * nodes + t] = links_[f * n_ + t];
      blocked[f * nodes + t] = blocked_[f * n_ + t];
    }
  links_ = std::move(links);
  blocked_ = std::move(blocked);
  n_ = nodes;
}

void Network::set_default_link(const LinkModel& m) {
  default_link_ = m;
  for (auto& l : links_) l.model = m;
}

void Network::set_link(NodeId from, NodeId to, const LinkModel& m) { links_[index(from, to)].model = m; }

void Network::send(Envelope&& env) {
  EDDY_CHECK(env.from.value < n_ && env.to.value < n_);
  env.id = next_message_id_++;
  ++stats_.sent;
  const int from = static_cast<int>(env.from.value);
  if (!reachable(env.from, env.to)) {
    ++stats_.dropped_partition;
    trace_.record(engine_.now(), from, "net.drop", {{"id", env.id}, {"to", env.to.value}, {"why", "partition"}});
    return;
  }
  Link& link = links_[index(env.from, env.to)];
  const LinkModel& m = link.model;
  if (m.loss > 0.0 && prng_.chance(m.loss)) {
    ++stats_.dropped_loss;
    trace_.record(engine_.now(), from, "net.drop", {{"id", env.id}, {"to", env.to.value}, {"why", "loss"}});
    return;
  }
  // Serialization: the message waits for the link, then takes bytes / bandwidth.
  Instant start = link.busy_until > engine_.now() ? link.busy_until : engine_.now();
  Duration tx = m.bandwidth_bytes_per_s > 0
                    ? transfer_time(env.bytes, m.bandwidth_bytes_per_s)
                    : Duration::zero();
  link.busy_until = start + tx;
  Instant arrival = link.busy_until + m.latency.sample(prng_);
  bool reordered = m.reorder > 0.0 && prng_.chance(m.reorder);
  if (reordered) {
    ++stats_.reordered;
    arrival += nanoseconds(prng_.int_in_range(0, m.reorder_delay_max.ns() + 1));
  } else {
    if (arrival < link.last_arrival) arrival = link.last_arrival;
    link.last_arrival = arrival;
  }
  trace_.record(engine_.now(), from,
                "net.send", {{"id", env.id}, {"to", env.to.value}, {"type", env.type}, {"bytes", env.bytes}, {"at", arrival}});
  if (m.duplicate > 0.0 && prng_.chance(m.duplicate)) {
    ++stats_.duplicated;
    Envelope copy = env;  // a real copy: the payload is held by value
    Instant dup_at = arrival + nanoseconds(prng_.int_in_range(0, m.latency.a.ns() + 1));
    trace_.record(engine_.now(), from, "net.duplicate", {{"id", env.id}, {"at", dup_at}});
    schedule_delivery(std::move(copy), dup_at);
  }
  schedule_delivery(std::move(env), arrival);
}

void Network::schedule_delivery(Envelope&& env, Instant at) {
  uint32_t slot = free_in_flight_.take(in_flight_.size());
  if (slot == in_flight_.size()) in_flight_.push_back(std::move(env));
  else in_flight_[slot] = std::move(env);
  engine_.at(at, [this, slot] { deliver_in_flight(slot); });
}

void Network::deliver_in_flight(uint32_t slot) {
  Envelope env = std::move(in_flight_[slot]);
  free_in_flight_.release(slot);
  const int to = static_cast<int>(env.to.value);
  if (!reachable(env.from, env.to)) {
    ++stats_.dropped_partition;
    trace_.record(engine_.now(), to, "net.drop", {{"id", env.id}, {"from", env.from.value}, {"why", "partition"}});
    return;
  }
  uint64_t id = env.id;
  uint32_t from = env.from.value;
  if (deliver_(std::move(env))) {
    ++stats_.delivered;
    trace_.record(engine_.now(), to, "net.deliver", {{"id", id}, {"from", from}});
  } else {
    ++stats_.dropped_down;
    trace_.record(engine_.now(), to, "net.drop", {{"id", id}, {"from", from}, {"why", "receiver-down"}});
  }
}

void Network::block(NodeId from, NodeId to) {
  blocked_[index(from, to)] = true;
  trace_.record(engine_.now(), Trace::kWorldNode, "net.block", {{"from", from.value}, {"to", to.value}});
}

void Network::unblock(NodeId from, NodeId to) {
  blocked_[index(from, to)] = false;
  trace_.record(engine_.now(), Trace::kWorldNode, "net.unblock", {{"from", from.value}, {"to", to.value}});
}

void Network::partition(NodeId a, NodeId b) {
  block(a, b);
  block(b, a);
}

void Network::isolate(NodeId n) {
  for (uint32_t i = 0; i < n_; ++i) {
    if (i == n.value) continue;
    partition(n, NodeId{i});
  }
}

void Network::split(const std::vector<std::vector<NodeId>>& groups) {
  std::vector<int> group_of(n_, -1);
  for (size_t g = 0; g < groups.size(); ++g)
    for (NodeId n : groups[g]) group_of[n.value] = static_cast<int>(g);
  for (uint32_t a = 0; a < n_; ++a)
    for (uint32_t b = 0; b < n_; ++b)
      if (group_of[a] >= 0 && group_of[b] >= 0 && group_of[a] != group_of[b]) block(NodeId{a}, NodeId{b});
}

void Network::heal() {
  std::fill(blocked_.begin(), blocked_.end(), false);
  trace_.record(engine_.now(), Trace::kWorldNode, "net.heal", {});
}

}  // namespace sim
