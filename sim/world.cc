#include "sim/world.h"

#include <cinttypes>
#include <cstdio>

#include "sim/check.h"
#include "sim/log.h"

namespace sim {

namespace {
thread_local World* t_world = nullptr;
}

const char* to_string(NodeState s) {
  switch (s) {
    case NodeState::kDown: return "down";
    case NodeState::kUp: return "up";
    case NodeState::kPaused: return "paused";
  }
  return "?";
}

std::string format_fingerprint(uint64_t fp) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, fp);
  return buf;
}

// ------------------------------------------------------------------ NodeContext

NodeContext::NodeContext(World& w, NodeId id, uint64_t incarnation, GroupId group, size_t inbox_capacity, Prng prng)
    : world_(w), id_(id), incarnation_(incarnation), group_(group), inbox_(inbox_capacity, "inbox"), prng_(prng) {}

NodeContext::~NodeContext() {
  // Process memory goes in reverse order of creation, like a stack.
  while (!owned_.empty()) owned_.pop_back();
}

const std::string& NodeContext::name() const { return world_.node(id_).name(); }
Instant NodeContext::now() const { return world_.node(id_).clock().monotonic(world_.now()); }
Instant NodeContext::wall_now() const { return world_.node(id_).clock().wall(world_.now()); }
Instant NodeContext::true_now() const { return world_.now(); }
Instant NodeContext::sim_deadline(Duration local) const {
  if (local == Duration::max()) return Instant::max();
  return world_.now() + world_.node(id_).clock().to_sim(local);
}

void NodeContext::sleep_for(Duration local) {
  this_fiber::sleep_until(world_.now() + world_.node(id_).clock().to_sim(local));
}

void NodeContext::sleep_until(Instant local_monotonic) {
  Duration left = local_monotonic - now();
  if (left <= Duration::zero()) {
    world_.kernel().check_alive();
    return;
  }
  sleep_for(left);
}

uint64_t NodeContext::spawn(std::string name, std::function<void()> body, bool daemon) {
  return world_.kernel().spawn(world_.node(id_).name() + "/" + name, std::move(body), FiberOptions{group_, daemon});
}

void NodeContext::send(NodeId to, Symbol type, uint32_t bytes, sim::Payload payload, EnvelopeHeader header) {
  world_.kernel().check_alive();
  Envelope env;
  env.from = id_;
  env.to = to;
  env.bytes = bytes;
  env.type = type;
  env.header = header;
  env.payload = std::move(payload);
  world_.net().send(std::move(env));
}

std::optional<Envelope> NodeContext::receive_for(Duration timeout_local) {
  if (timeout_local == Duration::max()) return inbox_.receive();
  return inbox_.receive_until(world_.now() + world_.node(id_).clock().to_sim(timeout_local));
}

std::optional<Envelope> NodeContext::receive() { return inbox_.receive(); }

Disk& NodeContext::disk() {
  world_.kernel().check_alive();
  return world_.node(id_).disk();
}

void NodeContext::trace(TraceKey kind, std::initializer_list<TraceField> fields) {
  world_.trace().record(world_.now(), static_cast<int>(id_.value), kind, fields);
}

// ------------------------------------------------------------------ World

World::World(WorldConfig config)
    : config_(config),
      kernel_(config.limits),
      root_(config.seed),
      fault_points_(root_.fork("fault-points"), trace_) {
  kernel_.set_seed_for_diagnostics(config.seed);
  fault_points_.configure(config.fault_points);
  net_ = std::make_unique<Network>(kernel_, trace_, root_.fork("network"),
                                   [this](Envelope&& env) { return deliver(std::move(env)); });
  net_->set_default_link(config.link);
  group_node_.push_back(0);
}

World::~World() {
  World* saved = t_world;
  t_world = this;
  kernel_.shutdown();
  t_world = saved;
}

World* World::current() { return t_world; }

NodeId World::add_node(std::string name, BootFn boot, NodeOptions options) {
  NodeId id{static_cast<uint32_t>(nodes_.size())};
  auto n = std::make_unique<Node>();
  n->id_ = id;
  n->name_ = std::move(name);
  n->boot_ = std::move(boot);
  n->options_ = options;
  n->clock_ = NodeClock(options.clock);
  n->disk_ = std::make_unique<Disk>(kernel_, trace_, static_cast<int>(id.value), root_.fork("disk", id.value), options.disk);
  nodes_.push_back(std::move(n));
  net_->resize(nodes_.size());
  return id;
}

