// RaftNode: one member of the KRaft metadata quorum (1, 3 or 5 voters), running Raft:
// randomized election timeouts on the node's clock, Vote with the log up-to-date rule and
// one durable vote per term, leaders pushing AppendEntries with the consistency check and
// conflicting-suffix truncation, a LeaderChangeRecord at the start of every term, and a
// high watermark that only advances over entries of the leader's own term (§5.4.2).
//
// Durability: term and vote live in the quorum-state file (QuorumStateStore) and are saved
// before any message that depends on them is sent; entries are fsynced (RaftLog::flush)
// before a follower acknowledges them and before the leader counts its own copy.
//
// Threading: one "raft" fiber owns the protocol and the disk. handle() (called by the
// process's RpcEndpoint handler) and RPC completions only enqueue events for it, so they
// never block. propose() may be called from any fiber of the process: it only appends to the
// in-memory log of a leader and wakes the raft fiber.
//
// The state machine (QuorumController) registers a RaftClientListener: committed entries
// come to it in order, each once per process incarnation (from offset 0 after a restart).
#pragma once

#include <deque>
#include <optional>
#include <set>
#include <variant>
#include <vector>

#include "broker_model/controller/quorum_state.h"
#include "broker_model/controller/raft_config.h"
#include "broker_model/controller/raft_log.h"
#include "broker_model/controller/raft_messages.h"
#include "broker_model/controller/raft_events.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "sim/payload.h"
#include "sim/wait_queue.h"

namespace broker_model {

// kProspective is KIP-996's state: a member that lost its leader asks for pre-votes before it
// becomes a candidate (and bumps the term).
enum class RaftRole : uint8_t { kFollower, kProspective, kCandidate, kLeader };
const char* to_string(RaftRole r);

// Kafka's RaftClient.Listener. Called on the raft fiber; must not block.
class RaftClientListener {
 public:
  virtual void handle_commit(const LogEntry& entry) = 0;
  // The known leader or the term changed (leader empty while unknown).
  virtual void handle_leader_change(Term term, std::optional<sim::NodeId> leader) = 0;

 protected:
  ~RaftClientListener() = default;
};

class RaftNode {
 public:
  // Events the raft fiber may hold before new ones are dropped (like a full socket buffer).
  static constexpr size_t kEventQueueCapacity = 4'096;
  // Bytes of entries in one AppendEntries, besides the entry count limit.
  static constexpr uint32_t kAppendEntriesMaxBytes = 1 << 20;

  // Reports elections and commits to the run's observers (raft_events.h).
  RaftNode(sim::NodeContext& ctx, RpcEndpoint& rpc, std::vector<sim::NodeId> voters, RaftConfig config);
  RaftNode(const RaftNode&) = delete;
  RaftNode& operator=(const RaftNode&) = delete;

  void set_listener(RaftClientListener* listener) { listener_ = listener; }
  // Spawns the raft fiber, which first recovers term, vote and log from the disk.
  void start();
  // Takes Vote and AppendEntries requests; false for any other body.
  bool handle(const RequestInfo& info, sim::Payload& body);

  // Appends a batch if this member is the leader (and not overloaded); its offset, or nullopt.
  std::optional<Offset> propose(MetadataBatch batch);
  std::optional<Offset> propose(MetadataRecord record) { return propose(MetadataBatch{std::move(record)}); }

  sim::NodeId id() const { return ctx_.id(); }
  const std::vector<sim::NodeId>& voters() const { return voters_; }
  RaftRole role() const { return role_; }
  bool is_leader() const { return role_ == RaftRole::kLeader; }
  std::optional<sim::NodeId> leader() const { return leader_; }
  Term term() const { return state_.term; }
  std::optional<sim::NodeId> voted_for() const { return state_.voted_for; }
  // Entries below the high watermark are committed (Kafka's exclusive convention).
  Offset high_watermark() const { return high_watermark_; }
  Offset log_end_offset() const { return log_.log_end_offset(); }
  Offset durable_end_offset() const { return log_.durable_end_offset(); }
  const RaftLog& log() const { return log_; }
  bool recovered() const { return recovered_; }
  bool failed() const { return failed_; }

