// The simulated network: messages between nodes, on connections or as datagrams.
//
// Per node: a NIC (full duplex) whose bandwidth all of the node's flows share, egress and
// ingress each. Per directed link (node pair): a latency distribution, an optional path
// bandwidth (a throttled or narrower path: serialization plus queueing behind earlier messages
// on that path), and packet faults (loss, duplication, reordering). Partitions are a set of
// blocked directed pairs, checked when a message would be delivered. Links and blocked pairs
// are sparse: a link exists once something used or changed it (the others follow the default
// model), so a lab with thousands of client nodes holds the pairs that talk, not the square of
// its node count.
//
// The NICs (native engine; an engine with a network model carries the bytes itself): each
// node pair is a flow whose messages go one after another; a message's rate is the flow's fair
// share of both NICs when it is sent — the sender's NIC divided among its flows with bytes
// still queued, the receiver's among the flows coming into it, the smaller of the two (the
// max-min share of a flow crossing two links, as SimGrid's model gives). The share is frozen
// for the message: a flow that starts later does not slow one already under way, so for the
// length of one message a NIC can carry more than its bandwidth; over longer intervals its
// flows share it fairly and in total a node's 1 Gbit/s is 1 Gbit/s, whatever the number of its
// peers, and small messages (acknowledgements, fetch requests) are not queued behind another
// flow's megabytes. Deterministic: flows are counted over node indices.
//
// Connections behave as TCP does (Kafka runs over TCP), so verdicts never rest on failures
// TCP cannot have:
//   - each direction of a connection is a stream: messages arrive in the order sent, each
//     once; each lost packet is retransmitted on its own (a fast retransmit one round trip
//     later, or after a retransmission timeout when no duplicate ACKs can announce the loss,
//     as Padhye et al.'s model of TCP has it; stream_delay), and the messages behind wait; a
//     duplicated packet is discarded; a reordered one is held until the gap fills (a delay);
//   - a message whose path is cut (a partition, a host without power) is retransmitted with
//     exponential backoff (RTO 200 ms doubling to 120 s, as Linux) until the path heals, or
//     until the sender gives up after 15 attempts (tcp_retries2; 8 for data a closed socket
//     still owes, tcp_orphan_retries) and its end of the connection breaks (ETIMEDOUT);
//   - an end that is gone answers what reaches it with a reset: a process that was killed or
//     shut down resets its connections at once (its peers learn one latency later, when the
//     path is open); a host that lost power sends nothing, so its peers learn only by their
//     own timeouts or, once it is back, by the reset its new process answers with;
//   - closing an end (a client giving up after a request timeout, as Kafka's NetworkClient
//     does) refuses what still arrives for it, while what it already sent keeps going, and a
//     FIN behind it closes the peer's end.
// A process learns that an end of its was closed by a notice message of kind
// kConnectionClosedKind (sim/envelope.h), delivered like any message.
//
// Datagrams (no connection) suffer the packet faults directly: lost, duplicated, reordered.
// The message_* faults break TCP's promise on purpose, for experiments that want a datagram
// network under a stream protocol: they drop, duplicate or reorder whole messages on
// connections too. They are never the meaning of "loss".
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
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
  // The least latency a sample can have (for a normal: mean - 3 stddev): what an engine with
  // a network model puts on its platform's wire, the network adding the rest of a sample.
  Duration floor() const;
};

struct LinkModel {
  LatencyModel latency;
  // The path's own limit, beside the NICs at its ends (a throttle, a narrower inter-zone
  // path); 0: none, the NICs alone.
  int64_t bandwidth_bytes_per_s = 0;
  // Packet faults: a datagram is lost, duplicated or reordered; a connection retransmits,
  // discards the copy, or holds later data until the gap fills.
  double loss = 0.0;                  // per packet (MSS-sized segment)
  double duplicate = 0.0;
  double reorder = 0.0;               // chance a message skips (datagram) or is held (stream)
  Duration reorder_delay_max = milliseconds(5);
  // Message faults that break TCP's promise on connections too (named, never the default).
  double message_drop = 0.0;
  double message_duplicate = 0.0;
  double message_reorder = 0.0;
};

struct NetworkStats {
  uint64_t sent = 0, delivered = 0, dropped_partition = 0, dropped_loss = 0, dropped_down = 0, duplicated = 0,
           reordered = 0;
  uint64_t retransmissions = 0;  // stream messages sent again (loss, or a cut path)
  uint64_t resets = 0;           // connection ends reset by their peer
  uint64_t timeouts = 0;         // connection ends broken after retransmitting too long
  uint64_t messages_dropped = 0; // message_drop on connections
};

