#include "broker_model/group/group_coordinator.h"

#include <algorithm>
#include <cstdio>

#include "broker_model/broker/replica_manager.h"
#include "broker_model/group/consumer_protocol.h"
#include "broker_model/fault_sites.h"
#include "broker_model/txn/control_batch.h"
#include "sim/fault_point.h"

namespace broker_model {

namespace {
// How often leadership of the offsets partitions and member sessions are looked at.
constexpr sim::Duration kTick = sim::milliseconds(50);
// Longest a JoinGroup or SyncGroup waits in the coordinator beyond its rebalance timeout.
constexpr sim::Duration kWaitSlack = sim::seconds(5);
// Bytes read per step while loading an offsets partition.
constexpr int64_t kLoadReadBytes = 1 << 20;
}  // namespace

const char* GroupCoordinator::state_name(State s) {
  switch (s) {
    case State::kEmpty: return "Empty";
    case State::kPreparingRebalance: return "PreparingRebalance";
    case State::kCompletingRebalance: return "CompletingRebalance";
    case State::kStable: return "Stable";
  }
  return "?";
}

GroupCoordinator::GroupCoordinator(sim::NodeContext& ctx, ReplicaManager& replicas, BrokerId self,
                                   GroupCoordinatorConfig config)
    : ctx_(ctx), replicas_(replicas), self_(self), config_(config),
      prng_(ctx.prng().fork("group-coordinator")) {}

void GroupCoordinator::start() {
  ctx_.spawn("group-coordinator", [this] { tick_loop(); });
}

void GroupCoordinator::tick_loop() {
  for (;;) {
    ctx_.sleep_for(kTick);
    follow_leadership();
    expire_members();
  }
}

// ---- leadership of the offsets partitions -------------------------------------------------

void GroupCoordinator::follow_leadership() {
  for (int32_t p = 0; p < config_.offsets_topic_partitions; ++p) {
    Partition* part = replicas_.partition(offsets_tp(p));
    bool leader = part != nullptr && part->is_leader();
    auto it = loaded_.find(p);
    if (leader && (it == loaded_.end() || it->second.epoch != part->leader_epoch())) {
      if (it != loaded_.end()) unload(p, "leader epoch changed");
      load(p, part->leader_epoch());
    } else if (!leader && it != loaded_.end()) {
      unload(p, "no longer leader of the offsets partition");
    }
  }
}

void GroupCoordinator::load(int32_t partition, LeaderEpoch epoch) {
  loaded_[partition] = Loaded{epoch, true};
  if (EDDY_FAULT_POINT("group.load_delayed")) ctx_.sleep_for(fault_delay(ctx_, sim::milliseconds(10), sim::seconds(1)));
  Partition* part = replicas_.partition(offsets_tp(partition));
  std::map<std::string, Group> loaded;
  int64_t records = 0;
  // Batch by batch (Kafka's GroupMetadataManager.doLoadGroupsAndOffsets): offsets in a
  // transactional batch are held pending under its producer id until a control batch of that
  // producer says COMMIT (they become committed offsets, if appended after the current ones:
  // CommitRecordMetadataAndOffset.olderThan) or ABORT (dropped).
  auto visit = [&](const storage::Record& rec, const RecordBatch& batch) {
    std::optional<GroupLogRecord> gr = decode_group_record(rec);
    if (!gr) return;
    ++records;
    if (const auto* o = std::get_if<OffsetCommitRecord>(&*gr)) {
      Group& g = loaded[o->group];
      g.id = o->group;
      if (txn::is_transactional(batch)) {
        g.pending_txn_offsets[batch.producer_id][o->tp] =
            Group::PendingOffset{o->offset, batch.base_offset, o->generation, o->member_id, ctx_.true_now()};
        return;
      }
      if (g.offsets_appended_at.count(o->tp) == 0 || g.offsets_appended_at[o->tp] < batch.base_offset) {
        g.offsets[o->tp] = o->offset;
        g.offsets_appended_at[o->tp] = batch.base_offset;
      }
    } else {
      const auto& m = std::get<GroupMetadataRecord>(*gr);
      Group& g = loaded[m.group];
      g.id = m.group;
      g.generation = m.generation;
      g.protocol = m.protocol;
      g.leader = m.leader;
      g.members.clear();
      g.static_members.clear();
      for (const auto& sm : m.members) {
        Member mem;
        mem.id = sm.member_id;
        mem.instance_id = sm.group_instance_id;
        mem.session_timeout_ms = sm.session_timeout_ms;
        mem.rebalance_timeout_ms = sm.rebalance_timeout_ms;
        mem.protocols = {JoinGroupProtocol{m.protocol, sm.protocol_metadata}};
        mem.assignment = sm.assignment;
        mem.synced = true;
        g.members[mem.id] = mem;
        if (mem.instance_id) g.static_members[*mem.instance_id] = mem.id;
      }
      g.state = g.members.empty() ? State::kEmpty : State::kStable;
    }
  };
  storage::PartitionLog& log = part->log();
  for (Offset at = log.log_start_offset(); at < log.log_end_offset();) {
    storage::LogReadResult r = log.read(at, kLoadReadBytes);
    if (r.error != ErrorCode::kNone || r.batches.empty()) break;
    for (const RecordBatch& b : r.batches) {
      if (txn::is_control(b)) {
        if (std::optional<txn::MarkerType> m = txn::marker_of(b))
          for (auto& [id, g] : loaded) complete_pending(g, b.producer_id, *m == txn::MarkerType::kCommit, false);
        continue;
      }
      for (const auto& rec : b.records) visit(rec, b);
    }
    at = r.batches.back().next_offset();
  }
  if (!part->is_leader() || part->leader_epoch() != epoch) {  // lost it while reading
    loaded_.erase(partition);
    return;
  }
  sim::Instant now = ctx_.now();
  for (auto& [id, g] : loaded) {
    g.partition = partition;
    // BUG ZOO (apache/kafka#2436, a HOTFIX in Kafka 0.10.2.0: "consumer offsets not properly
    // loaded on coordinator failover"): the new coordinator takes the group over without the
    // offsets it committed; OffsetFetch answers "none", and consumers start again from
    // auto.offset.reset.
    if (config_.variants.has(Variant::kOffsetsNotLoadedOnFailover)) g.offsets.clear();
    for (auto& [mid, m] : g.members) m.last_seen = now;  // sessions start over with the new coordinator
    groups_[id] = std::move(g);
    const Group& loaded_group = groups_[id];
    ctx_.emit(GroupCoordinatorLoaded{facts(loaded_group), state_name(loaded_group.state),
                                     static_cast<int64_t>(loaded_group.members.size()),
                                     static_cast<int64_t>(loaded_group.offsets.size()), records, offsets_tp(partition), epoch});
  }
  loaded_[partition].loading = false;
  changed_.notify_all();
}

void GroupCoordinator::unload(int32_t partition, const char* why) {
  loaded_.erase(partition);
  for (auto it = groups_.begin(); it != groups_.end();) {
    if (it->second.partition == partition) {
      ctx_.emit(GroupCoordinatorUnloaded{facts(it->second), why});
      it = groups_.erase(it);
    } else {
      ++it;
    }
  }
  changed_.notify_all();
}

ErrorCode GroupCoordinator::coordinator_error(const std::string& group_id) const {
  int32_t p = offsets_partition_for(group_id, config_.offsets_topic_partitions);
  auto it = loaded_.find(p);
  if (it == loaded_.end()) return ErrorCode::kNotCoordinator;
  if (it->second.loading) return ErrorCode::kCoordinatorLoadInProgress;
  Partition* part = replicas_.partition(offsets_tp(p));
  if (part == nullptr || !part->is_leader() || part->leader_epoch() != it->second.epoch) return ErrorCode::kNotCoordinator;
  return ErrorCode::kNone;
}

GroupCoordinator::Group* GroupCoordinator::find(const std::string& group_id) {
  if (coordinator_error(group_id) != ErrorCode::kNone) return nullptr;
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : &it->second;
}

ErrorCode GroupCoordinator::unknown_member_error(const Group& g, const std::string& member_id,
                                                 const std::optional<std::string>& instance_id) {
  if (instance_id) {
    auto it = g.static_members.find(*instance_id);
    if (it != g.static_members.end() && it->second != member_id) return ErrorCode::kFencedInstanceId;
  }
  return ErrorCode::kUnknownMemberId;
}

std::string GroupCoordinator::new_member_id(const std::string& client, const std::optional<std::string>& instance_id) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(prng_.next_u64()));
  return (instance_id ? *instance_id : client) + "-" + hex;
}

