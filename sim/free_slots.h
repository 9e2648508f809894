// The free list of a vector of slots named by index. The kernel's fibers and timer callbacks
// and the network's messages in flight live in such vectors: events carry a slot number,
// never a pointer, so nothing the simulation does depends on where an object sits in memory.
// A released slot is reused before the vector grows, the most recently released first (a
// deterministic order, and the slot most likely still in cache).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sim {

class FreeSlots {
 public:
  // A released slot, or `slots` (the slot vector's size: the caller appends that slot).
  uint32_t take(size_t slots) {
    if (free_.empty()) return static_cast<uint32_t>(slots);
    uint32_t slot = free_.back();
    free_.pop_back();
    return slot;
  }
  void release(uint32_t slot) { free_.push_back(slot); }

 private:
  std::vector<uint32_t> free_;
};

}  // namespace sim
