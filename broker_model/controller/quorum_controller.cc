#include "broker_model/controller/quorum_controller.h"

#include "broker_model/controller/acl_control.h"
#include "broker_model/controller/producer_id_control.h"
#include "broker_model/security/security_events.h"
#include "sim/check.h"
#include "broker_model/fault_sites.h"
#include "sim/fault_point.h"

namespace broker_model {

QuorumController::QuorumController(sim::NodeContext& ctx, RpcEndpoint& rpc, RaftNode& raft,
                                   QuorumControllerConfig config)
    : ctx_(ctx), rpc_(rpc), raft_(raft), config_(config), cluster_(config.cluster), replication_(config.replication) {}

void QuorumController::start() {
  raft_.set_listener(this);
  ctx_.spawn("controller-sessions", [this] { session_loop(); });
  if (config_.auto_leader_rebalance_enable) ctx_.spawn("controller-leader-balance", [this] { leader_balance_loop(); });
}

bool QuorumController::handle(const RequestInfo& info, sim::Payload& body) {
  if (auto* r = sim::payload_cast<BrokerRegistrationRequest>(&body)) {
    on_registration(info, *r);
  } else if (auto* h = sim::payload_cast<BrokerHeartbeatRequest>(&body)) {
    on_heartbeat(info, *h);
  } else if (auto* c = sim::payload_cast<CreateTopicsRequest>(&body)) {
    on_create_topics(info, *c);
  } else if (auto* a = sim::payload_cast<AlterPartitionRequest>(&body)) {
    on_alter_partition(info, *a);
  } else if (auto* f = sim::payload_cast<MetadataFetchRequest>(&body)) {
    on_metadata_fetch(info, *f);
  } else if (auto* p = sim::payload_cast<AllocateProducerIdsRequest>(&body)) {
    on_allocate_producer_ids(info, *p);
  } else if (auto* ca = sim::payload_cast<CreateAclsRequest>(&body)) {
    on_create_acls(info, *ca);
  } else if (auto* da = sim::payload_cast<DeleteAclsRequest>(&body)) {
    on_delete_acls(info, *da);
  } else if (auto* ar = sim::payload_cast<AlterPartitionReassignmentsRequest>(&body)) {
    on_alter_partition_reassignments(info, *ar);
  } else if (sim::payload_cast<ListPartitionReassignmentsRequest>(&body) != nullptr) {
    on_list_partition_reassignments(info);
  } else if (auto* u = sim::payload_cast<UnregisterBrokerRequest>(&body)) {
    on_unregister_broker(info, *u);
  } else if (auto* ac = sim::payload_cast<IncrementalAlterConfigsRequest>(&body)) {
    on_incremental_alter_configs(info, *ac);
  } else {
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------- Raft side

void QuorumController::handle_commit(const LogEntry& entry) {
  EDDY_CHECK_MSG(entry.offset == applied_end_, "committed entries must arrive in order");
  if (ctx_.observed<AclRecordCommitted>()) report_acl_commits(entry);
  committed_.apply(entry.batch);
  applied_end_ = entry.offset + 1;
  if (!active() && raft_.is_leader() && entry.term == raft_.term()) {
    for (const MetadataRecord& r : entry.batch) {
      const auto* lc = std::get_if<LeaderChangeRecord>(&r);
      if (lc != nullptr && lc->leader == ctx_.id()) activate(entry.term);
    }
  }
  // Replies wait for their batch; the multimap keeps them in offset order.
  while (!pending_.empty() && pending_.begin()->first <= entry.offset) {
    PendingReply p = std::move(pending_.begin()->second);
    pending_.erase(pending_.begin());
    rpc_.reply(p.info, p.bytes, std::move(p.body));
  }
}

void QuorumController::handle_leader_change(Term, std::optional<sim::NodeId> leader) {
  if (active() && leader != ctx_.id()) deactivate("lost leadership");
}

void QuorumController::activate(Term term) {
  // Nothing but this term's LeaderChangeRecord was written since the term began, and it is
  // committed: the committed image is the whole log.
  EDDY_CHECK_MSG(raft_.log_end_offset() == applied_end_, "new active controller with uncommitted entries");
  working_ = committed_;
  active_term_ = term;
  last_written_.reset();
  cluster_.reset_sessions(committed_, ctx_.now());
  ctx_.trace("controller.active", {{"term", term.value()}, {"applied_end", applied_end_.value()}});
  // Settle anything the previous controller left undone (e.g. fenced leaders).
  MetadataBatch changes = replication_.reconcile(*working_, kMaxPartitionChangesPerBatch);
  if (!changes.empty()) write(std::move(changes));
}

void QuorumController::deactivate(const char* why) {
  ctx_.trace("controller.inactive",
             {{"term", active_term_.value()}, {"why", why}, {"dropped_replies", pending_.size()}});
  working_.reset();
  pending_.clear();  // outcome unknown to the callers: they time out and retry
  last_written_.reset();
}

std::optional<Offset> QuorumController::write(MetadataBatch records) {
  if (!active() || records.empty()) return std::nullopt;
  Offset expected = raft_.log_end_offset();
  std::optional<Offset> offset = raft_.propose(records);
  if (!offset) return std::nullopt;
  // Broker epochs are this offset, decided before proposing: nothing may append in between.
  EDDY_CHECK_MSG(*offset == expected, "metadata batch landed at an unexpected offset");
  working_->apply(records);
  last_written_ = *offset;
  trace_batch(*offset, records);
  return offset;
}

MetadataBatch QuorumController::with_partition_changes(MetadataBatch records) const {
  bool membership = false;
  for (const MetadataRecord& r : records)
    membership = membership || std::holds_alternative<RegisterBrokerRecord>(r) ||
                 std::holds_alternative<FenceBrokerRecord>(r) || std::holds_alternative<UnfenceBrokerRecord>(r) ||
                 std::holds_alternative<BrokerRegistrationChangeRecord>(r) ||
                 std::holds_alternative<BrokerLogDirOfflineRecord>(r) ||
                 std::holds_alternative<UnregisterBrokerRecord>(r);
  if (!membership) return records;
  MetadataImage next = *working_;
  next.apply(records);
  // A broker registering again has no proof of a clean shutdown (KIP-966, Kafka's
  // ClusterControlManager.registerBroker with a previous broker epoch that does not match):
  // it leaves the ISRs and ELRs it is in before anything is elected.
  MetadataBatch unclean;
  for (const MetadataRecord& r : records)
    if (const auto* reg = std::get_if<RegisterBrokerRecord>(&r)) {
      MetadataBatch more = replication_.unclean_shutdown(next, reg->broker_id);
      next.apply(more);
      unclean.insert(unclean.end(), more.begin(), more.end());
    }
  records.insert(records.end(), unclean.begin(), unclean.end());
  MetadataBatch changes = replication_.reconcile(next, kMaxPartitionChangesPerBatch);
  records.insert(records.end(), changes.begin(), changes.end());
  return records;
}

void QuorumController::complete(const RequestInfo& info, uint32_t bytes, sim::Payload body, std::optional<Offset> written) {
  // A request that wrote nothing was still decided on the working image: it waits for the
  // last batch written, so no reply reveals state that may never commit.
  if (!written && last_written_ && *last_written_ >= raft_.high_watermark()) written = last_written_;
  if (!written) {
    rpc_.reply(info, bytes, std::move(body));
    return;
  }
  if (pending_.size() >= kMaxPendingReplies) {
    ctx_.trace("controller.reply_dropped", {{"type", info.type}});
    return;
  }
  pending_.emplace(*written, PendingReply{info, bytes, std::move(body)});
}

ErrorCode QuorumController::write_error() const {
  return raft_.is_leader() ? ErrorCode::kRequestTimedOut : ErrorCode::kNotController;
}

void QuorumController::trace_batch(Offset offset, const MetadataBatch& batch) {
  constexpr int32_t kLeaderUnchanged = -2;  // in traces; -1 is "no leader"
  for (const MetadataRecord& r : batch) {
    if (const auto* c = std::get_if<PartitionChangeRecord>(&r)) {
      ctx_.trace("controller.partition_change",
                 {{"offset", offset.value()}, {"partition", c->tp.str()},
                  {"leader", c->leader ? c->leader->value() : kLeaderUnchanged},
                  {"leader_epoch", c->leader_epoch.value()}, {"partition_epoch", c->partition_epoch.value()},
                  {"unclean", c->unclean_election}});
      if (c->unclean_election) ctx_.trace("controller.unclean_election", {{"partition", c->tp.str()}, {"leader", c->leader->value()}});
      if (c->elr || c->last_known_elr) {
        auto ids = [](const std::optional<std::vector<BrokerId>>& v) {
          std::string s = "-";  // unchanged
          if (v) {
            s = "[";
            for (BrokerId b : *v) s += (s.size() > 1 ? "," : "") + b.str();
            s += "]";
          }
          return s;
        };
        ctx_.trace("controller.elr", {{"partition", c->tp.str()}, {"elr", ids(c->elr)}, {"last_known_leader", ids(c->last_known_elr)}});
      }
    } else if (std::holds_alternative<PartitionRecord>(r)) {
      continue;  // CreateTopics traces the TopicRecord only
    } else {
      ctx_.trace("controller.record", {{"offset", offset.value()}, {"record", describe(r)}});
    }
  }
}

template <class Response>
bool QuorumController::reject_if_inactive(const RequestInfo& info) {
  if (active()) return false;
  Response resp;
  resp.error = ErrorCode::kNotController;
  resp.leader_hint = raft_.leader();
  rpc_.reply(info, kControllerResponseBytes, std::move(resp));
  return true;
}

// ---------------------------------------------------------------------------- requests

void QuorumController::on_registration(const RequestInfo& info, const BrokerRegistrationRequest& req) {
  if (reject_if_inactive<BrokerRegistrationResponse>(info)) return;
  auto result = cluster_.register_broker(*working_, req, raft_.log_end_offset(), ctx_.now());
  std::optional<Offset> written;
  if (!result.records.empty()) {
    written = write(with_partition_changes(std::move(result.records)));
    if (!written) result.response = BrokerRegistrationResponse{{write_error(), raft_.leader()}, kNoBrokerEpoch};
  }
  complete(info, kControllerResponseBytes, std::move(result.response), written);
}

void QuorumController::on_heartbeat(const RequestInfo& info, const BrokerHeartbeatRequest& req) {
  if (reject_if_inactive<BrokerHeartbeatResponse>(info)) return;
  auto result = cluster_.heartbeat(*working_, req, raft_.log_end_offset(), ctx_.now());
  std::optional<Offset> written;
  if (!result.records.empty()) {
    written = write(with_partition_changes(std::move(result.records)));
    if (!written) result.response = BrokerHeartbeatResponse{{write_error(), raft_.leader()}, false, true};
  }
  complete(info, kControllerResponseBytes, std::move(result.response), written);
}

void QuorumController::on_create_topics(const RequestInfo& info, const CreateTopicsRequest& req) {
  delay_request();
  if (reject_if_inactive<CreateTopicsResponse>(info)) return;
  auto result = replication_.create_topics(*working_, req);
  std::optional<Offset> written = write_result(result);
  uint32_t bytes = create_topics_response_bytes(result.response);
  complete(info, bytes, std::move(result.response), written);
}

void QuorumController::on_alter_partition(const RequestInfo& info, const AlterPartitionRequest& req) {
  delay_request();
  if (reject_if_inactive<AlterPartitionResponse>(info)) return;
  auto result = replication_.alter_partition(*working_, req);
  std::optional<Offset> written = write_result(result);
  if (result.response.error != ErrorCode::kNone)
    ctx_.trace("controller.alter_partition_rejected",
               {{"partition", req.tp.str()}, {"broker", req.broker_id.value()}, {"error", to_string(result.response.error)}});
  uint32_t bytes = alter_partition_response_bytes(result.response);
  complete(info, bytes, std::move(result.response), written);
}

void QuorumController::on_metadata_fetch(const RequestInfo& info, const MetadataFetchRequest& req) {
  if (reject_if_inactive<MetadataFetchResponse>(info)) return;
  MetadataFetchResponse resp;
  size_t max = std::min<size_t>(req.max_entries, config_.metadata_fetch_max_entries);
  if (EDDY_FAULT_POINT("controller.metadata_fetch_partial")) max = std::min<size_t>(max, 1);
  resp.entries = raft_.read_committed(req.fetch_offset, max);
  resp.high_watermark = raft_.high_watermark();
  uint32_t bytes = metadata_fetch_response_bytes(resp);
  rpc_.reply(info, bytes, std::move(resp));
}

void QuorumController::on_allocate_producer_ids(const RequestInfo& info, const AllocateProducerIdsRequest& req) {
  if (reject_if_inactive<AllocateProducerIdsResponse>(info)) return;
  auto result = ProducerIdControl::allocate(*working_, req);
  std::optional<Offset> written = write_result(result);
  if (!written) {  // an error, or the write was refused: no block to hand out
    result.response.producer_id_start = -1;
    result.response.producer_id_len = 0;
  }
  complete(info, kAllocateProducerIdsResponseBytes, std::move(result.response), written);
}

void QuorumController::report_acl_commits(const LogEntry& entry) {
  for (const MetadataRecord& r : entry.batch) {
    if (const auto* add = std::get_if<AccessControlEntryRecord>(&r)) {
      ctx_.emit(AclRecordCommitted{ctx_.id(), entry.offset, add->id, false, add->acl});
    } else if (const auto* remove = std::get_if<RemoveAccessControlEntryRecord>(&r)) {
      auto it = committed_.acls().find(remove->id);
      if (it != committed_.acls().end()) ctx_.emit(AclRecordCommitted{ctx_.id(), entry.offset, remove->id, true, it->second});
    }
  }
}

// CreateAcls / DeleteAcls (Kafka's QuorumController.createAcls / deleteAcls through
// AclControlManager): decided on the working image, answered when the batch commits. The
// caller's own authorization (Alter on the Cluster) is not checked here: the lab's admin is the
// only caller.
void QuorumController::on_create_acls(const RequestInfo& info, const CreateAclsRequest& req) {
  if (reject_if_inactive<CreateAclsResponse>(info)) return;
  auto result = AclControl::create_acls(*working_, req);
  std::optional<Offset> written = write_result(result);
  uint32_t bytes = kControllerResponseBytes + kAclResponseBytesPerEntry * static_cast<uint32_t>(result.response.results.size());
  complete(info, bytes, std::move(result.response), written);
}

void QuorumController::on_delete_acls(const RequestInfo& info, const DeleteAclsRequest& req) {
  if (reject_if_inactive<DeleteAclsResponse>(info)) return;
  auto result = AclControl::delete_acls(*working_, req);
  std::optional<Offset> written = write_result(result);
  uint32_t bytes = kControllerResponseBytes;
  for (const auto& r : result.response.results) bytes += kAclResponseBytesPerEntry * static_cast<uint32_t>(1 + r.deleted.size());
  complete(info, bytes, std::move(result.response), written);
}

void QuorumController::on_alter_partition_reassignments(const RequestInfo& info,
                                                        const AlterPartitionReassignmentsRequest& req) {
  if (reject_if_inactive<AlterPartitionReassignmentsResponse>(info)) return;
  auto result = replication_.alter_partition_reassignments(*working_, req);
  ctx_.trace("controller.alter_partition_reassignments",
             {{"partitions", req.partitions.size()}, {"changes", result.records.size()}});
  std::optional<Offset> written = write_result(result);
  uint32_t bytes = alter_partition_reassignments_response_bytes(result.response);
  complete(info, bytes, std::move(result.response), written);
}

void QuorumController::on_list_partition_reassignments(const RequestInfo& info) {
  if (reject_if_inactive<ListPartitionReassignmentsResponse>(info)) return;
  ListPartitionReassignmentsResponse resp = replication_.list_partition_reassignments(*working_);
  uint32_t bytes = list_partition_reassignments_response_bytes(resp);
  complete(info, bytes, std::move(resp), std::nullopt);  // waits for the last batch written, if any
}

// Kafka's ClusterControlManager.unregisterBroker: an unknown broker is BROKER_ID_NOT_REGISTERED;
// otherwise an UnregisterBrokerRecord, and (ReplicationControlManager.handleBrokerUnregistered)
// the broker leaves every ISR and leadership in the same batch.
void QuorumController::on_unregister_broker(const RequestInfo& info, const UnregisterBrokerRequest& req) {
  if (reject_if_inactive<UnregisterBrokerResponse>(info)) return;
  UnregisterBrokerResponse resp;
  const BrokerRegistration* b = working_->broker(req.broker_id);
  std::optional<Offset> written;
  if (b == nullptr) {
    resp.error = ErrorCode::kBrokerIdNotRegistered;
    resp.error_message = "broker " + req.broker_id.str() + " is not registered";
  } else {
    written = write(with_partition_changes({UnregisterBrokerRecord{req.broker_id, b->epoch}}));
    if (!written) {
      resp.error = write_error();
      resp.leader_hint = raft_.leader();
    }
  }
  complete(info, kControllerResponseBytes + static_cast<uint32_t>(resp.error_message.size()), std::move(resp), written);
}

void QuorumController::on_incremental_alter_configs(const RequestInfo& info, const IncrementalAlterConfigsRequest& req) {
  if (reject_if_inactive<IncrementalAlterConfigsResponse>(info)) return;
  auto result = replication_.alter_configs(*working_, req);
  std::optional<Offset> written = write_result(result);
  uint32_t bytes = kControllerResponseBytes + static_cast<uint32_t>(result.response.error_message.size());
  complete(info, bytes, std::move(result.response), written);
}

// Before any check: whatever changed meanwhile (leadership, the partition) is seen by it.
void QuorumController::delay_request() {
  if (EDDY_FAULT_POINT("controller.request_delayed")) ctx_.sleep_for(fault_delay(ctx_, sim::milliseconds(1), sim::milliseconds(200)));
}

void QuorumController::session_loop() {
  for (;;) {
    ctx_.sleep_for(sim::milliseconds(config_.session_check_interval_ms));
    if (!active()) continue;
    MetadataBatch fences = cluster_.fence_expired(*working_, ctx_.now());
    if (!fences.empty()) write(with_partition_changes(std::move(fences)));
  }
}

// Kafka's QuorumController.maybeScheduleNextBalancePartitionLeaders: a pass every
// leader.imbalance.check.interval; a pass that hit its election limit runs again soon.
void QuorumController::leader_balance_loop() {
  sim::Duration interval = sim::milliseconds(std::max<int64_t>(1, config_.leader_imbalance_check_interval_ms));
  bool more = false;
  for (;;) {
    ctx_.sleep_for(more ? sim::milliseconds(10) : interval);
    more = false;
    if (!active()) continue;
    MetadataBatch elections = replication_.balance_leaders(*working_, config_.leader_imbalance_per_broker_percentage,
                                                           kMaxElectionsPerImbalance);
    if (elections.empty()) continue;
    more = elections.size() >= kMaxElectionsPerImbalance;
    ctx_.trace("controller.preferred_leader_elections", {{"partitions", elections.size()}});
    write(std::move(elections));
  }
}

}  // namespace broker_model
