// type_tag<T>(): one address per type, for telling types apart at run time without RTTI
// (sim::Payload's checked reads, sim::EventBus's subscriptions). Compared for equality only:
// never ordered or hashed, so nothing depends on where the linker put the tags.
#pragma once

namespace sim {

template <class T>
const void* type_tag() noexcept {
  static constexpr char kTag = 0;
  return &kTag;
}

}  // namespace sim
