#include "broker_model/broker/request_authorizer.h"

#include <algorithm>

#include "broker_model/security/security_events.h"

namespace broker_model {

using security::AclOperation;
using security::ResourceType;

namespace {
const std::string kAnonymous{security::kAnonymousPrincipal};
const std::string kCluster{security::kClusterName};
}  // namespace

RequestAuthorizer::RequestAuthorizer(sim::NodeContext& ctx, BrokerId broker, security::AuthorizerConfig config,
                                     ProtocolVariants variants)
    : ctx_(ctx), broker_(broker), authorizer_(std::move(config), variants), variants_(variants), process_started_(ctx.true_now()) {}

void RequestAuthorizer::bind(sim::ConnectionId connection, std::string principal) {
  principals_[connection] = std::move(principal);
}

void RequestAuthorizer::forget(sim::ConnectionId connection) { principals_.erase(connection); }

const std::string& RequestAuthorizer::principal_of(sim::ConnectionId connection) const {
  auto it = principals_.find(connection);
  return it == principals_.end() ? kAnonymous : it->second;
}

// Kafka's AclPublisher hands each ACL delta to the authorizer as the broker's metadata loader
// applies it (StandardAuthorizer.addAcl / removeAcl).
void RequestAuthorizer::apply(Offset offset, const MetadataRecord& record) {
  const auto* add = std::get_if<AccessControlEntryRecord>(&record);
  const auto* remove = std::get_if<RemoveAccessControlEntryRecord>(&record);
  if (add == nullptr && remove == nullptr) return;
  bool ignored = false;
  if (add != nullptr) {
    authorizer_.add_acl(add->id, add->acl);
  } else if (variants_.has(Variant::kAclRemovalsIgnored)) {
    // BUG ZOO (`acl-removals-ignored`): the removal never reaches the authorizer, so a revoked
    // ALLOW keeps allowing (a stale ACL cache).
    ignored = true;
  } else {
    authorizer_.remove_acl(remove->id);
  }
  if (ctx_.observed<AclRecordApplied>())
    ctx_.emit(AclRecordApplied{broker_, offset, add != nullptr ? add->id : remove->id, remove != nullptr, process_started_, ignored});
}

std::vector<ProducePartitionResponse> RequestAuthorizer::authorize_produce(const std::string& principal,
                                                                           ProduceRequest& req) const {
  std::vector<ProducePartitionResponse> refused;
  if (!enabled()) return refused;
  ErrorCode all = ErrorCode::kNone;
  if (req.transactional_id && !allowed(principal, AclOperation::kWrite, ResourceType::kTransactionalId, *req.transactional_id))
    all = ErrorCode::kTransactionalIdAuthorizationFailed;
  std::erase_if(req.partitions, [&](const ProducePartitionData& pd) {
    ErrorCode e = all;
    if (e == ErrorCode::kNone && !allowed(principal, AclOperation::kWrite, ResourceType::kTopic, pd.tp.topic.str()))
      e = ErrorCode::kTopicAuthorizationFailed;
    if (e == ErrorCode::kNone) return false;
    refused.push_back(ProducePartitionResponse{pd.tp, e, Offset{-1}, kNoLeaderEpoch});
    return true;
  });
  return refused;
}

void RequestAuthorizer::report_produce(const std::string& principal, const ProduceRequest& req, const ProduceResponse& resp,
                                       sim::Instant at) const {
  if (!enabled() || authorizer_.is_super_user(principal) || !ctx_.observed<AclAccessAccepted>()) return;
  for (const ProducePartitionResponse& r : resp.partitions) {
    if (r.error != ErrorCode::kNone) continue;
    int64_t records = 0;
    for (const ProducePartitionData& pd : req.partitions)
      if (pd.tp == r.tp) records += pd.batch.record_count();
    ctx_.emit(AclAccessAccepted{broker_, principal, AclOperation::kWrite, r.tp, records, at});
  }
}

std::optional<FetchResponse> RequestAuthorizer::refuse_replica_fetch(const std::string& principal,
                                                                     const FetchRequest& req) const {
  if (allowed(principal, AclOperation::kClusterAction, ResourceType::kCluster, kCluster)) return std::nullopt;
  FetchResponse resp;
  resp.session_id = req.session_id;
  for (const FetchPartition& p : req.partitions) {
    FetchPartitionResponse r;
    r.tp = p.tp;
    r.error = ErrorCode::kTopicAuthorizationFailed;
    resp.partitions.push_back(std::move(r));
  }
  return resp;
}

// Decided when the answer is ready (after a long poll), which is when records are handed out.
void RequestAuthorizer::authorize_fetch_response(const std::string& principal, FetchResponse& resp) const {
  if (!enabled() || authorizer_.is_super_user(principal)) return;
  const sim::Instant at = ctx_.true_now();
  const bool report = ctx_.observed<AclAccessAccepted>();
  for (FetchPartitionResponse& r : resp.partitions) {
    if (!allowed(principal, AclOperation::kRead, ResourceType::kTopic, r.tp.topic.str())) {
      FetchPartitionResponse refused;
      refused.tp = r.tp;
      refused.error = ErrorCode::kTopicAuthorizationFailed;
      r = std::move(refused);
      continue;
    }
    if (!report || r.error != ErrorCode::kNone || r.batches.empty()) continue;
    int64_t records = 0;
    for (const RecordBatch& b : r.batches) records += b.record_count();
    ctx_.emit(AclAccessAccepted{broker_, principal, AclOperation::kRead, r.tp, records, at});
  }
}

bool RequestAuthorizer::may_write_idempotently(const std::string& principal, const std::vector<std::string>& topics) const {
  if (allowed(principal, AclOperation::kIdempotentWrite, ResourceType::kCluster, kCluster)) return true;
  return std::any_of(topics.begin(), topics.end(), [&](const std::string& t) {
    return allowed(principal, AclOperation::kWrite, ResourceType::kTopic, t);
  });
}

}  // namespace broker_model
