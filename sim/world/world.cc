#include "sim/world/world.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>

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

[[noreturn]] void check_failed(const char* expr, const char* file, int line, const char* msg) {
  World* w = World::current();
  if (w != nullptr) {
    // Keep the trace up to the failure: it is what explains it.
    w->trace().flush();
    std::fprintf(stderr, "eddy: check failed: %s%s%s at %s:%d (seed %llu, simulated time %s)\n", expr,
                 msg ? ": " : "", msg ? msg : "", file, line, static_cast<unsigned long long>(w->seed()),
                 format_instant(w->now()).c_str());
  } else {
    std::fprintf(stderr, "eddy: check failed: %s%s%s at %s:%d\n", expr, msg ? ": " : "", msg ? msg : "", file, line);
  }
  std::fflush(stderr);
  std::abort();
}

std::string format_fingerprint(uint64_t fp) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, fp);
  return buf;
}

// ------------------------------------------------------------------ World

World::World(WorldConfig config)
    : config_(config),
      engine_(make_engine(config.engine, config.limits)),
      root_(config.seed),
      fault_points_(root_.fork("fault-points"), trace_) {
  engine_->set_seed_for_diagnostics(config.seed);
  engine_->configure_platform(PlatformModel{config.link.latency.floor(), config.cpu_flops});
  fault_points_.configure(config.fault_points);
  net_ = std::make_unique<Network>(*engine_, trace_, root_.fork("network"), static_cast<NetworkHost&>(*this));
  net_->set_default_link(config.link);
  group_node_.push_back(0);
}

World::~World() {
  World* saved = t_world;
  t_world = this;
  engine_->shutdown();
  // Node memory (processes still unwinding included) goes before the engine that ran it.
  nodes_.clear();
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
  n->disk_ = std::make_unique<Disk>(*engine_, trace_, static_cast<int>(id.value), root_.fork("disk", id.value), options.disk);
  EDDY_CHECK_MSG(options.cores >= 1, "a node has at least one core");
  if (options.nic_bytes_per_s < 0) n->options_.nic_bytes_per_s = config_.nic_bytes_per_s;
  if (options.cpu_flops <= 0) n->options_.cpu_flops = config_.cpu_flops;
  n->core_free_at_.assign(static_cast<size_t>(options.cores), Instant::epoch());
  engine_->add_host(id.value, HostModel{n->name_, n->options_.nic_bytes_per_s, options.disk.bandwidth_bytes_per_s,
                                        n->options_.cpu_flops, options.cores});
  nodes_.push_back(std::move(n));
  net_->resize(nodes_.size());
  net_->set_nic(id, nodes_.back()->options_.nic_bytes_per_s);
  return id;
}

int World::current_node_index() const {
  GroupId g = engine_->current_group();
  if (g >= group_node_.size()) return -1;
  return static_cast<int>(group_node_[g]) - 1;
}

void World::start(NodeId id) {
  Node& n = node(id);
  if (n.state_ != NodeState::kDown) return;
  ++n.incarnation_;
  GroupId g = engine_->create_group(n.name_ + "#" + std::to_string(n.incarnation_));
  if (group_node_.size() <= g) group_node_.resize(g + 1, 0);
  group_node_[g] = id.value + 1;
  engine_->bind_group(g, id.value);
  n.process_ = std::make_unique<NodeProcess>(*this, n, n.incarnation_, g, n.options_.inbox_capacity,
                                             root_.fork("node", id.value).fork("incarnation", n.incarnation_));
  n.state_ = NodeState::kUp;
  n.powered_ = true;
  trace_.record(now(), static_cast<int>(id.value), "node.start", {{"incarnation", n.incarnation_}});
  EDDY_LOG(info, "start {} (incarnation {})", n.name_, n.incarnation_);
  NodeContext* ctx = n.process_.get();
  BootFn boot = n.boot_;
  engine_->spawn(n.name_ + "/main", [ctx, boot] { boot(*ctx); }, FiberOptions{g, true});
}