// ---- rebalancing --------------------------------------------------------------------------

void GroupCoordinator::prepare_rebalance(Group& g, const std::string& reason) {
  bool was_empty = g.state == State::kEmpty;
  if (g.state == State::kCompletingRebalance) {
    for (auto& [id, m] : g.members)
      if (!g.sync_results.count(id)) g.sync_results[id] = SyncGroupResponse{ErrorCode::kRebalanceInProgress, ""};
  }
  g.state = State::kPreparingRebalance;
  sim::Instant now = ctx_.now();
  int32_t timeout_ms = 0;
  for (const auto& [id, m] : g.members) timeout_ms = std::max(timeout_ms, m.rebalance_timeout_ms);
  g.rebalance_deadline = now + sim::milliseconds(timeout_ms);
  g.initial_delay_until = was_empty ? std::min(g.rebalance_deadline, now + sim::milliseconds(config_.group_initial_rebalance_delay_ms))
                                    : now;
  ctx_.emit(GroupRebalancePrepared{facts(g), reason});
  changed_.notify_all();
}

void GroupCoordinator::maybe_complete_join(Group& g) {
  if (g.state != State::kPreparingRebalance) return;
  sim::Instant now = ctx_.now();
  bool all = std::all_of(g.members.begin(), g.members.end(), [](const auto& kv) { return kv.second.awaiting_join; });
  if ((all && now >= g.initial_delay_until) || now >= g.rebalance_deadline) complete_join(g);
}

