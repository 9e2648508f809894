// A message between nodes: a copied value (its payload held by value in sim::Payload) with a
// byte size used for bandwidth. No pointer crosses nodes.
//
// Most messages travel on a connection (sim/node_context.h: connect/send/close), which
// behaves as TCP does: in order, never duplicated, never silently missing one message; a
// lost packet costs a retransmission delay, and a connection that breaks does so as a whole,
// each end learning it (a reset, a timeout). A message without a connection is a datagram
// (UDP-like): it may be lost, duplicated or reordered by the link's faults.
#pragma once

#include <compare>
#include <cstdint>

#include "sim/ids.h"
#include "sim/payload.h"
#include "sim/symbol.h"

namespace sim {

// A protocol's own header, carried beside the payload (an RPC layer's correlation id and
// message kind), so a protocol needs no wrapper object around its payload (a wrapper would
// be a second heap box per message).
struct EnvelopeHeader {
  uint64_t correlation = 0;
  uint8_t kind = 0;  // 0: none
};

// A connection, named by the process that opened it (the client). 0: none (a datagram).
struct ConnectionId {
  uint64_t value = 0;
  constexpr auto operator<=>(const ConnectionId&) const = default;
  explicit operator bool() const { return value != 0; }
};

// The header kind the network reserves for its own notices: a message of this kind tells the
// process that one of its connections was closed (`ConnectionClosed` payload). Protocols use
// kinds below it.
inline constexpr uint8_t kConnectionClosedKind = 0xFF;

enum class CloseReason : uint8_t {
  kReset,     // the peer's process died or shut down, or refused the connection (RST/FIN)
  kTimedOut,  // the peer stopped answering for as long as TCP retransmits (ETIMEDOUT)
};
const char* to_string(CloseReason r);

// The payload of a kConnectionClosedKind notice.
struct ConnectionClosed {
  ConnectionId connection;
  NodeId peer;
  bool as_client = true;  // this process opened the connection
  CloseReason reason = CloseReason::kReset;
};

struct Envelope {
  NodeId from;
  NodeId to;
  ConnectionId connection;  // 0: a datagram
  uint64_t id = 0;     // assigned by the network
  uint32_t bytes = 0;  // wire size, for bandwidth
  Symbol type;         // for traces and diagnostics
  EnvelopeHeader header;
  sim::Payload payload;
};

}  // namespace sim
