// BrokerLifecycle: the broker's side of membership (Kafka's BrokerLifecycleManager). A
// fiber registers the broker with the active controller (a fresh incarnation id per process
// start), then heartbeats every broker.heartbeat.interval.ms with the metadata offset it
// has applied; while fenced it heartbeats as soon as it has caught up with its own
// registration, so the controller can unfence it. A registration the controller no longer
// knows (STALE_BROKER_EPOCH, BROKER_ID_NOT_REGISTERED) makes it register again.
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
};

}  // namespace broker_model