void GroupCoordinator::complete_join(Group& g) {
  std::vector<std::string> late;
  for (const auto& [id, m] : g.members)
    if (!m.awaiting_join) late.push_back(id);
  for (const auto& id : late) remove_member(g, id, "did not rejoin within the rebalance timeout");
  ++g.generation;
  g.sync_results.clear();
  if (g.members.empty()) {
    g.state = State::kEmpty;
    g.protocol.clear();
    g.leader.clear();
    ctx_.emit(GroupEmptied{facts(g)});
    persist(g);
    changed_.notify_all();
    return;
  }
  g.protocol = select_protocol(g);
  if (g.members.count(g.leader) == 0) g.leader = g.members.begin()->first;
  g.state = State::kCompletingRebalance;
  sim::Instant now = ctx_.now();
  int32_t timeout_ms = 0;
  std::vector<std::string> names;
  for (const auto& [id, m] : g.members) {
    timeout_ms = std::max(timeout_ms, m.rebalance_timeout_ms);
    names.push_back(id);
  }
  g.sync_deadline = now + sim::milliseconds(timeout_ms);
  for (auto& [id, m] : g.members) {
    JoinGroupResponse r;
    r.generation_id = g.generation;
    r.protocol_name = g.protocol;
    r.leader = g.leader;
    r.member_id = id;
    if (id == g.leader) {
      for (const auto& [oid, om] : g.members) {
        std::string metadata;
        for (const auto& p : om.protocols)
          if (p.name == g.protocol) metadata = p.metadata;
        r.members.push_back(JoinGroupMember{oid, om.instance_id, metadata});
      }
    }
    g.join_results[id] = std::move(r);
    m.awaiting_join = false;
    m.synced = false;
    m.last_seen = now;
  }
  ctx_.emit(GroupJoinCompleted{facts(g), g.protocol, g.leader, std::move(names)});
  changed_.notify_all();
}

void GroupCoordinator::remove_member(Group& g, const std::string& member_id, const std::string& reason) {
  auto it = g.members.find(member_id);
  if (it == g.members.end()) return;
  if (it->second.awaiting_join) g.join_results[member_id] = JoinGroupResponse{ErrorCode::kUnknownMemberId, -1, "", "", member_id, {}};
  g.sync_results[member_id] = SyncGroupResponse{ErrorCode::kUnknownMemberId, ""};
  if (it->second.instance_id) {
    auto s = g.static_members.find(*it->second.instance_id);
    if (s != g.static_members.end() && s->second == member_id) g.static_members.erase(s);
  }
  g.members.erase(it);
  if (g.leader == member_id) g.leader.clear();
  ctx_.emit(GroupMemberRemoved{facts(g), member_id, reason});
  changed_.notify_all();
}

std::string GroupCoordinator::select_protocol(const Group& g) const {
  // The first protocol, in the first member's order of preference, that every member supports.
  const Member& first = g.members.begin()->second;
  for (const auto& p : first.protocols) {
    bool all = std::all_of(g.members.begin(), g.members.end(), [&](const auto& kv) {
      return std::any_of(kv.second.protocols.begin(), kv.second.protocols.end(), [&](const auto& q) { return q.name == p.name; });
    });
    if (all) return p.name;
  }
  return first.protocols.empty() ? "" : first.protocols.front().name;
}

bool GroupCoordinator::supports_protocols(const Group& g, const std::vector<JoinGroupProtocol>& protocols) const {
  if (g.members.empty()) return true;
  for (const auto& p : protocols) {
    bool all = std::all_of(g.members.begin(), g.members.end(), [&](const auto& kv) {
      return std::any_of(kv.second.protocols.begin(), kv.second.protocols.end(), [&](const auto& q) { return q.name == p.name; });
    });
    if (all) return true;
  }
  return false;
}

GroupMetadataRecord GroupCoordinator::snapshot(const Group& g) const {
  GroupMetadataRecord r{g.id, g.generation, g.protocol, g.leader, {}};
  for (const auto& [id, m] : g.members) {
    std::string metadata;
    for (const auto& p : m.protocols)
      if (p.name == g.protocol) metadata = p.metadata;
    r.members.push_back(StoredMember{id, m.instance_id, m.session_timeout_ms, m.rebalance_timeout_ms, metadata, m.assignment});
  }
  return r;
}

void GroupCoordinator::persist(const Group& g) {
  int32_t partition = g.partition;
  append(partition, {encode_group_record(snapshot(g), ctx_.wall_now().ns() / 1'000'000)});
}

ErrorCode GroupCoordinator::append(int32_t partition, std::vector<storage::Record> records, Offset* appended_at) {
  auto it = loaded_.find(partition);
  Partition* part = replicas_.partition(offsets_tp(partition));
  if (it == loaded_.end() || part == nullptr || !part->is_leader() || part->leader_epoch() != it->second.epoch)
    return ErrorCode::kNotCoordinator;
  ProducePartitionResponse r =
      part->produce(RecordBatch::of(std::move(records)), kAcksAll, sim::milliseconds(config_.offsets_commit_timeout_ms));
  if (appended_at != nullptr) *appended_at = r.base_offset;
  switch (r.error) {
    case ErrorCode::kNone: return ErrorCode::kNone;
    case ErrorCode::kNotLeaderOrFollower: return ErrorCode::kNotCoordinator;
    case ErrorCode::kNotEnoughReplicas:
    case ErrorCode::kNotEnoughReplicasAfterAppend: return ErrorCode::kCoordinatorNotAvailable;
    case ErrorCode::kRequestTimedOut: return ErrorCode::kRequestTimedOut;
    default: return ErrorCode::kUnknownServerError;
  }
}

