// BrokerLifecycle: the broker's side of membership (Kafka's BrokerLifecycleManager). A
// fiber registers the broker with the active controller (a fresh incarnation id per process
// start), then heartbeats every broker.heartbeat.interval.ms with the metadata offset it
// has applied; while fenced it heartbeats as soon as it has caught up with its own
// registration, so the controller can unfence it. A registration the controller no longer
// knows (STALE_BROKER_EPOCH, BROKER_ID_NOT_REGISTERED) makes it register again.
//
// Controlled shutdown (KIP-631; Kafka's BrokerLifecycleManager.beginControlledShutdown): the
// broker enters PENDING_CONTROLLED_SHUTDOWN and heartbeats at once with wantShutDown; the
// controller moves its leaderships away (cluster_control.h) and answers shouldShutDown when
// it may stop. wait_for_controlled_shutdown() blocks until then or until its timeout (Kafka's
// BrokerServer.shutdown waits on controlledShutdownFuture until its deadline).
//
// alter_partition() is the AlterPartition call a partition leader's replica manager uses to
// change the ISR (async: the callback gets the response, or nullopt when no controller
// answered).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "broker_model/controller/controller_channel.h"
#include "broker_model/controller/metadata_client.h"
#include "sim/wait_queue.h"

namespace broker_model {

struct BrokerLifecycleConfig {
  BrokerId broker_id;
  std::string rack;                               // broker.rack
  int64_t broker_heartbeat_interval_ms = 2'000;   // broker.heartbeat.interval.ms
  int64_t registration_retry_backoff_ms = 500;
};

class BrokerLifecycle {
 public:
  BrokerLifecycle(sim::NodeContext& ctx, ControllerChannel& channel, MetadataClient& metadata,
                  BrokerLifecycleConfig config);
  BrokerLifecycle(const BrokerLifecycle&) = delete;
  BrokerLifecycle& operator=(const BrokerLifecycle&) = delete;

  void start();

  BrokerId broker_id() const { return config_.broker_id; }
  uint64_t incarnation_id() const { return incarnation_id_; }
  bool registered() const { return registered_; }
  BrokerEpoch broker_epoch() const { return broker_epoch_; }
  // As the controller last said; true until the first heartbeat says otherwise.
  bool fenced() const { return fenced_; }

  // Starts a controlled shutdown (idempotent); the next heartbeat goes at once.
  void begin_controlled_shutdown();
  // True once the controller said shouldShutDown; false when `timeout_ms` passed first.
  bool wait_for_controlled_shutdown(int64_t timeout_ms);
  bool shutting_down() const { return pending_shutdown_; }

  // A log directory failed while the broker goes on (KIP-858; Kafka's
  // BrokerLifecycleManager.propagateDirectoryFailure): every heartbeat from now on names it and
  // its replicas (more may be added), and the next one goes at once.
  void log_dir_offline(const std::string& dir, const std::vector<TopicPartition>& replicas);

  void alter_partition(TopicPartition tp, LeaderEpoch leader_epoch, PartitionEpoch partition_epoch,
                       std::vector<BrokerId> new_isr, std::function<void(std::optional<AlterPartitionResponse>)> done);

 private:
  void run();
  bool register_once();
  void heartbeat_once();

  sim::NodeContext& ctx_;
  ControllerChannel& channel_;
  MetadataClient& metadata_;
  BrokerLifecycleConfig config_;
  uint64_t incarnation_id_;
  bool registered_ = false;
  BrokerEpoch broker_epoch_ = kNoBrokerEpoch;
  bool fenced_ = true;
  bool pending_shutdown_ = false;   // PENDING_CONTROLLED_SHUTDOWN
  bool shutdown_granted_ = false;   // the controller answered shouldShutDown
  bool got_shutdown_response_ = false;
  sim::WaitQueue shutdown_changed_{"controlled-shutdown"};
  sim::WaitQueue heartbeat_now_{"heartbeat-now"};
  std::vector<OfflineLogDir> offline_log_dirs_;
};

}  // namespace broker_model
