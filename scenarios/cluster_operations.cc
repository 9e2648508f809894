#include "scenarios/cluster_operations.h"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "broker_model/controller/admin_client.h"
#include "broker_model/controller/replica_placer.h"
#include "broker_model/controller/replication_control.h"
#include "scenarios/client_support.h"

namespace scenarios {

using namespace broker_model;

namespace {

sim::NodeId node_of(int broker) { return sim::NodeId{static_cast<uint32_t>(broker)}; }


std::string ids_text(const std::vector<int>& v) {
  std::string s;
  for (int b : v) s += (s.empty() ? "" : ",") + std::to_string(b);
  return "[" + s + "]";
}

using Note = std::function<void(const std::string&)>;

// Retries a controller call until it answers (bounded).
template <class Call>
auto with_retries(sim::NodeContext& ctx, Call call) -> decltype(call()) {
  for (int attempt = 0; attempt < ClusterOperations::kAdminAttemptsMax; ++attempt) {
    auto r = call();
    if (r && r->error == ErrorCode::kNone) return r;
    ctx.sleep_for(sim::milliseconds(200));
  }
  return std::nullopt;
}

// kafka-reassign-partitions --execute with --throttle: the throttle configs first (rates on
// every broker, leader side on every replica of the moving topics, follower side on their
// target replicas: only replicas out of the ISR are ever held back), then the reassignment;
// --verify: poll ListPartitionReassignments until it is empty, then remove the throttle.
void execute_reassignment(sim::NodeContext& ctx, LabState& lab, const std::vector<ReassignablePartition>& moves,
                          int64_t throttle, const Note& note) {
  ControllerChannel& channel = *lab.admin_channel;
  std::map<std::string, std::string> follower_lists;
  for (const ReassignablePartition& m : moves)
    for (BrokerId b : *m.replicas) {
      std::string& l = follower_lists[m.tp.topic.str()];
      l += (l.empty() ? "" : ",") + std::to_string(m.tp.partition) + ":" + b.str();
    }
  using R = ConfigRecord::Resource;
  auto throttle_configs = [&](bool set) {
    std::vector<ConfigRecord> c;
    auto value = [&](std::string v) { return set ? std::optional<std::string>(std::move(v)) : std::nullopt; };
    c.push_back(ConfigRecord{R::kBroker, "", kLeaderThrottledRateConfig, value(std::to_string(throttle))});
    c.push_back(ConfigRecord{R::kBroker, "", kFollowerThrottledRateConfig, value(std::to_string(throttle))});
    for (const auto& [topic, list] : follower_lists) {
      c.push_back(ConfigRecord{R::kTopic, topic, kLeaderThrottledReplicasConfig, value("*")});
      c.push_back(ConfigRecord{R::kTopic, topic, kFollowerThrottledReplicasConfig, value(list)});
    }
    return c;
  };
  if (throttle >= 0) {
    auto r = with_retries(ctx, [&] { return incremental_alter_configs(channel, throttle_configs(true)); });
    note(r ? "throttle set: " + std::to_string(throttle) + " B/s on the moving replicas" : "throttle could not be set");
  }
  // The targets as asked: the checker holds the cluster to them whatever the answers say.
  for (const ReassignablePartition& m : moves) lab.history.reassignments().targets[m.tp] = *m.replicas;
  // A request whose answer was lost is sent again: the same targets change nothing more
  // (Kafka's changePartitionReassignment against the replicas already listed).
  auto r = with_retries(ctx, [&] { return alter_partition_reassignments(channel, moves); });
  if (!r) {
    note("AlterPartitionReassignments got no answer");
    return;
  }
  int64_t errors = 0;
  for (const auto& p : r->partitions)
    if (p.error != ErrorCode::kNone) {
      if (errors++ < 3) note(p.tp.str() + ": " + to_string(p.error) + " " + p.error_message);
    }
  note("AlterPartitionReassignments: " + std::to_string(moves.size()) + " partition(s), " + std::to_string(errors) +
       " refused");
  sim::Instant deadline = ctx.now() + ClusterOperations::kFollowMax;
  size_t ongoing = moves.size();
  while (ctx.now() < deadline) {
    ctx.sleep_for(ClusterOperations::kPollInterval);
    auto l = list_partition_reassignments(channel);
    if (!l || l->error != ErrorCode::kNone) continue;
    ongoing = l->reassignments.size();
    if (ongoing == 0) break;
  }
  note(ongoing == 0 ? "reassignment complete" : std::to_string(ongoing) + " partition(s) still moving");
  if (throttle >= 0) with_retries(ctx, [&] { return incremental_alter_configs(channel, throttle_configs(false)); });
}

}  // namespace

void ClusterOperations::on_admin(std::function<void(sim::NodeContext&)> task) {
  auto finished = std::make_shared<bool>(false);
  lab_.admin_tasks.push_back([task = std::move(task), finished, this](sim::NodeContext& ctx) {
    task(ctx);
    *finished = true;
    lab_.changed.notify_all();
  });
  lab_.admin_wakeup.notify_all();
  while (!*finished) lab_.changed.wait();
}

std::vector<int> ClusterOperations::live_brokers() const {
  std::vector<int> out;
  for (int b = 0; b < spec_.cluster.brokers; ++b) {
    if (std::find(decommissioned_.begin(), decommissioned_.end(), b) != decommissioned_.end()) continue;
    if (spec_.started_later(b) && added_.count(b) == 0) continue;  // not added yet
    out.push_back(b);
  }
  return out;
}

void ClusterOperations::schedule(sim::Instant start, std::vector<std::string>& fired) {
  for (const OperationSpec& op : spec_.operations) {
    world_.spawn("operation-" + std::string(to_string(op.kind)), [this, &op, start, &fired] {
      sim::this_fiber::sleep_until(start + op.at);
      run(op, fired);
    });
  }
}

void ClusterOperations::run(const OperationSpec& op, std::vector<std::string>& fired) {
  auto note = [&](const std::string& what) {
    fired.push_back(fault_line(lab_, world_.now(), std::string(to_string(op.kind)) + " " + ids_text(op.brokers) + ": " + what));
  };
  const sim::Instant began = world_.now();
  if (op.kind == OperationSpec::Kind::kAddBrokers) {
    for (int b : op.brokers) {
      added_.insert(b);
      lab_.brokers.push_back(BrokerId{b});
      world_.start(node_of(b));
    }
    note("started; they register with the controller");
    return;
  }
  std::vector<PlacementBroker> placement;
  for (int b : op.kind == OperationSpec::Kind::kReassign ? op.brokers : live_brokers()) {
    if (op.kind == OperationSpec::Kind::kDecommission && std::find(op.brokers.begin(), op.brokers.end(), b) != op.brokers.end())
      continue;
    std::string rack = b < static_cast<int>(spec_.cluster.racks.size()) ? spec_.cluster.racks[static_cast<size_t>(b)] : "";
    placement.push_back(PlacementBroker{BrokerId{b}, rack});
  }
  // kafka-reassign-partitions --generate: the topics placed anew on the broker list, as
  // Kafka's rack-aware assignment does (here from start index 0; the tool draws one).
  std::vector<ReassignablePartition> moves;
  for (const TopicSpec& t : spec_.topics) {
    if (!op.topics.empty() && std::find(op.topics.begin(), op.topics.end(), t.name) == op.topics.end()) continue;
    auto assignment = place_replicas(placement, t.partitions, t.replication_factor, 0);
    if (!assignment) {
      note("no placement of '" + t.name + "' on " + std::to_string(placement.size()) + " broker(s)");
      return;
    }
    for (int32_t p = 0; p < t.partitions; ++p)
      moves.push_back(ReassignablePartition{TopicPartition{t.name, p}, (*assignment)[static_cast<size_t>(p)]});
  }
  const int64_t throttle = op.throttle_bytes_per_s;
  on_admin([&](sim::NodeContext& ctx) { execute_reassignment(ctx, lab_, moves, throttle, note); });
  char took[48];
  std::snprintf(took, sizeof took, "took %.3f s", static_cast<double>((world_.now() - began).ns()) / 1e9);
  note(took);
  if (op.kind != OperationSpec::Kind::kDecommission) return;
  // Decommission: every broker stops (controlled shutdown) and is unregistered (KIP-631).
  for (int b : op.brokers) {
    decommissioned_.push_back(b);
    // Out of the clients' bootstrap list and the final dump (a bootstrap.servers update).
    auto drop = [b](std::vector<BrokerId>& v) { v.erase(std::remove(v.begin(), v.end(), BrokerId{b}), v.end()); };
    drop(lab_.brokers);
    drop(lab_.all_brokers);
    injector_.retire(node_of(b));
    if (world_.node(node_of(b)).state() == sim::NodeState::kUp) world_.terminate(node_of(b));
    sim::Instant stop_deadline = world_.now() + sim::seconds(60);
    while (world_.node(node_of(b)).state() != sim::NodeState::kDown && world_.now() < stop_deadline)
      world_.sleep_for(sim::milliseconds(50));
    bool unregistered = false;
    on_admin([&](sim::NodeContext& ctx) {
      ControllerChannel& channel = *lab_.admin_channel;
      // BROKER_ID_NOT_REGISTERED to a retry: an earlier attempt took effect (its answer was lost).
      for (int attempt = 0; attempt < kAdminAttemptsMax && !unregistered; ++attempt) {
        auto r = unregister_broker(channel, BrokerId{b});
        unregistered = r && (r->error == ErrorCode::kNone || (attempt > 0 && r->error == ErrorCode::kBrokerIdNotRegistered));
        if (!unregistered) ctx.sleep_for(sim::milliseconds(200));
      }
    });
    note("broker " + std::to_string(b) + (unregistered ? " stopped and unregistered" : " stopped; UnregisterBroker failed"));
  }
}

}  // namespace scenarios
