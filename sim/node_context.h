// The handle a process's code uses to reach the world: its clocks, threads, network, files,
// randomness, trace and the facts it reports to observers (emit). The IO seam: simulated code
// (broker_model/) touches nothing else of the simulator, so the same code runs on any engine
// (sim/native/, or SimGrid's). One implementation of it lives in the world model
// (sim/world/node_process.h); engines sit beneath that.
//
// Blocking calls park the calling thread (a fiber on the native engine) until the simulator
// wakes it; a thread whose process was killed unwinds out of them (FiberUnwind).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/channel.h"
#include "sim/envelope.h"
#include "sim/event_bus.h"
#include "sim/files.h"
#include "sim/ids.h"
#include "sim/payload.h"
#include "sim/prng.h"
#include "sim/symbol.h"
#include "sim/time.h"
#include "sim/trace_event.h"

namespace sim {

class NodeContext {
 public:
  NodeId id() const { return id_; }
  uint64_t incarnation() const { return incarnation_; }
  virtual const std::string& name() const = 0;

  // The node's own clocks: monotonic (what timeouts use: drift applies, jumps do not, like
  // CLOCK_MONOTONIC) and wall (what timestamps use: offset and jumps apply, like
  // CLOCK_REALTIME).
  virtual Instant now() const = 0;
  virtual Instant wall_now() const = 0;
  virtual void sleep_for(Duration local) = 0;
  virtual void sleep_until(Instant local_monotonic) = 0;
  // Simulated (true) time; for traces, never for protocol decisions.
  virtual Instant true_now() const = 0;
  // The simulated instant at which `local` will have passed on this node's clock (for
  // WaitQueue deadlines, which are in simulated time).
  virtual Instant sim_deadline(Duration local) const = 0;

  // A thread of this process. A daemon may block forever without counting as a deadlock.
  virtual uint64_t spawn(std::string name, std::function<void()> body, bool daemon = true) = 0;

  // --- connections (sim/world/network.h says how they behave: as TCP does) ---------
  // Opens a connection to `server`'s process and returns this process's end of it. Messages
  // on it arrive in order, each once, or the connection breaks as a whole; the server sees
  // them with `Envelope::connection` naming its own end, and answers on that end.
  virtual ConnectionId connect(NodeId server) = 0;
  // Sends on an end of this process (a closed end drops it: the process has been told, or
  // closed it itself).
  virtual void send(ConnectionId end, Symbol type, uint32_t bytes, Payload payload, EnvelopeHeader header = {}) = 0;
  // Closes an end: nothing more arrives on it; what was sent still goes, then the peer's end
  // closes. An end closed by the peer, a reset or a timeout arrives as a message of kind
  // kConnectionClosedKind (payload ConnectionClosed), in order with the messages before it.
  virtual void close(ConnectionId end) = 0;
  // A datagram: no connection; the link's faults may lose, duplicate or reorder it.
  virtual void send_datagram(NodeId to, Symbol type, uint32_t bytes, Payload payload, EnvelopeHeader header = {}) = 0;

  // Next message, or nullopt after `timeout_local` on this node's clock.
  virtual std::optional<Envelope> receive_for(Duration timeout_local) = 0;
  std::optional<Envelope> receive() { return inbox_.receive(); }
  Channel<Envelope>& inbox() { return inbox_; }
  // Takes this process's messages at delivery instead of queueing them in the inbox, for a
  // process that sorts them into queues of its own (a server's per-connection queues): each
  // such message then wakes the thread that handles it directly, not a receive thread first.
  // `take` runs at the instant of delivery, outside any thread of this process, and must not
  // block; it returns false to leave the message to the inbox. It sees a message only while
  // the process is not paused (a paused process handles nothing: its messages wait in the
  // inbox) and the inbox is empty, so none overtakes one queued before it.
  using DeliveryRouter = std::function<bool(Envelope&)>;
  void route_deliveries(DeliveryRouter take) { router_ = std::move(take); }

