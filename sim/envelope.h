// A message between nodes: a copied value (its payload held by value in sim::Payload) with a
// byte size used for bandwidth. No pointer crosses nodes.
#pragma once

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

struct Envelope {
  NodeId from;
  NodeId to;
  uint64_t id = 0;     // assigned by the network
  uint32_t bytes = 0;  // wire size, for bandwidth
  Symbol type;         // for traces and diagnostics
  EnvelopeHeader header;
  sim::Payload payload;
};

}  // namespace sim