  // Committed entries from `from`, at most `max_entries`.
  std::vector<LogEntry> read_committed(Offset from, size_t max_entries) const;
  // Blocks the calling fiber until `offset` is below the high watermark (true) or
  // `timeout_local` passes on this node's clock (false). The caller checks the entry's term
  // if the offset may have been proposed by another leader.
  bool wait_for_commit(Offset offset, sim::Duration timeout_local);

 private:
  struct InboundRequest {
    RequestInfo info;
    std::variant<VoteRequest, AppendEntriesRequest> body;
  };
  struct VoteReply {
    sim::NodeId peer;
    Term request_term;
    bool pre_vote = false;
    std::optional<VoteResponse> response;  // nullopt: timed out
  };
  struct AppendReply {
    sim::NodeId peer;
    Term request_term;
    Offset prev_log_offset;
    std::optional<AppendEntriesResponse> response;
  };
  using Event = std::variant<InboundRequest, VoteReply, AppendReply>;

  struct PeerProgress {
    Offset next_offset;                 // next entry to send
    Offset match_end_offset;            // log known to match up to here (exclusive)
    bool inflight = false;
    sim::Instant inflight_deadline;     // local; a lost completion never wedges the peer
    sim::Instant next_heartbeat;        // local
    sim::Instant last_ack;              // local; for check-quorum
  };

  void run();
  bool recover();
  void enqueue_request(InboundRequest&& req);
  bool push_event(Event&& ev);
  void wake() { event_ready_.notify_one(); }
  void dispatch(Event&& ev);
  void on_timers();
  sim::Instant next_wakeup_local() const;
  size_t majority() const { return voters_.size() / 2 + 1; }

  // Elections.
  void reset_election_timer(int64_t base_ms);
  void start_election();
  void start_pre_vote();
  void send_vote_requests(const VoteRequest& req);
  bool leader_heard_recently() const;
  void become_leader();
  // Adopts `term` (clearing the vote if it is new) and `leader` as a follower; true if the
  // term changed and must be saved before replying.
  bool become_follower(Term term, std::optional<sim::NodeId> leader);
  void resign();
  bool save_state();
  void on_vote_request(const RequestInfo& info, const VoteRequest& req);
  void on_vote_reply(const VoteReply& reply);
  bool log_is_up_to_date(const VoteRequest& req) const;

  // Replication.
  void lead_step();
  void send_append(sim::NodeId peer, PeerProgress& p);
  void on_append_request(const RequestInfo& info, const AppendEntriesRequest& req);
  bool append_from_leader(const AppendEntriesRequest& req, Offset& end);
  void on_append_reply(const AppendReply& reply);
  void advance_leader_high_watermark();
  void commit_to(Offset new_high_watermark);
  bool truncate_log(Offset from);

  void fail_storage(const char* op, sim::IoStatus status);
  void notify_leader_change();

  sim::NodeContext& ctx_;
  RpcEndpoint& rpc_;
  std::vector<sim::NodeId> voters_;
  RaftConfig config_;
  RaftClientListener* listener_ = nullptr;

  QuorumStateStore quorum_state_;
  RaftLog log_;
  ElectionState state_;
  RaftRole role_ = RaftRole::kFollower;
  std::optional<sim::NodeId> leader_;
  Offset high_watermark_{0};
  Offset applied_{0};  // next entry to hand to the listener
  bool recovered_ = false;
  bool failed_ = false;

  sim::Instant election_deadline_;  // local
  std::set<sim::NodeId> votes_;     // a candidate's votes, or a prospective member's pre-votes
  std::optional<sim::Instant> last_leader_contact_;  // local; the last AppendEntries of this term's leader
  std::map<sim::NodeId, PeerProgress> peers_;

  // The raft fiber's inbox (bounded; when full, new events are dropped like lost packets).
  std::deque<Event> events_;
  sim::WaitQueue event_ready_{"raft events"};
  sim::WaitQueue commit_waiters_{"raft commit"};
};

}  // namespace broker_model
