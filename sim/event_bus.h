// EventBus: the one channel through which simulated code reports facts to whoever watches a
// run from outside (the lab, a test's checker): a partition's new leader, a committed Raft
// entry, a fetch session evicted. An event is a plain struct that the system under test
// defines; a process publishes it with NodeContext::emit, and an observer subscribes by its
// C++ type. The world owns the bus (World::events()).
//
// Observers cannot change the run through it: they get a const event and where it came from,
// never the process's context. Publishing records nothing in the trace, so a run's fingerprint
// is the same with observers or without. An observer is called at once, on the emitting
// thread, in subscription order; it must not block.
//
// Types are told apart by their tag address (sim/type_tag.h), compared for equality only. An
// event nobody subscribed to costs a scan of the subscribed types (a few pointers).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/check.h"
#include "sim/ids.h"
#include "sim/time.h"
#include "sim/type_tag.h"

namespace sim {

// Where and when an event happened.
struct EventOrigin {
  Instant at;                // true simulated time of the emit
  NodeId node;               // the emitting node
  uint64_t incarnation = 0;  // its process incarnation (1 for the first boot)
};

class EventBus {
 public:
  template <class E>
  using Handler = std::function<void(const EventOrigin&, const E&)>;

  EventBus() = default;
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  // Calls `handler` for every E published from now on. Subscriptions last as long as the bus;
  // subscribe before the run, never from a handler.
  template <class E>
  void subscribe(Handler<E> handler) {
    static_assert(std::is_same_v<E, std::remove_cvref_t<E>>, "subscribe to the plain event type");
    EDDY_CHECK_MSG(publishing_ == 0, "subscribing from an event handler");
    Topic* t = find(type_tag<E>());
    if (t == nullptr) {
      topics_.push_back(Topic{type_tag<E>(), {}});
      t = &topics_.back();
    }
    t->sinks.push_back(std::make_unique<Sink<E>>(std::move(handler)));
  }

  // Whether anyone subscribed to E: lets an emitter skip building an event nobody reads. It
  // must not decide anything else.
  template <class E>
  bool observed() const {
    return find(type_tag<E>()) != nullptr;
  }

  template <class E>
  void publish(const EventOrigin& origin, const E& event) const {
    publish_with(event, [&origin] { return origin; });
  }
  // `origin()` is called only when someone subscribed to E.
  template <class E, class OriginFn>
  void publish_with(const E& event, OriginFn&& origin) const {
    const Topic* t = find(type_tag<E>());
    if (t == nullptr) return;
    const EventOrigin o = origin();
    ++publishing_;
    for (const auto& sink : t->sinks) static_cast<const Sink<E>&>(*sink).handler(o, event);
    --publishing_;
  }

 private:
  struct SinkBase {
    virtual ~SinkBase() = default;
  };
  template <class E>
  struct Sink final : SinkBase {
    explicit Sink(Handler<E> h) : handler(std::move(h)) {}
    Handler<E> handler;
  };
  struct Topic {
    const void* tag;
    std::vector<std::unique_ptr<SinkBase>> sinks;
  };
  const Topic* find(const void* tag) const {
    for (const Topic& t : topics_)
      if (t.tag == tag) return &t;
    return nullptr;
  }
  Topic* find(const void* tag) { return const_cast<Topic*>(std::as_const(*this).find(tag)); }

  std::vector<Topic> topics_;  // one per subscribed type, in first-subscription order
  mutable int publishing_ = 0;  // handlers running (an event handler may emit another event)
};

}  // namespace sim
