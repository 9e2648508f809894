#include "broker_model/clients/group_consumer.h"

#include <algorithm>

#include "broker_model/group/assignors.h"
#include "broker_model/group/consumer_protocol.h"
#include "broker_model/fault_sites.h"
#include "sim/fault_point.h"

namespace broker_model {

namespace {
sim::NodeId node_of(BrokerId b) { return sim::NodeId{static_cast<uint32_t>(b.value())}; }
// Rounds of join/sync one poll may go through before it returns to the application.
constexpr int kJoinRoundsPerPoll = 8;
// Attempts of a synchronous commit on retriable errors.
constexpr int kCommitAttemptsMax = 5;
constexpr sim::Duration kJoinSlack = sim::seconds(5);

bool retriable_coordinator_error(ErrorCode e) {
  return e == ErrorCode::kNotCoordinator || e == ErrorCode::kCoordinatorNotAvailable ||
         e == ErrorCode::kCoordinatorLoadInProgress || e == ErrorCode::kRequestTimedOut;
}

std::vector<TopicPartition> minus(const std::vector<TopicPartition>& a, const std::vector<TopicPartition>& b) {
  std::vector<TopicPartition> out;
  for (const auto& tp : a)
    if (std::find(b.begin(), b.end(), tp) == b.end()) out.push_back(tp);
  return out;
}
}  // namespace

GroupConsumer::GroupConsumer(RpcEndpoint& rpc, ClientMetadata& metadata, ConsumerConfig config, std::vector<std::string> topics,
                             GroupConsumerListener& listener, int consumer_index)
    : rpc_(rpc),
      metadata_(metadata),
      config_(std::move(config)),
      topics_(std::move(topics)),
      listener_(listener),
      index_(consumer_index),
      fetcher_(rpc, metadata, config_, *this, fetched_) {}

void GroupConsumer::start() {
  if (!config_.client_id.empty())
    rpc_.context().trace("consumer.start", {{"consumer", index_}, {"group", config_.group_id}, {"client_id", config_.client_id}});
  last_poll_ = rpc_.context().now();
  next_auto_commit_ = last_poll_ + sim::milliseconds(config_.auto_commit_interval_ms);
  rpc_.context().spawn("heartbeat", [this] { heartbeat_loop(); });
}

// ---- coordinator ----------------------------------------------------------------------------

bool GroupConsumer::ensure_coordinator() {
  if (coordinator_) return true;
  std::vector<BrokerId> brokers;
  for (int32_t i = 0;; ++i) {  // any broker answers FindCoordinator; try them in turn
    auto l = metadata_.leader(TopicPartition{topics_.empty() ? std::string() : topics_.front(), i});
    if (!l) break;
    if (std::find(brokers.begin(), brokers.end(), l->leader) == brokers.end()) brokers.push_back(l->leader);
  }
  if (brokers.empty()) {
    metadata_.request_refresh();
    return false;
  }
  for (BrokerId b : brokers) {
    FindCoordinatorRequest req{config_.group_id};
    auto resp = rpc_.call(node_of(b), kFindCoordinatorRpc, wire_bytes(req), req, sim::milliseconds(config_.request_timeout_ms));
    const auto* r = resp ? sim::payload_cast<FindCoordinatorResponse>(&*resp) : nullptr;
    if (r != nullptr && r->error == ErrorCode::kNone) {
      coordinator_ = r->node_id;
      rpc_.context().emit(MemberCoordinatorFound{facts()});
      return true;
    }
  }
  return false;
}

void GroupConsumer::coordinator_unknown(const char* why) {
  if (coordinator_) rpc_.context().emit(MemberCoordinatorLost{facts(), why});
  coordinator_.reset();
}

std::optional<sim::Payload> GroupConsumer::call_coordinator(sim::Symbol type, uint32_t bytes, sim::Payload body, sim::Duration timeout) {
  if (!coordinator_) return std::nullopt;
  auto r = rpc_.call(node_of(*coordinator_), type, bytes, std::move(body), timeout);
  if (!r) coordinator_unknown("request timed out");
  return r;
}

// ---- heartbeats -----------------------------------------------------------------------------

void GroupConsumer::heartbeat_loop() {
  sim::NodeContext& ctx = rpc_.context();
  for (;;) {
    ctx.sleep_for(sim::milliseconds(config_.heartbeat_interval_ms));
    if (EDDY_FAULT_POINT("group.heartbeat_delayed")) ctx.sleep_for(fault_delay(ctx, sim::milliseconds(100), sim::seconds(2)));
    if (state_ != State::kStable || !coordinator_ || fatal_ || lost_ || rejoin_needed_) continue;
    if (ctx.now() - last_poll_ > sim::milliseconds(config_.max_poll_interval_ms)) {
      // Kafka's heartbeat thread: the application stopped polling, leave so the group moves on.
      ctx.emit(MemberPollTimeout{facts(), config_.max_poll_interval_ms});
      if (!config_.group_instance_id) {
        LeaveGroupRequest req{config_.group_id, member_id_, config_.group_instance_id, "consumer poll timeout has expired"};
        call_coordinator(kLeaveGroupRpc, wire_bytes(req), req, sim::milliseconds(config_.request_timeout_ms));
      }
      lost_ = true;
      continue;
    }
    HeartbeatRequest req{config_.group_id, generation_, member_id_, config_.group_instance_id};
    int64_t timeout_ms = std::min(config_.request_timeout_ms, config_.session_timeout_ms);
    auto resp = call_coordinator(kHeartbeatRpc, wire_bytes(req), req, sim::milliseconds(timeout_ms));
    const auto* r = resp ? sim::payload_cast<HeartbeatResponse>(&*resp) : nullptr;
    if (r == nullptr) continue;
    switch (r->error) {
      case ErrorCode::kNone: break;
      case ErrorCode::kRebalanceInProgress: rejoin_needed_ = true; break;
      case ErrorCode::kIllegalGeneration:
      case ErrorCode::kUnknownMemberId:
      case ErrorCode::kFencedInstanceId:
        ctx.emit(MemberHeartbeatFenced{facts(), r->error, member_id_});
        lost_ = true;
        if (r->error == ErrorCode::kFencedInstanceId) fatal_ = true;
        break;
      default: coordinator_unknown(to_string(r->error)); break;
    }
  }
}

// ---- rebalancing ----------------------------------------------------------------------------

std::string GroupConsumer::subscription_metadata() const {
  ConsumerSubscription s;
  s.topics = topics_;
  s.owned_partitions = is_cooperative(protocol_) || assigned_.size() > 0 ? assigned_ : previously_owned_;
  s.generation = generation_;
  return encode_subscription(s);
}

void GroupConsumer::revoke(const std::vector<TopicPartition>& tps) {
  if (tps.empty()) return;
  listener_.on_partitions_revoked(tps);
  assigned_ = minus(assigned_, tps);
  fetcher_.assign(assigned_);
}

void GroupConsumer::handle_lost() {
  if (!lost_) return;
  lost_ = false;
  if (!assigned_.empty()) {
    std::vector<TopicPartition> tps = assigned_;
    listener_.on_partitions_lost(tps);
    rpc_.context().emit(MemberPartitionsLost{facts(), tps});
  }
  assigned_.clear();
  previously_owned_.clear();
  fetcher_.assign({});
  member_id_.clear();
  generation_ = kNoGeneration;
  state_ = State::kUnjoined;
  rejoin_needed_ = true;
}

bool GroupConsumer::ensure_group(sim::Instant deadline) {
  sim::NodeContext& ctx = rpc_.context();
  for (int round = 0; round < kJoinRoundsPerPoll && !fatal_; ++round) {
    if (!rejoin_needed_ && state_ == State::kStable) return true;
    if (ctx.now() >= deadline && round > 0) return false;
    if (!ensure_coordinator()) {
      ctx.sleep_for(sim::milliseconds(std::max<int64_t>(1, config_.retry_backoff_ms)));
      continue;
    }
    join_and_sync();
  }
  return state_ == State::kStable && !rejoin_needed_;
}

// One JoinGroup + SyncGroup round. Returns true when the member is stable afterwards.
bool GroupConsumer::join_and_sync() {
  sim::NodeContext& ctx = rpc_.context();
  const bool cooperative = is_cooperative(protocol_);
  if (!cooperative && !assigned_.empty()) {
    // Eager: give everything up before rejoining (auto-commit first, as Kafka's onJoinPrepare).
    if (config_.enable_auto_commit) commit_sync(positions());
    previously_owned_ = assigned_;
    revoke(assigned_);
  }
  state_ = State::kRebalancing;
  JoinGroupRequest join;
  join.group_id = config_.group_id;
  join.session_timeout_ms = static_cast<int32_t>(config_.session_timeout_ms);
  join.rebalance_timeout_ms = static_cast<int32_t>(config_.max_poll_interval_ms);
  join.member_id = member_id_;
  join.group_instance_id = config_.group_instance_id;
  std::string metadata = subscription_metadata();
  for (const auto& a : config_.assignors) join.protocols.push_back(JoinGroupProtocol{a, metadata});
  // Kafka's JoinGroup/SyncGroup timeout: max(request.timeout.ms, rebalance timeout + 5 s).
  const sim::Duration join_timeout =
      std::max(sim::milliseconds(config_.request_timeout_ms), sim::milliseconds(config_.max_poll_interval_ms) + kJoinSlack);
  auto resp = call_coordinator(kJoinGroupRpc, wire_bytes(join), join, join_timeout);
  const auto* jr = resp ? sim::payload_cast<JoinGroupResponse>(&*resp) : nullptr;
  if (jr == nullptr) return false;
  switch (jr->error) {
    case ErrorCode::kNone: break;
    case ErrorCode::kUnknownMemberId:
    case ErrorCode::kIllegalGeneration:
      ctx.sleep_for(sim::milliseconds(std::max<int64_t>(1, config_.retry_backoff_ms)));
      ctx.emit(MemberJoinFailed{facts(), jr->error, false});
      if (!assigned_.empty()) {
        lost_ = true;
        handle_lost();
      }
      member_id_.clear();
      generation_ = kNoGeneration;
      return false;
    case ErrorCode::kFencedInstanceId:
    case ErrorCode::kInconsistentGroupProtocol:
    case ErrorCode::kInvalidSessionTimeout:
      ctx.emit(MemberJoinFailed{facts(), jr->error, true});
      fatal_ = true;
      return false;
    default:
      if (retriable_coordinator_error(jr->error) && jr->error != ErrorCode::kCoordinatorLoadInProgress)
        coordinator_unknown(to_string(jr->error));
      ctx.sleep_for(sim::milliseconds(std::max<int64_t>(1, config_.retry_backoff_ms)));
      return false;
  }
  member_id_ = jr->member_id;
  int32_t joined_generation = jr->generation_id;
  std::string protocol = jr->protocol_name;
  SyncGroupRequest sync;
  sync.group_id = config_.group_id;
  sync.generation_id = joined_generation;
  sync.member_id = member_id_;
  sync.group_instance_id = config_.group_instance_id;
  if (jr->leader == member_id_ && !jr->members.empty()) sync.assignments = run_assignor(*jr);
  auto sresp = call_coordinator(kSyncGroupRpc, wire_bytes(sync), sync, join_timeout);
  const auto* sr = sresp ? sim::payload_cast<SyncGroupResponse>(&*sresp) : nullptr;
  if (sr == nullptr) return false;
  if (sr->error != ErrorCode::kNone) {
    ctx.sleep_for(sim::milliseconds(std::max<int64_t>(1, config_.retry_backoff_ms)));
    ctx.emit(MemberSyncFailed{facts(), sr->error, joined_generation});
    if (sr->error == ErrorCode::kUnknownMemberId) {
      if (!assigned_.empty()) {
        lost_ = true;
        handle_lost();
      }
      member_id_.clear();
      generation_ = kNoGeneration;
    } else if (sr->error == ErrorCode::kFencedInstanceId) {
      fatal_ = true;
    } else if (retriable_coordinator_error(sr->error) && sr->error != ErrorCode::kCoordinatorLoadInProgress) {
      coordinator_unknown(to_string(sr->error));
    }
    return false;
  }
  std::optional<ConsumerAssignment> a = decode_assignment(sr->assignment);
  int32_t old_generation = generation_;
  generation_ = joined_generation;
  protocol_ = protocol;
  rejoin_needed_ = false;
  state_ = State::kStable;
  last_poll_ = ctx.now();
  std::vector<TopicPartition> assignment = a ? a->partitions : std::vector<TopicPartition>{};
  std::sort(assignment.begin(), assignment.end());
  ctx.emit(MemberAssigned{facts(), protocol_, assignment});
  // Partitions kept across generations: the ownership continues under the new generation.
  if (old_generation != generation_) {
    std::vector<TopicPartition> kept;
    for (const auto& tp : assigned_)
      if (std::find(assignment.begin(), assignment.end(), tp) != assignment.end()) kept.push_back(tp);
    if (!kept.empty()) listener_.on_partitions_kept(kept, old_generation);
  }
  apply_assignment(std::move(assignment));
  return true;
}

std::vector<SyncGroupAssignment> GroupConsumer::run_assignor(const JoinGroupResponse& join) {
  std::vector<AssignorMember> members;
  std::map<std::string, int32_t> partitions;
  for (const auto& m : join.members) {
    std::optional<ConsumerSubscription> s = decode_subscription(m.metadata);
    members.push_back(AssignorMember{m.member_id, m.group_instance_id, s ? *s : ConsumerSubscription{}});
    if (s)
      for (const auto& t : s->topics) {
        int32_t n = metadata_.partitions(t);
        if (n > 0) partitions[t] = n;
      }
  }
  GroupAssignment assignment = assign(join.protocol_name, members, partitions);
  std::vector<SyncGroupAssignment> out;
  for (const auto& [member, tps] : assignment) out.push_back(SyncGroupAssignment{member, encode_assignment(ConsumerAssignment{tps})});
  return out;
}

void GroupConsumer::apply_assignment(std::vector<TopicPartition> assignment) {
  std::vector<TopicPartition> revoked = minus(assigned_, assignment);
  std::vector<TopicPartition> added = minus(assignment, assigned_);
  if (!revoked.empty()) {
    // Cooperative: give up only what moves, then rejoin so the next round can hand it over.
    revoke(revoked);
    rejoin_needed_ = true;
  }
  for (const auto& tp : added) assigned_.push_back(tp);
  std::sort(assigned_.begin(), assigned_.end());
  fetcher_.assign(assigned_);  // kept partitions keep their positions; added ones get theirs from OffsetFetch
  listener_.on_partitions_assigned(added);
}

// ---- commits --------------------------------------------------------------------------------

uint64_t GroupConsumer::commit_sent() {
  uint64_t request = ++commit_requests_;
  listener_.on_commit_sent(request);
  return request;
}

void GroupConsumer::commit_completed(uint64_t request, bool sync, const std::map<TopicPartition, Offset>& offsets,
                                     const std::string& member_id, int32_t generation, CommitOutcome outcome,
                                     ErrorCode error) {
  listener_.on_commit_completed(CommitReport{request, sync, offsets, member_id, generation, outcome, error});
}

ErrorCode GroupConsumer::commit_sync(const std::map<TopicPartition, Offset>& offsets) {
  if (offsets.empty()) return ErrorCode::kNone;
  sim::NodeContext& ctx = rpc_.context();
  ErrorCode last = ErrorCode::kCoordinatorNotAvailable;
  for (int attempt = 0; attempt < kCommitAttemptsMax; ++attempt) {
    if (!ensure_coordinator()) {
      ctx.sleep_for(sim::milliseconds(std::max<int64_t>(1, config_.retry_backoff_ms)));
      continue;
    }
    OffsetCommitRequest req{config_.group_id, generation_, member_id_, config_.group_instance_id, {}};
    for (const auto& [tp, o] : offsets) req.partitions.push_back(OffsetCommitPartition{tp, o});
    uint64_t request = commit_sent();
    std::string member = member_id_;
    int32_t generation = generation_;
    auto resp = call_coordinator(kOffsetCommitRpc, wire_bytes(req), req, sim::milliseconds(config_.request_timeout_ms));
    const auto* r = resp ? sim::payload_cast<OffsetCommitResponse>(&*resp) : nullptr;
    if (r == nullptr) {
      commit_completed(request, true, offsets, member, generation, CommitOutcome::kUnknown, ErrorCode::kRequestTimedOut);
      last = ErrorCode::kRequestTimedOut;
      continue;
    }
    last = r->first_error();
    commit_completed(request, true, offsets, member, generation,
                     last == ErrorCode::kNone ? CommitOutcome::kOk : CommitOutcome::kFailed, last);
    if (last == ErrorCode::kNone) return last;
    if (last == ErrorCode::kRebalanceInProgress) {
      rejoin_needed_ = true;
      return last;
    }
    if (last == ErrorCode::kIllegalGeneration || last == ErrorCode::kUnknownMemberId || last == ErrorCode::kFencedInstanceId) {
      // Kafka's CommitFailedException: this member's generation is over.
      ctx.emit(MemberCommitFailed{facts(), last, member, generation});
      lost_ = true;
      return last;
    }
    if (!retriable_coordinator_error(last)) return last;
    if (last != ErrorCode::kCoordinatorLoadInProgress && last != ErrorCode::kRequestTimedOut)
      coordinator_unknown(to_string(last));
    ctx.sleep_for(sim::milliseconds(std::max<int64_t>(1, config_.retry_backoff_ms)));
  }
  return last;
}

void GroupConsumer::commit_async(const std::map<TopicPartition, Offset>& offsets) {
  if (offsets.empty() || !coordinator_) return;
  OffsetCommitRequest req{config_.group_id, generation_, member_id_, config_.group_instance_id, {}};
  for (const auto& [tp, o] : offsets) req.partitions.push_back(OffsetCommitPartition{tp, o});
  uint64_t request = commit_sent();
  std::string member = member_id_;
  int32_t generation = generation_;
  rpc_.call_async_sized(node_of(*coordinator_), kOffsetCommitRpc, std::move(req),
                  sim::milliseconds(config_.request_timeout_ms),
                  [this, request, offsets, member, generation](std::optional<sim::Payload>&& resp) {
                    const auto* r = resp ? sim::payload_cast<OffsetCommitResponse>(&*resp) : nullptr;
                    ErrorCode e = r == nullptr ? ErrorCode::kRequestTimedOut : r->first_error();
                    commit_completed(request, false, offsets, member, generation,
                                     r == nullptr ? CommitOutcome::kUnknown
                                                  : (e == ErrorCode::kNone ? CommitOutcome::kOk : CommitOutcome::kFailed),
                                     e);
                    if (e == ErrorCode::kRebalanceInProgress) rejoin_needed_ = true;
                    if (e == ErrorCode::kIllegalGeneration || e == ErrorCode::kUnknownMemberId) lost_ = true;
                  });
}

void GroupConsumer::maybe_auto_commit() {
  if (!config_.enable_auto_commit || state_ != State::kStable) return;
  sim::Instant now = rpc_.context().now();
  if (now < next_auto_commit_) return;
  next_auto_commit_ = now + sim::milliseconds(config_.auto_commit_interval_ms);
  commit_async(positions());
}

std::map<TopicPartition, Offset> GroupConsumer::positions() const {
  std::map<TopicPartition, Offset> out;
  for (const auto& tp : assigned_) {
    std::optional<Offset> p = fetcher_.position(tp);
    if (p && *p >= Offset{0}) out[tp] = *p;
  }
  return out;
}

// ---- fetching -------------------------------------------------------------------------------

void GroupConsumer::ensure_positions() {
  std::vector<TopicPartition> unknown;
  for (const auto& tp : assigned_)
    if (!fetcher_.position(tp)) unknown.push_back(tp);
  if (unknown.empty() || !ensure_coordinator()) return;
  // KIP-447: a read_committed consumer asks for stable offsets only (Kafka's
  // ConsumerCoordinator sends OffsetFetch with requireStable = isolation.level is
  // read_committed); a partition whose transactional offsets are pending answers
  // UNSTABLE_OFFSET_COMMIT and gets no position until a later poll asks again.
  OffsetFetchRequest req{config_.group_id, unknown, config_.read_committed};
  auto resp = call_coordinator(kOffsetFetchRpc, wire_bytes(req), req, sim::milliseconds(config_.request_timeout_ms));
  const auto* r = resp ? sim::payload_cast<OffsetFetchResponse>(&*resp) : nullptr;
  if (r == nullptr) return;
  if (r->error != ErrorCode::kNone) {
    if (r->error != ErrorCode::kCoordinatorLoadInProgress) coordinator_unknown(to_string(r->error));
    return;
  }
  for (const auto& p : r->partitions) {
    if (std::find(assigned_.begin(), assigned_.end(), p.tp) == assigned_.end()) continue;
    if (p.error != ErrorCode::kNone) continue;  // UNSTABLE_OFFSET_COMMIT: asked again next poll
    // -1: nothing committed: reset per auto.offset.reset at the first fetch.
    fetcher_.seek(p.tp, p.offset < Offset{0} ? Fetcher::kResetPosition : p.offset);
    rpc_.context().emit(MemberPositionFetched{facts(), p.tp, p.offset, config_.auto_offset_reset});
  }
}

void GroupConsumer::on_position_reset(const TopicPartition& tp, BrokerId, Offset from, Offset to) {
  rpc_.context().emit(MemberOffsetReset{facts(), tp, from, to});
}

void GroupConsumer::on_no_offset(const TopicPartition& tp) { rpc_.context().emit(MemberNoOffset{facts(), tp}); }

void GroupConsumer::on_truncation_detected(const TopicPartition& tp, Offset from, LeaderEpoch epoch, Offset to) {
  rpc_.context().emit(MemberTruncationDetected{facts(), tp, from, epoch, to});
}

void GroupConsumer::rewind_to_committed() {
  fetcher_.assign({});
  fetcher_.assign(assigned_);
}

// ---- poll -----------------------------------------------------------------------------------

std::vector<ConsumedRecord> GroupConsumer::poll(sim::Duration timeout) {
  sim::NodeContext& ctx = rpc_.context();
  // The application's processing of the previous poll's records ran long.
  if (EDDY_FAULT_POINT("group.poll_stall")) ctx.sleep_for(fault_delay(ctx, sim::milliseconds(10), sim::seconds(1)));
  last_poll_ = ctx.now();
  sim::Instant deadline = ctx.now() + timeout;
  if (fatal_) {
    ctx.sleep_for(timeout);
    return {};
  }
  handle_lost();
  maybe_auto_commit();
  if (rejoin_needed_ || state_ != State::kStable) {
    if (!ensure_group(deadline)) {
      last_poll_ = ctx.now();
      return {};
    }
  }
  ensure_positions();
  for (;;) {
    fetcher_.send();
    if (fetcher_.has_buffered() || ctx.now() >= deadline || rejoin_needed_ || lost_) break;
    fetched_.wait_until(ctx.sim_deadline(deadline - ctx.now()));
  }
  last_poll_ = ctx.now();
  std::vector<ConsumedRecord> out;
  for (const Fetcher::Fetched& f : fetcher_.collect(static_cast<size_t>(config_.max_poll_records))) out.push_back(f.record);
  return out;
}

}  // namespace broker_model
