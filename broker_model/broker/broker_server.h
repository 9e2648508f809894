// A broker process: one RpcEndpoint; requests are queued per connection and handled in order
// by one fiber per connection, as Kafka mutes a connection while its
// request is in progress, so a request may block (acks=all, a long-poll fetch, disk I/O)
// without holding up other clients. Metadata comes from the controller quorum through the
// broker's MetadataClient; the ReplicaManager follows it, but only once this incarnation has
// been registered and unfenced: replaying the metadata log after a crash would otherwise make
// the broker leader again under an epoch it held before, with a log that lost its unsynced
// tail (a divergence no epoch check can see).
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "broker_model/broker/replica_manager.h"
#include "broker_model/broker/request_authorizer.h"
#include "broker_model/group/group_coordinator.h"
#include "broker_model/txn/transaction_coordinator.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "sim/channel.h"

namespace broker_model {

class BrokerLifecycle;
class ControllerChannel;
class MetadataClient;
class ProducerIdManager;

struct BrokerProcessConfig {
  BrokerConfig broker;
  std::string rack;
  std::vector<sim::NodeId> controllers;
  int64_t broker_heartbeat_interval_ms = 2'000;  // broker.heartbeat.interval.ms
  GroupCoordinatorConfig group;                  // offsets.topic.*, group.* broker configs
  TransactionCoordinatorConfig transactions;     // transaction.state.log.*, transaction.* broker configs
  bool controlled_shutdown_enable = true;        // controlled.shutdown.enable
  // How long a stopping broker waits for the controller to move its leaderships away (Kafka's
  // BrokerServer.shutdown waits on controlledShutdownFuture until the shutdown deadline).
  int64_t controlled_shutdown_timeout_ms = 30'000;
  // authorizer.class.name (StandardAuthorizer), super.users, allow.everyone.if.no.acl.found.
  security::AuthorizerConfig authorizer;
  // The principal this broker authenticates as on the connections it opens (replica fetches,
  // transaction markers, the controller); empty: none (security/sasl.h).
  std::string principal;
};

// The boot function of a broker node.
sim::BootFn make_broker_boot(BrokerProcessConfig config);

class BrokerServer {
 public:
  BrokerServer(sim::NodeContext& ctx, BrokerProcessConfig config);
  ~BrokerServer();
  void run();  // the process's main fiber

 private:
  struct Inbound {
    RequestInfo info;
    sim::Payload body;
  };
  void on_request(const RequestInfo& info, sim::Payload&& body);
  void connection_loop(sim::ConnectionId end);
  void on_disconnect(sim::ConnectionId end);
  void handle(const RequestInfo& info, sim::Payload& body);
  MetadataResponse handle_metadata(const MetadataRequest& req, const std::string& principal) const;
  // The partitions of `topic` as a metadata answer lists them, from the current image.
  std::shared_ptr<const PartitionMetadataList> partition_metadata(const TopicImage& topic, const std::string& name) const;
  // The group, transaction and InitProducerId requests `principal` may not make are answered
  // here with their authorization error (request_authorizer.h); true if `body` was one.
  bool refuse_unauthorized(const RequestInfo& info, sim::Payload& body, const std::string& principal);
  InitProducerIdResponse handle_init_producer_id(const InitProducerIdRequest& req);
  void apply_metadata_loop();
  // SIGTERM (World::terminate): controlled shutdown, then the logs closed, then exit.
  void shut_down();
  // Consumer-group requests (broker_model/group/); false if `body` is not one.
  bool handle_group_request(const RequestInfo& info, sim::Payload& body);
  FindCoordinatorResponse find_coordinator(const FindCoordinatorRequest& req);
  void create_offsets_topic();
  void create_internal_topic(const std::string& name, int32_t partitions, int16_t replication_factor,
                             std::map<std::string, std::string> configs);
  // Transaction requests (broker_model/txn/); false if `body` is not one.
  bool handle_txn_request(const RequestInfo& info, sim::Payload& body);
  // KIP-890: verifies with the transaction coordinator the partitions a transactional produce
  // would start a transaction on; refused ones are taken out of `req` and answered in `refused`.
  void verify_transactional_produce(ProduceRequest& req, std::vector<ProducePartitionResponse>& refused);
  void alter_partition(const IsrProposal& p, std::function<void(ErrorCode, std::optional<PartitionRegistration>)> done);

  sim::NodeContext& ctx_;
  BrokerProcessConfig config_;
  RpcEndpoint rpc_;
  std::unique_ptr<ControllerChannel> channel_;
  std::unique_ptr<MetadataClient> metadata_;
  std::unique_ptr<BrokerLifecycle> lifecycle_;
  std::unique_ptr<RequestAuthorizer> authz_;
  std::unique_ptr<ReplicaManager> replicas_;
  std::unique_ptr<ProducerIdManager> producer_ids_;
  std::unique_ptr<GroupCoordinator> groups_;
  std::unique_ptr<TransactionCoordinator> txns_;
  bool txns_started_ = false;
  std::map<std::string, bool> topic_creation_in_flight_;
  // Per topic: the metadata image version its partition list was built at, and the list.
  mutable std::map<std::string, std::pair<uint64_t, std::shared_ptr<const PartitionMetadataList>>> metadata_answers_;
  std::map<sim::ConnectionId, std::unique_ptr<sim::Channel<Inbound>>> connections_;
};

}  // namespace broker_model
