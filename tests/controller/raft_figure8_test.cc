// Raft's Figure 8, scripted: a nemesis that reacts to what the members report builds the
// one interleaving in which committing an earlier term's entry by counting replicas loses a
// committed entry. With §5.4.2 dropped (unsafe_commit_previous_term_entries) the checker
// must report it; with the rule in place the same script is safe.
//
// Three members. A leads term t and is cut off while it appends entries X no one else gets.
// B wins term t+1 with C's vote and is cut off at once, before its LeaderChangeRecord Y
// (at X's offset) leaves. A comes back, wins term t+2 with C's vote (A's log is longer),
// and sends C one entry at a time: C takes the first X entry. Counting replicas, A commits
// it — the unsafe step — and is cut off before its own term's entry reaches C. B comes back:
// its last term t+1 beats C's t, so B wins and overwrites X with Y. Y commits: offset lost.
#include <gtest/gtest.h>

#include <functional>

#include "sim/world/world.h"
#include "tests/controller/raft_safety_checker.h"
#include "tests/controller/raft_sweep.h"

namespace broker_model::testing {
namespace {

// Lets the script react at the exact moment something happens (after the checker saw it: it
// subscribes first). The script is the test's nemesis: it acts on the world, as a nemesis may.
struct ScriptedObserver {
  void watch(sim::EventBus& bus) {
    bus.subscribe<RaftLeaderElected>([this](const sim::EventOrigin&, const RaftLeaderElected& e) {
      if (on_leader) on_leader(e.term, e.node);
    });
    bus.subscribe<RaftEntryCommitted>([this](const sim::EventOrigin&, const RaftEntryCommitted& e) {
      if (on_commit_hook) on_commit_hook(e.node, e.offset, e.term);
    });
  }
  std::function<void(Term, sim::NodeId)> on_leader;
  std::function<void(sim::NodeId, Offset, Term)> on_commit_hook;
};

struct Figure8Outcome {
  bool script_completed = false;  // every step happened as planned
  std::vector<std::string> violations;
  std::string log;
};

// Waits (polling every millisecond) until `done` or `limit_ms` pass; true if done.
bool wait_until(sim::World& w, const std::function<bool()>& done, int64_t limit_ms) {
  sim::Instant deadline = w.now() + sim::milliseconds(limit_ms);
  while (!done() && w.now() < deadline) sim::this_fiber::sleep_for(sim::milliseconds(1));
  return done();
}

Figure8Outcome run_figure8(bool unsafe_rule, bool as_zoo_variant = false) {
  sim::WorldConfig wc;
  wc.seed = 8;
  wc.link.latency = sim::LatencyModel::constant(sim::microseconds(500));
  RaftSafetyChecker checker;
  ScriptedObserver observer;
  RaftConfig raft = RaftSweepOptions::fast_raft_config();
  raft.append_entries_max_entries = 1;
  raft.unsafe_commit_previous_term_entries = unsafe_rule && !as_zoo_variant;
  if (unsafe_rule && as_zoo_variant) raft.variants.set(Variant::kRaftCommitPreviousTerm);
  bool proposing = true;
  Figure8Outcome out;
  sim::World w(wc);
  checker.watch(w.events());
  observer.watch(w.events());
  std::vector<sim::NodeId> voters{sim::NodeId{0}, sim::NodeId{1}, sim::NodeId{2}};
  for (sim::NodeId n : voters) {
    w.add_node(n.str(), quorum_member_boot(voters, raft, &proposing));
    w.start(n);
  }
  w.spawn("script", [&] {
    auto step = [&](const std::string& what, bool ok) {
      out.log += (ok ? "ok:   " : "FAIL: ") + what + "\n";
      return ok;
    };
    if (!step("a leader commits 20 entries", wait_until(w, [&] { return checker.committed_end() >= 20; }, 10'000))) return;
    sim::NodeId a = checker.latest_leader();
    int64_t term_a = checker.highest_term();
    int64_t x_offset = -1;  // the first X entry A commits unsafely
    std::optional<sim::NodeId> b;
    observer.on_leader = [&](Term term, sim::NodeId node) {
      if (!b && node != a && term.value() > term_a) {
        b = node;
        w.net().isolate(node);  // before its first AppendEntries leaves
      }
    };
    w.net().isolate(a);
    if (!step("B wins term t+1 and is cut off", wait_until(w, [&] { return b.has_value(); }, 10'000))) return;
    sim::this_fiber::sleep_for(sim::seconds(1));  // A resigns (check quorum); X stays in its log
    proposing = false;
    observer.on_leader = nullptr;
    observer.on_commit_hook = [&](sim::NodeId node, Offset offset, Term term) {
      if (x_offset < 0 && node == a && term.value() == term_a && offset.value() + 1 >= checker.committed_end()) {
        x_offset = offset.value();
        w.net().isolate(a);  // before A's own term's entry reaches C
      }
    };
    w.net().heal();
    w.net().isolate(*b);
    step("A wins term t+2 and commits an X entry", wait_until(w, [&] { return x_offset >= 0; }, 10'000));
    observer.on_commit_hook = nullptr;
    w.net().heal();
    w.net().isolate(a);
    wait_until(w, [&] { return !checker.ok(); }, 10'000);
    out.script_completed = true;
  });
  w.run(sim::Instant::epoch() + sim::seconds(60));
  out.violations = checker.violations();
  return out;
}

TEST(RaftFigure8, CheckerCatchesCommittingAPreviousTermsEntry) {
  Figure8Outcome o = run_figure8(/*unsafe_rule=*/true);
  ASSERT_TRUE(o.script_completed) << o.log;
  ASSERT_FALSE(o.violations.empty()) << "the checker missed a lost committed entry\n" << o.log;
  EXPECT_NE(o.log.find("ok:   A wins term t+2"), std::string::npos) << o.log;
  std::printf("[ unsafe   ] %s\n", o.violations.front().c_str());
}

// The bug zoo's raft-commit-previous-term (broker_model/variants.h) is the same broken rule,
// as a scenario turns it on.
TEST(RaftFigure8, TheZooVariantCommitPreviousTermIsCaught) {
  Figure8Outcome o = run_figure8(/*unsafe_rule=*/true, /*as_zoo_variant=*/true);
  ASSERT_TRUE(o.script_completed) << o.log;
  ASSERT_FALSE(o.violations.empty()) << "the checker missed a lost committed entry\n" << o.log;
}

TEST(RaftFigure8, TheCurrentTermRuleMakesTheSameScriptSafe) {
  Figure8Outcome o = run_figure8(/*unsafe_rule=*/false);
  ASSERT_TRUE(o.script_completed) << o.log;
  EXPECT_NE(o.log.find("ok:   A wins term t+2"), std::string::npos) << o.log;
  EXPECT_TRUE(o.violations.empty()) << o.violations.front() << "\n" << o.log;
}

}  // namespace
}  // namespace broker_model::testing
