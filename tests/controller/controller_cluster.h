// A simulated KRaft cluster for tests: controller nodes (ControllerServer), broker nodes
// running the broker side of the metadata plane (ControllerChannel + MetadataClient +
// BrokerLifecycle on the broker's RpcEndpoint), and an admin node. The test drives it from
// the host between run_for() calls and reads the live processes through handles that are
// valid only while their incarnation runs. Work that must run inside a node (RPCs) is posted
// to that node's command queue and runs on one of its fibers.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "broker_model/controller/broker_lifecycle.h"
#include "broker_model/controller/controller_server.h"
#include "broker_model/controller/metadata_client.h"
#include "sim/world/world.h"
#include "tests/controller/raft_safety_checker.h"

namespace broker_model::testing {

// Runs posted closures on a fiber of the process (polled: the host cannot wake fibers).
class CommandQueue {
 public:
  static constexpr int64_t kPollMs = 5;
  void post(std::function<void()> fn) { commands_.push_back(std::move(fn)); }
  void run(sim::NodeContext& ctx);

 private:
  std::deque<std::function<void()>> commands_;
};

// What a broker process runs for the metadata plane; a real broker adds its replica manager
// and its request handler on the same RpcEndpoint.
struct BrokerProcess {
  BrokerProcess(sim::NodeContext& ctx, const std::vector<sim::NodeId>& controllers, BrokerLifecycleConfig config);
  void start();

  sim::NodeContext& ctx;
  RpcEndpoint rpc;
  ControllerChannel channel;
  MetadataClient metadata;
  BrokerLifecycle lifecycle;
  std::vector<std::pair<Offset, MetadataRecord>> applied;  // every record applied here
};

struct AdminProcess {
  AdminProcess(sim::NodeContext& ctx, const std::vector<sim::NodeId>& controllers);
  RpcEndpoint rpc;
  ControllerChannel channel;
};

struct ClusterOptions {
  uint64_t seed = 1;
  int controllers = 3;
  int brokers = 3;
  std::vector<std::string> racks;  // broker.rack per broker (empty: none)
  RaftConfig raft;
  QuorumControllerConfig controller;
  RaftSafetyChecker* checker = nullptr;  // watches the quorum; outlives the cluster
  int64_t broker_heartbeat_interval_ms = 2'000;
  double loss = 0.0;
  double duplicate = 0.0;
  bool record_trace = false;
};

class ControllerCluster {
 public:
  explicit ControllerCluster(ClusterOptions options);
  ~ControllerCluster();

  sim::World& world() { return *world_; }
  void run_for(sim::Duration d);

  sim::NodeId controller_node(int i) const { return sim::NodeId{static_cast<uint32_t>(i)}; }
  sim::NodeId broker_node(int i) const { return sim::NodeId{static_cast<uint32_t>(options_.controllers + i)}; }
  sim::NodeId admin_node() const { return sim::NodeId{static_cast<uint32_t>(options_.controllers + options_.brokers)}; }
  BrokerId broker_id(int i) const { return BrokerId(100 + i); }
  int broker_index(BrokerId id) const { return id.value() - 100; }

  // The live process objects, or nullptr while the node is down.
  ControllerServer* controller(int i);
  BrokerProcess* broker(int i);
  // The one active controller, or nullptr if there is none (or, wrongly, several).
  ControllerServer* active_controller();
  int active_controller_count();

  // Runs `fn` on a fiber of the admin node / of broker i; false (and nothing runs) if that
  // node is down or has not booted yet (run the world first).
  bool admin(std::function<void(AdminProcess&)> fn);
  bool on_broker(int i, std::function<void(BrokerProcess&)> fn);

  std::string trace() const { return trace_.str(); }

 private:
  template <class T>
  struct Handle {
    uint64_t incarnation = 0;
    T* process = nullptr;
    CommandQueue* commands = nullptr;
  };
  template <class T>
  T* live(const Handle<T>& h, sim::NodeId node);

  ClusterOptions options_;
  std::ostringstream trace_;
  std::vector<Handle<ControllerServer>> controllers_;
  std::vector<Handle<BrokerProcess>> brokers_;
  Handle<AdminProcess> admin_;
  std::unique_ptr<sim::World> world_;  // last: destroyed first
};

// Default settings for cluster tests: Kafka's quorum timeouts, a fast check of sessions.
RaftConfig kafka_like_raft_config();

}  // namespace broker_model::testing
