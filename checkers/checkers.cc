#include "checkers/checkers.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <span>

#include "checkers/compaction.h"
#include "sim/check.h"

namespace checkers {


namespace {

std::string at(sim::Instant t) { return "t=" + sim::format_instant(t); }

// Dense numbers for the partitions a check meets, in TopicPartition order (topic, then
// partition), found without a map search per operation: a run has ~100,000s of operations
// spread over a few partitions of a few topics, and searching a map keyed by TopicPartition
// for each was most of what the checks cost. The topic found last is tried first.
class PartitionRanks {
 public:
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

  // Before ranks(): notes a partition.
  void add(const TopicPartition& tp) {
    uint32_t& slot = slot_of(tp);
    if (slot == kNone) slot = 0;
  }
  // Numbers the partitions added, 0..size()-1 in TopicPartition order.
  void number() {
    std::vector<size_t> order(topics_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return topics_[a].name < topics_[b].name; });
    size_ = 0;
    for (size_t t : order)
      for (uint32_t& slot : topics_[t].by_partition)
        if (slot != kNone) slot = size_++;
  }
  uint32_t size() const { return size_; }
  // After number(): the partition's number, kNone when it was not added.
  uint32_t rank(const TopicPartition& tp) {
    const Topic* t = find_topic(tp.topic);
    if (t == nullptr || tp.partition < 0 || static_cast<size_t>(tp.partition) >= t->by_partition.size()) return kNone;
    return t->by_partition[static_cast<size_t>(tp.partition)];
  }

 private:
  struct Topic {
    sim::Symbol name;
    std::vector<uint32_t> by_partition;  // kNone where not added
  };
  Topic* find_topic(sim::Symbol name) {
    if (last_ < topics_.size() && topics_[last_].name == name) return &topics_[last_];
    for (size_t i = 0; i < topics_.size(); ++i)
      if (topics_[i].name == name) return &topics_[last_ = i];
    return nullptr;
  }
  uint32_t& slot_of(const TopicPartition& tp) {
    Topic* t = find_topic(tp.topic);
    if (t == nullptr) {
      topics_.push_back(Topic{tp.topic, {}});
      last_ = topics_.size() - 1;
      t = &topics_.back();
    }
    EDDY_CHECK_MSG(tp.partition >= 0, "a partition number in the history is negative");
    size_t p = static_cast<size_t>(tp.partition);
    if (p >= t->by_partition.size()) t->by_partition.resize(p + 1, kNone);
    return t->by_partition[p];
  }

