#include "checkers/compaction.h"

#include <algorithm>

namespace checkers {

CompactionOracle::CompactionOracle(const History& h) : h_(h) {
  if (h.compacted_topics().empty()) return;
  std::map<uint64_t, const ProduceOp*>& by_id = by_id_;
  for (const auto& [index, key] : h.keyed_produces()) {
    const ProduceOp& p = h.produces()[index];
    keys_[&p] = &key;
    by_id[p.record_id] = &p;
    if (key.tombstone && p.outcome != OpOutcome::kFailed) by_key_[{p.tp, key.key}].tombstones.push_back(&p);
  }
  std::map<TopicPartition, bool> judged;  // the first read of a partition is the one judged
  for (const auto& fr : h.final_reads()) {
    if (judged[fr.tp]) continue;
    judged[fr.tp] = true;
    for (const auto& [offset, id] : fr.records) {
      auto it = by_id.find(id);
      if (it == by_id.end()) continue;
      KeyState& s = by_key_[{fr.tp, keys_.at(it->second)->key}];
      s.final_latest = std::max(s.final_latest, offset);
    }
  }
}

bool CompactionOracle::removable(const TopicPartition& tp, uint64_t record_id, Offset offset) const {
  auto p = by_id_.find(record_id);
  if (p == by_id_.end() || !compacted(*p->second)) return false;
  auto s = by_key_.find({tp, keys_.at(p->second)->key});
  return s != by_key_.end() && s->second.final_latest > offset;
}

bool CompactionOracle::compacted(const ProduceOp& p) const {
  return h_.compacted_topics().count(p.tp.topic) != 0 && keys_.count(&p) != 0;
}

const KeyedProduce* CompactionOracle::key_of(const ProduceOp& p) const {
  auto it = keys_.find(&p);
  return it == keys_.end() ? nullptr : it->second;
}

// The cleaner drops a tombstone whose timestamp (set when it was sent) is more than
// delete.retention.ms before its clock; by the end of the run that much time has passed.
bool CompactionOracle::tombstone_expired(const ProduceOp& t) const {
  auto it = h_.compacted_topics().find(t.tp.topic);
  return it != h_.compacted_topics().end() && t.invoked + it->second < h_.end();
}

std::string CompactionOracle::explains_record(uint64_t record_id) const {
  auto p = by_id_.find(record_id);
  if (p == by_id_.end() || !compacted(*p->second)) return "";
  return explains(*p->second);
}

std::string CompactionOracle::explains(const ProduceOp& p) const {
  const KeyedProduce* key = key_of(p);
  if (key == nullptr || !compacted(p)) return "";
  auto it = by_key_.find({p.tp, key->key});
  if (it == by_key_.end()) return "";
  const KeyState& s = it->second;
  if (s.final_latest > p.offset) return "superseded by the record of its key at offset " + s.final_latest.str();
  if (key->tombstone && tombstone_expired(p)) return "a tombstone past delete.retention.ms";
  for (const ProduceOp* t : s.tombstones) {
    if (t == &p || !tombstone_expired(*t)) continue;
    bool after = t->outcome == OpOutcome::kOk ? t->offset > p.offset : t->invoked > p.invoked;
    if (after) return "superseded by a tombstone of its key, itself past delete.retention.ms";
  }
  return "";
}

CheckResult check_latest_values(const History& h) {
  CheckResult r{"latest_values", 0, {}, {}};
  if (h.compacted_topics().empty()) return r;
  CompactionOracle oracle(h);
  std::map<TopicPartition, const FinalRead*> finals;
  std::map<TopicPartition, std::map<Offset, uint64_t>> final_ids;  // of the judged (first) reads
  for (const auto& fr : h.final_reads()) {
    if (finals.count(fr.tp) != 0) continue;
    finals[fr.tp] = &fr;
    for (const auto& [offset, id] : fr.records) final_ids[fr.tp][offset] = id;
  }
  auto in_final_log = [&](const ProduceOp& p) {
    auto log = final_ids.find(p.tp);
    if (log == final_ids.end()) return false;
    auto at = log->second.find(p.offset);
    return at != log->second.end() && at->second == p.record_id;
  };
  // Each key's latest acknowledged record, and how many acknowledged records compaction took.
  std::map<std::pair<TopicPartition, std::string>, const ProduceOp*> latest;
  int64_t compacted = 0, unverifiable = 0;
  for (const auto& [index, key] : h.keyed_produces()) {
    const ProduceOp& p = h.produces()[index];
    if (p.outcome != OpOutcome::kOk || !oracle.compacted(p)) continue;
    const ProduceOp*& l = latest[{p.tp, key.key}];
    if (l == nullptr || p.offset > l->offset) l = &p;
  }
  for (const auto& [where, p] : latest) {
    auto f = finals.find(where.first);
    if (f == finals.end() || !f->second->complete) {
      ++unverifiable;
      continue;
    }
    if (in_final_log(*p) || !oracle.explains(*p).empty()) continue;
    Violation v;
    v.record_id = p->record_id;
    v.summary = "the latest value of key '" + where.second + "' in " + where.first.str() + ", " +
                format_record_id(p->record_id) + " acknowledged at offset " + p->offset.str() +
                ", is not in the final log and no later record of the key explains it";
    ++r.count;
    if (r.examples.size() < kMaxExamples) r.examples.push_back(std::move(v));
  }
  for (const auto& [index, key] : h.keyed_produces()) {
    const ProduceOp& p = h.produces()[index];
    if (p.outcome != OpOutcome::kOk || !oracle.compacted(p)) continue;
    auto f = finals.find(p.tp);
    if (f == finals.end() || !f->second->complete) continue;
    if (!in_final_log(p) && !oracle.explains(p).empty()) ++compacted;
  }
  r.note = std::to_string(latest.size()) + " keys checked, " + std::to_string(compacted) +
           " acknowledged records removed by compaction";
  if (unverifiable > 0) r.note += ", " + std::to_string(unverifiable) + " keys on partitions with no complete final read";
  return r;
}

}  // namespace checkers
