// QuorumController: the metadata controller of a KRaft cluster. Every quorum member runs
// one: it applies committed metadata batches to its image (so a standby is always ready);
// the member that leads the Raft quorum becomes the *active* controller once the
// LeaderChangeRecord of its term commits (by then everything before it is committed and
// applied), and only then serves requests.
//
// The active controller decides on a working image = committed image + its own batches not
// yet committed (its log suffix cannot be overwritten while it leads): each request is
// decided by ClusterControl / ReplicationControl, the records are proposed as one atomic
// batch and applied to the working image at once, and the response is sent when that batch
// (or, for a request that wrote nothing, the controller's last batch) commits. Losing the
// leadership drops the working image and the replies still waiting; their callers time out
// and retry, as their outcome is unknown.
//
// Requests reaching a controller that is not active get NOT_CONTROLLER with the quorum
// leader it knows of. A session-expiry fiber fences brokers that stop heartbeating; every
// batch that fences, unfences or re-registers a broker carries the partition leader/ISR
// changes that follow (ReplicationControl::reconcile).
#pragma once

#include <map>
#include <optional>

#include "broker_model/controller/cluster_control.h"
#include "broker_model/controller/metadata_image.h"
#include "broker_model/controller/raft_node.h"
#include "broker_model/controller/replication_control.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "sim/payload.h"

namespace broker_model {

struct QuorumControllerConfig {
  ClusterControlConfig cluster;
  ReplicationControlConfig replication;
  int64_t session_check_interval_ms = 100;  // how often broker sessions are checked
  bool auto_leader_rebalance_enable = true;               // auto.leader.rebalance.enable
  int64_t leader_imbalance_check_interval_ms = 300'000;   // leader.imbalance.check.interval.seconds
  int32_t leader_imbalance_per_broker_percentage = 10;    // leader.imbalance.per.broker.percentage
  uint32_t metadata_fetch_max_entries = 256;
};

class QuorumController final : public RaftClientListener {
 public:
  // Responses held until their batch commits; beyond this, requests are answered with
  // REQUEST_TIMED_OUT at once (the client retries).
  static constexpr size_t kMaxPendingReplies = 4'096;
  static constexpr size_t kMaxPartitionChangesPerBatch = 10'000;
  // Preferred-leader elections per pass (Kafka's maxElectionsPerImbalance default).
  static constexpr size_t kMaxElectionsPerImbalance = 1'000;

  QuorumController(sim::NodeContext& ctx, RpcEndpoint& rpc, RaftNode& raft, QuorumControllerConfig config);
  QuorumController(const QuorumController&) = delete;
  QuorumController& operator=(const QuorumController&) = delete;

  // Registers with the RaftNode (call before RaftNode::start) and starts the session fiber.
  void start();
  // Takes the controller's requests; false for any other body.
  bool handle(const RequestInfo& info, sim::Payload& body);

  bool active() const { return working_.has_value(); }
  // The committed image (what every member has applied).
  const MetadataImage& image() const { return committed_; }
  Offset applied_end_offset() const { return applied_end_; }

  // RaftClientListener.
  void handle_commit(const LogEntry& entry) override;
  void handle_leader_change(Term term, std::optional<sim::NodeId> leader) override;

 private:
  struct PendingReply {
    RequestInfo info;
    uint32_t bytes = 0;
    sim::Payload body;
  };

  void activate(Term term);
  void deactivate(const char* why);
  // Proposes `records` as one batch and applies them to the working image; nullopt when
  // this controller cannot write (not active, or the quorum is overloaded).
  std::optional<Offset> write(MetadataBatch records);
  // Appends the partition changes that broker membership records in `records` call for.
  MetadataBatch with_partition_changes(MetadataBatch records) const;
  // Replies now, or once the batch at `written` (or the last batch written) commits.
  void complete(const RequestInfo& info, uint32_t bytes, sim::Payload body, std::optional<Offset> written);
  ErrorCode write_error() const;
  // Writes a decision's records, if any; when the write is refused, the response says why
  // and where the leader is.
  template <class Response>
  std::optional<Offset> write_result(ControllerResult<Response>& result) {
    if (result.records.empty()) return std::nullopt;
    std::optional<Offset> written = write(std::move(result.records));
    if (!written) {
      result.response.error = write_error();
      result.response.leader_hint = raft_.leader();
    }
    return written;
  }
  void trace_batch(Offset offset, const MetadataBatch& batch);
  template <class Response>
  bool reject_if_inactive(const RequestInfo& info);
  void delay_request();  // the controller.request_delayed fault point

  void on_registration(const RequestInfo& info, const BrokerRegistrationRequest& req);
  void on_heartbeat(const RequestInfo& info, const BrokerHeartbeatRequest& req);
  void on_create_topics(const RequestInfo& info, const CreateTopicsRequest& req);
  void on_alter_partition(const RequestInfo& info, const AlterPartitionRequest& req);
  void on_metadata_fetch(const RequestInfo& info, const MetadataFetchRequest& req);
  void on_allocate_producer_ids(const RequestInfo& info, const AllocateProducerIdsRequest& req);
  void on_create_acls(const RequestInfo& info, const CreateAclsRequest& req);
  void on_delete_acls(const RequestInfo& info, const DeleteAclsRequest& req);
  // AclRecordCommitted for each ACL record of a batch about to be applied to the committed image.
  void report_acl_commits(const LogEntry& entry);
  void on_alter_partition_reassignments(const RequestInfo& info, const AlterPartitionReassignmentsRequest& req);
  void on_list_partition_reassignments(const RequestInfo& info);
  void on_unregister_broker(const RequestInfo& info, const UnregisterBrokerRequest& req);
  void on_incremental_alter_configs(const RequestInfo& info, const IncrementalAlterConfigsRequest& req);
  void session_loop();
  // auto.leader.rebalance.enable: every leader.imbalance.check.interval, preferred leaders back.
  void leader_balance_loop();

  sim::NodeContext& ctx_;
  RpcEndpoint& rpc_;
  RaftNode& raft_;
  QuorumControllerConfig config_;
  ClusterControl cluster_;
  ReplicationControl replication_;

  MetadataImage committed_;
  Offset applied_end_{0};
  std::optional<MetadataImage> working_;  // while active
  Term active_term_{0};
  std::optional<Offset> last_written_;
  std::multimap<Offset, PendingReply> pending_;
};

}  // namespace broker_model
