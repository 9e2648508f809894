// A checker for the metadata quorum's safety, fed from outside the model by the members'
// reports on the world's event bus (controller/raft_events.h): at most one leader per term; every offset, whenever and wherever it is
// committed, holds the same entry (term and batch digest); and at the end, every entry
// ever committed is still in each member's durable log. Violations are kept as messages.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "broker_model/controller/raft_events.h"
#include "broker_model/controller/raft_log.h"
#include "sim/event_bus.h"

namespace broker_model::testing {

class RaftSafetyChecker {
 public:
  static constexpr size_t kMaxViolations = 20;

  // Subscribes to the quorum's elections and commits on `bus`, before the run. The checker
  // must outlive the world whose bus it is.
  void watch(sim::EventBus& bus);
  void on_become_leader(Term term, sim::NodeId node);
  void on_commit(sim::NodeId node, Offset offset, Term term, uint64_t batch_digest);

  // Every committed entry below `node_commit_end` must be in `log`, unchanged.
  void check_final_log(sim::NodeId node, const DecodedLog& log, int64_t node_commit_end);

  const std::vector<std::string>& violations() const { return violations_; }
  bool ok() const { return violations_.empty(); }
  // One past the highest offset any member committed.
  int64_t committed_end() const { return committed_.empty() ? 0 : committed_.rbegin()->first + 1; }
  // One past the last offset `node` reported committed (since its last restart).
  int64_t node_commit_end(sim::NodeId node) const;
  size_t leaders_elected() const { return leaders_.size(); }
  int64_t highest_term() const { return leaders_.empty() ? 0 : leaders_.rbegin()->first; }
  // The leader of the highest term seen.
  sim::NodeId latest_leader() const { return sim::NodeId{leaders_.empty() ? 0 : leaders_.rbegin()->second}; }
  std::string summary() const;

 private:
  struct Committed {
    int64_t term;
    uint64_t digest;
    uint32_t first_node;
  };
  void violation(std::string message);

  std::map<int64_t, uint32_t> leaders_;  // term -> node
  std::map<int64_t, Committed> committed_;  // offset -> entry
  std::map<uint32_t, int64_t> node_end_;
  std::vector<std::string> violations_;
  uint64_t commits_seen_ = 0;
};

// EDDY_SEEDS from the environment, or `fallback`.
uint64_t seeds_from_env(uint64_t fallback);

}  // namespace broker_model::testing
