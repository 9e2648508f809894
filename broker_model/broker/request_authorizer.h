// The broker's authorization of client requests (Kafka's KafkaApis with an Authorizer
// configured, core/src/main/scala/kafka/server/KafkaApis.scala): which principal each
// connection authenticated as (security/sasl.h), the StandardAuthorizer kept up to date from
// the metadata log, and the checks each request kind makes:
//
//  - Produce: Write on the TransactionalId of a transactional produce, else every partition
//    TRANSACTIONAL_ID_AUTHORIZATION_FAILED; Write on each partition's Topic, else that
//    partition TOPIC_AUTHORIZATION_FAILED (handleProduceRequest);
//  - Fetch: a follower's needs ClusterAction on the Cluster, else every partition
//    TOPIC_AUTHORIZATION_FAILED; a consumer's needs Read on each Topic (handleFetchRequest);
//  - Metadata: Describe on each Topic; a named topic without it answers
//    TOPIC_AUTHORIZATION_FAILED, an all-topics request leaves it out (handleTopicMetadataRequest);
//  - JoinGroup, SyncGroup, Heartbeat, LeaveGroup: Read on the Group; OffsetCommit: Read on the
//    Group, then Read on each Topic; OffsetFetch: Describe on the Group; FindCoordinator:
//    Describe on the Group or TransactionalId (GROUP_ / TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
//  - InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit: Write on the
//    TransactionalId; an idempotent InitProducerId needs IdempotentWrite on the Cluster or Write
//    on some topic, else CLUSTER_AUTHORIZATION_FAILED (handleInitProducerIdRequest);
//  - WriteTxnMarkers: ClusterAction on the Cluster (a broker's request).
//
// With the authorizer off (no `security:` in the scenario) every check passes without a lookup.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "broker_model/controller/metadata_records.h"
#include "broker_model/protocol/messages.h"
#include "broker_model/security/standard_authorizer.h"
#include "sim/node_context.h"

namespace broker_model {

class RequestAuthorizer {
 public:
  RequestAuthorizer(sim::NodeContext& ctx, BrokerId broker, security::AuthorizerConfig config, ProtocolVariants variants);

  bool enabled() const { return authorizer_.enabled(); }
  const security::StandardAuthorizer& authorizer() const { return authorizer_; }

  // Connections: the principal a SaslAuthenticate bound, or User:ANONYMOUS.
  void bind(sim::ConnectionId connection, std::string principal);
  void forget(sim::ConnectionId connection);
  const std::string& principal_of(sim::ConnectionId connection) const;

  // A metadata record the broker applied: ACL records go to the authorizer.
  void apply(Offset offset, const MetadataRecord& record);

  bool allowed(const std::string& principal, security::AclOperation op, security::ResourceType type,
               const std::string& name) const {
    return !enabled() || authorizer_.allowed(principal, op, type, name);
  }

  // Takes the partitions `principal` may not write out of `req`; returns their answers.
  std::vector<ProducePartitionResponse> authorize_produce(const std::string& principal, ProduceRequest& req) const;
  // Reports the partitions the produce appended (AclAccessAccepted), authorized at `at`.
  void report_produce(const std::string& principal, const ProduceRequest& req, const ProduceResponse& resp,
                      sim::Instant at) const;
  // A follower's fetch without ClusterAction: the refusal to send instead; nullopt when allowed.
  std::optional<FetchResponse> refuse_replica_fetch(const std::string& principal, const FetchRequest& req) const;
  // A consumer's fetch: partitions of topics `principal` may not read become
  // TOPIC_AUTHORIZATION_FAILED without records; the rest are reported when they carry records.
  void authorize_fetch_response(const std::string& principal, FetchResponse& resp) const;
  // InitProducerId without a transactional.id (handleInitProducerIdRequest).
  bool may_write_idempotently(const std::string& principal, const std::vector<std::string>& topics) const;

 private:
  sim::NodeContext& ctx_;
  BrokerId broker_;
  security::StandardAuthorizer authorizer_;
  ProtocolVariants variants_;
  sim::Instant process_started_;
  std::map<sim::ConnectionId, std::string> principals_;
};

}  // namespace broker_model