  std::vector<Topic> topics_;
  size_t last_ = 0;
  uint32_t size_ = 0;
};


// The timeline of one partition from `from` on: leader changes, ISR changes, truncations.
std::vector<std::string> partition_story(const History& h, const TopicPartition& tp, sim::Instant from) {
  std::vector<std::string> out;
  for (const auto& e : h.timeline_events()) {
    if (e.at < from) continue;
    if (!e.tp.topic.empty() && !(e.tp == tp)) continue;
    std::string who = e.broker == kNoBroker ? "" : " broker " + e.broker.str();
    out.push_back(at(e.at) + " " + e.kind + who + (e.tp.topic.empty() ? "" : " " + e.tp.str()) +
                  (e.detail.empty() ? "" : ": " + e.detail));
  }
  return out;
}

std::string produce_line(const History& h, const ProduceOp& p) {
  return at(p.invoked) + " " + h.producer_name(p.producer) + " sent " + format_record_id(p.record_id) +
         " to " + p.tp.str();
}

std::string ack_line(const ProduceOp& p) {
  return at(p.completed) + " acknowledged by broker " + p.acked_by.str() + " (leader epoch " + p.leader_epoch.str() +
         ") at offset " + p.offset.str() + " after " + std::to_string(p.attempts) + " attempt(s)";
}

// The sends of one batch: its first send (attempt 1, which alone lists the records) and the
// ones after it in the History, up to the next batch's first send.
std::span<const ProduceAttempt> sends_of_batch(const std::vector<ProduceAttempt>& attempts, size_t first) {
  size_t end = first + 1;
  while (end < attempts.size() && attempts[end].attempt != 1) ++end;
  return std::span<const ProduceAttempt>(attempts).subspan(first, end - first);
}

// The sends of the batch that carried produce op `op` (recorded for batches sent more than
// once): each is one line of a duplicate's story.
std::vector<std::string> attempt_story(const History& h, size_t op) {
  std::vector<std::string> out;
  const auto& attempts = h.produce_attempts();
  for (size_t i = 0; i < attempts.size(); ++i) {
    if (attempts[i].attempt != 1 || std::find(attempts[i].ops.begin(), attempts[i].ops.end(), op) == attempts[i].ops.end())
      continue;
    bool idempotent = attempts[i].producer_id != kNoProducerId;
    const std::span<const ProduceAttempt> sends = sends_of_batch(attempts, i);
    // What happened to the partition (and the cluster) while the batch was being retried.
    std::vector<std::pair<sim::Instant, std::string>> events;
    for (const auto& e : h.timeline_events()) {
      if (e.at < sends.front().sent || e.at > sends.back().answered) continue;
      if (!e.tp.topic.empty() && !(e.tp == attempts[i].tp)) continue;
      std::string who = e.broker == kNoBroker ? "" : " broker " + e.broker.str();
      events.emplace_back(e.at, at(e.at) + " " + e.kind + who + (e.detail.empty() ? "" : ": " + e.detail));
    }
    size_t next_event = 0;
    for (const ProduceAttempt& a : sends) {
      while (next_event < events.size() && events[next_event].first <= a.sent)
        out.push_back("  " + events[next_event++].second);
      std::string who = idempotent ? " (producer id " + a.producer_id.str() + ", epoch " + std::to_string(a.producer_epoch) +
                                         ", sequence " + std::to_string(a.base_sequence) + ")"
                                   : " (no producer id: enable.idempotence=false)";
      out.push_back(at(a.sent) + " attempt " + std::to_string(a.attempt) + " of the batch sent to broker " + a.broker.str() +
                    who + " -> " + (a.result.empty() ? "no answer" : a.result) + " at " + at(a.answered));
    }
    while (next_event < events.size()) out.push_back("  " + events[next_event++].second);
    if (!idempotent)
      out.push_back("the batch was retried after an attempt that may have been appended (the acknowledgement was "
                    "lost or came too late): without idempotence the leader appends it again");
    return out;
  }
  return out;
}

// The (record id, offset) pairs of a final read whose record id occurs more than once in it,
// in read order. Record ids are producer << 40 | sequence with sequences dense per producer,
// so occurrences are counted in a table over each producer's sequence range; ids too spread
// out for a table (not a workload's) are found by sorting instead.
std::vector<std::pair<uint64_t, int64_t>> held_more_than_once(const FinalRead& fr) {
  std::vector<std::pair<uint64_t, int64_t>> out;
  const auto& records = fr.records;
  struct Range {
    uint64_t producer;
    uint64_t lo, hi;  // sequences seen
    uint64_t first_cell = 0;
  };
  constexpr int kSequenceBits = 40;
  constexpr uint64_t kSequenceMask = (uint64_t{1} << kSequenceBits) - 1;
  std::vector<Range> ranges;
  size_t last = 0;
  auto range_of = [&](uint64_t producer) -> Range* {
    if (last < ranges.size() && ranges[last].producer == producer) return &ranges[last];
    for (size_t i = 0; i < ranges.size(); ++i)
      if (ranges[i].producer == producer) return &ranges[last = i];
    return nullptr;
  };
  constexpr size_t kRangesMax = 64;
  bool table = true;
  for (const auto& [off, id] : records) {
    uint64_t seq = id & kSequenceMask;
    Range* r = range_of(id >> kSequenceBits);
    if (r == nullptr) {
      if (ranges.size() == kRangesMax) {
        table = false;
        break;
      }
      ranges.push_back(Range{id >> kSequenceBits, seq, seq});
      last = ranges.size() - 1;
      continue;
    }
    r->lo = std::min(r->lo, seq);
    r->hi = std::max(r->hi, seq);
  }
  uint64_t cells = 0;
  if (table) {
    for (Range& r : ranges) {
      r.first_cell = cells;
      cells += r.hi - r.lo + 1;
      if (cells > 4 * static_cast<uint64_t>(records.size()) + (uint64_t{1} << 20)) {
        table = false;
        break;
      }
    }
  }
  if (!table) {  // sort (id, offset) and keep the runs of one id
    std::vector<std::pair<uint64_t, int64_t>> by_id;
    by_id.reserve(records.size());
    for (const auto& [off, id] : records) by_id.emplace_back(id, off.value());
    std::sort(by_id.begin(), by_id.end());
    for (size_t i = 0; i < by_id.size();) {
      size_t j = i + 1;
      while (j < by_id.size() && by_id[j].first == by_id[i].first) ++j;
      if (j - i >= 2) out.insert(out.end(), by_id.begin() + static_cast<ptrdiff_t>(i), by_id.begin() + static_cast<ptrdiff_t>(j));
      i = j;
    }
    return out;
  }
  std::vector<uint8_t> count(static_cast<size_t>(cells), 0);
  auto cell_of = [&](uint64_t id) {
    const Range* r = range_of(id >> kSequenceBits);
    return static_cast<size_t>(r->first_cell + ((id & kSequenceMask) - r->lo));
  };
  bool any = false;
  for (const auto& [off, id] : records) {
    uint8_t& c = count[cell_of(id)];
    if (c < 2) ++c;
    any = any || c == 2;
  }
  if (!any) return out;
  for (const auto& [off, id] : records)
    if (count[cell_of(id)] == 2) out.emplace_back(id, off.value());
  return out;
}

}  // namespace

void add_example(CheckResult& r, Violation v) {
  ++r.count;
  if (r.examples.size() < kMaxExamples) r.examples.push_back(std::move(v));
}

namespace {

// Each partition's final reads, for "is this record in the final log?": the first read of a
// partition is the one judged (read()); a record counts as there when any final read of its
// partition holds it. A record is looked up where it should be (one index away in a
// contiguous read: the common case, no search), else among the sorted ids, made only for a
// partition that needs them (a run without losses never does).
class FinalLogs {
 public:
  explicit FinalLogs(const History& h) {
    for (const auto& fr : h.final_reads()) ranks_.add(fr.tp);
    ranks_.number();
    logs_.resize(ranks_.size());
    for (const auto& fr : h.final_reads()) {
      Log& l = logs_[ranks_.rank(fr.tp)];
      if (l.reads++ == 0) l.read = &fr;
      for (const auto& [off, id] : fr.records) l.ids.push_back(id);
    }
    for (Log& l : logs_) {
      const FinalRead& fr = *l.read;
      l.contiguous = l.reads == 1 && !fr.records.empty();
      for (size_t i = 1; l.contiguous && i < fr.records.size(); ++i)
        l.contiguous = fr.records[i].first == fr.records[i - 1].first + 1;
      if (l.contiguous) l.first_offset = fr.records.front().first.value();
    }
  }
  uint32_t rank(const TopicPartition& tp) { return ranks_.rank(tp); }  // PartitionRanks remembers its last answer
  // The judged read of the partition ranked `rank`; nullptr for a partition never read.
  const FinalRead* read(uint32_t rank) const { return rank == PartitionRanks::kNone ? nullptr : logs_[rank].read; }
  bool holds(uint32_t rank, Offset offset, uint64_t id) {
    Log& l = logs_[rank];
    int64_t at = offset.value() - l.first_offset;
    if (l.contiguous && at >= 0 && at < static_cast<int64_t>(l.ids.size()) && l.ids[static_cast<size_t>(at)] == id) return true;
    if (!l.sorted_made) {
      l.sorted = l.ids;
      std::sort(l.sorted.begin(), l.sorted.end());
      l.sorted_made = true;
    }
    return std::binary_search(l.sorted.begin(), l.sorted.end(), id);
  }

