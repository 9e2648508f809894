#include "checkers/group_checkers.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <set>
#include <tuple>

namespace checkers {

namespace {

std::string at(sim::Instant t) { return "t=" + sim::format_instant(t); }


std::string owner_line(const OwnershipInterval& o) {
  return at(o.from) + " consumer " + std::to_string(o.consumer) + " (member " + o.member_id + ", generation " +
         std::to_string(o.generation) + ") owns " + o.tp.str() + " until " + at(o.to) + " (" + o.end_reason + ")";
}

// Group events of `group` between two instants, for stories.
void group_story(const History& h, const std::string& group, sim::Instant from, sim::Instant to, std::vector<std::string>& out,
                 size_t max_lines = 12) {
  for (const auto& e : h.groups().events) {
    if (e.group != group || e.at < from || e.at > to) continue;
    if (out.size() >= max_lines) break;
    std::string who = e.consumer >= 0 ? " consumer " + std::to_string(e.consumer) : " coordinator broker " + e.broker.str();
    out.push_back(at(e.at) + who + " " + e.kind + ": " + e.detail);
  }
}

}  // namespace

CheckResult check_group_exclusivity(const std::vector<OwnershipInterval>& timeline, bool same_generation) {
  CheckResult r{same_generation ? "group_exclusivity" : "zombie_overlaps", 0, {}, {}};
  std::map<std::pair<std::string, TopicPartition>, std::vector<const OwnershipInterval*>> by_partition;
  for (const auto& o : timeline)
    if (o.from < o.to) by_partition[{o.group, o.tp}].push_back(&o);
  int64_t pairs = 0;
  for (auto& [key, list] : by_partition) {
    std::sort(list.begin(), list.end(), [](const auto* a, const auto* b) { return a->from < b->from; });
    for (size_t i = 0; i < list.size(); ++i)
      for (size_t j = i + 1; j < list.size() && list[j]->from < list[i]->to; ++j) {
        const OwnershipInterval& a = *list[i];
        const OwnershipInterval& b = *list[j];
        ++pairs;
        if (a.consumer == b.consumer) continue;
        if ((a.generation == b.generation) != same_generation) continue;
        sim::Instant end = std::min(a.to, b.to);
        Violation v;
        v.summary = (same_generation ? "two owners in generation " + std::to_string(a.generation) + ": "
                                     : "zombie: ") +
                    key.second.str() + " of group " + key.first + " owned by consumer " + std::to_string(a.consumer) +
                    " and consumer " + std::to_string(b.consumer) + " from " + at(b.from) + " to " + at(end) + " (" +
                    sim::format_duration(end - b.from) + ")";
        v.story = {owner_line(a), owner_line(b)};
        add_example(r, std::move(v));
      }
  }
  r.note = std::to_string(timeline.size()) + " ownership interval(s) checked";
  return r;
}

CheckResult check_offset_regressions(const History& h) {
  CheckResult r{"offset_regressions", 0, {}, {}};
  std::vector<const AcceptedCommit*> commits;
  for (const auto& c : h.groups().accepted_commits) commits.push_back(&c);
  std::stable_sort(commits.begin(), commits.end(), [](const auto* a, const auto* b) { return a->at < b->at; });
  std::map<std::pair<std::string, TopicPartition>, const AcceptedCommit*> last;
  for (const auto* c : commits) {
    auto& prev = last[{c->group, c->tp}];
    if (prev != nullptr && c->offset < prev->offset) {
      Violation v;
      v.summary = "committed offset of " + c->tp.str() + " for group " + c->group + " moved back from " + prev->offset.str() +
                  " to " + c->offset.str() + " at " + at(c->at);
      v.story = {at(prev->at) + " broker " + prev->coordinator.str() + " accepted offset " + prev->offset.str() + " from member " +
                     prev->member_id + " (generation " + std::to_string(prev->generation) + ")",
                 at(c->at) + " broker " + c->coordinator.str() + " accepted offset " + c->offset.str() + " from member " +
                     c->member_id + " (generation " + std::to_string(c->generation) + ")"};
      group_story(h, c->group, prev->at, c->at, v.story);
      add_example(r, std::move(v));
    }
    if (prev == nullptr || c->offset >= prev->offset) prev = c;
  }
  r.note = std::to_string(commits.size()) + " accepted partition commit(s) checked";
  return r;
}

CheckResult check_lost_commits(const History& h) {
  CheckResult r{"lost_commits", 0, {}, {}};
  const GroupHistory& g = h.groups();
  using Key = std::pair<std::string, TopicPartition>;
  std::map<Key, std::vector<const AcceptedCommit*>> accepted;  // by completion, so in log order
  for (const auto& c : g.accepted_commits) accepted[{c.group, c.tp}].push_back(&c);
  for (auto& [k, list] : accepted)
    std::stable_sort(list.begin(), list.end(), [](const auto* a, const auto* b) { return a->at < b->at; });
  std::map<Key, std::vector<const AppendingCommit*>> appending;
  for (const auto& c : g.appending_commits) appending[{c.group, c.tp}].push_back(&c);
  int64_t judged = 0;
  int64_t stale = 0;
  for (const auto& f : g.fetched_offsets) {
    auto list = accepted.find({f.group, f.tp});
    if (list == accepted.end()) continue;
    // The last commit answered before this answer, among those accepted under this leader
    // epoch of the offsets partition or an earlier one: it was committed to the offsets log,
    // so every later leader holds it (acks=all appends; Kafka's offsets.commit.required.acks).
    const AcceptedCommit* last = nullptr;
    bool newer_epoch = false;
    for (const auto* c : list->second) {
      if (c->at > f.at) break;
      if (c->epoch <= f.epoch) last = c;
      else newer_epoch = true;
    }
    if (last == nullptr) {
      stale += newer_epoch ? 1 : 0;
      continue;
    }
    ++judged;
    if (newer_epoch) ++stale;  // also answered by a deposed coordinator; still judged against what it knew
    if (f.offset == last->offset) continue;
    // What else the log may hold after that commit: offsets appended from its validation on,
    // answered or not (a failed append's record can survive and be loaded).
    bool possible = false;
    if (auto a = appending.find({f.group, f.tp}); a != appending.end())
      for (const auto* c : a->second)
        possible = possible || (c->at >= last->validated && c->at <= f.at && c->offset == f.offset);
    if (possible) continue;
    Violation v;
    v.summary = "OffsetFetch of " + f.tp.str() + " for group " + f.group + " answered " +
                (f.offset < Offset{0} ? std::string("no committed offset") : "offset " + f.offset.str()) + " at " + at(f.at) +
                ", though offset " + last->offset.str() + " was committed at " + at(last->at);
    v.story = {at(last->validated) + " broker " + last->coordinator.str() + " (offsets partition leader epoch " +
                   std::to_string(last->epoch) + ") accepted offset " + last->offset.str() + " from member " + last->member_id +
                   " (generation " + std::to_string(last->generation) + "), committed " + at(last->at),
               at(f.at) + " broker " + f.coordinator.str() + " (leader epoch " + std::to_string(f.epoch) +
                   ") answered OffsetFetch with " +
                   (f.offset < Offset{0} ? std::string("no committed offset") : "offset " + f.offset.str()) +
                   ": the member starts " + (f.offset < Offset{0} ? "from auto.offset.reset" : "there")};
    group_story(h, f.group, last->at, f.at, v.story);
    add_example(r, std::move(v));
  }
  r.note = std::to_string(g.fetched_offsets.size()) + " OffsetFetch answer(s), " + std::to_string(judged) +
           " after a commit of their partition";
  if (stale > 0) r.note += ", " + std::to_string(stale) + " from a coordinator behind the commit's leader epoch";
  return r;
}

CheckResult check_stale_commits(const History& h) {
  CheckResult r{"stale_commits", 0, {}, {}};
  for (const auto& c : h.groups().accepted_commits) {
    if (c.generation < 0) continue;  // a commit outside group management
    for (const auto& g : h.groups().generations) {
      if (g.group != c.group || g.generation <= c.generation || !(g.at < c.validated)) continue;
      Violation v;
      v.summary = "commit of " + c.tp.str() + " offset " + c.offset.str() + " by member " + c.member_id + " accepted at " +
                  at(c.at) + " from generation " + std::to_string(c.generation) + ", though generation " +
                  std::to_string(g.generation) + " was stable since " + at(g.at);
      group_story(h, c.group, g.at, c.at, v.story);
      add_example(r, std::move(v));
      break;
    }
  }
  r.note = std::to_string(h.groups().accepted_commits.size()) + " accepted partition commit(s) checked against " +
           std::to_string(h.groups().generations.size()) + " stable generation(s)";
  return r;
}

CheckResult check_unprocessed(const History& h, const std::vector<OwnershipInterval>& timeline, const GroupTopics& groups) {
  CheckResult r{"unprocessed", 0, {}, {}};
  int64_t verified = 0;
  for (const auto& [group, topic] : groups) {
    std::set<uint64_t> done;
    for (const auto& p : h.groups().processed)
      if (p.group == group) done.insert(p.record_id);
    for (const auto& p : h.produces()) {
      if (p.outcome != OpOutcome::kOk || p.tp.topic != topic || p.producer == kLivenessProbeProducer) continue;
      ++verified;
      if (done.count(p.record_id) != 0) continue;
      Violation v;
      v.summary = "group " + group + " never processed " + format_record_id(p.record_id) + " (" + p.tp.str() + " offset " +
                  p.offset.str() + ", acknowledged " + at(p.completed) + ")";
      for (const auto& o : timeline)
        if (o.group == group && o.tp == p.tp && o.to > p.completed && v.story.size() < 6) v.story.push_back(owner_line(o));
      for (const auto& c : h.groups().accepted_commits)
        if (c.group == group && c.tp == p.tp && c.offset > p.offset && v.story.size() < 10) {
          v.story.push_back(at(c.at) + " offset " + c.offset.str() + " committed by member " + c.member_id +
                            " (generation " + std::to_string(c.generation) + "), past the record");
          break;
        }
      add_example(r, std::move(v));
    }
  }
  r.note = std::to_string(verified) + " acknowledged record(s) checked against the groups' processing";
  return r;
}

CheckResult check_duplicates_processed(const History& h) {
  CheckResult r{"duplicates_processed", 0, {}, {}};
  // The processings sorted by (group, partition, offset), ties in processing order, so each
  // repeat finds the first processing of its record: an index per processing rather than a
  // map node with copies of the group and topic (a long run processes millions of records).
  const std::vector<ProcessOp>& ops = h.groups().processed;
  std::vector<uint32_t> order(ops.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  auto key = [&ops](uint32_t i) { return std::tie(ops[i].group, ops[i].tp, ops[i].offset); };
  std::stable_sort(order.begin(), order.end(), [&key](uint32_t a, uint32_t b) { return key(a) < key(b); });
  constexpr uint32_t kFirst = UINT32_MAX;
  std::vector<uint32_t> first_of(ops.size(), kFirst);  // the first processing of the same record
  size_t distinct = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    if (k > 0 && key(order[k]) == key(order[k - 1])) {
      first_of[order[k]] = first_of[order[k - 1]] == kFirst ? order[k - 1] : first_of[order[k - 1]];
    } else {
      ++distinct;
    }
  }
  for (size_t i = 0; i < ops.size(); ++i) {
    if (first_of[i] == kFirst) continue;
    const ProcessOp& p = ops[i];
    const ProcessOp& before = ops[first_of[i]];
    Violation v;
    v.summary = format_record_id(p.record_id) + " at " + p.tp.str() + " offset " + p.offset.str() + " processed again by group " +
                p.group;
    v.story = {at(before.at) + " processed by consumer " + std::to_string(before.consumer) + " (generation " +
                   std::to_string(before.generation) + ")",
               at(p.at) + " processed by consumer " + std::to_string(p.consumer) + " (generation " +
                   std::to_string(p.generation) + ")"};
    add_example(r, std::move(v));
  }
  r.note = std::to_string(ops.size()) + " processing(s), " + std::to_string(distinct) + " distinct record(s)";
  return r;
}

CheckResult check_commits_rejected(const History& h) {
  CheckResult r{"commits_rejected", 0, {}, {}};
  int64_t ok = 0;
  for (const auto& c : h.groups().commits) {
    if (c.outcome == "ok") ++ok;
    bool fenced = c.outcome == "ILLEGAL_GENERATION" || c.outcome == "UNKNOWN_MEMBER_ID" || c.outcome == "FENCED_INSTANCE_ID" ||
                  c.outcome == "REBALANCE_IN_PROGRESS";
    if (!fenced) continue;
    Violation v;
    std::string parts;
    for (const auto& [tp, o] : c.offsets) parts += (parts.empty() ? "" : ", ") + tp.str() + "@" + o.str();
    v.summary = at(c.completed) + " " + c.outcome + ": consumer " + std::to_string(c.consumer) + " (member " + c.member_id +
                ", generation " + std::to_string(c.generation) + ") could not commit " + parts;
    for (const auto& g : h.groups().generations)
      if (g.group == c.group && g.generation > c.generation && g.at < c.completed && v.story.size() < 3)
        v.story.push_back(at(g.at) + " generation " + std::to_string(g.generation) + " became stable without it");
    add_example(r, std::move(v));
  }
  r.note = std::to_string(h.groups().commits.size()) + " commit(s) sent, " + std::to_string(ok) + " accepted";
  return r;
}

std::vector<CheckResult> check_groups(const History& h, const std::vector<OwnershipInterval>& timeline, const GroupTopics& groups) {
  return {check_group_exclusivity(timeline, true), check_group_exclusivity(timeline, false), check_offset_regressions(h),
          check_stale_commits(h), check_lost_commits(h), check_unprocessed(h, timeline, groups),
          check_duplicates_processed(h), check_commits_rejected(h)};
}

}  // namespace checkers
