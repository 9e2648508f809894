// The metadata quorum's RPCs. Push-based Raft: KRaft names its election RPC Vote (kept here)
// but replicates by follower Fetch; eddy's quorum pushes AppendEntries from the leader.
// Offsets are Kafka-style: entries are numbered from 0, and "end" offsets are exclusive.
#pragma once

#include <cstdint>
#include <vector>

#include "broker_model/controller/raft_log.h"
#include "broker_model/types.h"
#include "sim/ids.h"

namespace broker_model {

inline const sim::Symbol kVoteRpc{"Vote"};
inline const sim::Symbol kAppendEntriesRpc{"AppendEntries"};

struct VoteRequest {
  Term candidate_term;
  sim::NodeId candidate;
  Term last_log_term;         // term of the candidate's last entry (0 when empty)
  Offset last_log_end_offset;  // the candidate's log end offset
  // KIP-996 (Vote v2's PreVote): a prospective member asks whether it would win, in its
  // current term; the answer changes no one's term or vote.
  bool pre_vote = false;
};

struct VoteResponse {
  Term term;
  bool vote_granted = false;
};

struct AppendEntriesRequest {
  Term term;
  sim::NodeId leader;
  Offset prev_log_offset{-1};  // the entry just before `entries` (-1: none)
  Term prev_log_term{0};
  std::vector<LogEntry> entries;
  Offset leader_high_watermark;  // entries below it are committed
};

struct AppendEntriesResponse {
  Term term;
  bool success = false;
  // On success: the follower's log matches the leader's up to here (exclusive).
  Offset match_end_offset;
  // On a failed consistency check: where the leader should retry from.
  Offset retry_offset;
};

inline constexpr uint32_t kVoteRequestBytes = 40;
inline constexpr uint32_t kVoteResponseBytes = 24;
inline constexpr uint32_t kAppendEntriesResponseBytes = 40;
uint32_t append_entries_request_bytes(const AppendEntriesRequest& r);

}  // namespace broker_model
