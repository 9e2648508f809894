// NodeProcess: the world's implementation of a process context (sim/node_context.h), one per
// process incarnation of a node. It reaches the node's clock and disk, the network, the trace
// and, for threads and sleeps, the engine; it holds the process's group (its threads, killed
// and paused together) and its inbox.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "sim/node_context.h"
#include "sim/world/engine.h"

namespace sim {

class World;
class Node;

class NodeProcess final : public NodeContext {
 public:
  NodeProcess(World& world, Node& node, uint64_t incarnation, GroupId group, size_t inbox_capacity, Prng prng);
  ~NodeProcess() override { release_memory(); }

  const std::string& name() const override;
  Instant now() const override;
  Instant wall_now() const override;
  void sleep_for(Duration local) override;
  void sleep_until(Instant local_monotonic) override;
  Instant true_now() const override;
  Instant sim_deadline(Duration local) const override;
  uint64_t spawn(std::string name, std::function<void()> body, bool daemon = true) override;
  ConnectionId connect(NodeId server) override;
  void send(ConnectionId end, Symbol type, uint32_t bytes, Payload payload, EnvelopeHeader header = {}) override;
  void close(ConnectionId end) override;
  void send_datagram(NodeId to, Symbol type, uint32_t bytes, Payload payload, EnvelopeHeader header = {}) override;
  std::optional<Envelope> receive_for(Duration timeout_local) override;
  Files& files() override;
  void charge_cpu(uint64_t bytes) override;
  [[noreturn]] void halt(std::string_view why) override;
  [[noreturn]] void exit(std::string_view why) override;
  void trace(TraceKey kind, std::initializer_list<TraceField> fields) override;

  // World side.
  GroupId group() const { return group_; }
  // Hands a delivered message to the process (its router, else its inbox); false when the
  // inbox is full. `running`: the process is up and not paused.
  bool deliver(Envelope&& env, bool running);

 private:
  World& world_;
  Node& node_;
  GroupId group_;
};

}  // namespace sim
