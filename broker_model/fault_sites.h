// The catalogue of code-level fault points in the system under test: every
// EDDY_FAULT_POINT("name") site in broker_model/ is listed here with what it does, and a test
// (tests/lint/fault_sites_test.cc) keeps the two in step both ways. `eddy list` prints the
// catalogue; a run's summary.json and a sweep's sweep.json count which sites fired.
//
// In the spirit of FoundationDB's BUGGIFY: each site is where a real broker or client meets
// trouble that the protocol must survive (a slow disk, a lost answer, a late commit, a stale
// view). A site never breaks a guarantee by itself: it only produces a timing, an ordering or
// an error that real deployments can see, so a violation with fault points live is a bug in
// the protocol code, not a false alarm. Whether a site is live in a run, and how often it
// fires, is the world's (sim/world/fault_points.h), decided from the seed.
#pragma once

#include <array>
#include <string_view>

#include "sim/node_context.h"
#include "sim/time.h"

namespace broker_model {

struct FaultSite {
  std::string_view name;  // as written in EDDY_FAULT_POINT
  std::string_view area;  // storage, replication, controller, raft, groups, clients, broker
  std::string_view what;  // what happens when it fires
};

inline constexpr std::array kFaultSites = {
    // ---- storage (broker_model/storage/partition_log.cc)
    FaultSite{"storage.slow_append", "storage", "a log append's write waits 1-100 ms (a slow or contended disk)"},
    FaultSite{"storage.early_roll", "storage", "the log rolls a new segment before the active one is full (flushing the old one)"},
    FaultSite{"storage.slow_flush", "storage", "an fsync of the log takes 5-300 ms more"},
    FaultSite{"storage.extra_flush", "storage", "an append is fsynced although the flush policy does not ask for it"},
    FaultSite{"storage.slow_read", "storage", "a log read waits 1-50 ms (a page-cache miss)"},
    FaultSite{"storage.tail_cache_bypass", "storage", "a tail read goes to the segments instead of the in-memory tail (cache dropped)"},
    FaultSite{"storage.slow_recovery", "storage", "opening a log after a restart takes 10-1000 ms more (long log recovery)"},
    FaultSite{"storage.slow_truncate", "storage", "a truncation waits 1-100 ms before it starts"},
    // ---- replication (broker_model/broker/)
    FaultSite{"replication.fetch_delay", "replication", "a follower waits 1-200 ms before sending its next fetch"},
    FaultSite{"replication.fetch_session_reset", "replication", "a follower drops its fetch session: the next fetch is a full one"},
    FaultSite{"replication.stale_epoch_fetch", "replication",
              "a follower fetches with its previous leader epoch (the leader answers FENCED_LEADER_EPOCH)"},
    FaultSite{"replication.revalidate_epoch", "replication",
              "after a fetch, the follower checks its log against the leader's epochs again (OffsetsForLeaderEpoch)"},
    FaultSite{"replication.slow_fetch_read", "replication",
              "the leader's read for a fetch waits 1-100 ms, so leadership can change while it reads"},
    FaultSite{"replication.isr_expand_delayed", "replication", "the leader postpones adding a caught-up follower to the ISR"},
    FaultSite{"replication.isr_check_skipped", "replication", "one round of the leader's ISR shrink check is skipped"},
    FaultSite{"replication.alter_partition_answer_lost", "replication",
              "an AlterPartition answer is lost after the controller applied it (the leader keeps it pending and retries)"},
    FaultSite{"replication.metadata_apply_delayed", "replication",
              "a broker applies new metadata (leaders, ISRs) 10-500 ms late"},
    FaultSite{"fetch.session_evicted", "replication", "the leader evicts an incremental fetch session (FETCH_SESSION_ID_NOT_FOUND)"},
    // ---- controller (broker_model/controller/)
    FaultSite{"controller.heartbeat_delayed", "controller", "a broker's next heartbeat to the controller is 100-2000 ms late"},
    FaultSite{"controller.registration_delayed", "controller", "a broker registers with the controller 100-1000 ms late"},
    FaultSite{"controller.metadata_fetch_delayed", "controller", "a broker's next metadata fetch from the quorum is 10-500 ms late"},
    FaultSite{"controller.metadata_fetch_partial", "controller", "the controller answers a metadata fetch with one entry only"},
    FaultSite{"controller.request_delayed", "controller",
              "the controller handles a CreateTopics or AlterPartition 1-200 ms late (racing leader changes)"},
    FaultSite{"raft.slow_persist", "raft", "persisting the quorum state (term, vote) takes 1-100 ms more"},
    FaultSite{"raft.append_delayed", "raft", "the Raft leader skips one round of AppendEntries to a peer"},
    FaultSite{"raft.election_timer_short", "raft", "a Raft election timer is armed at a quarter of its timeout"},
    FaultSite{"raft.thread_stall", "raft", "a Raft node's event loop stalls 1-300 ms before its next event (a GC pause)"},
    // ---- groups (broker_model/group/, clients/group_consumer.cc)
    FaultSite{"group.load_delayed", "groups",
              "a new group coordinator loads __consumer_offsets 10-1000 ms late (COORDINATOR_LOAD_IN_PROGRESS meanwhile)"},
    FaultSite{"group.commit_late", "groups", "an OffsetCommit reaches the coordinator's handling 1-500 ms late"},
    FaultSite{"group.join_late", "groups", "a JoinGroup reaches the coordinator's handling 1-300 ms late"},
    FaultSite{"group.sync_late", "groups", "a SyncGroup reaches the coordinator's handling 1-300 ms late"},
    FaultSite{"group.heartbeat_delayed", "groups", "a member's heartbeat is 100-2000 ms late"},
    FaultSite{"group.poll_stall", "groups", "the application stalls 10-1000 ms before a poll (slow processing)"},
    // ---- clients and RPC (broker_model/clients/, rpc/)
    FaultSite{"client.metadata_refresh_delayed", "clients", "a client's metadata refresh is 10-1000 ms late (a stale view)"},
    FaultSite{"producer.request_timeout_shrunk", "clients",
              "a produce request times out after 1-30 ms (retried at the worst moment: the broker may have appended it)"},
    FaultSite{"producer.sender_stall", "clients", "the producer's sender thread stalls 1-200 ms (a client GC pause)"},
    FaultSite{"consumer.fetch_timeout_shrunk", "clients", "a consumer fetch times out after 1-30 ms"},
    FaultSite{"consumer.fetch_delayed", "clients", "a consumer waits 1-200 ms before sending a fetch"},
    FaultSite{"rpc.connection_reset", "clients",
              "a client's connection is reset just before a request (its calls in flight fail and are retried)"},
    // ---- broker request handling (broker_model/broker/broker_server.cc)
    FaultSite{"broker.request_handler_stall", "broker", "a broker handles a request 1-100 ms late (a busy request handler)"},
    FaultSite{"broker.metadata_answer_delayed", "broker", "a broker answers a client's metadata request 1-200 ms late"},
};

// A delay for a site that fired: uniform in [lo, hi], drawn from the node's PRNG (so it is
// part of the seed's run, and drawn only when the site fires).
inline sim::Duration fault_delay(sim::NodeContext& ctx, sim::Duration lo, sim::Duration hi) {
  return lo + sim::nanoseconds(ctx.prng().int_in_range(0, (hi - lo).ns() + 1));
}

}  // namespace broker_model
