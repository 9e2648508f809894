// A small system under test that stands in until the broker lands: a grow-only counter
// replicated by gossip. Each node increments its own slot, persists every increment to a
// checksummed log on its disk (fsync every `fsync_every` increments), gossips its vector
// to random peers and merges what it hears (max per slot). After a crash it recovers its
// slot from the log, truncating a torn or corrupt tail.
//
// An increment counts as acknowledged once fsync returned ok; the demo scenario checks that
// no acknowledged increment is lost and that all nodes converge after healing.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/node_context.h"

namespace broker_model {

struct CounterConfig {
  uint32_t nodes = 5;
  sim::Duration increment_every = sim::milliseconds(10);
  sim::Duration gossip_every = sim::milliseconds(25);
  uint32_t fsync_every = 4;
  sim::Instant stop_incrementing_at = sim::Instant::from_ns(8'000'000'000);  // on the node's clock
};

// What the outside world (the checker) may observe: acknowledged values per node, and
// each live node's current vector. Written by the nodes, read by the scenario.
struct CounterObservations {
  std::vector<uint64_t> acknowledged;            // per node: highest fsynced own value
  std::vector<std::vector<uint64_t>> views;      // per node: last known vector (empty while down)
  uint64_t recovered_torn_records = 0;           // records dropped by checksum on recovery
};

sim::BootFn make_counter_node(const CounterConfig& config, CounterObservations& obs);

// Record format on disk: 16 bytes per increment: u64 value, u32 slot, u32 crc32c.
inline constexpr size_t kCounterRecordBytes = 16;

}  // namespace broker_model