 private:
  struct Log {
    const FinalRead* read = nullptr;
    int reads = 0;
    int64_t first_offset = 0;
    bool contiguous = false;       // ids are by offset from first_offset
    std::vector<uint64_t> ids;     // the ids of every read of the partition, in read order
    std::vector<uint64_t> sorted;  // ids sorted, once needed
    bool sorted_made = false;
  };
  PartitionRanks ranks_;
  std::vector<Log> logs_;
};

// What retention and truncations removed from each partition's replicas (History::log_cuts()),
// to tell an acknowledged record that retention deleted from one that was lost.
class LogCuts {
 public:
  explicit LogCuts(const History& h) {
    for (const LogCut& c : h.log_cuts()) by_tp_[c.tp].push_back(&c);
  }
  // Offset `o` of `tp`, acknowledged at `acked`: retention cut some replica's log past it, and
  // no replica's log end was cut back over it since the acknowledgement (a truncation that
  // removed it, and with it maybe the record, makes the record's absence a loss, not an expiry).
  bool expired(const TopicPartition& tp, Offset o, sim::Instant acked) const {
    auto it = by_tp_.find(tp);
    if (it == by_tp_.end()) return false;
    bool retained_past = false;
    for (const LogCut* c : it->second) {
      if (c->retention) retained_past = retained_past || (c->from <= o && o < c->to);
      else if (c->at >= acked && c->to <= o && o < c->from) return false;
    }
    return retained_past;
  }
  // The retention cut that removed offset `o` first, as a story line.
  std::string retention_line(const TopicPartition& tp, Offset o) const {
    auto it = by_tp_.find(tp);
    if (it != by_tp_.end())
      for (const LogCut* c : it->second)
        if (c->retention && c->from <= o && o < c->to)
          return at(c->at) + " retention broker " + c->broker.str() + " " + tp.str() + ": deleted offsets " + c->from.str() +
                 ".." + (c->to - 1).str() + ", log start now " + c->to.str();
    return "";
  }

 private:
  std::map<TopicPartition, std::vector<const LogCut*>> by_tp_;
};

// Acknowledged records against the final logs: each is there, expired (retention removed
// it), or lost.
Durability judge_acknowledged(const History& h) {
  Durability out{CheckResult{"lost_writes", 0, {}, {}}, CheckResult{"expired", 0, {}, {}}};
  CheckResult& r = out.lost_writes;
  const LogCuts cuts(h);
  FinalLogs finals(h);
  int64_t verified = 0, unverifiable = 0, probes = 0, compacted = 0;
  const CompactionOracle compaction(h);
  for (const auto& p : h.produces()) {
    if (p.outcome != OpOutcome::kOk) continue;

    uint32_t rank = finals.rank(p.tp);
    const FinalRead* fr = finals.read(rank);
    if (fr == nullptr || !fr->complete) {
      ++unverifiable;
      continue;
    }
    ++verified;
    // The final phase's liveness probes are held to the log like any acknowledged write, but
    // counted apart: they are not the workload's.
    if (p.producer == kLivenessProbeProducer) ++probes;
    if (finals.holds(rank, p.offset, p.record_id)) continue;
    if (p.offset < fr->start_offset && cuts.expired(p.tp, p.offset, p.completed)) {
      Violation v;
      v.record_id = p.record_id;
      v.summary = "expired: " + format_record_id(p.record_id) + " acknowledged at " + p.tp.str() + " offset " +
                  p.offset.str() + " was deleted by retention (the final log starts at " + fr->start_offset.str() + ")";
      if (out.expired.examples.size() < kMaxExamples) {
        v.story.push_back(produce_line(h, p));
        v.story.push_back(ack_line(p));
        v.story.push_back(cuts.retention_line(p.tp, p.offset));
      }
      add_example(out.expired, std::move(v));
      continue;
    }
    if (compaction.compacted(p) && !compaction.explains(p).empty()) {
      ++compacted;  // removed by the log cleaner as Kafka's may: not lost
      continue;
    }
    Violation v;
    v.record_id = p.record_id;
    v.summary = "lost write: " + format_record_id(p.record_id) + " acknowledged at " + p.tp.str() +
                " offset " + p.offset.str() + " by broker " + p.acked_by.str() + " is not in the final log";
    if (r.examples.size() < kMaxExamples) {
      v.story.push_back(produce_line(h, p));
      v.story.push_back(ack_line(p));
      for (auto& line : partition_story(h, p.tp, p.invoked)) v.story.push_back(line);
      std::string there = "nothing";
      for (const auto& [off, id] : fr->records)
        if (off == p.offset) there = format_record_id(id);
      v.story.push_back("final log of " + p.tp.str() + " holds " + there + " at offset " + p.offset.str() + " (" +
                        std::to_string(fr->records.size()) + " records read)");
    }
    add_example(r, std::move(v));
  }
  r.note = std::to_string(verified - probes) + " acknowledged records verified";
  if (probes > 0) r.note += " (and " + std::to_string(probes) + " liveness probes)";
  if (out.expired.count > 0) r.note += ", " + std::to_string(out.expired.count) + " of them deleted by retention (expired, not lost)";
  if (compacted > 0) r.note += " (" + std::to_string(compacted) + " of them removed by log compaction, which is not loss)";
  if (unverifiable > 0) r.note += ", " + std::to_string(unverifiable) + " on partitions with no complete final read";
  out.expired.note = "acknowledged records below the log start that retention (retention.ms, retention.bytes) moved: "
                     "deleted as configured, not lost";
  out.verified = verified - probes;
  return out;
}

}  // namespace

Durability check_durability(const History& h) { return judge_acknowledged(h); }
CheckResult check_lost_writes(const History& h) { return judge_acknowledged(h).lost_writes; }



