// A broker's link to the controller quorum (Kafka's BrokerLifecycleManager plus the metadata
// log follower): registers with the active controller (a new incarnation id per process
// start), heartbeats every broker.heartbeat.interval.ms, and fetches the committed metadata
// log from the active controller, applying it to the broker's MetadataImage and notifying
// the broker after each applied fetch. Also sends the replica manager's AlterPartition
// proposals. Finds the active controller by asking any controller and following
// NOT_CONTROLLER leader hints.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "broker_model/broker/partition.h"
#include "broker_model/controller/controller_messages.h"
#include "broker_model/controller/metadata_image.h"
#include "broker_model/rpc/rpc_endpoint.h"

namespace broker_model {

class BrokerMetadataClient {
 public:
  BrokerMetadataClient(RpcEndpoint& rpc, BrokerId id, std::string rack, std::vector<sim::NodeId> controllers,
                       sim::Duration heartbeat_interval, std::function<void(const MetadataImage&)> on_update);
  void start();

  const MetadataImage& image() const { return image_; }
  BrokerEpoch broker_epoch() const { return broker_epoch_; }
  bool fenced() const { return fenced_; }
  void alter_partition(const IsrProposal& proposal,
                       std::function<void(ErrorCode, std::optional<PartitionRegistration>)> done);

 private:
  void lifecycle_loop();
  void fetch_loop();
  bool register_once();
  void heartbeat_once();
  // Sends to the active controller as far as known, rotating on failure or a leader hint.
  template <class Resp>
  const Resp* call_controller(std::optional<std::any>& holder, const char* rpc, uint32_t bytes, std::any body);
  void follow_hint(const ControllerResponseHeader* h);

  RpcEndpoint& rpc_;
  BrokerId id_;
  std::string rack_;
  std::vector<sim::NodeId> controllers_;
  size_t active_ = 0;
  sim::Duration heartbeat_interval_;
  std::function<void(const MetadataImage&)> on_update_;
  uint64_t incarnation_id_;
  BrokerEpoch broker_epoch_ = kNoBrokerEpoch;
  bool fenced_ = true;
  // The broker acts on metadata only once this incarnation has been registered and unfenced:
  // replaying the log from the start would otherwise make it leader again under an epoch it
  // held before a crash, with a log that lost its unsynced tail (a divergence).
  bool publishing_ = false;
  MetadataImage image_;
  Offset next_metadata_offset_{0};
};

}  // namespace broker_model