void GroupCoordinator::report_stable(const Group& g) {
  if (!ctx_.observed<GroupGenerationStable>()) return;  // decoding every assignment: only for a reader
  GroupGenerationStable s{facts(g), g.protocol, g.leader, offsets_tp(g.partition), {}};
  for (const auto& [id, m] : g.members) {
    std::optional<ConsumerAssignment> a = decode_assignment(m.assignment);
    s.assignment.emplace_back(id, a ? a->partitions : std::vector<TopicPartition>{});
  }
  ctx_.emit(s);
}

// ---- member expiry ------------------------------------------------------------------------

void GroupCoordinator::expire_members() {
  sim::Instant now = ctx_.now();
  std::vector<std::string> ids;
  for (const auto& [id, g] : groups_) ids.push_back(id);
  for (const auto& id : ids) {
    Group* g = find(id);
    if (g == nullptr) continue;
    if (g->state == State::kEmpty) continue;
    std::vector<std::string> expired;
    for (const auto& [mid, m] : g->members) {
      bool pending = m.awaiting_join || (g->state == State::kCompletingRebalance && m.synced);  // a request is waiting
      if (!pending && now - m.last_seen > sim::milliseconds(m.session_timeout_ms)) expired.push_back(mid);
    }
    for (const auto& mid : expired) remove_member(*g, mid, "session timeout (no heartbeat for session.timeout.ms)");
    if (!expired.empty() && g->state != State::kPreparingRebalance)
      prepare_rebalance(*g, "member(s) removed after session timeout");
    if (g->state == State::kCompletingRebalance && now >= g->sync_deadline) {
      std::vector<std::string> missing;
      for (const auto& [mid, m] : g->members)
        if (!m.synced) missing.push_back(mid);
      for (const auto& mid : missing) remove_member(*g, mid, "no SyncGroup within the rebalance timeout");
      prepare_rebalance(*g, "the leader's SyncGroup did not arrive within the rebalance timeout");
    }
    maybe_complete_join(*g);
  }
}

// ---- requests -----------------------------------------------------------------------------

JoinGroupResponse GroupCoordinator::join(const JoinGroupRequest& req, const std::string& client) {
  if (EDDY_FAULT_POINT("group.join_late")) ctx_.sleep_for(fault_delay(ctx_, sim::milliseconds(1), sim::milliseconds(300)));
  JoinGroupResponse fail;
  fail.member_id = req.member_id;
  if ((fail.error = coordinator_error(req.group_id)) != ErrorCode::kNone) return fail;
  if (req.session_timeout_ms < config_.group_min_session_timeout_ms || req.session_timeout_ms > config_.group_max_session_timeout_ms) {
    fail.error = ErrorCode::kInvalidSessionTimeout;
    return fail;
  }
  Group& g = groups_[req.group_id];
  if (g.id.empty()) {
    g.id = req.group_id;
    g.partition = offsets_partition_for(req.group_id, config_.offsets_topic_partitions);
  }
  if (req.protocols.empty() || req.protocol_type != "consumer" || !supports_protocols(g, req.protocols)) {
    fail.error = ErrorCode::kInconsistentGroupProtocol;
    return fail;
  }
  sim::Instant now = ctx_.now();
  std::string member_id = req.member_id;
  if (member_id.empty()) {
    member_id = new_member_id(client, req.group_instance_id);
    Member m;
    m.id = member_id;
    m.instance_id = req.group_instance_id;
    if (req.group_instance_id) {
      auto s = g.static_members.find(*req.group_instance_id);
      if (s != g.static_members.end() && g.members.count(s->second)) {
        // A static member came back: it takes the old member's place (and assignment); the
        // old member id is fenced from now on.
        Member old = g.members[s->second];
        bool same = old.protocols.size() == req.protocols.size() &&
                    std::equal(old.protocols.begin(), old.protocols.end(), req.protocols.begin(),
                               [](const auto& a, const auto& b) { return a.name == b.name && a.metadata == b.metadata; });
        g.members.erase(s->second);
        if (g.leader == s->second) g.leader = member_id;
        m.assignment = old.assignment;
        m.synced = old.synced;
        ctx_.emit(GroupStaticMemberReplaced{facts(g), *req.group_instance_id, s->second, member_id});
        s->second = member_id;
        m.session_timeout_ms = req.session_timeout_ms;
        m.rebalance_timeout_ms = req.rebalance_timeout_ms;
        m.protocols = req.protocols;
        m.last_seen = now;
        g.members[member_id] = m;
        if (g.state == State::kStable && same) {
          JoinGroupResponse r;
          r.generation_id = g.generation;
          r.protocol_name = g.protocol;
          r.leader = g.leader;
          r.member_id = member_id;  // no member list: a returning leader skips assignment (KIP-814)
          persist(g);               // the new member id survives a coordinator move (blocks: g not used after)
          return r;
        }
      } else {
        g.static_members[*req.group_instance_id] = member_id;
      }
    }
    g.members[member_id] = m;
  } else if (g.members.count(member_id) == 0) {
    fail.error = unknown_member_error(g, member_id, req.group_instance_id);
    return fail;
  }
  Member& m = g.members[member_id];
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms = req.rebalance_timeout_ms;
  m.protocols = req.protocols;
  m.awaiting_join = true;
  m.last_seen = now;
  g.join_results.erase(member_id);
  if (g.state != State::kPreparingRebalance) prepare_rebalance(g, "member " + member_id + " joined");
  maybe_complete_join(g);
  // Wait for the join to complete (purgatory).
  sim::Instant deadline = ctx_.sim_deadline(sim::milliseconds(req.rebalance_timeout_ms) + kWaitSlack);
  for (;;) {
    Group* cur = find(req.group_id);
    if (cur == nullptr) {
      fail.error = ErrorCode::kNotCoordinator;
      return fail;
    }
    auto it = cur->join_results.find(member_id);
    if (it != cur->join_results.end()) {
      JoinGroupResponse r = std::move(it->second);
      cur->join_results.erase(it);
      return r;
    }
    if (ctx_.true_now() >= deadline) {
      fail.error = ErrorCode::kRebalanceInProgress;
      return fail;
    }
    changed_.wait_until(deadline);
  }
}