CheckResult check_lost_reads(const History& h) {
  CheckResult r{"lost_reads", 0, {}, {}};
  // What a consumer reads was below the high watermark: committed, whatever the producer's
  // acks. Every read is looked up in the final read of its partition: where it was read (one
  // index away in a contiguous final read, the common case), else anywhere in it (sorted ids,
  // made only for a partition that needs them). Each missing record counts once.
  FinalLogs finals(h);
  const LogCuts cuts(h);
  const CompactionOracle compaction(h);
  std::set<std::pair<uint32_t, uint64_t>> judged;  // (partition rank, record id) found missing
  int64_t reads = 0, expired = 0, compacted = 0;
  auto judge = [&](const TopicPartition& tp, Offset off, uint64_t id, sim::Instant when, int consumer,
                   const std::string* group, BrokerId from) {
    uint32_t rank = finals.rank(tp);
    const FinalRead* fr = finals.read(rank);
    if (fr == nullptr || !fr->complete) return;
    ++reads;
    if (finals.holds(rank, off, id) || !judged.emplace(rank, id).second) return;
    if (off < fr->start_offset && cuts.expired(tp, off, when)) {
      ++expired;
      return;
    }
    if (compaction.active() && !compaction.explains_record(id).empty()) {
      ++compacted;  // the log cleaner removed it since it was read: not lost
      return;
    }
    std::string who = group == nullptr ? "consumer " + std::to_string(consumer)
                                       : "member " + std::to_string(consumer) + " of group " + *group;
    Violation v;
    v.record_id = id;
    v.summary = "lost read: " + format_record_id(id) + " read by " + who + " at " + tp.str() + " offset " + off.str() +
                " (committed: below the high watermark) is not in the final log";
    if (r.examples.size() < kMaxExamples) {
      for (const auto& p : h.produces())
        if (p.record_id == id) {
          v.story.push_back(produce_line(h, p) + " (outcome " + to_string(p.outcome) + ")");
          break;
        }
      v.story.push_back(at(when) + " " + who + " read it at offset " + off.str() +
                        (from == kNoBroker ? "" : " from broker " + from.str()));
      for (auto& line : partition_story(h, tp, when)) v.story.push_back(line);
      std::string there = "nothing";
      for (const auto& [o, rid] : fr->records)
        if (o == off) there = format_record_id(rid);
      v.story.push_back("final log of " + tp.str() + " holds " + there + " at offset " + off.str() + " (starts at " +
                        fr->start_offset.str() + ")");
    }
    add_example(r, std::move(v));
  };
  for (const auto& c : h.consumes())
    judge(c.tp, c.offset, c.record_id, c.at, c.consumer, nullptr, c.from);
  for (const auto& p : h.groups().processed) judge(p.tp, p.offset, p.record_id, p.at, p.consumer, &p.group, kNoBroker);
  r.note = std::to_string(reads) + " reads verified";
  if (expired > 0) r.note += ", " + std::to_string(expired) + " record(s) read were deleted by retention since (not lost)";
  if (compacted > 0) r.note += ", " + std::to_string(compacted) + " record(s) read were removed by log compaction since (not lost)";
  return r;
}

namespace {

// How the sends of one record's batch identified it: (producer id, epoch, the record's own
// sequence) per send. One identity over every send means the broker saw the same record each
// time and Kafka's idempotence promises one copy; two or more mean the producer re-stamped the
// batch between sends, which the broker cannot recognise.
struct RecordIdentity {
  ProducerId producer_id;
  int16_t epoch;
  int64_t sequence;
  bool operator<(const RecordIdentity& o) const {
    return std::tie(producer_id, epoch, sequence) < std::tie(o.producer_id, o.epoch, o.sequence);
  }
};

// Whether an answer leaves the batch possibly appended: acknowledged, appended short of
// min.insync.replicas, or never answered.
bool may_have_appended(const std::string& result) {
  return result.empty() || result.rfind("acknowledged", 0) == 0 || result.rfind("no response", 0) == 0 ||
         result == "NOT_ENOUGH_REPLICAS_AFTER_APPEND";
}

// A retry the broker refused although it had the batch: a send repeating an identity whose
// earlier send may have been appended, answered OUT_OF_ORDER_SEQUENCE_NUMBER. Kafka's leader
// answers such a retry with the original offset (ProducerStateManager keeps the metadata of a
// producer's last five batches, KAFKA-5494); refusing it makes the producer bump its epoch
// and re-stamp every in-flight batch of the partition, so the re-stamped duplicates that
// follow are the broker's doing. The evidence that the refusing leader had the batch: the
// refused batch itself is held twice by the final log (`duplicated(first send)`); a batch
// answered out of order by a leader that never had it (it went to an old leader, lost) is a
// gap, and the epoch bump it causes is Kafka's producer at work. Per (producer, partition):
// the time of the first refusal.
template <typename Duplicated>
std::map<std::pair<int, TopicPartition>, sim::Instant> refused_retries(const std::vector<ProduceAttempt>& attempts,
                                                                    Duplicated duplicated) {
  std::map<std::pair<int, TopicPartition>, sim::Instant> out;
  for (size_t first = 0; first < attempts.size(); ++first) {
    if (attempts[first].attempt != 1 || attempts[first].producer_id == kNoProducerId || !duplicated(first)) continue;
    std::map<std::pair<int16_t, int32_t>, bool> appended_maybe;  // (epoch, base sequence) -> an earlier send may have appended
    for (const ProduceAttempt& send : sends_of_batch(attempts, first)) {
      auto key = std::make_pair(send.producer_epoch, send.base_sequence);
      auto seen = appended_maybe.find(key);
      if (seen != appended_maybe.end() && seen->second && send.result.rfind("OUT_OF_ORDER_SEQUENCE_NUMBER", 0) == 0) {
        auto [it, fresh] = out.emplace(std::make_pair(send.producer, send.tp), send.answered);
        if (!fresh) it->second = std::min(it->second, send.answered);
      }
      appended_maybe[key] = appended_maybe[key] || may_have_appended(send.result);
    }
  }
  return out;
}

// How the sends of one record's batches identified it, and when the last was sent.
struct SendIdentities {
  std::set<RecordIdentity> distinct;
  sim::Instant last_sent;
};

SendIdentities identities_of(const std::vector<ProduceAttempt>& attempts, const std::vector<size_t>& batches,
                             size_t op) {
  SendIdentities out;
  for (size_t first : batches) {
    const auto& records = attempts[first].ops;
    auto at = std::find(records.begin(), records.end(), op);
    if (at == records.end()) continue;
    int64_t position = at - records.begin();
    for (const ProduceAttempt& send : sends_of_batch(attempts, first)) {
      if (send.producer_id == kNoProducerId) continue;
      out.distinct.insert(
          RecordIdentity{send.producer_id, send.producer_epoch, send.base_sequence < 0 ? -1 : send.base_sequence + position});
      out.last_sent = std::max(out.last_sent, send.sent);
    }
  }
  return out;
}

}  // namespace

