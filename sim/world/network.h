// The simulated network: point-to-point messages between nodes. A message is a copied
// value (its payload is held by value in sim::Payload) with a byte size used for bandwidth.
// Per directed link: a latency distribution, bandwidth (serialization delay plus queueing
// behind earlier messages), loss, duplication and reordering; links are FIFO unless a
// message is picked for reordering. Partitions are a directed reachability matrix,
// checked when a message is sent and again when it would be delivered.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/envelope.h"
#include "sim/free_slots.h"
#include "sim/ids.h"
#include "sim/prng.h"
#include "sim/time.h"

namespace sim {

class Engine;
class Trace;

struct LatencyModel {
  enum class Kind : uint8_t { kConstant, kUniform, kNormal, kExponential, kPareto };
  Kind kind = Kind::kUniform;
  Duration a = microseconds(100);  // constant value, min, mean, or pareto scale
  Duration b = microseconds(300);  // max (uniform), stddev (normal), shape*1000 (pareto)

  static LatencyModel constant(Duration d) { return {Kind::kConstant, d, d}; }
  static LatencyModel uniform(Duration lo, Duration hi) { return {Kind::kUniform, lo, hi}; }
  static LatencyModel normal(Duration mean, Duration stddev) { return {Kind::kNormal, mean, stddev}; }
  static LatencyModel exponential(Duration mean) { return {Kind::kExponential, mean, mean}; }
  Duration sample(Prng& prng) const;
};

struct LinkModel {
  LatencyModel latency;
  int64_t bandwidth_bytes_per_s = 1'250'000'000;  // 10 Gbit/s; 0: unlimited
  double loss = 0.0;
  double duplicate = 0.0;
  double reorder = 0.0;               // chance a message skips the link's FIFO order
  Duration reorder_delay_max = milliseconds(5);
};

struct NetworkStats {
  uint64_t sent = 0, delivered = 0, dropped_partition = 0, dropped_loss = 0, dropped_down = 0, duplicated = 0,
           reordered = 0;
};

class Network {
 public:
  // `deliver` hands a message to its destination node; it returns false when the node
  // cannot take it (down or its inbox full).
  using DeliverFn = std::function<bool(Envelope&&)>;
  Network(Engine& engine, Trace& trace, Prng prng, DeliverFn deliver);

  void resize(size_t nodes);
  size_t nodes() const { return n_; }
  void set_default_link(const LinkModel& m);
  void set_link(NodeId from, NodeId to, const LinkModel& m);
  LinkModel& link(NodeId from, NodeId to) { return links_[index(from, to)].model; }

  void send(Envelope&& env);

  // Reachability (directed).
  bool reachable(NodeId from, NodeId to) const { return !blocked_[index(from, to)]; }
  void block(NodeId from, NodeId to);    // one way: from can no longer reach to
  void unblock(NodeId from, NodeId to);
  void partition(NodeId a, NodeId b);    // both ways
  void isolate(NodeId n);
  // Splits the nodes into groups; nodes in different groups cannot talk. Nodes not
  // named in any group keep their links.
  void split(const std::vector<std::vector<NodeId>>& groups);
  void heal();

  const NetworkStats& stats() const { return stats_; }
  uint64_t draw() { return prng_.next_u64(); }  // for the fingerprint

 private:
  struct Link {
    LinkModel model;
    Instant busy_until;    // end of the last serialization on this link
    Instant last_arrival;  // FIFO order
  };
  size_t index(NodeId from, NodeId to) const { return static_cast<size_t>(from.value) * n_ + to.value; }
  void schedule_delivery(Envelope&& env, Instant at);
  void deliver_in_flight(uint32_t slot);

  Engine& engine_;
  Trace& trace_;
  Prng prng_;
  DeliverFn deliver_;
  size_t n_ = 0;
  LinkModel default_link_;
  std::vector<Link> links_;
  std::vector<bool> blocked_;
  // Messages on the wire, each in a slot until its delivery event fires: the event's callback
  // then captures only (this, slot), small enough for std::function to hold without a heap
  // allocation, where capturing the envelope itself allocated once per message.
  std::vector<Envelope> in_flight_;
  FreeSlots free_in_flight_;
  uint64_t next_message_id_ = 1;
  NetworkStats stats_;
};

}  // namespace sim