void World::end_process(Node& n, bool power_loss) {
  net_->process_ended(n.id_, n.incarnation_, power_loss);
  NodeProcess* dying = n.process_.get();
  n.dying_.push_back(std::move(n.process_));
  n.state_ = NodeState::kDown;
  engine_->kill_group(dying->group(), [&n, dying] {
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
  if (!n.powered_) return;
  trace_.record(now(), static_cast<int>(id.value), "node.crash", {{"incarnation", n.incarnation_}});
  EDDY_LOG(info, "crash {} (incarnation {})", n.name_, n.incarnation_);
  if (n.state_ != NodeState::kDown) end_process(n, /*power_loss=*/true);
  n.powered_ = false;
  n.disk_->crash();
}

void World::kill(NodeId id) {
  Node& n = node(id);
  if (n.state_ == NodeState::kDown) return;
  trace_.record(now(), static_cast<int>(id.value), "node.kill", {{"incarnation", n.incarnation_}});
  EDDY_LOG(info, "kill {} (incarnation {})", n.name_, n.incarnation_);
  end_process(n, /*power_loss=*/false);
}

void World::shutdown(NodeId id) {
  Node& n = node(id);
  if (n.state_ == NodeState::kDown) return;
  trace_.record(now(), static_cast<int>(id.value), "node.shutdown", {{"incarnation", n.incarnation_}});
  end_process(n, /*power_loss=*/false);
}

void World::terminate(NodeId id) {
  Node& n = node(id);
  if (n.state_ == NodeState::kDown) return;
  NodeProcess& p = *n.process_;
  if (p.terminating()) return;
  p.set_terminating();
  trace_.record(now(), static_cast<int>(id.value), "node.terminate", {{"incarnation", n.incarnation_}});
  std::function<void()> handler = p.take_terminate_handler();
  if (handler) handler();
  else shutdown(id);
}

void World::restart(NodeId id) {
  crash(id);
  start(id);
}

void World::pause(NodeId id) {
  Node& n = node(id);
  if (n.state_ != NodeState::kUp) return;
  n.state_ = NodeState::kPaused;
  engine_->pause_group(n.process_->group());
  trace_.record(now(), static_cast<int>(id.value), "node.pause", {});
}

void World::resume(NodeId id) {
  Node& n = node(id);
  if (n.state_ != NodeState::kPaused) return;
  n.state_ = NodeState::kUp;
  engine_->resume_group(n.process_->group());
  trace_.record(now(), static_cast<int>(id.value), "node.resume", {});
}

bool World::host_up(NodeId id) const { return nodes_[id.value]->powered_; }

uint64_t World::process_incarnation(NodeId id) const {
  const Node& n = *nodes_[id.value];
  return n.state_ == NodeState::kDown ? 0 : n.incarnation_;
}

bool World::deliver(Envelope&& env) {
  Node& n = node(env.to);
  if (n.state_ == NodeState::kDown || n.process_ == nullptr) return false;
  return n.process_->deliver(std::move(env), n.state_ == NodeState::kUp);
}

uint64_t World::spawn(std::string name, std::function<void()> body) {
  return engine_->spawn(std::move(name), std::move(body), FiberOptions{kWorldGroup, false});
}

RunOutcome World::run(Instant until) {
  World* saved = t_world;
  t_world = this;
  RunOutcome out = engine_->run(until);
  t_world = saved;
  trace_.record(now(), Trace::kWorldNode, "run.end", {{"status", to_string(out.status)}});
  return out;
}

uint64_t World::fingerprint() {
  uint64_t fp = trace_.hash();
  fp = mix64(fp ^ fault_points_.draw());
  fp = mix64(fp ^ net_->draw());
  for (auto& n : nodes_) fp = mix64(fp ^ n->disk_->draw());
  Prng probe = root_.fork("fingerprint");
  fp = mix64(fp ^ probe.next_u64());
  return fp;
}

void World::charge_cpu(Node& n, double flops) {
  if (flops <= 0) return;
  if (engine_->compute(flops)) return;  // an engine with a CPU model (SimGrid: the host's cores)
  // The native CPU queue: the request waits for the first core free (the lowest-numbered
  // among equals), then holds it for flops / speed.
  auto core = std::min_element(n.core_free_at_.begin(), n.core_free_at_.end());
  Instant start = std::max(*core, now());
  auto ns = static_cast<int64_t>(std::llround(flops / n.options_.cpu_flops * 1e9));
  *core = start + nanoseconds(ns);
  engine_->sleep_until(*core, "cpu");
}

}  // namespace sim