// A duplicate is a dedup failure when the broker had what it needed to recognise the retry:
// every send carried one identity, or a send repeating an identity was refused as out of order.
Duplicates check_duplicates(const History& h) {
  Duplicates out{CheckResult{"duplicates", 0, {}, {}}, CheckResult{"dedup_failures", 0, {}, {}}};
  CheckResult& r = out.duplicates;
  const auto& ops = h.produces();
  const auto& attempts = h.produce_attempts();
  // Where each record was produced and which recorded sends (batches sent more than once)
  // carried it: built only when something is held twice.
  std::map<uint64_t, size_t> op_of_record;
  std::map<uint64_t, int> produce_calls;  // duplicated record id -> the produce calls that sent it
  std::map<size_t, std::vector<size_t>> sends_of_op;
  std::map<std::pair<int, TopicPartition>, sim::Instant> refused;
  int64_t restamped = 0, without_idempotence = 0;
  // Every record held more than once, per final read: (record id, offsets).
  struct Held {
    const FinalRead* fr;
    uint64_t id;
    std::vector<int64_t> offsets;
  };
  std::vector<Held> held;
  std::set<uint64_t> duplicated;
  for (const auto& fr : h.final_reads()) {
    // (record id, offset) sorted by id: copies of one record sit next to each other. Only
    // records held more than once matter, and they are found first without sorting.
    std::vector<std::pair<uint64_t, int64_t>> by_id = held_more_than_once(fr);
    std::sort(by_id.begin(), by_id.end());
    for (size_t i = 0; i < by_id.size();) {
      size_t j = i + 1;
      while (j < by_id.size() && by_id[j].first == by_id[i].first) ++j;
      if (j - i >= 2) {
        Held d{&fr, by_id[i].first, {}};
        for (size_t k = i; k < j; ++k) d.offsets.push_back(by_id[k].second);
        duplicated.insert(d.id);
        held.push_back(std::move(d));
      }
      i = j;
    }
  }
  if (!held.empty()) {
    for (size_t op = 0; op < ops.size(); ++op) {
      op_of_record.emplace(ops[op].record_id, op);
      if (duplicated.count(ops[op].record_id) > 0) ++produce_calls[ops[op].record_id];
    }
    for (size_t a = 0; a < attempts.size(); ++a)
      if (attempts[a].attempt == 1)
        for (size_t op : attempts[a].ops) sends_of_op[op].push_back(a);
    refused = refused_retries(attempts, [&](size_t first) {
      for (size_t op : attempts[first].ops)
        if (op < ops.size() && duplicated.count(ops[op].record_id) > 0) return true;
      return false;
    });
  }
  for (const Held& d : held) {
    const uint64_t id = d.id;
    const FinalRead& fr = *d.fr;
    auto op_it = op_of_record.find(id);
    SendIdentities ids;
    if (op_it != op_of_record.end()) {
      auto sends = sends_of_op.find(op_it->second);
      if (sends != sends_of_op.end()) ids = identities_of(attempts, sends->second, op_it->second);
    }
    bool idempotent = !ids.distinct.empty();
    std::optional<sim::Instant> refusal;
    if (idempotent) {
      auto it = refused.find(std::make_pair(ops[op_it->second].producer, fr.tp));
      if (it != refused.end() && it->second <= ids.last_sent) refusal = it->second;
    }
    Violation v;
    v.record_id = id;
    v.summary = "duplicate: " + format_record_id(id) + " appears " + std::to_string(d.offsets.size()) + " times in " +
                fr.tp.str();
    std::string where = "at offsets";
    for (int64_t o : d.offsets) where += " " + std::to_string(o);
    v.story.push_back(where);
    if (r.examples.size() < kMaxExamples && op_it != op_of_record.end()) {
      const ProduceOp& p = ops[op_it->second];
      v.story.push_back(produce_line(h, p) + " (" + std::to_string(p.attempts) + " attempts, outcome " +
                        to_string(p.outcome) + ")");
      for (auto& line : attempt_story(h, op_it->second)) v.story.push_back(std::move(line));
    }
    if (ids.distinct.size() >= 2 && !refusal) {
      // Kafka's producer re-stamps the in-flight batches of a partition from sequence 0
      // when it bumps its epoch (KIP-360: TransactionManager.canRetry asks for a bump on
      // OUT_OF_ORDER_SEQUENCE_NUMBER when the failed batch is the next expected one, and
      // TxnPartitionEntry.startSequencesAtBeginning renumbers every in-flight batch). A
      // batch that one leader had already appended (NOT_ENOUGH_REPLICAS_AFTER_APPEND, a
      // lost answer) then comes back under a new identity, and the leader appends it
      // again: KAFKA-14034, librdkafka#4953. Kafka's behaviour, not a broker fault.
      ++restamped;
      if (!v.story.empty())
        v.story.push_back("the producer re-stamped the batch between sends (" + std::to_string(ids.distinct.size()) +
                          " producer id/epoch/sequence identities): an idempotent producer's epoch bump (KIP-360) "
                          "renumbers in-flight batches, and a copy already appended under the old identity "
                          "cannot be recognised (KAFKA-14034)");
    } else if (produce_calls[id] > 1) {
      // The application itself sent the record again (the pipeline's function retried after a
      // timed-out invocation, with the reading's id): two produce calls, not one batch retried.
      if (!v.story.empty())
        v.story.push_back("the application produced " + format_record_id(id) + " " + std::to_string(produce_calls[id]) +
                          " times (separate send calls): no producer's idempotence can recognise that");
    } else if (idempotent) {
      // One identity over every send: the leader had what it needs to answer the retry
      // with the original offset (ProducerStateManager's batch metadata) and did not.
      Violation f = v;
      f.summary = "dedup failure: " + f.summary.substr(std::string("duplicate: ").size());
      if (!f.story.empty())
        f.story.push_back(refusal
                              ? at(*refusal) + " a leader refused a retry of a batch it may have appended with "
                                "OUT_OF_ORDER_SEQUENCE_NUMBER instead of answering it with the original offset; "
                                "the producer's epoch bump that followed re-stamped this batch"
                              : "every send carried the same producer id, epoch and sequence: the leader should have "
                                "answered the retry with the original offset");
      add_example(out.dedup_failures, std::move(f));
    } else {
      ++without_idempotence;
    }
    add_example(r, std::move(v));
  }
  // The idempotent producer's side of the story: retries the leaders recognised.
  int64_t recognised = 0;
  for (const auto& e : h.timeline_events())
    if (e.kind == "duplicate-batch") ++recognised;
  std::vector<std::string> notes;
  if (recognised > 0)
    notes.push_back("idempotent producer: " + std::to_string(recognised) +
                    " retried batch(es) recognised by their leaders and answered with their original offsets");
  if (restamped > 0)
    notes.push_back(std::to_string(restamped) +
                    " record(s) re-stamped by a producer epoch bump and appended again (KIP-360, KAFKA-14034: "
                    "Kafka's idempotent producer, not a broker fault)");
  if (without_idempotence > 0)
    notes.push_back(std::to_string(without_idempotence) + " record(s) retried without idempotence (at-least-once)");
  for (size_t n = 0; n < notes.size(); ++n) r.note += (n == 0 ? "" : "; ") + notes[n];
  out.dedup_failures.note =
      "duplicates the broker's idempotence should have prevented: one producer id, epoch and sequence over every "
      "send, or a re-stamp that followed a leader refusing a retry of a batch it may have appended";
  return out;
}

