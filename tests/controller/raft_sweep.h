// One randomized run of the bare metadata quorum (RaftNode + a proposer per member) under a
// nemesis — crashes (with torn or partial unsynced writes), restarts, pauses, isolations,
// splits, one-way links, clock drift, a network that drops, duplicates and reorders whole
// messages (a datagram network, harsher than TCP) — followed by
// a healed phase in which the quorum must converge. A RaftSafetyChecker watches the run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "broker_model/controller/raft_config.h"
#include "sim/world/world.h"

namespace broker_model::testing {

struct RaftSweepOptions {
  int voters = 3;
  RaftConfig raft = fast_raft_config();
  int64_t chaos_ms = 20'000;
  int64_t heal_limit_ms = 30'000;  // the healed cluster must converge within this
  int64_t nemesis_interval_ms_min = 20;  // time between two nemesis steps
  int64_t nemesis_interval_ms_max = 700;
  double loss = 0.01;
  bool keep_trace = false;

  static RaftConfig fast_raft_config() {
    RaftConfig c;
    c.fetch_timeout_ms = 300;
    c.election_timeout_ms = 150;
    c.heartbeat_interval_ms = 50;
    c.request_timeout_ms = 100;
    return c;
  }
};

struct RaftSweepResult {
  std::vector<std::string> violations;
  bool converged = false;
  std::string outcome;      // run status
  std::string summary;      // checker summary
  uint64_t fingerprint = 0;
  int64_t committed_end = 0;
  size_t leaders = 0;
  std::string trace;  // JSONL, when keep_trace
};

RaftSweepResult run_raft_sweep(uint64_t seed, const RaftSweepOptions& options);

// A quorum member without the controller: a RaftNode on an RpcEndpoint, and a proposer that
// writes a uniquely named record every 10-60 ms while it leads and `*proposing` is true.
// Its elections and commits go to the world's event bus (RaftSafetyChecker::watch).
sim::BootFn quorum_member_boot(std::vector<sim::NodeId> voters, RaftConfig config, const bool* proposing);

}  // namespace broker_model::testing
