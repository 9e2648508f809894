// A map keyed by (interned) topic name that remembers the entry it found last.
#pragma once

#include <map>
#include <utility>

#include "broker_model/types.h"
#include "sim/symbol.h"

namespace broker_model {

// Per-topic lookups come one topic after another (a client's records, a broker's requests),
// and the map's own search compares topic names at every level of the tree: a lookup first
// tries the entry found last, one pointer compare of interned names. Entries are never
// erased, so the remembered one stays valid; not copyable or movable for the same reason.
template <class V>
class TopicMap {
 public:
  using Entry = std::pair<const sim::Symbol, V>;

  TopicMap() = default;
  TopicMap(const TopicMap&) = delete;
  TopicMap& operator=(const TopicMap&) = delete;

  // The value for `topic`, or nullptr.
  V* find(sim::Symbol topic) {
    if (last_ != nullptr && last_->first == topic) [[likely]]
      return &last_->second;
    return search(topic);
  }
  // The cache is not part of the map's value: a const lookup may move it.
  const V* find(sim::Symbol topic) const { return const_cast<TopicMap*>(this)->find(topic); }

  // The value for `topic`, default-constructed if there was none.
  V& operator[](sim::Symbol topic) {
    if (V* v = find(topic)) return *v;
    last_ = &*map_.try_emplace(topic).first;
    return last_->second;
  }

  // In topic-name order.
  auto begin() { return map_.begin(); }
  auto end() { return map_.end(); }
  auto begin() const { return map_.begin(); }
  auto end() const { return map_.end(); }

 private:
  // The map's own search; small hit path above, so find() inlines where it is called.
  [[gnu::noinline]] V* search(sim::Symbol topic) {
    auto it = map_.find(topic);
    if (it == map_.end()) return nullptr;
    last_ = &*it;
    return &last_->second;
  }

  std::map<sim::Symbol, V> map_;
  Entry* last_ = nullptr;
};

}  // namespace broker_model