CheckResult check_inconsistent_offsets(const History& h) {
  CheckResult r{"inconsistent_offsets", 0, {}, {}};
  // Two acknowledgements for one offset: sort the acknowledged produces by (partition,
  // offset, history order) and compare neighbours.
  // Sorted as small keys (offset, partition rank, history index): the same order as a
  // stable sort of the operations by (offset, partition), without touching them.
  struct AckKey {
    int64_t offset;
    uint32_t tp_rank;
    uint32_t index;
    bool operator<(const AckKey& o) const {
      if (offset != o.offset) return offset < o.offset;
      if (tp_rank != o.tp_rank) return tp_rank < o.tp_rank;
      return index < o.index;
    }
  };
  const auto& ops = h.produces();
  PartitionRanks tp_rank;
  for (const auto& p : ops)
    if (p.outcome == OpOutcome::kOk) tp_rank.add(p.tp);
  tp_rank.number();
  std::vector<AckKey> acked;
  for (size_t i = 0; i < ops.size(); ++i) {
    const ProduceOp& p = ops[i];
    if (p.outcome != OpOutcome::kOk) continue;
    acked.push_back(AckKey{p.offset.value(), tp_rank.rank(p.tp), static_cast<uint32_t>(i)});
  }
  // Acknowledgements of one (partition, offset), in history order: each is compared with the
  // one before it. A dense table of the last index per (partition, offset) finds them in one
  // pass; when the offsets are too spread out for a table, sorting the keys does.
  std::vector<std::pair<AckKey, uint32_t>> clashes;  // the later acknowledgement, the earlier one's index
  const size_t ranks = tp_rank.size();
  std::vector<int64_t> lo(ranks, std::numeric_limits<int64_t>::max()), hi(ranks, std::numeric_limits<int64_t>::min());
  for (const AckKey& k : acked) {
    lo[k.tp_rank] = std::min(lo[k.tp_rank], k.offset);
    hi[k.tp_rank] = std::max(hi[k.tp_rank], k.offset);
  }
  std::vector<uint64_t> first_cell(ranks, 0);
  uint64_t cells = 0;
  for (size_t t = 0; t < ranks; ++t) {
    first_cell[t] = cells;
    if (lo[t] <= hi[t]) cells += static_cast<uint64_t>(hi[t] - lo[t]) + 1;
  }
  constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  if (cells <= 4 * static_cast<uint64_t>(acked.size()) + (uint64_t{1} << 20)) {
    std::vector<uint32_t> last(static_cast<size_t>(cells), kNone);
    for (const AckKey& k : acked) {
      uint32_t& cell = last[static_cast<size_t>(first_cell[k.tp_rank] + static_cast<uint64_t>(k.offset - lo[k.tp_rank]))];
      if (cell != kNone) clashes.emplace_back(k, cell);
      cell = k.index;
    }
    std::sort(clashes.begin(), clashes.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  } else {
    std::sort(acked.begin(), acked.end());
    for (size_t i = 1; i < acked.size(); ++i)
      if (acked[i - 1].offset == acked[i].offset && acked[i - 1].tp_rank == acked[i].tp_rank)
        clashes.emplace_back(acked[i], acked[i - 1].index);
  }
  for (const auto& [key, earlier] : clashes) {
    const ProduceOp* first = &ops[earlier];
    const ProduceOp& p = ops[key.index];
    if (first->offset != p.offset || !(first->tp == p.tp) || first->record_id == p.record_id) continue;
    Violation v;
    v.summary = "two records acknowledged at " + p.tp.str() + " offset " + p.offset.str() + ": " +
                format_record_id(first->record_id) + " and " + format_record_id(p.record_id);
    if (r.examples.size() < kMaxExamples) {
      v.story = {produce_line(h, *first), ack_line(*first), produce_line(h, p), ack_line(p)};
      for (auto& line : partition_story(h, p.tp, first->completed)) v.story.push_back(line);
    }
    add_example(r, std::move(v));
  }
  // Replicas disagreeing below the leader's high watermark.
  std::map<TopicPartition, std::vector<const ReplicaState*>> by_tp;
  for (const auto& s : h.replicas()) by_tp[s.tp].push_back(&s);
  for (const auto& [tp, states] : by_tp) {
    // Kafka promises identical committed data on the in-sync replicas; a replica outside the
    // ISR may still hold a suffix it will truncate when it next fetches.
    int64_t hw = -1;
    std::vector<BrokerId> isr;
    for (const auto* s : states)
      if (s->leader) {
        hw = s->high_watermark.value();
        isr = s->isr;
      }
    if (hw < 0) continue;
    // The first replica (in dump order) to hold an offset below the high watermark sets
    // what the others must hold there: a dense table over [lowest offset held, hw).
    int64_t base = hw;
    for (const auto* s : states)
      if (!s->records.empty()) base = std::min(base, s->records.front().first.value());
    struct Seen {
      bool set = false;
      uint64_t id = 0;
      BrokerId broker = kNoBroker;
    };
    std::vector<Seen> first_seen(static_cast<size_t>(hw - base));
    std::map<int64_t, Seen> sparse;  // offsets a dump holds out of order (never, for a sane log)
    for (const auto* s : states) {
      if (std::find(isr.begin(), isr.end(), s->broker) == isr.end()) continue;
      for (const auto& [off, id] : s->records) {
        if (off.value() >= hw) break;
        Seen& seen = off.value() >= base ? first_seen[static_cast<size_t>(off.value() - base)] : sparse[off.value()];
        if (!seen.set) {
          seen = Seen{true, id, s->broker};
          continue;
        }
        if (seen.id == id) continue;
        Violation v;
        v.summary = "replicas diverge at " + tp.str() + " offset " + off.str() + " below the high watermark " +
                    std::to_string(hw) + ": broker " + seen.broker.str() + " has " +
                    format_record_id(seen.id) + ", broker " + s->broker.str() + " has " +
                    format_record_id(id);
        v.story = partition_story(h, tp, sim::Instant::epoch());
        add_example(r, std::move(v));
        break;  // one report per replica pair is enough
      }
    }
  }
  return r;
}

CheckResult check_order(const History& h) {
  CheckResult r{"order_violations", 0, {}, {}};
  const CompactionOracle compaction(h);
  // Per partition, the final log as (offset, record id) sorted by offset; for an offset read
  // twice, the last read wins.
  std::map<TopicPartition, std::vector<std::pair<int64_t, uint64_t>>> final_log;
  // Offsets a read_committed consumer rightly skips: records of aborted or undecided
  // transactions (KIP-98), as the final log's markers tell.
  std::map<TopicPartition, std::set<int64_t>> uncommitted;
  for (const auto& fr : h.final_reads()) {
    auto& log = final_log[fr.tp];
    for (const auto& [off, id] : fr.records) log.emplace_back(off.value(), id);
    for (size_t i = 0; i < fr.meta.size() && i < fr.records.size(); ++i)
      if (fr.meta[i].txn == FinalRecordMeta::Txn::kAborted || fr.meta[i].txn == FinalRecordMeta::Txn::kOpen)
        uncommitted[fr.tp].insert(fr.records[i].first.value());
  }
  for (auto& [tp, log] : final_log) {
    // A final read comes in offset order: sort only when it does not (a sorted log is left
    // as it is by a stable sort anyway).
    auto by_offset = [](const auto& a, const auto& b) { return a.first < b.first; };
    if (!std::is_sorted(log.begin(), log.end(), by_offset)) std::stable_sort(log.begin(), log.end(), by_offset);
    std::vector<std::pair<int64_t, uint64_t>> unique;
    unique.reserve(log.size());
    for (const auto& e : log) {
      if (!unique.empty() && unique.back().first == e.first) unique.back() = e;
      else unique.push_back(e);
    }
    log = std::move(unique);
  }
  auto find_offset = [](const std::vector<std::pair<int64_t, uint64_t>>& log, int64_t off) {
    auto it = std::lower_bound(log.begin(), log.end(), off, [](const auto& e, int64_t o) { return e.first < o; });
    return it != log.end() && it->first == off ? it : log.end();
  };
  std::map<std::pair<int, TopicPartition>, const ConsumeOp*> last;
  const ConsumeOp* previous = nullptr;  // consumes come in runs of one consumer and partition
  decltype(last)::iterator previous_it;
  for (const auto& c : h.consumes()) {
    // A KCL worker runs a shard consumer per lease it takes, and one that lost its lease may
    // still finish its batch: its reads interleave by design. kinesis_checkers.h judges them.
    if (h.kinesis().kcl_consumers.count(c.consumer) != 0) continue;
    decltype(last)::iterator it;
    if (previous != nullptr && previous->consumer == c.consumer && previous->tp == c.tp) {
      it = previous_it;
    } else {
      it = last.find(std::make_pair(c.consumer, c.tp));
      if (it == last.end()) it = last.emplace(std::make_pair(c.consumer, c.tp), nullptr).first;
    }
    if (it->second != nullptr && !c.position_reset) {
      const auto* prev = it->second;
      if (c.offset <= prev->offset) {
        Violation v;
        v.summary = h.consumer_name(c.consumer) + " went backwards on " + c.tp.str() + ": offset " +
                    c.offset.str() + " after " + prev->offset.str();
        v.story = {at(prev->at) + " read " + format_record_id(prev->record_id) + " at " + prev->offset.str(),
                   at(c.at) + " read " + format_record_id(c.record_id) + " at " + c.offset.str()};
        add_example(r, std::move(v));
      } else if (c.offset.value() > prev->offset.value() + 1) {
        // A gap counts only where the final log still holds both ends as they were read.
        const auto& log = final_log[c.tp];
        auto a = find_offset(log, prev->offset.value());
        auto b = find_offset(log, c.offset.value());
        bool ends_intact = a != log.end() && b != log.end() && a->second == prev->record_id && b->second == c.record_id;
        // On a compacted topic a consumer skips what its replica's cleaner removed; another
        // replica (the final read's) may still hold those records, superseded.
        bool skipped_removable = compaction.active();
        for (auto x = std::next(a); skipped_removable && ends_intact && x != b; ++x)
          skipped_removable = compaction.removable(c.tp, x->second, Offset(x->first));
        bool skipped_uncommitted = h.read_committed(c.consumer);
        for (auto x = std::next(a); skipped_uncommitted && ends_intact && x != b; ++x)
          skipped_uncommitted = uncommitted[c.tp].count(x->first) != 0;
        if (ends_intact && std::next(a) != b && !skipped_removable && !skipped_uncommitted) {
          Violation v;
          v.summary = h.consumer_name(c.consumer) + " skipped offsets " +
                      std::to_string(prev->offset.value() + 1) + ".." + std::to_string(c.offset.value() - 1) + " of " + c.tp.str();
          v.story = {at(prev->at) + " read offset " + prev->offset.str(), at(c.at) + " read offset " + c.offset.str()};
          add_example(r, std::move(v));
        }
      }
    }
    it->second = &c;
    previous = &c;
    previous_it = it;
  }
  return r;
}

CheckResult check_producer_order(const History& h, const std::set<int>& ordered_producers) {
  CheckResult r{"producer_order", 0, {}, {}};
  if (ordered_producers.empty()) {
    r.note = "no producer's configuration promises order";
    return r;
  }
  // Per partition, its final read (the first one): the record at an offset is one index away
  // in a contiguous read, the common case; (record id, offset) sorted by id is made only for a
  // partition where some record is not where it was acknowledged.
  struct Final {
    const FinalRead* read = nullptr;
    bool contiguous = false;
    int64_t first_offset = 0;
    std::vector<std::pair<uint64_t, int64_t>> by_id;
    bool by_id_made = false;
  };
  PartitionRanks ranks;
  for (const auto& fr : h.final_reads()) ranks.add(fr.tp);
  ranks.number();
  std::vector<Final> finals(ranks.size());
  for (const auto& fr : h.final_reads()) {
    Final& f = finals[ranks.rank(fr.tp)];
    if (f.read != nullptr) continue;
    f.read = &fr;
    f.contiguous = !fr.records.empty();
    for (size_t i = 1; f.contiguous && i < fr.records.size(); ++i)
      f.contiguous = fr.records[i].first == fr.records[i - 1].first + 1;
    if (f.contiguous) f.first_offset = fr.records.front().first.value();
  }
  // The offset a record holds in the final log: where it was acknowledged when it is there,
  // else its first copy; -1 when the final log lacks it (a loss, judged by lost_writes).
  auto offset_of = [](Final& f, const ProduceOp& p) -> int64_t {
    const auto& recs = f.read->records;
    int64_t i = p.offset.value() - f.first_offset;
    if (f.contiguous && i >= 0 && i < static_cast<int64_t>(recs.size()) && recs[static_cast<size_t>(i)].second == p.record_id)
      return p.offset.value();
    if (!f.by_id_made) {
      for (const auto& [off, id] : recs) f.by_id.emplace_back(id, off.value());
      std::stable_sort(f.by_id.begin(), f.by_id.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
      f.by_id_made = true;
    }
    const auto& w = f.by_id;
    auto lo = std::lower_bound(w.begin(), w.end(), p.record_id, [](const auto& e, uint64_t id) { return e.first < id; });
    if (lo == w.end() || lo->first != p.record_id) return -1;
    for (auto k = lo; k != w.end() && k->first == p.record_id; ++k)
      if (k->second == p.offset.value()) return k->second;
    return lo->second;
  };
  // Acknowledged records in send order (the History records a producer's sends in order):
  // each must sit above the one sent before it on its partition.
  struct Last {
    int64_t offset = -1;
    size_t op = 0;
  };
  std::map<std::pair<int, uint32_t>, Last> last;  // (producer, partition rank)
  const auto& ops = h.produces();
  int64_t judged = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    const ProduceOp& p = ops[i];
    if (p.outcome != OpOutcome::kOk || ordered_producers.count(p.producer) == 0) continue;
    uint32_t rank = ranks.rank(p.tp);
    if (rank == PartitionRanks::kNone || !finals[rank].read->complete) continue;
    int64_t off = offset_of(finals[rank], p);
    if (off < 0) continue;
    ++judged;
    Last& l = last[std::make_pair(p.producer, rank)];
    if (l.offset >= 0 && off < l.offset) {
      const ProduceOp& before = ops[l.op];
      Violation v;
      v.record_id = p.record_id;
      v.summary = "producer " + std::to_string(p.producer) + " sent " + format_record_id(before.record_id) + " before " +
                  format_record_id(p.record_id) + ", but " + p.tp.str() + " holds them at offsets " +
                  std::to_string(l.offset) + " and " + std::to_string(off);
      if (r.examples.size() < kMaxExamples) {
        v.story = {produce_line(h, before), ack_line(before), produce_line(h, p), ack_line(p)};
        for (auto& line : attempt_story(h, i)) v.story.push_back(std::move(line));
      }
      add_example(r, std::move(v));
      continue;  // the later offset stays the mark: each record out of order counts once
    }
    l = Last{off, i};
  }
  r.note = std::to_string(judged) + " acknowledged records of " + std::to_string(ordered_producers.size()) +
           " producer(s) whose configuration promises order (enable.idempotence, or "
           "max.in.flight.requests.per.connection=1)";
  return r;
}

OutcomeCounts count_outcomes(const History& h) {
  OutcomeCounts c;
  for (const auto& p : h.produces()) {
    if (p.producer == kLivenessProbeProducer) continue;  // the final phase's probes, not the workload
    ++c.attempted;
    if (p.outcome == OpOutcome::kOk) ++c.acknowledged;
    else if (p.outcome == OpOutcome::kFailed) ++c.failed;
    else ++c.unknown;
  }
  // Records handed to applications: assign-mode consumers' reads and group members' processing.
  c.consumed = static_cast<int64_t>(h.consumes().size() + h.groups().processed.size());
  return c;
}

}  // namespace checkers
