#include "checkers/replica_invariants.h"

#include <algorithm>
#include <string>

namespace checkers {

namespace {

std::string where(const HighWatermarkReport& r) {
  return "t=" + sim::format_instant(r.at) + " broker " + r.broker.str() + " (" + (r.leader ? "leader" : "follower") +
         " of " + r.tp.str() + " at epoch " + r.leader_epoch.str() + ")";
}

}  // namespace

void ReplicaInvariants::unclean_election(const TopicPartition& tp) { lineage_.erase(tp); }

void ReplicaInvariants::high_watermark(const HighWatermarkReport& r) {
  ++reports_;
  hw_.note = std::to_string(reports_) + " high-watermark move(s) checked";
  rewrites_.note = hw_.note;
  if (r.high_watermark > r.log_end_offset) {
    Violation v;
    v.summary = r.tp.str() + ": broker " + r.broker.str() + "'s high watermark " + r.high_watermark.str() +
                " is beyond its log end offset " + r.log_end_offset.str();
    v.story = {where(r) + " moved its high watermark " + r.from.str() + " -> " + r.high_watermark.str() +
               " with its log ending at " + r.log_end_offset.str()};
    add_example(hw_, std::move(v));
  }
  if (r.leader) {
    auto key = std::make_tuple(r.tp, r.broker, r.incarnation, r.leader_epoch);
    auto [it, fresh] = leader_hw_.emplace(key, r.high_watermark);
    if (!fresh) {
      if (r.high_watermark < it->second) {
        Violation v;
        v.summary = r.tp.str() + ": leader " + r.broker.str() + "'s high watermark went back from " + it->second.str() +
                    " to " + r.high_watermark.str() + " within epoch " + r.leader_epoch.str();
        v.story = {where(r) + " moved its high watermark " + r.from.str() + " -> " + r.high_watermark.str()};
        add_example(hw_, std::move(v));
      }
      it->second = r.high_watermark;
    }
  }
  if (r.high_watermark > r.from) check_lineage(r);
}

void ReplicaInvariants::check_lineage(const HighWatermarkReport& r) {
  // The lineage: epoch starts over the committed offsets [first start, known_to); an entry of
  // kNoLeaderEpoch marks offsets no report covered (a replica whose log started higher).
  Lineage& l = lineage_[r.tp];
  for (size_t i = 0; i < r.epochs.size(); ++i) {
    const Offset a = std::max(r.epochs[i].first, r.from);
    const Offset b = i + 1 < r.epochs.size() ? std::min(r.epochs[i + 1].first, r.high_watermark) : r.high_watermark;
    const LeaderEpoch e = r.epochs[i].second;
    if (a >= b) continue;
    // The known part [a, min(b, known_to)) must be epoch e throughout.
    const Offset end = std::min(b, l.known_to);
    if (a < end && !l.starts.empty()) {
      auto it = l.starts.upper_bound(a);
      if (it != l.starts.begin()) --it;
      for (; it != l.starts.end() && it->first < end; ++it) {
        if (it->second == kNoLeaderEpoch || it->second == e) continue;
        const Offset bad = std::max(it->first, a);
        Violation v;
        v.summary = r.tp.str() + " offset " + bad.str() + ": committed in leader epoch " + it->second.str() +
                    ", broker " + r.broker.str() + " holds it from epoch " + e.str() + " below its high watermark";
        v.story = {"the partition's replicas committed offset " + bad.str() + " as written in leader epoch " +
                       it->second.str(),
                   where(r) + " moved its high watermark " + r.from.str() + " -> " + r.high_watermark.str() +
                       " over its own record of epoch " + e.str() + " there"};
        add_example(rewrites_, std::move(v));
        return;  // one per report; the lineage keeps what was committed first
      }
    }
    // Extend the lineage past what it knew.
    if (b > l.known_to) {
      const Offset s = std::max(a, l.known_to);
      if (!l.starts.empty() && s > l.known_to) l.starts[l.known_to] = kNoLeaderEpoch;  // a gap
      if (l.starts.empty() || l.starts.rbegin()->second != e) l.starts[s] = e;
      l.known_to = b;
    }
  }
}

}  // namespace checkers