SyncGroupResponse GroupCoordinator::sync(const SyncGroupRequest& req) {
  if (EDDY_FAULT_POINT("group.sync_late")) ctx_.sleep_for(fault_delay(ctx_, sim::milliseconds(1), sim::milliseconds(300)));
  SyncGroupResponse fail;
  if ((fail.error = coordinator_error(req.group_id)) != ErrorCode::kNone) return fail;
  Group* g = find(req.group_id);
  if (g == nullptr || g->members.count(req.member_id) == 0) {
    fail.error = g == nullptr ? ErrorCode::kUnknownMemberId : unknown_member_error(*g, req.member_id, req.group_instance_id);
    return fail;
  }
  if (req.generation_id != g->generation) {
    fail.error = ErrorCode::kIllegalGeneration;
    return fail;
  }
  Member& m = g->members[req.member_id];
  m.last_seen = ctx_.now();
  switch (g->state) {
    case State::kEmpty: fail.error = ErrorCode::kUnknownMemberId; return fail;
    case State::kPreparingRebalance: fail.error = ErrorCode::kRebalanceInProgress; return fail;
    case State::kStable: return SyncGroupResponse{ErrorCode::kNone, m.assignment};
    case State::kCompletingRebalance: break;
  }
  m.synced = true;
  const int32_t rebalance_timeout_ms = m.rebalance_timeout_ms;
  const int32_t generation = g->generation;
  const std::string group_id = g->id;
  if (req.member_id == g->leader) {
    for (auto& [id, mem] : g->members) mem.assignment.clear();
    for (const auto& a : req.assignments) {
      auto it = g->members.find(a.member_id);
      if (it != g->members.end()) it->second.assignment = a.assignment;
    }
    GroupMetadataRecord snap = snapshot(*g);
    int32_t partition = g->partition;
    ErrorCode e = append(partition, {encode_group_record(snap, ctx_.wall_now().ns() / 1'000'000)});
    g = find(group_id);
    if (g != nullptr && g->generation == generation && g->state == State::kCompletingRebalance) {
      if (e != ErrorCode::kNone) {
        for (auto& [id, mem] : g->members) {
          mem.assignment.clear();
          g->sync_results[id] = SyncGroupResponse{e, ""};
        }
        ctx_.emit(GroupSyncFailed{facts(*g), e});
        prepare_rebalance(*g, "the assignment could not be written");
      } else {
        g->state = State::kStable;
        sim::Instant now = ctx_.now();
        for (auto& [id, mem] : g->members) {
          g->sync_results[id] = SyncGroupResponse{ErrorCode::kNone, mem.assignment};
          mem.last_seen = now;
        }
        report_stable(*g);
      }
      changed_.notify_all();
    }
  }
  sim::Instant deadline = ctx_.sim_deadline(sim::milliseconds(rebalance_timeout_ms) + kWaitSlack);
  for (;;) {
    g = find(group_id);
    if (g == nullptr) {
      fail.error = ErrorCode::kNotCoordinator;
      return fail;
    }
    auto it = g->sync_results.find(req.member_id);
    if (it != g->sync_results.end()) {
      SyncGroupResponse r = it->second;
      g->sync_results.erase(it);
      if (r.error == ErrorCode::kNone && g->generation != generation) r.error = ErrorCode::kRebalanceInProgress;
      return r;
    }
    if (g->generation != generation) {
      fail.error = ErrorCode::kRebalanceInProgress;
      return fail;
    }
    if (ctx_.true_now() >= deadline) {
      fail.error = ErrorCode::kRebalanceInProgress;
      return fail;
    }
    changed_.wait_until(deadline);
  }
}

