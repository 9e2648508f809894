// Settings of a metadata-quorum member, named after KRaft's `controller.quorum.*` keys.
// Durations are in milliseconds on the node's own clock.
#pragma once

#include <cstdint>

#include "broker_model/variants.h"

namespace broker_model {

struct RaftConfig {
  // controller.quorum.fetch.timeout.ms: a follower that hears from no leader for a time
  // drawn uniformly from [fetch_timeout_ms, fetch_timeout_ms + election_timeout_ms) stands
  // for election. A leader that hears from no majority for 1.5x this long resigns (KRaft's
  // check-quorum), so an isolated leader stops answering as the active controller.
  int64_t fetch_timeout_ms = 2'000;
  // controller.quorum.election.timeout.ms: a candidate's round lasts a time drawn from
  // [election_timeout_ms, 2 * election_timeout_ms); without a majority it starts a new term.
  int64_t election_timeout_ms = 1'000;
  // The leader pushes AppendEntries to an idle follower this often (push-based Raft: KRaft
  // followers fetch instead; this plays the role of their fetch rate).
  int64_t heartbeat_interval_ms = 100;
  // controller.quorum.request.timeout.ms (Kafka: 2000) for Vote and AppendEntries.
  int64_t request_timeout_ms = 500;
  // Most entries in one AppendEntries, and the most the leader keeps uncommitted.
  uint32_t append_entries_max_entries = 64;
  uint32_t uncommitted_entries_max = 1'024;

  // Test-only switches that break Raft on purpose, so a test can show that the safety
  // checker notices. Never set outside tests. With either on, the local assertions that
  // would stop the run first (no truncation below the high watermark) are relaxed.
  bool unsafe_skip_log_up_to_date_check = false;   // grant votes to candidates with stale logs
  bool unsafe_commit_previous_term_entries = false;  // drop Raft's §5.4.2 rule
  // The bug zoo (variants.h): raft-no-election-restriction, raft-commit-previous-term and
  // raft-vote-before-persist, for scenarios.
  ProtocolVariants variants;

  bool skip_log_up_to_date_check() const {
    return unsafe_skip_log_up_to_date_check || variants.has(Variant::kRaftNoElectionRestriction);
  }
  bool commit_previous_term_entries() const {
    return unsafe_commit_previous_term_entries || variants.has(Variant::kRaftCommitPreviousTerm);
  }
  bool vote_before_persist() const { return variants.has(Variant::kRaftVoteBeforePersist); }
  // KIP-996 pre-vote (Kafka 4.0), on unless the raft-no-prevote variant turns it off.
  bool pre_vote() const { return !variants.has(Variant::kRaftNoPrevote); }
  bool unsafe() const { return skip_log_up_to_date_check() || commit_previous_term_entries() || vote_before_persist(); }
};

}  // namespace broker_model
