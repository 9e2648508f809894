#include "tests/controller/raft_sweep.h"

#include <memory>
#include <sstream>

#include "broker_model/controller/raft_node.h"
#include "faults/random_faults.h"
#include "sim/world/world.h"
#include "tests/controller/raft_safety_checker.h"

namespace broker_model::testing {

namespace {

struct QuorumMember {
  QuorumMember(sim::NodeContext& ctx, const std::vector<sim::NodeId>& voters, const RaftConfig& config)
      : rpc(ctx), raft(ctx, rpc, voters, config) {}
  RpcEndpoint rpc;
  RaftNode raft;
};

struct SweepState {
  bool proposing = true;
};

void nemesis_step(sim::World& w, sim::Prng& p, int voters, sim::NodeId leader) {
  auto node = [&] { return sim::NodeId{static_cast<uint32_t>(p.below(static_cast<uint64_t>(voters)))}; };
  switch (p.below(12)) {
    case 10: w.crash(leader); break;  // a leader is usually in the middle of a write
    case 11: w.restart(leader); break;
    case 0: w.crash(node()); break;
    case 1: w.restart(node()); break;
    case 2: w.start(node()); break;
    case 3: w.pause(node()); break;
    case 4: w.resume(node()); break;
    case 5: w.net().isolate(node()); break;
    case 6: {
      std::vector<std::vector<sim::NodeId>> halves(2);
      for (int i = 0; i < voters; ++i) halves[p.below(2)].push_back(sim::NodeId{static_cast<uint32_t>(i)});
      w.net().split(halves);
      break;
    }
    case 7: w.net().block(node(), node()); break;
    case 8: w.net().heal(); break;
    case 9: w.node(node()).clock().set_drift_ppm(p.int_in_range(-500, 501), w.now()); break;
  }
}


// After healing: wait for a commit made after the heal, stop proposing, and wait until every
// member reports the same commit end. True when that happened within the limit.
bool converge(sim::World& w, RaftSafetyChecker& checker, SweepState& state, int voters, int64_t limit_ms) {
  constexpr int64_t kPollMs = 50;
  int64_t healed_end = checker.committed_end();
  sim::Instant deadline = w.now() + sim::milliseconds(limit_ms);
  while (w.now() < deadline && checker.committed_end() <= healed_end) sim::this_fiber::sleep_for(sim::milliseconds(kPollMs));
  state.proposing = false;
  while (w.now() < deadline) {
    sim::this_fiber::sleep_for(sim::milliseconds(kPollMs));
    int64_t end = checker.committed_end();
    bool all = end > healed_end;
    for (int i = 0; i < voters; ++i) all = all && checker.node_commit_end(sim::NodeId{static_cast<uint32_t>(i)}) == end;
    if (all) return true;
  }
  return false;
}

}  // namespace

sim::BootFn quorum_member_boot(std::vector<sim::NodeId> voters, RaftConfig config, const bool* proposing) {
  return [voters, config, proposing](sim::NodeContext& ctx) {
    QuorumMember& m = ctx.make<QuorumMember>(ctx, voters, config);
    m.raft.start();
    m.rpc.start([&m](const RequestInfo& info, sim::Payload&& body) { m.raft.handle(info, body); });
    ctx.spawn("proposer", [&ctx, &m, proposing] {
      for (uint64_t seq = 0;; ++seq) {
        ctx.sleep_for(sim::milliseconds(ctx.prng().int_in_range(10, 60)));
        if (!*proposing || !m.raft.is_leader()) continue;
        std::string name = ctx.id().str() + "-i" + std::to_string(ctx.incarnation()) + "-" + std::to_string(seq);
        m.raft.propose(TopicRecord{name, 1, {}});
      }
    });
  };
}

RaftSweepResult run_raft_sweep(uint64_t seed, const RaftSweepOptions& options) {
  sim::WorldConfig wc;
  wc.seed = seed;
  wc.limits.max_events = 20'000'000;
  wc.link.latency = sim::LatencyModel::uniform(sim::microseconds(100), sim::milliseconds(2));
  // Raft must be safe over any network, not only over TCP: messages are dropped, duplicated
  // and reordered on the connections themselves (faults TCP would hide), as a datagram
  // network would.
  wc.link.message_drop = options.loss;
  wc.link.message_duplicate = 0.01;
  wc.link.message_reorder = 0.01;
  RaftSafetyChecker checker;  // outlives the world
  SweepState state;
  RaftSweepResult result;
  auto world = std::make_unique<sim::World>(wc);
  sim::World& w = *world;
  std::ostringstream trace;
  if (options.keep_trace) w.trace().set_sink(&trace);
  checker.watch(w.events());
  std::vector<sim::NodeId> voters;
  for (int i = 0; i < options.voters; ++i) voters.push_back(sim::NodeId{static_cast<uint32_t>(i)});
  sim::Prng models = w.fork_prng("models");
  for (int i = 0; i < options.voters; ++i) {
    sim::NodeOptions no;
    // Half the disks tear the write in flight at a crash; the others keep a prefix or lose it.
    static constexpr sim::CrashMode kModes[] = {sim::CrashMode::kTornLastSector, sim::CrashMode::kTornLastSector,
                                                sim::CrashMode::kKeepPrefix, sim::CrashMode::kLoseUnsynced};
    no.disk.crash_mode = kModes[models.below(4)];
    no.clock.drift_ppm = models.int_in_range(-200, 201);
    // Slow fsyncs widen the window in which a crash finds unsynced (or torn) entries.
    no.disk.fsync_latency = sim::milliseconds(models.int_in_range(1, 31));
    w.add_node("c" + std::to_string(i), quorum_member_boot(voters, options.raft, &state.proposing), no);
    w.start(voters[static_cast<size_t>(i)]);
  }
  w.spawn("nemesis", [&] {
    sim::Prng p = w.fork_prng("nemesis");
    sim::Instant chaos_end = w.now() + sim::milliseconds(options.chaos_ms);
    while (w.now() < chaos_end) {
      sim::this_fiber::sleep_for(
          sim::milliseconds(p.int_in_range(options.nemesis_interval_ms_min, options.nemesis_interval_ms_max)));
      nemesis_step(w, p, options.voters, checker.latest_leader());
    }
    faults::heal_everything(w, static_cast<uint32_t>(options.voters));
    result.converged = converge(w, checker, state, options.voters, options.heal_limit_ms);
    w.stop("sweep done");
  });
  sim::RunOutcome out = w.run();
  result.outcome = sim::to_string(out.status);
  if (out.status != sim::RunStatus::kStopped) result.outcome += ": " + out.message;
  for (sim::NodeId n : voters)
    checker.check_final_log(n, decode_raft_log(w.node(n).disk().durable_image(RaftLog::kFileName)),
                            checker.node_commit_end(n));
  result.fingerprint = w.fingerprint();
  world.reset();
  result.violations = checker.violations();
  result.summary = checker.summary();
  result.committed_end = checker.committed_end();
  result.leaders = checker.leaders_elected();
  result.trace = trace.str();
  return result;
}

}  // namespace broker_model::testing