HeartbeatResponse GroupCoordinator::heartbeat(const HeartbeatRequest& req) {
  HeartbeatResponse r;
  if ((r.error = coordinator_error(req.group_id)) != ErrorCode::kNone) return r;
  Group* g = find(req.group_id);
  if (g == nullptr || g->members.count(req.member_id) == 0) {
    r.error = g == nullptr ? ErrorCode::kUnknownMemberId : unknown_member_error(*g, req.member_id, req.group_instance_id);
    return r;
  }
  if (req.generation_id != g->generation) {
    r.error = ErrorCode::kIllegalGeneration;
    return r;
  }
  g->members[req.member_id].last_seen = ctx_.now();
  if (g->state == State::kPreparingRebalance) r.error = ErrorCode::kRebalanceInProgress;
  if (g->state == State::kEmpty) r.error = ErrorCode::kUnknownMemberId;
  return r;
}

LeaveGroupResponse GroupCoordinator::leave(const LeaveGroupRequest& req) {
  LeaveGroupResponse r;
  if ((r.error = coordinator_error(req.group_id)) != ErrorCode::kNone) return r;
  Group* g = find(req.group_id);
  if (g == nullptr || g->members.count(req.member_id) == 0) {
    r.error = g == nullptr ? ErrorCode::kUnknownMemberId : unknown_member_error(*g, req.member_id, req.group_instance_id);
    return r;
  }
  remove_member(*g, req.member_id, "left the group" + (req.reason.empty() ? std::string() : " (" + req.reason + ")"));
  if (g->state == State::kStable || g->state == State::kCompletingRebalance)
    prepare_rebalance(*g, "member " + req.member_id + " left");
  maybe_complete_join(*g);
  return r;
}

OffsetCommitResponse GroupCoordinator::commit(const OffsetCommitRequest& req) {
  if (EDDY_FAULT_POINT("group.commit_late")) ctx_.sleep_for(fault_delay(ctx_, sim::milliseconds(1), sim::milliseconds(500)));
  auto answer = [&](ErrorCode e) {
    OffsetCommitResponse resp;
    for (const auto& p : req.partitions) resp.partitions.push_back(OffsetCommitPartitionResponse{p.tp, e});
    return resp;
  };
  if (ErrorCode e = coordinator_error(req.group_id); e != ErrorCode::kNone) return answer(e);
  Group* g = find(req.group_id);
  ErrorCode e = ErrorCode::kNone;
  if (g == nullptr) {
    if (req.generation_id >= 0) e = ErrorCode::kIllegalGeneration;
  } else if (req.generation_id < 0) {
    if (g->state != State::kEmpty) e = ErrorCode::kIllegalGeneration;
  } else if (g->members.count(req.member_id) == 0) {
    e = unknown_member_error(*g, req.member_id, req.group_instance_id);
  } else if (req.generation_id != g->generation) {
    e = ErrorCode::kIllegalGeneration;
  } else if (g->state == State::kCompletingRebalance) {
    e = ErrorCode::kRebalanceInProgress;
  }
  // BUG ZOO (KAFKA-2555, Kafka 0.9.0.0): the first group coordinator "blindly commits the
  // offsets" of any member; a zombie of an older generation overwrites what the partition's
  // new owner committed, and the group's position moves backwards.
  if (config_.variants.has(Variant::kGroupCommitIgnoresGeneration) && g != nullptr && req.generation_id >= 0 &&
      (e == ErrorCode::kIllegalGeneration || e == ErrorCode::kUnknownMemberId))
    e = ErrorCode::kNone;
  if (e != ErrorCode::kNone) {
    ctx_.emit(OffsetCommitRejected{GroupFacts{req.group_id, self_, g == nullptr ? -1 : g->generation}, e, req.member_id,
                                   req.generation_id, static_cast<int64_t>(req.partitions.size())});
    return answer(e);
  }
  if (g == nullptr) {
    Group& created = groups_[req.group_id];
    created.id = req.group_id;
    created.partition = offsets_partition_for(req.group_id, config_.offsets_topic_partitions);
    g = &created;
  }
  if (req.generation_id >= 0)
    if (auto m = g->members.find(req.member_id); m != g->members.end()) m->second.last_seen = ctx_.now();
  const sim::Instant validated = ctx_.true_now();
  const int32_t partition = g->partition;
  std::vector<storage::Record> records;
  int64_t ts = ctx_.wall_now().ns() / 1'000'000;
  for (const auto& p : req.partitions)
    records.push_back(encode_group_record(OffsetCommitRecord{req.group_id, p.tp, p.offset, req.generation_id, req.member_id}, ts));
  if (ctx_.observed<OffsetCommitAppending>()) {
    OffsetCommitAppending appending{GroupFacts{req.group_id, self_, req.generation_id}, {}, false};
    for (const auto& p : req.partitions) appending.offsets.emplace_back(p.tp, p.offset);
    ctx_.emit(appending);
  }
  const LeaderEpoch epoch = loaded_epoch(partition);
  Offset appended_at{-1};
  e = append(partition, std::move(records), &appended_at);
  if (e == ErrorCode::kNone) {
    // Commits complete when the high watermark passes them, and one appended earlier can
    // complete later (its request waited longer): the offset that counts is the one appended
    // last, as Kafka's GroupMetadata.onOffsetCommitAppend keeps it (CommitRecordMetadataAndOffset.
    // olderThan compares the appended batch offsets). Both are answered NONE.
    OffsetCommitAccepted accepted{GroupFacts{req.group_id, self_, req.generation_id}, req.member_id, validated, {}, {}, epoch};
    Group* cur = find(req.group_id);
    for (const auto& p : req.partitions) {
      bool current = true;
      if (cur != nullptr) {
        auto at = cur->offsets_appended_at.find(p.tp);
        current = at == cur->offsets_appended_at.end() || at->second < appended_at;
        if (current) {
          cur->offsets[p.tp] = p.offset;
          cur->offsets_appended_at[p.tp] = appended_at;
        }
      }
      (current ? accepted.offsets : accepted.superseded).emplace_back(p.tp, p.offset);
    }
    if (ctx_.observed<OffsetCommitAccepted>()) ctx_.emit(accepted);
  }
  return answer(e);
}