// What the network needs to know of the processes at its ends.
class NetworkHost {
 public:
  // Whether node `n` has power (its kernel answers packets).
  virtual bool host_up(NodeId n) const = 0;
  // The incarnation of node `n`'s live process (paused counts), or 0 when none runs.
  virtual uint64_t process_incarnation(NodeId n) const = 0;
  // Hands a message to node `n`'s live process; false when it cannot take it (inbox full).
  virtual bool deliver(Envelope&& env) = 0;

 protected:
  ~NetworkHost() = default;
};

class Network {
 public:
  // TCP's retransmission timing (Linux): the first retransmission after 200 ms, doubling to
  // at most 120 s; a sender gives up after 15 (tcp_retries2), or after 8 for the data of a
  // socket its process already closed (tcp_orphan_retries).
  static constexpr Duration kRtoMin = milliseconds(200);
  static constexpr Duration kRtoMax = seconds(120);
  static constexpr int kRetries = 15;
  static constexpr int kOrphanRetries = 8;
  static constexpr uint32_t kSegmentBytes = 1448;  // a packet's payload (Ethernet MSS)

  Network(Engine& engine, Trace& trace, Prng prng, NetworkHost& host);

  void resize(size_t nodes);
  size_t nodes() const { return n_; }
  // Node `n`'s NIC bandwidth, each direction (0: unlimited). New nodes get 10 Gbit/s.
  void set_nic(NodeId n, int64_t bytes_per_s);
  int64_t nic(NodeId n) const { return nics_[n.value].bytes_per_s; }
  void set_default_link(const LinkModel& m);
  void set_link(NodeId from, NodeId to, const LinkModel& m);
  // The link's model, to read or change (the default model until changed).
  LinkModel& link(NodeId from, NodeId to) { return link_state(from, to).model; }

  // --- connections ----------------------------------------------------------------
  // Opens a connection from `client` (process incarnation `incarnation`) to `server`;
  // returns the client's end. The server's end is bound to the server's process when the
  // first message reaches it.
  ConnectionId connect(NodeId client, uint64_t incarnation, NodeId server);
  // Closes an end: what still arrives for it is refused; what it sent keeps going, then a
  // FIN closes the peer's end.
  void close(ConnectionId end);
  // Node `n`'s process ended. kill: its ends are reset and its peers told (RST/FIN after
  // what it already sent); power loss: its ends die silently.
  void process_ended(NodeId n, uint64_t incarnation, bool power_loss);
  // A message on a connection (env.connection: the sender's end) or a datagram (none).
  void send(Envelope&& env);

  // --- reachability (directed) ---------------------------------------------------
  bool reachable(NodeId from, NodeId to) const { return blocked_.empty() || !blocked_.contains({from.value, to.value}); }
  void block(NodeId from, NodeId to);    // one way: from can no longer reach to
  void unblock(NodeId from, NodeId to);
  void partition(NodeId a, NodeId b);    // both ways
  void isolate(NodeId n);
  // Splits the nodes into groups; nodes in different groups cannot talk. Nodes not
  // named in any group keep their links.
  void split(const std::vector<std::vector<NodeId>>& groups);
  void heal();

  const NetworkStats& stats() const { return stats_; }
  size_t open_connections() const { return live_connections_; }
  uint64_t draw() { return prng_.next_u64(); }  // for the fingerprint

 private:
  struct Link {
    LinkModel model;
    Instant busy_until;    // end of the last serialization on the path's own limit
    Instant flow_busy;     // when the NICs have carried this pair's messages sent so far
    Instant last_arrival;  // FIFO order of datagrams
  };
  // One direction of a connection: its messages in flight, oldest first. Only the front may
  // be delivered (in order); a message whose time has come waits behind an earlier one.
  struct Stream {
    std::deque<uint32_t> in_flight;  // slots in flight_, in send order
    Duration rto = kRtoMin;          // the front's next retransmission timeout
    int attempts = 0;                // failed delivery attempts of the front
    Instant last_arrival;            // arrival times never go backwards in a stream
  };
  struct End {
    NodeId node;
    uint64_t incarnation = 0;  // the process this end belongs to (0: not bound yet)
    bool open = true;
    bool closed_by_owner = false;  // its process closed it: the kernel still sends its data
  };
  struct Connection {
    uint32_t generation = 0;
    bool live = false;
    End ends[2];       // [0] client, [1] server
    Stream streams[2]; // [0] client → server, [1] server → client
    Link* links[2] = {nullptr, nullptr};  // the links each stream takes (in links_), found once
  };
  struct InFlight {
    enum class Kind : uint8_t {
      kDatagram,
      kStream,  // in its stream's order
      kLoose,   // on a connection but outside its order (message_duplicate, message_reorder)
      kDead,    // its connection's sender gave up: dropped when its delivery event fires
    };
    Envelope env;
    Kind kind = Kind::kDatagram;
    int side = 0;          // the sending end's side on a connection
    bool due = false;      // stream: its arrival time has come (waiting for the stream's front)
    bool control = false;  // stream: a FIN/RST notice, not data
  };

