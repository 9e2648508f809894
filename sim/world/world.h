// World: one deterministic simulation. It owns the engine (sim/world/engine.h: time, threads,
// events), the root PRNG, the trace, the observers' event bus, the network and the nodes, and
// ends with a fingerprint.
// Everything here but the engine is the same on every engine: the network's reachability
// and link faults, the disks and their crash model, the clocks, the fault points. Faults and
// the lab act on a World; processes see only their NodeContext (sim/node_context.h).
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

#include "sim/event_bus.h"
#include "sim/ids.h"
#include "sim/node_context.h"
#include "sim/prng.h"
#include "sim/world/clock.h"
#include "sim/world/disk.h"
#include "sim/world/engine.h"
#include "sim/world/fault_points.h"
#include "sim/world/network.h"
#include "sim/world/node_process.h"
#include "sim/world/trace.h"

namespace sim {

class World;

struct NodeOptions {
  DiskModel disk;
  ClockModel clock;
  // The machine's NIC, each direction, shared by all its flows (0: unlimited; -1: the world's
  // nic_bytes_per_s).
  int64_t nic_bytes_per_s = -1;
  // Its CPU: flop/s per core (0: the world's cpu_flops) and cores. Requests its process
  // handles (NodeContext::charge_cpu) queue for the first free core.
  double cpu_flops = 0;
  int cores = 1;
  size_t inbox_capacity = 65'536;  // messages; deliveries beyond it are dropped and traced
};

enum class NodeState : uint8_t { kDown, kUp, kPaused };
const char* to_string(NodeState s);

class Node {
 public:
  NodeId id() const { return id_; }
  const std::string& name() const { return name_; }
  NodeState state() const { return state_; }
  // Whether the machine has power (false after a crash, until it starts again): a live
  // machine answers packets for a dead process with resets; one without power answers nothing.
  bool powered() const { return powered_; }
  uint64_t incarnation() const { return incarnation_; }
  Disk& disk() { return *disk_; }
  NodeClock& clock() { return clock_; }
  // The live process, or nullptr while down.
  NodeProcess* process() { return process_.get(); }

 private:
  friend class World;
  NodeId id_;
  std::string name_;
  BootFn boot_;
  NodeOptions options_;
  NodeState state_ = NodeState::kDown;
  bool powered_ = false;
  uint64_t incarnation_ = 0;
  std::unique_ptr<Disk> disk_;
  NodeClock clock_;
  std::unique_ptr<NodeProcess> process_;
  // The native CPU queue: when each core is free again (an engine with a CPU model keeps its own).
  std::vector<Instant> core_free_at_;
  // Processes killed but still unwinding; freed when their last thread exits.
  std::vector<std::unique_ptr<NodeProcess>> dying_;
};

struct WorldConfig {
  uint64_t seed = 1;
  EngineKind engine = EngineKind::kNative;
  RunLimits limits;
  LinkModel link;
  // Each node's NIC unless its NodeOptions say otherwise (sim/world/network.h).
  int64_t nic_bytes_per_s = 1'250'000'000;
  FaultPointConfig fault_points;
  // Host speed (flop/s per core) unless a node's options say otherwise. An engine with a
  // network model puts `link`'s latency floor on its wire.
  double cpu_flops = 1e9;
  // The CPU cost of handling a request (NodeContext::charge_cpu), in flops: per request and
  // per byte of it, charged on both engines (native: a queue per node for its cores; SimGrid:
  // an execution on the host). 0: free (the default).
  double cpu_flops_per_request = 0;
  double cpu_flops_per_byte = 0;
};

class World final : private NetworkHost {
 public:
  explicit World(WorldConfig config);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  static World* current();

  uint64_t seed() const { return config_.seed; }
  double cpu_flops_per_request() const { return config_.cpu_flops_per_request; }
  double cpu_flops_per_byte() const { return config_.cpu_flops_per_byte; }
  Engine& engine() { return *engine_; }
  Trace& trace() { return trace_; }
  Network& net() { return *net_; }
  FaultPoints& fault_points() { return fault_points_; }
  // What processes report (NodeContext::emit); observers subscribe here before the run.
  EventBus& events() { return events_; }
  Instant now() const { return engine_->now(); }
  // A named random stream for world-side code (workloads, nemeses).
  Prng fork_prng(std::string_view name) const { return root_.fork(name); }

  NodeId add_node(std::string name, BootFn boot, NodeOptions options = {});
  Node& node(NodeId id) { return *nodes_[id.value]; }
  size_t node_count() const { return nodes_.size(); }
  // The node whose thread is running, or -1 (world thread or callback).
  int current_node_index() const;

  void start(NodeId id);
  void crash(NodeId id);      // power cut: unsynced data per the disk's crash model; peers hear nothing
  void kill(NodeId id);       // the process dies (SIGKILL): the machine stays up, so the page cache
                              // keeps every write and the process's connections are reset at once
  void shutdown(NodeId id);   // clean stop: the process ends, the disk keeps everything it had
  // Asks the process to stop (SIGTERM): its terminate handler (NodeContext::on_terminate)
  // runs and the process ends itself when done (a Kafka broker's controlled shutdown); a
  // process without one is shut down at once. A second request while it stops does nothing.
  void terminate(NodeId id);
  void restart(NodeId id);    // crash if up, then boot a fresh process
  void pause(NodeId id);
  void resume(NodeId id);

  // A thread of the world itself (a workload driver, a nemesis): not part of any node.
  uint64_t spawn(std::string name, std::function<void()> body);
  TimerHandle at(Instant t, std::function<void()> fn) { return engine_->at(t, std::move(fn)); }
  // For world threads: the engine's time passes (a node's process sleeps on its own clock).
  void sleep_until(Instant t) { engine_->sleep_until(t, "sleep"); }
  void sleep_for(Duration d) { sleep_until(now() + d); }
  void stop(std::string reason) { engine_->stop(std::move(reason)); }

  RunOutcome run(Instant until = Instant::max());
  // Trace hash folded with one last draw of every random stream the world owns: the same on
  // every engine for the same behaviour (no engine counter enters it).
  uint64_t fingerprint();

 private:
  friend class NodeProcess;
  void end_process(Node& n, bool power_loss);
  // Charges `flops` of work on node `n`'s CPU (NodeContext::charge_cpu).
  void charge_cpu(Node& n, double flops);
  // NetworkHost
  bool host_up(NodeId n) const override;
  uint64_t process_incarnation(NodeId n) const override;
  bool deliver(Envelope&& env) override;

  WorldConfig config_;
  std::unique_ptr<Engine> engine_;
  Prng root_;
  Trace trace_;
  EventBus events_;  // before the nodes: outlives every process that emits
  FaultPoints fault_points_;
  std::unique_ptr<Network> net_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<GroupId> group_node_;  // group id -> node index + 1 (0: world)
  World* previous_current_ = nullptr;
};

std::string format_fingerprint(uint64_t fp);

}  // namespace sim