  virtual Files& files() = 0;
  // Charges the CPU time of handling one request of `bytes` bytes: the platform's cost per
  // request plus per byte (WorldConfig), at the host's speed. The calling thread is busy that
  // long on an engine with a CPU model (SimGrid); the native engine charges no CPU time.
  virtual void charge_cpu(uint64_t bytes) = 0;
  // Ends this process at once, as Kafka's Exit.halt does (no cleanup): the node's machine
  // stays up (its page cache keeps every write, its sockets are reset), the process is gone
  // until something starts it again. The calling thread unwinds (FiberUnwind); never returns.
  [[noreturn]] virtual void halt(std::string_view why) = 0;
  // Ends this process cleanly, as a process does that returns from main after its shutdown
  // sequence (the world's shutdown: the disk keeps everything). Never returns.
  [[noreturn]] virtual void exit(std::string_view why) = 0;
  // What this process does when asked to stop (SIGTERM: World::terminate): `handler` runs
  // once, at the instant of the request, outside any thread of the process, and must not
  // block — it spawns the thread that shuts down and then calls exit(). A process that set
  // none is stopped at once, cleanly.
  void on_terminate(std::function<void()> handler) { terminate_handler_ = std::move(handler); }
  // World side: the handler, taken (a second request finds none and waits for the first).
  std::function<void()> take_terminate_handler() { return std::exchange(terminate_handler_, {}); }
  bool terminating() const { return terminating_; }
  void set_terminating() { terminating_ = true; }
  Prng& prng() { return prng_; }
  virtual void trace(TraceKey kind, std::initializer_list<TraceField> fields) = 0;

  // Reports a fact to the run's observers (sim/event_bus.h): nothing happens unless someone
  // subscribed to E, and nothing the process does depends on whether anyone did.
  template <class E>
  void emit(const E& event) {
    if (events_ != nullptr) events_->publish_with(event, [this] { return EventOrigin{true_now(), id_, incarnation_}; });
  }
  // Whether an emit of E would reach anyone, to skip building an event nobody reads (and
  // for nothing else).
  template <class E>
  bool observed() const {
    return events_ != nullptr && events_->observed<E>();
  }

  // Process memory: objects that live until this incarnation ends (crash or stop), and
  // are destroyed only after every thread of the process has unwound.
  template <class T, class... Args>
  T& make(Args&&... args) {
    auto holder = std::make_unique<Holder<T>>(std::forward<Args>(args)...);
    T& ref = holder->value;
    owned_.push_back(std::move(holder));
    return ref;
  }

  NodeContext(const NodeContext&) = delete;
  NodeContext& operator=(const NodeContext&) = delete;

 protected:
  // `events`: the run's observers (nullptr: nobody watches).
  NodeContext(NodeId id, uint64_t incarnation, size_t inbox_capacity, Prng prng, const EventBus* events)
      : id_(id), incarnation_(incarnation), inbox_(inbox_capacity, "inbox"), prng_(prng), events_(events) {}
  virtual ~NodeContext() { release_memory(); }
  // Destroys the process memory, in reverse order of creation, like a stack. An
  // implementation calls it first in its own destructor: objects of the process may still
  // use the context (its virtual functions) while they are destroyed.
  void release_memory() {
    while (!owned_.empty()) owned_.pop_back();
  }
  const DeliveryRouter& router() const { return router_; }
  std::function<void()> terminate_handler_;
  bool terminating_ = false;

 private:
  struct HolderBase {
    virtual ~HolderBase() = default;
  };
  template <class T>
  struct Holder : HolderBase {
    template <class... Args>
    explicit Holder(Args&&... args) : value(std::forward<Args>(args)...) {}
    T value;
  };

  NodeId id_;
  uint64_t incarnation_;
  Channel<Envelope> inbox_;
  DeliveryRouter router_;
  Prng prng_;
  const EventBus* events_;
  std::vector<std::unique_ptr<HolderBase>> owned_;
};

// A process's main: what a node runs each time it boots (a fresh incarnation).
using BootFn = std::function<void(NodeContext&)>;

}  // namespace sim
