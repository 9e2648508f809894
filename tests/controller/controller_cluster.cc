#include "tests/controller/controller_cluster.h"

namespace broker_model::testing {

void CommandQueue::run(sim::NodeContext& ctx) {
  for (;;) {
    while (!commands_.empty()) {
      std::function<void()> fn = std::move(commands_.front());
      commands_.pop_front();
      fn();
    }
    ctx.sleep_for(sim::milliseconds(kPollMs));
  }
}

BrokerProcess::BrokerProcess(sim::NodeContext& c, const std::vector<sim::NodeId>& controllers,
                             BrokerLifecycleConfig config)
    : ctx(c),
      rpc(c),
      channel(c, rpc, controllers),
      metadata(c, channel, MetadataClientConfig{config.broker_id}),
      lifecycle(c, channel, metadata, std::move(config)) {}

void BrokerProcess::start() {
  metadata.add_listener([this](Offset o, const MetadataRecord& r, const MetadataImage&) { applied.emplace_back(o, r); });
  rpc.start([](const RequestInfo&, sim::Payload&&) {});  // this test broker serves nothing
  metadata.start();
  lifecycle.start();
}

AdminProcess::AdminProcess(sim::NodeContext& ctx, const std::vector<sim::NodeId>& controllers)
    : rpc(ctx), channel(ctx, rpc, controllers) {}

RaftConfig kafka_like_raft_config() { return RaftConfig{}; }

ControllerCluster::ControllerCluster(ClusterOptions options) : options_(std::move(options)) {
  sim::WorldConfig wc;
  wc.seed = options_.seed;
  wc.link.latency = sim::LatencyModel::uniform(sim::microseconds(200), sim::milliseconds(1));
  wc.link.loss = options_.loss;
  wc.link.duplicate = options_.duplicate;
  world_ = std::make_unique<sim::World>(wc);
  if (options_.record_trace) world_->trace().set_sink(&trace_);
  if (options_.checker != nullptr) options_.checker->watch(world_->events());
  std::vector<sim::NodeId> voters;
  for (int i = 0; i < options_.controllers; ++i) voters.push_back(controller_node(i));
  controllers_.resize(static_cast<size_t>(options_.controllers));
  brokers_.resize(static_cast<size_t>(options_.brokers));
  ControllerServerConfig cfg{voters, options_.raft, options_.controller};
  for (int i = 0; i < options_.controllers; ++i) {
    auto* h = &controllers_[static_cast<size_t>(i)];
    world_->add_node("controller" + std::to_string(i),
                     make_controller_server_boot(cfg, [h](sim::NodeContext& ctx, ControllerServer& s) {
                       *h = Handle<ControllerServer>{ctx.incarnation(), &s, nullptr};
                     }));
  }
  for (int i = 0; i < options_.brokers; ++i) {
    auto* h = &brokers_[static_cast<size_t>(i)];
    std::string rack = static_cast<size_t>(i) < options_.racks.size() ? options_.racks[static_cast<size_t>(i)] : "";
    BrokerLifecycleConfig lc{broker_id(i), rack};
    lc.broker_heartbeat_interval_ms = options_.broker_heartbeat_interval_ms;
    world_->add_node("broker" + std::to_string(i), [h, voters, lc](sim::NodeContext& ctx) {
      BrokerProcess& b = ctx.make<BrokerProcess>(ctx, voters, lc);
      CommandQueue& q = ctx.make<CommandQueue>();
      *h = Handle<BrokerProcess>{ctx.incarnation(), &b, &q};
      b.start();
      q.run(ctx);
    });
  }
  auto* ah = &admin_;
  world_->add_node("admin", [ah, voters](sim::NodeContext& ctx) {
    AdminProcess& a = ctx.make<AdminProcess>(ctx, voters);
    CommandQueue& q = ctx.make<CommandQueue>();
    *ah = Handle<AdminProcess>{ctx.incarnation(), &a, &q};
    a.rpc.start([](const RequestInfo&, sim::Payload&&) {});
    q.run(ctx);
  });
  for (size_t n = 0; n < world_->node_count(); ++n) world_->start(sim::NodeId{static_cast<uint32_t>(n)});
}

ControllerCluster::~ControllerCluster() { world_.reset(); }

void ControllerCluster::run_for(sim::Duration d) { world_->run(world_->now() + d); }

template <class T>
T* ControllerCluster::live(const Handle<T>& h, sim::NodeId node) {
  sim::Node& n = world_->node(node);
  if (n.state() == sim::NodeState::kDown || h.incarnation != n.incarnation()) return nullptr;
  return h.process;
}

ControllerServer* ControllerCluster::controller(int i) {
  return live(controllers_[static_cast<size_t>(i)], controller_node(i));
}

BrokerProcess* ControllerCluster::broker(int i) { return live(brokers_[static_cast<size_t>(i)], broker_node(i)); }

int ControllerCluster::active_controller_count() {
  int n = 0;
  for (int i = 0; i < options_.controllers; ++i)
    if (ControllerServer* s = controller(i); s != nullptr && s->controller().active()) ++n;
  return n;
}

ControllerServer* ControllerCluster::active_controller() {
  if (active_controller_count() != 1) return nullptr;
  for (int i = 0; i < options_.controllers; ++i)
    if (ControllerServer* s = controller(i); s != nullptr && s->controller().active()) return s;
  return nullptr;
}

bool ControllerCluster::admin(std::function<void(AdminProcess&)> fn) {
  AdminProcess* a = live(admin_, admin_node());
  if (a == nullptr) return false;
  admin_.commands->post([a, fn = std::move(fn)] { fn(*a); });
  return true;
}

bool ControllerCluster::on_broker(int i, std::function<void(BrokerProcess&)> fn) {
  BrokerProcess* b = broker(i);
  if (b == nullptr) return false;
  brokers_[static_cast<size_t>(i)].commands->post([b, fn = std::move(fn)] { fn(*b); });
  return true;
}

}  // namespace broker_model::testing
