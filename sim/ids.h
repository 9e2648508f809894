// Strong id types shared by the kernel and the systems running on it.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace sim {

struct NodeId {
  uint32_t value = 0;
  constexpr auto operator<=>(const NodeId&) const = default;
  std::string str() const { return "n" + std::to_string(value); }
};

}  // namespace sim
