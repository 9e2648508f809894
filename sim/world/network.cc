#include "sim/world/network.h"

#include <algorithm>
#include <cmath>

#include "sim/check.h"
#include "sim/world/engine.h"
#include "sim/world/trace.h"

namespace sim {

const char* to_string(CloseReason r) {
  switch (r) {
    case CloseReason::kReset: return "reset";
    case CloseReason::kTimedOut: return "timed out";
  }
  return "?";
}

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

Duration LatencyModel::floor() const {
  switch (kind) {
    case Kind::kConstant:
    case Kind::kUniform:
    case Kind::kPareto: return a;
    case Kind::kNormal: return a - b * 3 > Duration::zero() ? a - b * 3 : Duration::zero();
    case Kind::kExponential: return Duration::zero();
  }
  return Duration::zero();
}

Network::Network(Engine& engine, Trace& trace, Prng prng, NetworkHost& host)
    : engine_(engine), trace_(trace), prng_(prng), host_(host) {}

void Network::resize(size_t nodes) {
  EDDY_CHECK(nodes >= n_);
  links_.resize(nodes);
  nics_.resize(nodes);
  n_ = nodes;
}

Network::Link& Network::link_state(NodeId from, NodeId to) {
  EDDY_CHECK(from.value < n_ && to.value < n_);
  return links_[from.value].try_emplace(to.value, Link{default_link_, {}, {}, {}}).first->second;
}

void Network::set_nic(NodeId n, int64_t bytes_per_s) {
  EDDY_CHECK(n.value < n_);
  EDDY_CHECK(bytes_per_s >= 0);
  nics_[n.value].bytes_per_s = bytes_per_s;
}

void Network::set_default_link(const LinkModel& m) {
  default_link_ = m;
  latency_floor_ = m.latency.floor();
  for (auto& from : links_)
    for (auto& [to, l] : from) l.model = m;
}

void Network::set_link(NodeId from, NodeId to, const LinkModel& m) { link_state(from, to).model = m; }

// ------------------------------------------------------------------ connections

int64_t Network::conn_slot_of(ConnectionId end) const {
  uint64_t slot = (end.value >> 1) & 0xFFFF'FFFFULL;
  uint64_t generation = end.value >> 33;
  if (slot >= conns_.size()) return -1;
  const Connection& c = conns_[slot];
  if (!c.live || c.generation != generation) return -1;
  return static_cast<int64_t>(slot);
}

ConnectionId Network::connect(NodeId client, uint64_t incarnation, NodeId server) {
  EDDY_CHECK(client.value < n_ && server.value < n_);
  uint32_t slot = free_conns_.take(conns_.size());
  if (slot == conns_.size()) conns_.emplace_back();
  Connection& c = conns_[slot];
  uint32_t generation = c.generation + 1;
  c = Connection{};
  c.generation = generation;
  c.live = true;
  c.ends[0] = End{client, incarnation, true};
  c.ends[1] = End{server, 0, true};
  c.links[0] = &link_state(client, server);
  c.links[1] = &link_state(server, client);
  ++live_connections_;
  ConnectionId id = end_id(slot, generation, 0);
  trace_.record(engine_.now(), static_cast<int>(client.value), "net.connect", {{"conn", id.value}, {"to", server.value}});
  return id;
}

void Network::close(ConnectionId end) {
  int64_t s = conn_slot_of(end);
  if (s < 0) return;
  auto slot = static_cast<uint32_t>(s);
  int side = side_of(end);
  End& e = conns_[slot].ends[side];
  if (!e.open) return;
  e.open = false;  // the closer needs no notice
  e.closed_by_owner = true;
  trace_.record(engine_.now(), static_cast<int>(e.node.value), "net.close", {{"conn", end.value}});
  send_control(slot, side, CloseReason::kReset);
  release_if_done(slot);
}

void Network::process_ended(NodeId n, uint64_t incarnation, bool power_loss) {
  for (uint32_t slot = 0; slot < conns_.size(); ++slot) {
    Connection& c = conns_[slot];
    if (!c.live) continue;
    for (int side = 0; side < 2; ++side) {
      End& e = c.ends[side];
      if (e.node != n || e.incarnation != incarnation || !e.open) continue;
      e.open = false;
      // A killed or stopped process's kernel resets its sockets; a host without power says
      // nothing (its peers find out by their own timeouts, or by a reset once it is back).
      if (!power_loss) send_control(slot, side, CloseReason::kReset);
    }
    release_if_done(slot);
  }
}

void Network::send_control(uint32_t conn_slot, int side, CloseReason why) {
  Connection& c = conns_[conn_slot];
  InFlight m;
  m.kind = InFlight::Kind::kStream;
  m.side = side;
  m.control = true;
  m.env.from = c.ends[side].node;
  m.env.to = c.ends[1 - side].node;
  m.env.id = next_message_id_++;
  m.env.connection = end_id(conn_slot, c.generation, side);
  m.env.bytes = 64;
  m.env.header.kind = kConnectionClosedKind;
  m.env.payload = why;
  Link& link = *c.links[side];
  Stream& st = c.streams[side];
  Instant arrival =
      std::max(transmit(link, m.env.from, m.env.to, m.env.bytes) + link.model.latency.sample(prng_), st.last_arrival);
  st.last_arrival = arrival;
  uint32_t slot = park(std::move(m));
  st.in_flight.push_back(slot);
  schedule(slot, arrival);
}

void Network::close_end(uint32_t conn_slot, int side, CloseReason why, bool notify) {
  Connection& c = conns_[conn_slot];
  End& e = c.ends[side];
  if (!e.open) return;
  e.open = false;
  if (why == CloseReason::kTimedOut) ++stats_.timeouts;
  else ++stats_.resets;
  ConnectionId id = end_id(conn_slot, c.generation, side);
  trace_.record(engine_.now(), static_cast<int>(e.node.value), "net.closed", {{"conn", id.value}, {"why", to_string(why)}});
  if (!notify || e.incarnation == 0 || host_.process_incarnation(e.node) != e.incarnation) return;
  Envelope notice;
  notice.from = c.ends[1 - side].node;
  notice.to = e.node;
  notice.connection = id;
  notice.type = Symbol("connection.closed");
  notice.header.kind = kConnectionClosedKind;
  notice.payload = ConnectionClosed{id, c.ends[1 - side].node, side == 0, why};
  host_.deliver(std::move(notice));
}

void Network::release_if_done(uint32_t conn_slot) {
  Connection& c = conns_[conn_slot];
  if (!c.live || c.ends[0].open || c.ends[1].open) return;
  if (!c.streams[0].in_flight.empty() || !c.streams[1].in_flight.empty()) return;
  c.live = false;
  --live_connections_;
  free_conns_.release(conn_slot);
}

// ------------------------------------------------------------------ sending

Instant Network::transmit(Link& link, NodeId from, NodeId to, uint32_t bytes) {
  const Instant now = engine_.now();
  // The path's own limit (a throttle): the message waits for the path, then takes its time.
  Instant path_end = now;
  if (link.model.bandwidth_bytes_per_s > 0) {
    Instant start = std::max(link.busy_until, now);
    link.busy_until = start + transfer_time(bytes, link.model.bandwidth_bytes_per_s);
    path_end = link.busy_until;
  }
  if (from == to) return path_end;  // loopback: no NIC
  // The NICs: this flow's fair share of each end, frozen when the message is sent (see the
  // header): the sender's NIC split among its flows with bytes still queued, the receiver's
  // among the flows coming into it, this one included in both.
  // Each NIC's list of busy flows is pruned of the ones that ended, then counted.
  auto busy_flows = [&](std::vector<uint32_t>& peers, bool outgoing, uint32_t this_peer) {
    int64_t flows = 1;  // this one
    size_t kept = 0;
    for (uint32_t p : peers) {
      const Link& l = outgoing ? link_state(from, NodeId{p}) : link_state(NodeId{p}, to);
      if (l.flow_busy <= now) continue;
      peers[kept++] = p;
      if (p != this_peer) ++flows;
    }
    peers.resize(kept);
    return flows;
  };
  int64_t flows_out = busy_flows(nics_[from.value].sending, true, to.value);
  int64_t flows_in = busy_flows(nics_[to.value].receiving, false, from.value);
  int64_t share = 0;  // bytes/s; 0: unlimited
  auto narrow = [&share](int64_t nic, int64_t flows) {
    if (nic <= 0) return;
    int64_t s = std::max<int64_t>(nic / flows, 1);
    share = share == 0 ? s : std::min(share, s);
  };
  narrow(nics_[from.value].bytes_per_s, flows_out);
  narrow(nics_[to.value].bytes_per_s, flows_in);
  Instant start = std::max(link.flow_busy, now);
  link.flow_busy = start + (share > 0 ? transfer_time(bytes, share) : Duration::zero());
  if (link.flow_busy > now) {
    auto note = [](std::vector<uint32_t>& peers, uint32_t p) {
      if (std::find(peers.begin(), peers.end(), p) == peers.end()) peers.push_back(p);
    };
    note(nics_[from.value].sending, to.value);
    note(nics_[to.value].receiving, from.value);
  }
  return std::max(link.flow_busy, path_end);
}

void Network::send(Envelope&& env) {
  env.id = next_message_id_++;
  ++stats_.sent;
  if (!env.connection) {
    EDDY_CHECK(env.from.value < n_ && env.to.value < n_);
    send_datagram(std::move(env), link_state(env.from, env.to));
    return;
  }
  int64_t s = conn_slot_of(env.connection);
  int side = side_of(env.connection);
  if (s < 0 || !conns_[static_cast<size_t>(s)].ends[side].open) {
    // Writing to a closed socket: the process was (or will be) told it is closed.
    ++stats_.dropped_down;
    trace_.record(engine_.now(), static_cast<int>(env.from.value), "net.drop", {{"id", env.id}, {"why", "closed"}});
    return;
  }
  const Connection& c = conns_[static_cast<size_t>(s)];
  env.to = c.ends[1 - side].node;
  send_on_stream(std::move(env), *c.links[side]);
}

void Network::send_datagram(Envelope&& env, Link& link) {
  const int from = static_cast<int>(env.from.value);
  if (!reachable(env.from, env.to)) {
    ++stats_.dropped_partition;
    trace_.record(engine_.now(), from, "net.drop", {{"id", env.id}, {"to", env.to.value}, {"why", "partition"}});
    return;
  }
  const LinkModel& m = link.model;
  if ((m.loss > 0.0 && prng_.chance(m.loss)) || (m.message_drop > 0.0 && prng_.chance(m.message_drop))) {
    ++stats_.dropped_loss;
    trace_.record(engine_.now(), from, "net.drop", {{"id", env.id}, {"to", env.to.value}, {"why", "loss"}});
    return;
  }
  // Every random draw is made now, in the same order on every engine; only the instant the
  // message is through the wire may come later (an engine with a network model).
  Duration latency = m.latency.sample(prng_);
  double reorder = std::max(m.reorder, m.message_reorder);
  bool reordered = reorder > 0.0 && prng_.chance(reorder);
  Duration reorder_extra = reordered ? nanoseconds(prng_.int_in_range(0, m.reorder_delay_max.ns() + 1)) : Duration::zero();
  double duplicate = std::max(m.duplicate, m.message_duplicate);
  bool duplicated = duplicate > 0.0 && prng_.chance(duplicate);
  Duration dup_extra = duplicated ? nanoseconds(prng_.int_in_range(0, m.latency.a.ns() + 1)) : Duration::zero();
  uint32_t bytes = env.bytes;
  NodeId to = env.to;
  Link* link_of = &link;
  uint32_t slot = park(InFlight{std::move(env), InFlight::Kind::kDatagram, 0, false, false});
  over_wire(link, NodeId{static_cast<uint32_t>(from)}, to, bytes, latency,
            [this, slot, from, link_of, reordered, reorder_extra, duplicated, dup_extra](Instant wire) {
              Link& l = *link_of;
              Instant arrival = wire;
              if (reordered) {
                ++stats_.reordered;
                arrival += reorder_extra;
              } else {
                if (arrival < l.last_arrival) arrival = l.last_arrival;
                l.last_arrival = arrival;
              }
              const Envelope& e = flight_[slot].env;
              trace_.record(engine_.now(), from, "net.send",
                            {{"id", e.id}, {"to", e.to.value}, {"type", e.type}, {"bytes", e.bytes}, {"at", arrival}});
              if (duplicated) {
                ++stats_.duplicated;
                Instant dup_at = arrival + dup_extra;
                trace_.record(engine_.now(), from, "net.duplicate", {{"id", e.id}, {"at", dup_at}});
                InFlight copy{e, InFlight::Kind::kDatagram, 0, false, false};  // a real copy: the payload is held by value
                schedule(park(std::move(copy)), dup_at);
              }
              schedule(slot, arrival);
            });
}

Duration Network::retransmission_chain(double loss) {
  // A segment recovered by a timeout: sent again after the RTO, which doubles each time the
  // new copy is lost too, as Linux does.
  ++stats_.retransmissions;
  Duration rto = kRtoMin;
  Duration delay = rto;
  for (int attempt = 1; attempt < kRetries && prng_.chance(loss); ++attempt) {
    ++stats_.retransmissions;
    rto = std::min(rto * 2, kRtoMax);
    delay += rto;
  }
  return delay;
}

Duration Network::stream_delay(const LinkModel& m, uint32_t bytes, Duration one_way) {
  Duration delay = Duration::zero();
  if (m.loss > 0.0) {
    // Loss is per packet, and TCP recovers each lost segment of a message on its own; the
    // message is through when its last segment is. How a loss is recovered follows Padhye,
    // Firoiu, Towsley and Kurose, "Modeling TCP Throughput" (SIGCOMM 1998):
    //   - with three or more segments behind it, the duplicate ACKs they raise trigger a fast
    //     retransmit, one round trip, unless the congestion window is too small to raise them:
    //     the paper's probability that a loss ends in a timeout, Q ~ min(1, 3 sqrt(3p/8)),
    //     from the steady-state window sqrt(8/3p) (one segment per ACK);
    //   - a loss among the last three segments (no duplicate ACKs follow it), or one the window
    //     leaves to a timeout, waits for the RTO, which doubles while its retransmissions are
    //     lost too.
    // Recoveries are counted one after another (NewReno recovers one hole per round trip).
    // Before this model, any lost packet made the whole message wait an RTO and be sent
    // again, every packet of it at risk each time: a 180 KB fetch at 5% loss (124 packets,
    // 99.8% of copies hit) arrived about 800 s late, where TCP takes well under a second.
    const double p = std::min(m.loss, 1.0);
    const uint64_t segments = std::max<uint64_t>(1, (static_cast<uint64_t>(bytes) + kSegmentBytes - 1) / kSegmentBytes);
    const double timeout_share = std::min(1.0, 3.0 * std::sqrt(3.0 * p / 8.0));
    const Duration rtt = one_way * 2;
    // The lost segments, found by skipping a geometric number of delivered ones each time.
    auto skip = [&]() -> uint64_t {
      if (p >= 1.0) return 0;
      double u = 1.0 - prng_.unit();  // in (0, 1]
      double gap = std::floor(std::log(u) / std::log1p(-p));
      return gap >= static_cast<double>(segments) ? segments : static_cast<uint64_t>(gap);
    };
    for (uint64_t i = skip(); i < segments; i += 1 + skip()) {
      bool tail = segments - 1 - i < 3;
      if (tail || prng_.chance(timeout_share)) {
        delay += retransmission_chain(p);
      } else {
        ++stats_.retransmissions;
        delay += rtt;  // fast retransmit
        if (prng_.chance(p)) delay += retransmission_chain(p);  // the retransmission lost too
      }
    }
  }
  if (m.reorder > 0.0 && prng_.chance(m.reorder)) {
    // Arrived out of order: held until the gap before it fills.
    ++stats_.reordered;
    delay += nanoseconds(prng_.int_in_range(0, m.reorder_delay_max.ns() + 1));
  }
  if (m.duplicate > 0.0 && prng_.chance(m.duplicate)) ++stats_.duplicated;  // TCP discards the copy
  return delay;
}

void Network::send_on_stream(Envelope&& env, Link& link) {
  const int from = static_cast<int>(env.from.value);
  const LinkModel& m = link.model;
  if (m.message_drop > 0.0 && prng_.chance(m.message_drop)) {
    ++stats_.messages_dropped;
    trace_.record(engine_.now(), from, "net.drop", {{"id", env.id}, {"to", env.to.value}, {"why", "message-drop"}});
    return;
  }
  auto s = static_cast<uint32_t>(conn_slot_of(env.connection));
  int side = side_of(env.connection);
  // Every random draw is made now, in the same order on every engine (see send_datagram).
  Duration latency = m.latency.sample(prng_);
  latency += stream_delay(m, env.bytes, latency);
  bool out_of_order = m.message_reorder > 0.0 && prng_.chance(m.message_reorder);
  bool duplicated = m.message_duplicate > 0.0 && prng_.chance(m.message_duplicate);
  Duration dup_extra = duplicated ? nanoseconds(prng_.int_in_range(0, m.latency.a.ns() + 1)) : Duration::zero();
  Duration reorder_extra =
      out_of_order ? nanoseconds(prng_.int_in_range(0, m.reorder_delay_max.ns() + 1)) : Duration::zero();
  // The message takes its place in the stream's order now; a copy or an out-of-order message
  // (message faults) travels outside it.
  uint32_t dup_slot = duplicated ? park(InFlight{env, InFlight::Kind::kLoose, side, false, false}) : 0;
  uint32_t bytes = env.bytes;
  NodeId to = env.to;
  ConnectionId conn = env.connection;
  uint32_t slot = park(InFlight{std::move(env), out_of_order ? InFlight::Kind::kLoose : InFlight::Kind::kStream, side,
                                false, false});
  if (!out_of_order) conns_[s].streams[side].in_flight.push_back(slot);
  over_wire(link, NodeId{static_cast<uint32_t>(from)}, to, bytes, latency,
            [this, slot, dup_slot, from, conn, side, out_of_order, duplicated, dup_extra, reorder_extra](Instant wire) {
              Instant arrival = wire;
              const Envelope& e = flight_[slot].env;
              trace_.record(engine_.now(), from, "net.send",
                            {{"id", e.id}, {"to", e.to.value}, {"type", e.type}, {"bytes", e.bytes}, {"at", arrival}});
              if (duplicated) {
                // Breaks TCP's promise on purpose: a second copy, outside the stream's order.
                ++stats_.duplicated;
                Instant dup_at = arrival + dup_extra;
                trace_.record(engine_.now(), from, "net.duplicate", {{"id", e.id}, {"at", dup_at}});
                schedule(dup_slot, dup_at);
              }
              if (out_of_order) {
                // Breaks TCP's promise on purpose: delivered outside the stream's order.
                ++stats_.reordered;
                schedule(slot, arrival + reorder_extra);
                return;
              }
              // Arrival times never go backwards in a stream (the connection may be gone by
              // now on an engine whose transfer ended later: its order no longer matters).
              if (int64_t c = conn_slot_of(conn); c >= 0) {
                Stream& st = conns_[static_cast<size_t>(c)].streams[side];
                arrival = std::max(arrival, st.last_arrival);
                st.last_arrival = arrival;
              }
              schedule(slot, arrival);
            });
}

uint32_t Network::park(InFlight&& m) {
  uint32_t slot = free_flight_.take(flight_.size());
  if (slot == flight_.size()) flight_.push_back(std::move(m));
  else flight_[slot] = std::move(m);
  return slot;
}

template <class Land>
void Network::over_wire(Link& link, NodeId from, NodeId to, uint32_t bytes, Duration latency, Land land) {
  // An engine with a network model carries the bytes (its platform has the latency floor on
  // its wire); otherwise the link serializes them here.
  Duration jitter = latency > latency_floor_ ? latency - latency_floor_ : Duration::zero();
  if (engine_.transfer(from.value, to.value, bytes, [this, jitter, land] { land(engine_.now() + jitter); })) return;
  land(transmit(link, from, to, bytes) + latency);
}

void Network::schedule(uint32_t slot, Instant at) {
  engine_.at(at, [this, slot] { arrive(slot); });
}

// ------------------------------------------------------------------ arriving

void Network::arrive(uint32_t slot) {
  InFlight& m = flight_[slot];
  switch (m.kind) {
    case InFlight::Kind::kDatagram: arrive_datagram(slot); return;
    case InFlight::Kind::kLoose: arrive_loose(slot); return;
    case InFlight::Kind::kDead: free_flight_.release(slot); return;
    case InFlight::Kind::kStream: break;
  }
  int64_t s = conn_slot_of(m.env.connection);
  EDDY_CHECK_MSG(s >= 0, "a stream message outlived its connection");
  m.due = true;
  drain(static_cast<uint32_t>(s), m.side);
}

void Network::arrive_loose(uint32_t slot) {
  // A datagram on a connection: delivered if the path is open and the receiving end is.
  InFlight m = std::move(flight_[slot]);
  free_flight_.release(slot);
  int64_t s = conn_slot_of(m.env.connection);
  if (s < 0) return;
  const End& to = conns_[static_cast<size_t>(s)].ends[1 - m.side];
  if (!reachable(m.env.from, m.env.to) || !to.open || to.incarnation == 0 ||
      host_.process_incarnation(to.node) != to.incarnation)
    return;
  m.env.connection = end_id(static_cast<uint32_t>(s), conns_[static_cast<size_t>(s)].generation, 1 - m.side);
  deliver_to_process(std::move(m.env));
}

void Network::arrive_datagram(uint32_t slot) {
  Envelope env = std::move(flight_[slot].env);
  free_flight_.release(slot);
  const int to = static_cast<int>(env.to.value);
  if (!reachable(env.from, env.to)) {
    ++stats_.dropped_partition;
    trace_.record(engine_.now(), to, "net.drop", {{"id", env.id}, {"from", env.from.value}, {"why", "partition"}});
    return;
  }
  deliver_to_process(std::move(env));
}

void Network::drain(uint32_t conn_slot, int side) {
  Stream& st = conns_[conn_slot].streams[side];
  while (!st.in_flight.empty() && flight_[st.in_flight.front()].due) {
    if (!deliver_front(conn_slot, side)) return;
  }
  release_if_done(conn_slot);
}

bool Network::deliver_front(uint32_t conn_slot, int side) {
  Connection& c = conns_[conn_slot];
  Stream& st = c.streams[side];
  uint32_t slot = st.in_flight.front();
  End& to = c.ends[1 - side];
  if (!reachable(c.ends[side].node, to.node) || !host_.host_up(to.node)) {
    retransmit_later(conn_slot, side, slot);
    return false;
  }
  // The packet reached the receiving host's kernel.
  st.attempts = 0;
  st.rto = kRtoMin;
  st.in_flight.pop_front();
  InFlight m = std::move(flight_[slot]);
  free_flight_.release(slot);
  uint64_t live = host_.process_incarnation(to.node);
  if (to.incarnation == 0 && to.open && live != 0) to.incarnation = live;  // the server's process accepts it
  bool alive = to.open && to.incarnation != 0 && to.incarnation == live;
  if (m.control) {
    if (alive) close_end(conn_slot, 1 - side, m.env.payload.get<CloseReason>() != nullptr
                                                  ? *m.env.payload.get<CloseReason>()
                                                  : CloseReason::kReset, true);
    else to.open = false;
    return true;
  }
  if (!alive) {
    // Nobody listens on this end any more (its process died, or closed it): a reset answers.
    to.open = false;
    ++stats_.dropped_down;
    trace_.record(engine_.now(), static_cast<int>(to.node.value), "net.drop",
                  {{"id", m.env.id}, {"from", m.env.from.value}, {"why", "reset"}});
    if (c.ends[side].open) send_control(conn_slot, 1 - side, CloseReason::kReset);
    return true;
  }
  m.env.connection = end_id(conn_slot, c.generation, 1 - side);  // the receiver sees its own end
  deliver_to_process(std::move(m.env));
  return true;
}

void Network::retransmit_later(uint32_t conn_slot, int side, uint32_t slot) {
  Connection& c = conns_[conn_slot];
  Stream& st = c.streams[side];
  const End& from = c.ends[side];
  // Only a live kernel retransmits: not one without power, nor for a socket its process's
  // death reset (a closed socket's data is still sent, for fewer attempts).
  bool can_resend = host_.host_up(from.node) && (from.open || from.closed_by_owner);
  ++st.attempts;
  int limit = from.open ? kRetries : kOrphanRetries;
  if (!can_resend || st.attempts > limit) {
    give_up(conn_slot, side);
    return;
  }
  ++stats_.retransmissions;
  flight_[slot].due = false;
  schedule(slot, engine_.now() + st.rto);
  st.rto = std::min(st.rto * 2, kRtoMax);
}

void Network::give_up(uint32_t conn_slot, int side) {
  Connection& c = conns_[conn_slot];
  Stream& st = c.streams[side];
  for (uint32_t slot : st.in_flight) {
    if (flight_[slot].due) {
      free_flight_.release(slot);
    } else {
      flight_[slot].kind = InFlight::Kind::kDead;  // its delivery event is still queued
      flight_[slot].env.payload = Payload();
    }
  }
  st.in_flight.clear();
  st.attempts = 0;
  st.rto = kRtoMin;
  close_end(conn_slot, side, CloseReason::kTimedOut, true);
  release_if_done(conn_slot);
}

bool Network::deliver_to_process(Envelope&& env) {
  uint64_t id = env.id;
  uint32_t from = env.from.value;
  const int to = static_cast<int>(env.to.value);
  if (host_.deliver(std::move(env))) {
    ++stats_.delivered;
    trace_.record(engine_.now(), to, "net.deliver", {{"id", id}, {"from", from}});
    return true;
  }
  ++stats_.dropped_down;
  trace_.record(engine_.now(), to, "net.drop", {{"id", id}, {"from", from}, {"why", "receiver-down"}});
  return false;
}

// ------------------------------------------------------------------ reachability

void Network::block(NodeId from, NodeId to) {
  blocked_.insert({from.value, to.value});
  trace_.record(engine_.now(), Trace::kWorldNode, "net.block", {{"from", from.value}, {"to", to.value}});
}

void Network::unblock(NodeId from, NodeId to) {
  blocked_.erase({from.value, to.value});
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
  blocked_.clear();
  trace_.record(engine_.now(), Trace::kWorldNode, "net.heal", {});
}

}  // namespace sim