  struct Nic {
    int64_t bytes_per_s = 1'250'000'000;
    // The peers this node has a message still going out to, and still coming in from (their
    // link's flow_busy after the last check): the flows that share the NIC, pruned as they end.
    // Counting them per message costs the number of busy flows, not the number of nodes.
    std::vector<uint32_t> sending, receiving;
  };

  // The link from `from` to `to`, made with the default model when first asked for. Links are
  // never erased, so a reference stays valid.
  Link& link_state(NodeId from, NodeId to);
  // The instant the last byte of a message from `from` to `to` is through the path's limit and
  // both NICs (before the latency).
  Instant transmit(Link& link, NodeId from, NodeId to, uint32_t bytes);
  // Puts a message on the wire from `from` to `to` and calls land(arrival) with the instant it
  // arrives (before the stream's order and the message faults): through the engine's network
  // model when it has one (then, or later), else serialized on `link` plus `latency` at once.
  template <class Land>
  void over_wire(Link& link, NodeId from, NodeId to, uint32_t bytes, Duration latency, Land land);
  void send_datagram(Envelope&& env, Link& link);
  void send_on_stream(Envelope&& env, Link& link);
  // Extra delay of a stream message from lost packets (retransmissions) and reordering.
  // The extra time a stream message takes for the link's packet faults (`one_way` is its
  // sampled latency).
  Duration stream_delay(const LinkModel& m, uint32_t bytes, Duration one_way);
  // A segment recovered by retransmission timeouts: the RTO, doubling while copies are lost.
  Duration retransmission_chain(double loss);
  uint32_t park(InFlight&& m);
  void schedule(uint32_t slot, Instant at);
  void arrive(uint32_t slot);
  void arrive_datagram(uint32_t slot);
  void arrive_loose(uint32_t slot);
  void drain(uint32_t conn_slot, int side);
  // Tries to hand the stream's front over; false when its path is cut (retransmission
  // scheduled, or the sender gave up).
  bool deliver_front(uint32_t conn_slot, int side);
  void retransmit_later(uint32_t conn_slot, int side, uint32_t slot);
  void give_up(uint32_t conn_slot, int side);
  // Queues a FIN/RST from end `side` to its peer (after the data already in its stream).
  void send_control(uint32_t conn_slot, int side, CloseReason why);
  // Closes end `side` and tells its process (when it still runs).
  void close_end(uint32_t conn_slot, int side, CloseReason why, bool notify);
  void release_if_done(uint32_t conn_slot);
  bool deliver_to_process(Envelope&& env);

  static ConnectionId end_id(uint32_t slot, uint32_t generation, int side) {
    return ConnectionId{((uint64_t{generation} << 32 | slot) << 1) | static_cast<uint64_t>(side)};
  }
  // The connection slot of an end id, or -1 when it names no live connection.
  int64_t conn_slot_of(ConnectionId end) const;
  static int side_of(ConnectionId end) { return static_cast<int>(end.value & 1); }

  Engine& engine_;
  Trace& trace_;
  Prng prng_;
  NetworkHost& host_;
  size_t n_ = 0;
  LinkModel default_link_;
  Duration latency_floor_;  // of the default link: what an engine's platform puts on its wire
  std::vector<std::map<uint32_t, Link>> links_;      // [from][to], the pairs used or changed
  std::vector<Nic> nics_;
  std::set<std::pair<uint32_t, uint32_t>> blocked_;  // (from, to) that cannot reach

  std::vector<Connection> conns_;
  FreeSlots free_conns_;
  size_t live_connections_ = 0;
  // Messages on the wire, each in a slot until delivered or dropped: a delivery event's
  // callback then captures only (this, slot), small enough for std::function to hold without
  // a heap allocation, where capturing the envelope itself allocated once per message.
  std::vector<InFlight> flight_;
  FreeSlots free_flight_;
  uint64_t next_message_id_ = 1;
  NetworkStats stats_;
};

}  // namespace sim