int World::current_node_index() const {
  const Fiber* f = kernel_.current_fiber();
  if (f == nullptr || f->group >= group_node_.size()) return -1;
  return static_cast<int>(group_node_[f->group]) - 1;
}

void World::start(NodeId id) {
  Node& n = node(id);
  if (n.state_ != NodeState::kDown) return;
  ++n.incarnation_;
  GroupId g = kernel_.create_group(n.name_ + "#" + std::to_string(n.incarnation_));
  if (group_node_.size() <= g) group_node_.resize(g + 1, 0);
  group_node_[g] = id.value + 1;
  n.process_ = std::make_unique<NodeContext>(*this, id, n.incarnation_, g, n.options_.inbox_capacity,
                                             root_.fork("node", id.value).fork("incarnation", n.incarnation_));
  n.state_ = NodeState::kUp;
  trace_.record(now(), static_cast<int>(id.value), "node.start", {{"incarnation", n.incarnation_}});
  EDDY_LOG(info, "start {} (incarnation {})", n.name_, n.incarnation_);
  NodeContext* ctx = n.process_.get();
  BootFn boot = n.boot_;
  kernel_.spawn(n.name_ + "/main", [ctx, boot] { boot(*ctx); }, FiberOptions{g, true});
}

void World::end_process(Node& n) {
  NodeContext* dying = n.process_.get();
  n.dying_.push_back(std::move(n.process_));
  n.state_ = NodeState::kDown;
  kernel_.kill_group(dying->group_, [&n, dying] {
    for (auto it = n.dying_.begin(); it != n.dying_.end(); ++it) {
      if (it->get() == dying) {
        n.dying_.erase(it);  // the process's memory goes here
        return;
      }
    }
  });
}

void World::crash(NodeId id) {
  Node& n = node(id);
  if (n.state_ == NodeState::kDown) return;
  trace_.record(now(), static_cast<int>(id.value), "node.crash", {{"incarnation", n.incarnation_}});
  EDDY_LOG(info, "crash {} (incarnation {})", n.name_, n.incarnation_);
  end_process(n);
  n.disk_->crash();
}

void World::shutdown(NodeId id) {
  Node& n = node(id);
  if (n.state_ == NodeState::kDown) return;
  trace_.record(now(), static_cast<int>(id.value), "node.shutdown", {{"incarnation", n.incarnation_}});
  end_process(n);
}

void World::restart(NodeId id) {
  crash(id);
  start(id);
}

void World::pause(NodeId id) {
  Node& n = node(id);
  if (n.state_ != NodeState::kUp) return;
  n.state_ = NodeState::kPaused;
  kernel_.pause_group(n.process_->group_);
  trace_.record(now(), static_cast<int>(id.value), "node.pause", {});
}

void World::resume(NodeId id) {
  Node& n = node(id);
  if (n.state_ != NodeState::kPaused) return;
  n.state_ = NodeState::kUp;
  kernel_.resume_group(n.process_->group_);
  trace_.record(now(), static_cast<int>(id.value), "node.resume", {});
}

bool World::deliver(Envelope&& env) {
  Node& n = node(env.to);
  if (n.state_ == NodeState::kDown || n.process_ == nullptr) return false;
  NodeContext& p = *n.process_;
  if (p.router_ && n.state_ == NodeState::kUp && p.inbox_.empty() && p.router_(env)) return true;
  return p.inbox_.try_send(std::move(env));
}

uint64_t World::spawn(std::string name, std::function<void()> body) {
  return kernel_.spawn(std::move(name), std::move(body), FiberOptions{kWorldGroup, false});
}

RunOutcome World::run(Instant until) {
  World* saved = t_world;
  t_world = this;
  RunOutcome out = kernel_.run(until);
  t_world = saved;
  trace_.record(now(), Trace::kWorldNode, "run.end", {{"status", to_string(out.status)}});
  return out;
}

uint64_t World::fingerprint() {
  uint64_t fp = trace_.hash();
  fp = mix64(fp ^ kernel_.events_processed());
  fp = mix64(fp ^ kernel_.dispatches());
  fp = mix64(fp ^ fault_points_.draw());
  fp = mix64(fp ^ net_->draw());
  for (auto& n : nodes_) fp = mix64(fp ^ n->disk_->draw());
  Prng probe = root_.fork("fingerprint");
  fp = mix64(fp ^ probe.next_u64());
  return fp;
}

}  // namespace sim