OffsetFetchResponse GroupCoordinator::fetch_offsets(const OffsetFetchRequest& req) {
  OffsetFetchResponse r;
  if ((r.error = coordinator_error(req.group_id)) != ErrorCode::kNone) return r;
  Group* g = find(req.group_id);
  for (const auto& tp : req.partitions) {
    Offset o{-1};
    ErrorCode e = ErrorCode::kNone;
    if (g != nullptr) {
      auto it = g->offsets.find(tp);
      if (it != g->offsets.end()) o = it->second;
      // KIP-447 (GroupMetadata.hasPendingOffsetCommitsForTopicPartition): a pending
      // transactional offset may be about to replace it; a read_committed consumer waits.
      if (req.require_stable)
        for (const auto& [pid, offsets] : g->pending_txn_offsets)
          if (offsets.count(tp) != 0) e = ErrorCode::kUnstableOffsetCommit;
    }
    r.partitions.push_back(OffsetFetchPartition{tp, e == ErrorCode::kNone ? o : Offset{-1}, e});
  }
  if (ctx_.observed<OffsetFetchAnswered>()) {
    OffsetFetchAnswered answered{GroupFacts{req.group_id, self_, g == nullptr ? -1 : g->generation},
                                 loaded_epoch(offsets_partition_for(req.group_id, config_.offsets_topic_partitions)), {}};
    for (const auto& p : r.partitions)
      if (p.error == ErrorCode::kNone) answered.offsets.emplace_back(p.tp, p.offset);
    ctx_.emit(answered);
  }
  return r;
}

LeaderEpoch GroupCoordinator::loaded_epoch(int32_t partition) const {
  auto it = loaded_.find(partition);
  return it == loaded_.end() ? kNoLeaderEpoch : it->second.epoch;
}

// ---- transactional offsets (KIP-98, KIP-447) -----------------------------------------------

