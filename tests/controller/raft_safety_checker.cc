#include "tests/controller/raft_safety_checker.h"

#include <cstdlib>

namespace broker_model::testing {

void RaftSafetyChecker::violation(std::string message) {
  if (violations_.size() < kMaxViolations) violations_.push_back(std::move(message));
}

void RaftSafetyChecker::watch(sim::EventBus& bus) {
  bus.subscribe<RaftLeaderElected>(
      [this](const sim::EventOrigin&, const RaftLeaderElected& e) { on_become_leader(e.term, e.node); });
  bus.subscribe<RaftEntryCommitted>([this](const sim::EventOrigin&, const RaftEntryCommitted& e) {
    on_commit(e.node, e.offset, e.term, e.batch_digest);
  });
}

void RaftSafetyChecker::on_become_leader(Term term, sim::NodeId node) {
  auto [it, inserted] = leaders_.emplace(term.value(), node.value);
  if (!inserted && it->second != node.value)
    violation("two leaders in term " + term.str() + ": n" + std::to_string(it->second) + " and " + node.str());
}

void RaftSafetyChecker::on_commit(sim::NodeId node, Offset offset, Term term, uint64_t batch_digest) {
  ++commits_seen_;
  node_end_[node.value] = offset.value() + 1;
  auto [it, inserted] = committed_.emplace(offset.value(), Committed{term.value(), batch_digest, node.value});
  if (inserted) return;
  const Committed& c = it->second;
  if (c.term != term.value() || c.digest != batch_digest)
    violation("offset " + offset.str() + " committed as term " + std::to_string(c.term) + " on n" +
              std::to_string(c.first_node) + " but as term " + term.str() + " on " + node.str());
}

void RaftSafetyChecker::check_final_log(sim::NodeId node, const DecodedLog& log, int64_t node_commit_end) {
  for (const auto& [offset, c] : committed_) {
    if (offset >= node_commit_end) break;
    if (offset >= static_cast<int64_t>(log.entries.size())) {
      violation("committed offset " + std::to_string(offset) + " is missing from " + node.str() + "'s log");
      return;
    }
    const LogEntry& e = log.entries[static_cast<size_t>(offset)];
    if (e.term.value() != c.term || batch_digest(e.batch) != c.digest) {
      violation("committed offset " + std::to_string(offset) + " differs in " + node.str() + "'s final log");
      return;
    }
  }
}

int64_t RaftSafetyChecker::node_commit_end(sim::NodeId node) const {
  auto it = node_end_.find(node.value);
  return it == node_end_.end() ? 0 : it->second;
}

std::string RaftSafetyChecker::summary() const {
  std::string s = "leaders " + std::to_string(leaders_.size()) + ", committed end " + std::to_string(committed_end()) +
                  ", commit notifications " + std::to_string(commits_seen_);
  for (const std::string& v : violations_) s += "\n  violation: " + v;
  return s;
}

uint64_t seeds_from_env(uint64_t fallback) {
  const char* v = std::getenv("EDDY_SEEDS");
  if (v == nullptr || *v == '\0') return fallback;
  return std::strtoull(v, nullptr, 10);
}

}  // namespace broker_model::testing
