#include "sim/world/node_process.h"

#include "sim/world/world.h"

namespace sim {

NodeProcess::NodeProcess(World& world, Node& node, uint64_t incarnation, GroupId group, size_t inbox_capacity,
                         Prng prng)
    : NodeContext(node.id(), incarnation, inbox_capacity, prng, &world.events()),
      world_(world),
      node_(node),
      group_(group) {}

const std::string& NodeProcess::name() const { return node_.name(); }
Instant NodeProcess::now() const { return node_.clock().monotonic(world_.now()); }
Instant NodeProcess::wall_now() const { return node_.clock().wall(world_.now()); }
Instant NodeProcess::true_now() const { return world_.now(); }
Instant NodeProcess::sim_deadline(Duration local) const {
  if (local == Duration::max()) return Instant::max();
  return world_.now() + node_.clock().to_sim(local);
}

void NodeProcess::sleep_for(Duration local) {
  world_.engine().sleep_until(world_.now() + node_.clock().to_sim(local), "sleep");
}

void NodeProcess::sleep_until(Instant local_monotonic) {
  Duration left = local_monotonic - now();
  if (left <= Duration::zero()) {
    world_.engine().check_alive();
    return;
  }
  sleep_for(left);
}

uint64_t NodeProcess::spawn(std::string name, std::function<void()> body, bool daemon) {
  return world_.engine().spawn(node_.name() + "/" + name, std::move(body), FiberOptions{group_, daemon});
}

ConnectionId NodeProcess::connect(NodeId server) {
  world_.engine().check_alive();
  return world_.net().connect(id(), incarnation(), server);
}

void NodeProcess::send(ConnectionId end, Symbol type, uint32_t bytes, Payload payload, EnvelopeHeader header) {
  world_.engine().check_alive();
  Envelope env;
  env.from = id();
  env.connection = end;
  env.bytes = bytes;
  env.type = type;
  env.header = header;
  env.payload = std::move(payload);
  world_.net().send(std::move(env));
}

void NodeProcess::close(ConnectionId end) {
  world_.engine().check_alive();
  world_.net().close(end);
}

void NodeProcess::send_datagram(NodeId to, Symbol type, uint32_t bytes, Payload payload, EnvelopeHeader header) {
  world_.engine().check_alive();
  Envelope env;
  env.from = id();
  env.to = to;
  env.bytes = bytes;
  env.type = type;
  env.header = header;
  env.payload = std::move(payload);
  world_.net().send(std::move(env));
}

std::optional<Envelope> NodeProcess::receive_for(Duration timeout_local) {
  if (timeout_local == Duration::max()) return inbox().receive();
  return inbox().receive_until(world_.now() + node_.clock().to_sim(timeout_local));
}

Files& NodeProcess::files() {
  world_.engine().check_alive();
  return node_.disk();
}

void NodeProcess::charge_cpu(uint64_t bytes) {
  world_.engine().check_alive();
  double flops = world_.cpu_flops_per_request() + world_.cpu_flops_per_byte() * static_cast<double>(bytes);
  world_.charge_cpu(node_, flops);
}

void NodeProcess::halt(std::string_view why) {
  world_.engine().check_alive();
  trace("process.halt", {{"why", why}});
  // The whole process ends now: its other threads unwind at their next scheduling point, this
  // one at once. (The process memory outlives every thread of it, this one included.)
  world_.kill(id());
  throw FiberUnwind{"halt"};
}

void NodeProcess::exit(std::string_view why) {
  world_.engine().check_alive();
  trace("process.exit", {{"why", why}});
  world_.shutdown(id());
  throw FiberUnwind{"exit"};
}

void NodeProcess::trace(TraceKey kind, std::initializer_list<TraceField> fields) {
  world_.trace().record(world_.now(), static_cast<int>(id().value), kind, fields);
}

bool NodeProcess::deliver(Envelope&& env, bool running) {
  if (router() && running && inbox().empty() && router()(env)) return true;
  return inbox().try_send(std::move(env));
}

}  // namespace sim