TxnOffsetCommitResponse GroupCoordinator::txn_commit(const TxnOffsetCommitRequest& req) {
  TxnOffsetCommitResponse resp;
  if ((resp.error = coordinator_error(req.group_id)) != ErrorCode::kNone) return resp;
  Group* g = find(req.group_id);
  // Kafka's GroupCoordinator.handleTxnCommitOffsets: with group metadata (KIP-447) the member
  // and generation are validated as for OffsetCommit (validateOffsetCommit), so a zombie
  // member's transaction cannot commit offsets for partitions the group gave to another.
  if (req.generation_id >= 0) {
    if (g == nullptr) resp.error = ErrorCode::kIllegalGeneration;
    else if (g->members.count(req.member_id) == 0) resp.error = ErrorCode::kUnknownMemberId;
    else if (req.generation_id != g->generation) resp.error = ErrorCode::kIllegalGeneration;
    if (resp.error != ErrorCode::kNone) {
      ctx_.emit(OffsetCommitRejected{GroupFacts{req.group_id, self_, g == nullptr ? -1 : g->generation}, resp.error,
                                     req.member_id, req.generation_id, static_cast<int64_t>(req.partitions.size())});
      return resp;
    }
  }
  if (g == nullptr) {
    Group& created = groups_[req.group_id];
    created.id = req.group_id;
    created.partition = offsets_partition_for(req.group_id, config_.offsets_topic_partitions);
    g = &created;
  }
  const sim::Instant validated = ctx_.true_now();
  const int32_t partition = g->partition;
  auto loaded = loaded_.find(partition);
  Partition* part = replicas_.partition(offsets_tp(partition));
  if (loaded == loaded_.end() || part == nullptr || !part->is_leader() || part->leader_epoch() != loaded->second.epoch) {
    resp.error = ErrorCode::kNotCoordinator;
    return resp;
  }
  const int64_t ts = ctx_.wall_now().ns() / 1'000'000;
  std::vector<storage::Record> records;
  for (const auto& p : req.partitions)
    records.push_back(encode_group_record(OffsetCommitRecord{req.group_id, p.tp, p.offset, req.generation_id, req.member_id}, ts));
  RecordBatch batch = RecordBatch::of(std::move(records));
  batch.attributes = static_cast<int16_t>(batch.attributes | txn::kTransactionalFlag);
  batch.producer_id = req.producer_id;
  batch.producer_epoch = req.producer_epoch;
  // Kafka's GroupMetadataManager.storeOffsets appends with the producer's id and epoch and
  // origin COORDINATOR, which skips the sequence check (ProducerAppendInfo only checks a
  // CLIENT's sequences); this log checks every idempotent batch, so the batch carries the
  // sequence that follows the producer's last one on this partition.
  const ProducerStateEntry* e = part->producer_state().entry(req.producer_id);  // may block
  batch.base_sequence = e != nullptr && e->producer_epoch == req.producer_epoch && e->last_sequence() >= 0
                            ? ProducerStateTable::next_sequence(e->last_sequence())
                            : 0;
  if (coordinator_error(req.group_id) != ErrorCode::kNone) {
    resp.error = ErrorCode::kNotCoordinator;
    return resp;
  }
  if (ctx_.observed<OffsetCommitAppending>()) {
    OffsetCommitAppending appending{GroupFacts{req.group_id, self_, req.generation_id}, {}, true};
    for (const auto& p : req.partitions) appending.offsets.emplace_back(p.tp, p.offset);
    ctx_.emit(appending);
  }
  ProducePartitionResponse r = part->produce(batch, kAcksAll, sim::milliseconds(config_.offsets_commit_timeout_ms));
  switch (r.error) {
    case ErrorCode::kNone: break;
    case ErrorCode::kNotLeaderOrFollower: resp.error = ErrorCode::kNotCoordinator; break;
    case ErrorCode::kNotEnoughReplicas:
    case ErrorCode::kNotEnoughReplicasAfterAppend: resp.error = ErrorCode::kCoordinatorNotAvailable; break;
    case ErrorCode::kRequestTimedOut: resp.error = ErrorCode::kRequestTimedOut; break;
    case ErrorCode::kInvalidProducerEpoch:
    case ErrorCode::kProducerFenced: resp.error = ErrorCode::kProducerFenced; break;
    default: resp.error = ErrorCode::kUnknownServerError; break;
  }
  if (resp.error != ErrorCode::kNone) return resp;
  Group* cur = find(req.group_id);
  if (cur == nullptr) {  // unloaded meanwhile: the next coordinator reads the batch from the log
    resp.error = ErrorCode::kNotCoordinator;
    return resp;
  }
  // GroupMetadata.onTxnOffsetCommitAppend: pending until the marker.
  for (const auto& p : req.partitions)
    cur->pending_txn_offsets[req.producer_id][p.tp] =
        Group::PendingOffset{p.offset, r.base_offset, req.generation_id, req.member_id, validated};
  ctx_.trace("group.txn_offsets_pending", {{"group", req.group_id}, {"producer_id", req.producer_id.value()},
                                           {"partitions", static_cast<int64_t>(req.partitions.size())}});
  return resp;
}

void GroupCoordinator::transaction_completed(const TopicPartition& tp, ProducerId producer_id, bool committed) {
  if (tp.topic != kConsumerOffsetsTopic) return;
  auto loaded = loaded_.find(tp.partition);
  // Not (yet) loaded here: the marker is in the log, and the load applies it.
  if (loaded == loaded_.end() || loaded->second.loading) return;
  for (auto& [id, g] : groups_)
    if (g.partition == tp.partition) complete_pending(g, producer_id, committed, true);
}

void GroupCoordinator::complete_pending(Group& g, ProducerId pid, bool committed, bool emit) {
  auto it = g.pending_txn_offsets.find(pid);
  if (it == g.pending_txn_offsets.end()) return;
  std::map<TopicPartition, Group::PendingOffset> pending = std::move(it->second);
  g.pending_txn_offsets.erase(it);
  if (!committed) return;
  // GroupMetadata.completePendingTxnOffsetCommit: a pending offset replaces the committed one
  // only when it was appended after it.
  std::map<std::pair<int32_t, std::string>, OffsetCommitAccepted> by_commit;
  for (const auto& [tp, p] : pending) {
    auto at = g.offsets_appended_at.find(tp);
    const bool current = at == g.offsets_appended_at.end() || at->second < p.appended_at;
    if (current) {
      g.offsets[tp] = p.offset;
      g.offsets_appended_at[tp] = p.appended_at;
    }
    if (!emit) continue;
    OffsetCommitAccepted& a = by_commit[{p.generation, p.member_id}];
    a.g = GroupFacts{g.id, self_, p.generation};
    a.member_id = p.member_id;
    a.validated = p.validated;
    a.epoch = loaded_epoch(g.partition);
    (current ? a.offsets : a.superseded).emplace_back(tp, p.offset);
  }
  if (emit && ctx_.observed<OffsetCommitAccepted>())
    for (auto& [k, a] : by_commit) ctx_.emit(a);
}

}  // namespace broker_model
