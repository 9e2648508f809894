#include "broker_model/controller/raft_node.h"

#include <algorithm>

#include "sim/check.h"
#include "broker_model/fault_sites.h"
#include "sim/fault_point.h"

namespace broker_model {

const char* to_string(RaftRole r) {
  switch (r) {
    case RaftRole::kFollower: return "follower";
    case RaftRole::kProspective: return "prospective";
    case RaftRole::kCandidate: return "candidate";
    case RaftRole::kLeader: return "leader";
  }
  return "?";
}

uint32_t append_entries_request_bytes(const AppendEntriesRequest& r) {
  uint32_t n = 56;
  for (const LogEntry& e : r.entries) n += log_entry_bytes(e);
  return n;
}

namespace {
int64_t node_field(std::optional<sim::NodeId> n) { return n ? static_cast<int64_t>(n->value) : -1; }
}  // namespace

RaftNode::RaftNode(sim::NodeContext& ctx, RpcEndpoint& rpc, std::vector<sim::NodeId> voters, RaftConfig config)
    : ctx_(ctx),
      rpc_(rpc),
      voters_(std::move(voters)),
      config_(config),
      quorum_state_(ctx),
      log_(ctx) {
  EDDY_CHECK_MSG(!voters_.empty(), "a quorum needs voters");
  EDDY_CHECK_MSG(std::find(voters_.begin(), voters_.end(), ctx.id()) != voters_.end(), "this node is not a voter");
  EDDY_CHECK(config_.election_timeout_ms > 0 && config_.fetch_timeout_ms > 0 && config_.heartbeat_interval_ms > 0);
}

void RaftNode::start() {
  ctx_.spawn("raft", [this] { run(); });
}

bool RaftNode::handle(const RequestInfo& info, sim::Payload& body) {
  if (auto* v = sim::payload_cast<VoteRequest>(&body)) {
    enqueue_request(InboundRequest{info, std::move(*v)});
    return true;
  }
  if (auto* a = sim::payload_cast<AppendEntriesRequest>(&body)) {
    enqueue_request(InboundRequest{info, std::move(*a)});
    return true;
  }
  return false;
}

void RaftNode::enqueue_request(InboundRequest&& req) {
  if (failed_) return;  // a member that lost its disk answers nothing
  std::string type = req.info.type;
  if (!push_event(Event(std::move(req)))) ctx_.trace("raft.drop_request", {{"type", type}});
}

bool RaftNode::push_event(Event&& ev) {
  if (events_.size() >= kEventQueueCapacity) return false;
  events_.push_back(std::move(ev));
  wake();
  return true;
}

// ---------------------------------------------------------------------------- main loop

void RaftNode::run() {
  if (!recover()) return;
  recovered_ = true;
  reset_election_timer(config_.fetch_timeout_ms);
  if (voters_.size() == 1) start_election();
  while (!failed_) {
    if (role_ == RaftRole::kLeader) lead_step();
    if (failed_) break;
    on_timers();
    if (failed_) break;
    if (events_.empty()) {
      sim::Duration left = std::max(sim::Duration::zero(), next_wakeup_local() - ctx_.now());
      if (left > sim::Duration::zero()) event_ready_.wait_until(ctx_.sim_deadline(left));
      continue;  // timers first, then the events
    }
    if (EDDY_FAULT_POINT("raft.thread_stall")) {
      ctx_.sleep_for(fault_delay(ctx_, sim::milliseconds(1), sim::milliseconds(300)));
      continue;  // timers first, as after any wait
    }
    Event ev = std::move(events_.front());
    events_.pop_front();
    dispatch(std::move(ev));
  }
}

bool RaftNode::recover() {
  std::optional<ElectionState> s = quorum_state_.load();
  if (!s) {
    fail_storage("load quorum-state", sim::IoStatus::kIoError);
    return false;
  }
  state_ = *s;
  sim::IoStatus st = log_.recover();
  if (st != sim::IoStatus::kOk) {
    fail_storage("recover log", st);
    return false;
  }
  // A broken variant (raft-vote-before-persist) can lose the term it voted in; the checkers,
  // not this assertion, must then say what went wrong.
  EDDY_CHECK_MSG(config_.unsafe() || log_.last_term() <= state_.term, "log holds a term newer than the quorum state");
  ctx_.trace("raft.recovered", {{"term", state_.term.value()},
                                {"voted_for", node_field(state_.voted_for)},
                                {"log_end", log_.log_end_offset().value()}});
  return true;
}

void RaftNode::dispatch(Event&& ev) {
  if (auto* in = std::get_if<InboundRequest>(&ev)) {
    if (auto* v = std::get_if<VoteRequest>(&in->body)) on_vote_request(in->info, *v);
    if (auto* a = std::get_if<AppendEntriesRequest>(&in->body)) on_append_request(in->info, *a);
  } else if (auto* vr = std::get_if<VoteReply>(&ev)) {
    on_vote_reply(*vr);
  } else if (auto* ar = std::get_if<AppendReply>(&ev)) {
    on_append_reply(*ar);
  }
}

void RaftNode::on_timers() {
  sim::Instant now = ctx_.now();
  if (role_ != RaftRole::kLeader) {
    if (now < election_deadline_) return;
    // KIP-996 (Kafka 4.0; Raft thesis section 9.6): a follower, candidate or prospective
    // member whose timer ran out asks for pre-votes first; only a majority of them lets it
    // bump the term. A member cut off from the quorum so keeps its term, and cannot depose a
    // healthy leader when it comes back.
    // BUG ZOO (raft-no-prevote: KRaft before KIP-996): it stands for election at once.
    if (config_.pre_vote() && voters_.size() > 1) {
      start_pre_vote();
    } else {
      start_election();
    }
    return;
  }
  // Check quorum: a leader cut off from a majority resigns.
  sim::Duration window = sim::milliseconds(config_.fetch_timeout_ms * 3 / 2);
  size_t in_contact = 1;
  for (const auto& [id, p] : peers_)
    if (now - p.last_ack <= window) ++in_contact;
  if (in_contact < majority()) resign();
}

sim::Instant RaftNode::next_wakeup_local() const {
  if (role_ != RaftRole::kLeader) return election_deadline_;
  sim::Instant now = ctx_.now();
  if (log_.has_unflushed()) return now;
  sim::Instant next = now + sim::milliseconds(config_.fetch_timeout_ms);
  for (const auto& [id, p] : peers_) {
    if (!p.inflight && p.next_offset < log_.log_end_offset()) return now;
    next = std::min(next, p.inflight ? p.inflight_deadline : p.next_heartbeat);
  }
  return next;
}

void RaftNode::fail_storage(const char* op, sim::IoStatus status) {
  // Like Kafka's fatal fault handler: a member that cannot trust its disk stops taking part.
  ctx_.trace("raft.storage_failed", {{"op", op}, {"status", sim::to_string(status)}});
  failed_ = true;
  role_ = RaftRole::kFollower;
  leader_.reset();
  peers_.clear();
  notify_leader_change();
}

void RaftNode::notify_leader_change() {
  if (listener_ != nullptr) listener_->handle_leader_change(state_.term, leader_);
}

// ---------------------------------------------------------------------------- elections

void RaftNode::reset_election_timer(int64_t base_ms) {
  int64_t jitter_ms = ctx_.prng().int_in_range(0, config_.election_timeout_ms);
  int64_t timeout_ms = base_ms + jitter_ms;
  if (EDDY_FAULT_POINT("raft.election_timer_short")) timeout_ms /= 4;
  election_deadline_ = ctx_.now() + sim::milliseconds(timeout_ms);
}

bool RaftNode::save_state() {
  if (EDDY_FAULT_POINT("raft.slow_persist")) ctx_.sleep_for(fault_delay(ctx_, sim::milliseconds(1), sim::milliseconds(100)));
  sim::IoStatus s = quorum_state_.save(state_);
  if (s == sim::IoStatus::kOk) return true;
  fail_storage("save quorum-state", s);
  return false;
}

void RaftNode::start_election() {
  state_.term = Term(state_.term.value() + 1);
  state_.voted_for = id();
  role_ = RaftRole::kCandidate;
  leader_.reset();
  peers_.clear();
  votes_ = {id()};
  reset_election_timer(config_.election_timeout_ms);
  ctx_.trace("raft.candidate", {{"term", state_.term.value()}, {"log_end", log_.log_end_offset().value()}});
  notify_leader_change();
  if (!save_state()) return;
  if (votes_.size() >= majority()) {
    become_leader();
    return;
  }
  send_vote_requests(VoteRequest{state_.term, id(), log_.last_term(), log_.log_end_offset(), false});
}

void RaftNode::start_pre_vote() {
  // Nothing durable changes: the term and the vote stay as they are.
  bool had_leader = leader_.has_value() || role_ == RaftRole::kCandidate;
  role_ = RaftRole::kProspective;
  leader_.reset();
  peers_.clear();
  votes_ = {id()};
  reset_election_timer(config_.election_timeout_ms);
  ctx_.trace("raft.prospective", {{"term", state_.term.value()}, {"log_end", log_.log_end_offset().value()}});
  if (had_leader) notify_leader_change();
  send_vote_requests(VoteRequest{state_.term, id(), log_.last_term(), log_.log_end_offset(), true});
}

void RaftNode::send_vote_requests(const VoteRequest& req) {
  for (sim::NodeId peer : voters_) {
    if (peer == id()) continue;
    Term term = state_.term;
    bool pre_vote = req.pre_vote;
    rpc_.call_async(peer, kVoteRpc, kVoteRequestBytes, req, sim::milliseconds(config_.request_timeout_ms),
                    [this, peer, term, pre_vote](std::optional<sim::Payload>&& r) {
                      VoteReply reply{peer, term, pre_vote, std::nullopt};
                      if (r)
                        if (auto* resp = sim::payload_cast<VoteResponse>(&*r)) reply.response = *resp;
                      push_event(Event(std::move(reply)));
                    });
  }
}

// KIP-996: a follower that heard from its leader within controller.quorum.fetch.timeout.ms
// refuses pre-votes (KafkaRaftClient's FollowerState grants one only once its fetch timer
// has run out), so a member that merely lost touch cannot start an election.
bool RaftNode::leader_heard_recently() const {
  if (role_ == RaftRole::kLeader) return true;
  return leader_.has_value() && last_leader_contact_ &&
         ctx_.now() - *last_leader_contact_ < sim::milliseconds(config_.fetch_timeout_ms);
}

bool RaftNode::log_is_up_to_date(const VoteRequest& req) const {
  if (req.last_log_term != log_.last_term()) return req.last_log_term > log_.last_term();
  return req.last_log_end_offset >= log_.log_end_offset();
}

void RaftNode::on_vote_request(const RequestInfo& info, const VoteRequest& req) {
  bool dirty = false;
  if (req.candidate_term > state_.term) dirty = become_follower(req.candidate_term, std::nullopt);
  if (req.pre_vote) {
    // A pre-vote is granted for an up-to-date log by a member that has no leader it heard
    // from lately; it records nothing (only a higher term, adopted above, is saved).
    // (raft-no-election-restriction skips the log check here too: one rule for both votes.)
    bool granted = req.candidate_term == state_.term && !leader_heard_recently() &&
                   (config_.skip_log_up_to_date_check() || log_is_up_to_date(req));
    ctx_.trace("raft.pre_vote", {{"term", req.candidate_term.value()}, {"candidate", req.candidate.value}, {"granted", granted}});
    if (dirty && !save_state()) return;
    rpc_.reply(info, kVoteResponseBytes, VoteResponse{state_.term, granted});
    return;
  }
  bool granted = false;
  if (req.candidate_term == state_.term && (!state_.voted_for || *state_.voted_for == req.candidate) &&
      // BUG ZOO (Raft section 5.4.1, with raft-no-election-restriction): votes for any log.
      (config_.skip_log_up_to_date_check() || log_is_up_to_date(req))) {
    // One vote per term: a vote already cast in this term is never changed.
    EDDY_CHECK(!state_.voted_for || *state_.voted_for == req.candidate);
    EDDY_CHECK(role_ == RaftRole::kFollower || role_ == RaftRole::kProspective);
    role_ = RaftRole::kFollower;  // a prospective member that votes for another gives up
    granted = true;
    dirty = dirty || !state_.voted_for;
    state_.voted_for = req.candidate;
    reset_election_timer(config_.fetch_timeout_ms);
  }
  ctx_.trace("raft.vote", {{"term", req.candidate_term.value()}, {"candidate", req.candidate.value}, {"granted", granted}});
  if (dirty && config_.vote_before_persist()) {
    // BUG ZOO (Raft figure 2: "updated on stable storage before responding to RPCs"; KRaft's
    // quorum-state file, KIP-595, and the worry raised when it was added: a member that loses
    // it "could potentially vote for different leaders within a single epoch"): the reply
    // leaves first and the vote goes to the page cache only. A member that loses power
    // forgets its vote and can vote again in the same term for another candidate: two
    // leaders in one term.
    rpc_.reply(info, kVoteResponseBytes, VoteResponse{state_.term, granted});
    if (sim::IoStatus s = quorum_state_.save_without_fsync(state_); s != sim::IoStatus::kOk)
      fail_storage("save quorum-state", s);
    return;
  }
  if (dirty && !save_state()) return;  // durable before the reply leaves
  rpc_.reply(info, kVoteResponseBytes, VoteResponse{state_.term, granted});
}

void RaftNode::on_vote_reply(const VoteReply& reply) {
  if (!reply.response) return;
  const VoteResponse& r = *reply.response;
  if (r.term > state_.term) {
    if (become_follower(r.term, std::nullopt)) save_state();
    return;
  }
  if (reply.pre_vote) {
    if (role_ != RaftRole::kProspective || reply.request_term != state_.term || !r.vote_granted) return;
    votes_.insert(reply.peer);
    if (votes_.size() >= majority()) start_election();
    return;
  }
  if (role_ != RaftRole::kCandidate || reply.request_term != state_.term || !r.vote_granted) return;
  votes_.insert(reply.peer);
  if (votes_.size() >= majority()) become_leader();
}

void RaftNode::become_leader() {
  EDDY_CHECK(role_ == RaftRole::kCandidate);
  EDDY_CHECK(state_.voted_for == id());
  role_ = RaftRole::kLeader;
  leader_ = id();
  sim::Instant now = ctx_.now();
  peers_.clear();
  for (sim::NodeId peer : voters_)
    if (peer != id()) peers_[peer] = PeerProgress{log_.log_end_offset(), Offset(0), false, now, now, now};
  ctx_.trace("raft.leader", {{"term", state_.term.value()}, {"log_end", log_.log_end_offset().value()}});
  ctx_.emit(RaftLeaderElected{state_.term, id()});
  log_.append(state_.term, MetadataBatch{LeaderChangeRecord{id()}});
  notify_leader_change();
}

bool RaftNode::become_follower(Term term, std::optional<sim::NodeId> leader) {
  EDDY_CHECK(term >= state_.term);
  bool term_changed = term > state_.term;
  bool was_leader = role_ == RaftRole::kLeader;
  if (term_changed) {
    state_.term = term;
    state_.voted_for.reset();
    leader_.reset();
    last_leader_contact_.reset();
  }
  // One leader per term: a follower never switches leaders within a term.
  if (leader && leader_) EDDY_CHECK_MSG(*leader_ == *leader, "two leaders in one term");
  bool leader_changed = leader.has_value() && leader_ != leader;
  if (leader) leader_ = leader;
  role_ = RaftRole::kFollower;
  if (was_leader) peers_.clear();
  if (term_changed || leader_changed || was_leader) {
    ctx_.trace("raft.follow", {{"term", state_.term.value()}, {"leader", node_field(leader_)}});
    notify_leader_change();
  }
  return term_changed;
}

void RaftNode::resign() {
  ctx_.trace("raft.resign", {{"term", state_.term.value()}});
  role_ = RaftRole::kFollower;
  leader_.reset();
  peers_.clear();
  reset_election_timer(config_.fetch_timeout_ms);
  notify_leader_change();
}

// ---------------------------------------------------------------------------- replication

void RaftNode::lead_step() {
  sim::Instant now = ctx_.now();
  for (auto& [peer, p] : peers_) {
    bool due = p.next_offset < log_.log_end_offset() || now >= p.next_heartbeat;
    if ((!p.inflight && due) || (p.inflight && now >= p.inflight_deadline))
      if (!EDDY_FAULT_POINT("raft.append_delayed")) send_append(peer, p);
  }
  if (log_.has_unflushed()) {
    sim::IoStatus s = log_.flush();
    if (s != sim::IoStatus::kOk) {
      fail_storage("flush log", s);
      return;
    }
  }
  if (role_ == RaftRole::kLeader) advance_leader_high_watermark();
}

void RaftNode::send_append(sim::NodeId peer, PeerProgress& p) {
  AppendEntriesRequest req;
  req.term = state_.term;
  req.leader = id();
  req.prev_log_offset = p.next_offset - 1;
  req.prev_log_term = log_.term_at(req.prev_log_offset);
  req.leader_high_watermark = high_watermark_;
  uint32_t bytes = 0;
  for (Offset o = p.next_offset; o < log_.log_end_offset(); o = o + 1) {
    if (req.entries.size() >= config_.append_entries_max_entries || bytes >= kAppendEntriesMaxBytes) break;
    req.entries.push_back(log_.entry(o));
    bytes += log_entry_bytes(req.entries.back());
  }
  sim::Instant now = ctx_.now();
  p.inflight = true;
  p.inflight_deadline = now + sim::milliseconds(config_.request_timeout_ms * 2);
  p.next_heartbeat = now + sim::milliseconds(config_.heartbeat_interval_ms);
  AppendReply pending{peer, state_.term, req.prev_log_offset, std::nullopt};
  uint32_t wire = append_entries_request_bytes(req);
  rpc_.call_async(peer, kAppendEntriesRpc, wire, std::move(req), sim::milliseconds(config_.request_timeout_ms),
                  [this, pending](std::optional<sim::Payload>&& r) {
                    AppendReply reply = pending;
                    if (r)
                      if (auto* resp = sim::payload_cast<AppendEntriesResponse>(&*r)) reply.response = *resp;
                    push_event(Event(std::move(reply)));
                  });
}

void RaftNode::on_append_request(const RequestInfo& info, const AppendEntriesRequest& req) {
  if (req.term < state_.term) {
    rpc_.reply(info, kAppendEntriesResponseBytes,
               AppendEntriesResponse{state_.term, false, Offset(0), log_.log_end_offset()});
    return;
  }
  EDDY_CHECK_MSG(!(role_ == RaftRole::kLeader && req.term == state_.term), "two leaders in one term");
  if (become_follower(req.term, req.leader) && !save_state()) return;
  reset_election_timer(config_.fetch_timeout_ms);
  last_leader_contact_ = ctx_.now();
  Offset prev = req.prev_log_offset;
  if (prev.value() >= 0 && (!log_.contains(prev) || log_.term_at(prev) != req.prev_log_term)) {
    Offset retry = log_.contains(prev) ? log_.first_offset_of_term_at(prev) : log_.log_end_offset();
    rpc_.reply(info, kAppendEntriesResponseBytes, AppendEntriesResponse{state_.term, false, Offset(0), retry});
    return;
  }
  Offset end;
  if (!append_from_leader(req, end)) return;
  Offset committed = std::min(req.leader_high_watermark, end);
  if (committed > high_watermark_) commit_to(committed);
  rpc_.reply(info, kAppendEntriesResponseBytes, AppendEntriesResponse{state_.term, true, end, Offset(0)});
}

// Appends the request's entries after the matching prefix, truncating a conflicting suffix,
// and fsyncs. `end` is where the log is now known to match the leader's. False on a disk error.
bool RaftNode::append_from_leader(const AppendEntriesRequest& req, Offset& end) {
  Offset next = req.prev_log_offset + 1;
  for (const LogEntry& e : req.entries) {
    EDDY_CHECK(e.offset == next);
    if (log_.contains(next)) {
      if (log_.term_at(next) == e.term) {
        next = next + 1;
        continue;
      }
      if (!truncate_log(next)) return false;
    }
    Offset at = log_.append(e.term, e.batch);
    EDDY_CHECK(at == next);
    next = next + 1;
  }
  sim::IoStatus s = log_.flush();
  if (s != sim::IoStatus::kOk) {
    fail_storage("flush log", s);
    return false;
  }
  end = next;
  return true;
}

bool RaftNode::truncate_log(Offset from) {
  if (from < high_watermark_) {
    // Never in correct Raft: committed entries are never overwritten.
    EDDY_CHECK_MSG(config_.unsafe(), "truncating committed entries");
    high_watermark_ = from;
    applied_ = std::min(applied_, from);
  }
  ctx_.trace("raft.truncate", {{"from", from.value()}, {"log_end", log_.log_end_offset().value()}});
  sim::IoStatus s = log_.truncate_suffix(from);
  if (s == sim::IoStatus::kOk) return true;
  fail_storage("truncate log", s);
  return false;
}

void RaftNode::on_append_reply(const AppendReply& reply) {
  if (role_ != RaftRole::kLeader || reply.request_term != state_.term) {
    if (reply.response && reply.response->term > state_.term && become_follower(reply.response->term, std::nullopt))
      save_state();
    return;
  }
  auto it = peers_.find(reply.peer);
  EDDY_CHECK(it != peers_.end());
  PeerProgress& p = it->second;
  p.inflight = false;
  if (!reply.response) return;
  const AppendEntriesResponse& r = *reply.response;
  if (r.term > state_.term) {
    if (become_follower(r.term, std::nullopt)) save_state();
    return;
  }
  p.last_ack = ctx_.now();
  if (r.success) {
    EDDY_CHECK_MSG(r.match_end_offset <= log_.log_end_offset(), "follower matched beyond the leader's log");
    p.match_end_offset = std::max(p.match_end_offset, r.match_end_offset);
    p.next_offset = std::max(p.next_offset, r.match_end_offset);
    return;
  }
  // The entry before next_offset did not match: go back at least one entry.
  p.next_offset = std::max(Offset(0), std::min(r.retry_offset, reply.prev_log_offset));
}

void RaftNode::advance_leader_high_watermark() {
  std::vector<Offset> ends{log_.durable_end_offset()};  // the leader counts only its fsynced copy
  for (const auto& [peer, p] : peers_) ends.push_back(p.match_end_offset);
  std::sort(ends.begin(), ends.end(), [](Offset a, Offset b) { return a > b; });
  Offset n = ends[majority() - 1];
  if (n <= high_watermark_) return;
  // §5.4.2: only entries of the current term commit by counting replicas.
  // BUG ZOO (Raft section 5.4.2, figure 8, with raft-commit-previous-term): commits them too.
  if (log_.term_at(n - 1) != state_.term && !config_.commit_previous_term_entries()) return;
  commit_to(n);
}

void RaftNode::commit_to(Offset new_high_watermark) {
  EDDY_CHECK_MSG(new_high_watermark <= log_.durable_end_offset(), "committing entries that are not durable here");
  EDDY_CHECK(new_high_watermark > high_watermark_);
  if (ctx_.observed<RaftEntryCommitted>()) {  // a digest per entry: only for someone who reads it
    for (Offset o = high_watermark_; o < new_high_watermark; o = o + 1) {
      const LogEntry& e = log_.entry(o);
      ctx_.emit(RaftEntryCommitted{id(), o, e.term, batch_digest(e.batch)});
    }
  }
  high_watermark_ = new_high_watermark;
  ctx_.trace("raft.commit", {{"term", state_.term.value()}, {"high_watermark", high_watermark_.value()}});
  while (applied_ < high_watermark_) {
    const LogEntry& e = log_.entry(applied_);  // deque: stays valid if the listener proposes
    applied_ = applied_ + 1;
    if (listener_ != nullptr) listener_->handle_commit(e);
  }
  commit_waiters_.notify_all();
}

// ---------------------------------------------------------------------------- client side

std::optional<Offset> RaftNode::propose(MetadataBatch batch) {
  EDDY_CHECK(!batch.empty());
  if (!recovered_ || failed_ || role_ != RaftRole::kLeader) return std::nullopt;
  if (log_.log_end_offset() - high_watermark_ >= static_cast<int64_t>(config_.uncommitted_entries_max))
    return std::nullopt;
  Offset o = log_.append(state_.term, std::move(batch));
  wake();
  return o;
}

std::vector<LogEntry> RaftNode::read_committed(Offset from, size_t max_entries) const {
  std::vector<LogEntry> out;
  for (Offset o = std::max(from, Offset(0)); o < high_watermark_ && out.size() < max_entries; o = o + 1)
    out.push_back(log_.entry(o));
  return out;
}

bool RaftNode::wait_for_commit(Offset offset, sim::Duration timeout_local) {
  sim::Instant deadline = ctx_.sim_deadline(timeout_local);
  while (high_watermark_ <= offset) {
    if (!commit_waiters_.wait_until(deadline)) return high_watermark_ > offset;
  }
  return true;
}

}  // namespace broker_model
