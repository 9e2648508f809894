// World: one deterministic simulation. It owns the kernel, the root PRNG, the trace, the
// network and the nodes, and ends with a fingerprint.
//
// A node is a simulated machine: a disk and a clock that survive crashes, and a process
// incarnation (fibers + memory) that does not. crash() unwinds every fiber of the process,
// drops its memory and applies the disk's crash model; restart() boots a fresh process that
// must recover from the disk; pause() freezes the process while time moves on.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/channel.h"
#include "sim/clock.h"
#include "sim/disk.h"
#include "sim/fault_point.h"
#include "sim/ids.h"
#include "sim/kernel.h"
#include "sim/network.h"
#include "sim/payload.h"
#include "sim/prng.h"
#include "sim/trace.h"

namespace sim {

class World;
class NodeContext;

using BootFn = std::function<void(NodeContext&)>;

struct NodeOptions {
  DiskModel disk;
  ClockModel clock;
  size_t inbox_capacity = 65'536;  // messages; deliveries beyond it are dropped and traced
};

enum class NodeState : uint8_t { kDown, kUp, kPaused };
const char* to_string(NodeState s);

// The handle a process's code uses to reach the world: its clock, fibers, network, disk,
// randomness and trace. The IO seam: simulated code touches nothing else.
class NodeContext {
 public:
  NodeId id() const { return id_; }
  const std::string& name() const;
  uint64_t incarnation() const { return incarnation_; }

  // The node's own clocks (see NodeClock).
  Instant now() const;
  Instant wall_now() const;
  void sleep_for(Duration local);
  void sleep_until(Instant local_monotonic);
  // Simulated (true) time; for recording histories, not for protocol decisions.
  Instant true_now() const;
  // The simulated instant at which `local` will have passed on this node's clock.
  Instant sim_deadline(Duration local) const;

  // A fiber of this process. A daemon may block forever without counting as a deadlock.
  uint64_t spawn(std::string name, std::function<void()> body, bool daemon = true);

  void send(NodeId to, Symbol type, uint32_t bytes, sim::Payload payload, EnvelopeHeader header = {});
  // Next message, or nullopt after `timeout_local` on this node's clock.
  std::optional<Envelope> receive_for(Duration timeout_local);
  std::optional<Envelope> receive();
  Channel<Envelope>& inbox() { return inbox_; }
  // Takes this process's messages at delivery instead of queueing them in the inbox, for a
  // process that sorts them into queues of its own (a server's per-connection queues): each
  // such message then wakes the fiber that handles it directly, not a receive fiber first.
  // `take` runs outside any fiber at the instant of delivery and must not block; it returns
  // false to leave the message to the inbox. It sees a message only while the process is not
  // paused (a paused process handles nothing: its messages wait in the inbox) and the inbox is
  // empty, so none overtakes one queued before it.
  using DeliveryRouter = std::function<bool(Envelope&)>;
  void route_deliveries(DeliveryRouter take) { router_ = std::move(take); }

  Disk& disk();
  Prng& prng() { return prng_; }
  void trace(TraceKey kind, std::initializer_list<TraceField> fields);

  // Process memory: objects that live until this incarnation ends (crash or stop), and
  // are destroyed only after every fiber of the process has unwound.
  template <class T, class... Args>
  T& make(Args&&... args) {
    auto holder = std::make_unique<Holder<T>>(std::forward<Args>(args)...);
    T& ref = holder->value;
    owned_.push_back(std::move(holder));
    return ref;
  }

  NodeContext(World& w, NodeId id, uint64_t incarnation, GroupId group, size_t inbox_capacity, Prng prng);
  ~NodeContext();

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
  friend class World;

  World& world_;
  NodeId id_;
  uint64_t incarnation_;
  GroupId group_;
  Channel<Envelope> inbox_;
  DeliveryRouter router_;
  Prng prng_;
  std::vector<std::unique_ptr<HolderBase>> owned_;
};

class Node {
 public:
  NodeId id() const { return id_; }
  const std::string& name() const { return name_; }
  NodeState state() const { return state_; }
  uint64_t incarnation() const { return incarnation_; }
  Disk& disk() { return *disk_; }
  NodeClock& clock() { return clock_; }
  // The live process, or nullptr while down.
  NodeContext* process() { return process_.get(); }

 private:
  friend class World;
  friend class NodeContext;
  NodeId id_;
  std::string name_;
  BootFn boot_;
  NodeOptions options_;
  NodeState state_ = NodeState::kDown;
  uint64_t incarnation_ = 0;
  std::unique_ptr<Disk> disk_;
  NodeClock clock_;
  std::unique_ptr<NodeContext> process_;
  // Processes killed but still unwinding; freed when their last fiber exits.
  std::vector<std::unique_ptr<NodeContext>> dying_;
};

struct WorldConfig {
  uint64_t seed = 1;
  RunLimits limits;
  LinkModel link;
  FaultPointConfig fault_points;
};

class World {
 public:
  explicit World(WorldConfig config);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  static World* current();

  uint64_t seed() const { return config_.seed; }
  Kernel& kernel() { return kernel_; }
  Trace& trace() { return trace_; }
  Network& net() { return *net_; }
  FaultPoints& fault_points() { return fault_points_; }
  Instant now() const { return kernel_.now(); }
  // A named random stream for world-side code (workloads, nemeses).
  Prng fork_prng(std::string_view name) const { return root_.fork(name); }

  NodeId add_node(std::string name, BootFn boot, NodeOptions options = {});
  Node& node(NodeId id) { return *nodes_[id.value]; }
  size_t node_count() const { return nodes_.size(); }
  // The node whose fiber is running, or -1 (world fiber or callback).
  int current_node_index() const;

  void start(NodeId id);
  void crash(NodeId id);      // power cut: unsynced data per the disk's crash model
  void shutdown(NodeId id);   // clean stop: the process ends, the disk keeps everything it had
  void restart(NodeId id);    // crash if up, then boot a fresh process
  void pause(NodeId id);
  void resume(NodeId id);

  uint64_t spawn(std::string name, std::function<void()> body);
  TimerHandle at(Instant t, std::function<void()> fn) { return kernel_.at(t, std::move(fn)); }

  RunOutcome run(Instant until = Instant::max());
  // Trace hash folded with one last draw of every random stream the world owns.
  uint64_t fingerprint();

 private:
  void end_process(Node& n);
  bool deliver(Envelope&& env);

  WorldConfig config_;
  Kernel kernel_;
  Prng root_;
  Trace trace_;
  FaultPoints fault_points_;
  std::unique_ptr<Network> net_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<GroupId> group_node_;  // group id -> node index + 1 (0: world)
  World* previous_current_ = nullptr;
};

std::string format_fingerprint(uint64_t fp);

}  // namespace sim
