#include "checkers/kinesis_checkers.h"

#include <algorithm>
#include <map>
#include <set>

namespace checkers {
namespace {

std::string at(sim::Instant t) { return "t=" + sim::format_instant(t); }

std::string sequence_text(int64_t sequence) {
  return sequence == kShardEndSequence ? std::string("SHARD_END") : "sequence " + std::to_string(sequence);
}

std::string worker_name(const History& h, int consumer) {
  auto it = h.kinesis().worker_ids.find(consumer);
  return it == h.kinesis().worker_ids.end() ? h.consumer_name(consumer) : "worker " + it->second;
}

std::string lease_line(const History& h, const KinesisLeaseEvent& e) {
  std::string s = at(e.at) + " " + worker_name(h, e.consumer) + " lease of " + e.tp.str() + ": " + e.what;
  if (!e.previous_owner.empty() && (e.what == "taken" || e.what == "stolen")) s += " from " + e.previous_owner;
  return s + " (lease counter " + std::to_string(e.counter) + ")";
}

// Why a record was processed again: the last accepted checkpoint of its shard before it was
// first processed, the faults and lease changes until it was processed the last time, and the
// checkpoints refused meanwhile (a worker that lost its lease).
void processing_story(const History& h, const std::set<int>& workers, const TopicPartition& tp, sim::Instant first,
                      sim::Instant last, std::vector<std::pair<sim::Instant, std::string>>& lines) {
  const KinesisCheckpoint* before = nullptr;
  for (const auto& c : h.kinesis().checkpoints)
    if (c.tp == tp && c.ok && workers.count(c.consumer) != 0 && c.at <= first) before = &c;
  if (before != nullptr)
    lines.emplace_back(before->at, at(before->at) + " " + worker_name(h, before->consumer) + " checkpoint " + tp.str() +
                                       " at " + sequence_text(before->sequence) + " (the last before it)");
  const sim::Instant from = before != nullptr ? before->at : first;
  for (const auto& e : h.timeline_events())
    if (e.kind == "fault" && e.at + sim::seconds(10) >= from && e.at <= last) lines.emplace_back(e.at, at(e.at) + " fault: " + e.detail);
  for (const auto& e : h.kinesis().leases)
    if (e.tp == tp && workers.count(e.consumer) != 0 && e.at >= from && e.at <= last && e.what != "created")
      lines.emplace_back(e.at, lease_line(h, e));
  for (const auto& c : h.kinesis().checkpoints)
    if (c.tp == tp && !c.ok && workers.count(c.consumer) != 0 && c.at >= from && c.at <= last + sim::seconds(5))
      lines.emplace_back(c.at, at(c.at) + " " + worker_name(h, c.consumer) + " checkpoint " + tp.str() + " at " +
                                   sequence_text(c.sequence) + " refused: the lease has another owner");
}

std::vector<std::string> sorted_story(std::vector<std::pair<sim::Instant, std::string>> lines) {
  std::stable_sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  constexpr size_t kStoryLinesMax = 14;
  for (auto& l : lines) {
    if (out.size() == kStoryLinesMax) {
      out.push_back("... (" + std::to_string(lines.size() - kStoryLinesMax) + " more)");
      break;
    }
    out.push_back(std::move(l.second));
  }
  return out;
}

// Whether shard partition `tp` was created (through any number of reshards) from `ancestor`.
bool descends_from(const KinesisHistory& k, const TopicPartition& tp, int32_t ancestor) {
  std::vector<int32_t> todo{tp.partition};
  std::set<int32_t> visited;
  while (!todo.empty()) {
    const int32_t s = todo.back();
    todo.pop_back();
    if (!visited.insert(s).second) continue;
    auto it = k.shards.find(TopicPartition{tp.topic, s});
    if (it == k.shards.end()) continue;
    for (int32_t p : it->second.parents) {
      if (p == ancestor) return true;
      todo.push_back(p);
    }
  }
  return false;
}

// A partition key's records in a parent shard all precede its records in the children; a
// record of the parent processed (for the first time) after one of a descendant's is out of
// order. The story names the reshard, both processings, the child's lease and whether the
// parent was read to SHARD_END before.
void check_reshard_order(const History& h, const std::string& app, const std::set<int>& workers, KinesisChecks& out) {
  const KinesisHistory& k = h.kinesis();
  if (k.shards.empty()) return;
  std::set<std::pair<TopicPartition, int64_t>> seen;
  std::map<std::string, std::map<TopicPartition, const ConsumeOp*>> first_in_shard;  // key -> shard -> first processing
  for (const auto& c : h.consumes()) {
    if (workers.count(c.consumer) == 0) continue;
    if (!seen.insert({c.tp, c.offset.value()}).second) continue;
    auto key = k.partition_keys.find(c.record_id);
    if (key == k.partition_keys.end()) continue;
    auto& shards = first_in_shard[key->second];
    const ConsumeOp* child = nullptr;
    for (const auto& [tp, op] : shards)
      if (tp.topic == c.tp.topic && tp != c.tp && descends_from(k, tp, c.tp.partition)) {
        child = op;
        break;
      }
    shards.emplace(c.tp, &c);
    if (child == nullptr) continue;
    Violation v;
    v.record_id = c.record_id;
    v.summary = "partition key '" + key->second + "': " + format_record_id(c.record_id) + " of parent shard " + c.tp.str() +
                " (sequence " + c.offset.str() + ") processed by application " + app + " after " +
                format_record_id(child->record_id) + " of its child shard " + child->tp.str();
    std::vector<std::pair<sim::Instant, std::string>> lines;
    for (const auto& e : h.timeline_events())
      if (e.kind == "reshard" && e.tp.topic == c.tp.topic && e.at <= c.at) lines.emplace_back(e.at, at(e.at) + " " + e.detail);
    for (const auto& e : k.leases)
      if (e.tp == child->tp && workers.count(e.consumer) != 0 && e.what == "taken" && e.at <= child->at)
        lines.emplace_back(e.at, lease_line(h, e));
    lines.emplace_back(child->at, at(child->at) + " " + worker_name(h, child->consumer) + " processed " +
                                      format_record_id(child->record_id) + " of child " + child->tp.str() + " (sequence " +
                                      child->offset.str() + ")");
    lines.emplace_back(c.at, at(c.at) + " " + worker_name(h, c.consumer) + " processed " + format_record_id(c.record_id) +
                                 " of parent " + c.tp.str() + " (sequence " + c.offset.str() + "), the same key, later");
    const KinesisCheckpoint* end = nullptr;
    for (const auto& cp : k.checkpoints)
      if (cp.tp == c.tp && cp.ok && cp.sequence == kShardEndSequence && workers.count(cp.consumer) != 0) {
        end = &cp;
        break;
      }
    if (end != nullptr)
      lines.emplace_back(end->at, at(end->at) + " " + worker_name(h, end->consumer) + " checkpoint " + c.tp.str() +
                                      " at SHARD_END: only now was the parent finished");
    else
      lines.emplace_back(c.at, "the parent " + c.tp.str() + " was never checkpointed at SHARD_END");
    v.story = sorted_story(std::move(lines));
    add_example(out.reshard_key_order, std::move(v));
  }
}

// When retention first trimmed (tp, sequence): the first trim whose horizon is past it.
std::optional<sim::Instant> trimmed_at(const KinesisHistory& k, const TopicPartition& tp, int64_t sequence) {
  for (const auto& t : k.trims)
    if (t.tp == tp && t.trim_horizon > sequence) return t.at;
  return std::nullopt;
}

// Whether an accepted checkpoint of the application went past (tp, sequence) before `until`.
bool checkpointed_past_before(const KinesisHistory& k, const std::set<int>& workers, const TopicPartition& tp,
                              int64_t sequence, sim::Instant until) {
  for (const auto& c : k.checkpoints)
    if (c.tp == tp && c.ok && workers.count(c.consumer) != 0 && c.sequence >= sequence && c.at < until) return true;
  return false;
}

// Records retention trimmed before the application read them (or checkpointed past them).
void check_expired_unread(const History& h, const std::string& app, const std::set<int>& workers,
                          const std::set<std::pair<TopicPartition, int64_t>>& processed, KinesisChecks& out) {
  const KinesisHistory& k = h.kinesis();
  if (k.trims.empty()) return;
  for (const auto& p : h.produces()) {
    if (p.outcome != OpOutcome::kOk || k.partition_keys.count(p.record_id) == 0) continue;
    if (processed.count({p.tp, p.offset.value()}) != 0) continue;
    const std::optional<sim::Instant> trimmed = trimmed_at(k, p.tp, p.offset.value());
    if (!trimmed || checkpointed_past_before(k, workers, p.tp, p.offset.value(), *trimmed)) continue;
    Violation v;
    v.record_id = p.record_id;
    auto hours = k.retention_hours.find(p.tp.topic);
    v.summary = format_record_id(p.record_id) + " at " + p.tp.str() + " sequence " + p.offset.str() +
                " expired (trimmed by retention) before application " + app + " read it";
    std::vector<std::pair<sim::Instant, std::string>> lines;
    lines.emplace_back(p.completed, at(p.completed) + " written (acknowledged), sequence " + p.offset.str());
    const KinesisCheckpoint* last = nullptr;
    for (const auto& c : k.checkpoints)
      if (c.tp == p.tp && c.ok && workers.count(c.consumer) != 0 && c.at < *trimmed) last = &c;
    if (last != nullptr)
      lines.emplace_back(last->at, at(last->at) + " " + worker_name(h, last->consumer) + " checkpoint " + p.tp.str() +
                                       " at " + sequence_text(last->sequence) + " (the application's last before the trim)");
    for (const auto& e : h.timeline_events())
      if ((e.kind == "fault" || e.kind == "retention") && e.at <= *trimmed) lines.emplace_back(e.at, at(e.at) + " " + e.kind + ": " + e.detail);
    std::string retention = hours == k.retention_hours.end() ? std::string("its") : std::to_string(hours->second) + " hours'";
    lines.emplace_back(*trimmed, at(*trimmed) + " retention trimmed " + p.tp.str() + " past sequence " + p.offset.str() +
                                     " (" + retention + " retention at the start; the lab's retention_hour scales it)");
    const ConsumeOp* next = nullptr;
    for (const auto& c : h.consumes())
      if (c.tp == p.tp && workers.count(c.consumer) != 0 && c.at >= *trimmed) {
        next = &c;
        break;
      }
    if (next != nullptr)
      lines.emplace_back(next->at, at(next->at) + " " + worker_name(h, next->consumer) + " read on at sequence " +
                                       next->offset.str() + ", the oldest record kept: the records between are gone");
    v.story = sorted_story(std::move(lines));
    add_example(out.expired_unread, std::move(v));
  }
}

void check_processing(const History& h, KinesisChecks& out) {
  const KinesisHistory& k = h.kinesis();
  // Final logs: per shard partition, offset -> record id.
  std::map<TopicPartition, std::map<int64_t, uint64_t>> final_log;
  for (const auto& fr : h.final_reads())
    for (const auto& [off, id] : fr.records) final_log[fr.tp][off.value()] = id;
  for (const auto& [app, workers] : k.applications) {
    // Every processing of (shard, sequence) by this application, in time order.
    std::map<std::pair<TopicPartition, int64_t>, std::vector<const ConsumeOp*>> processed;
    for (const auto& c : h.consumes())
      if (workers.count(c.consumer) != 0) processed[{c.tp, c.offset.value()}].push_back(&c);
    for (const auto& [where, ops] : processed) {
      if (ops.size() < 2) continue;
      Violation v;
      v.record_id = ops[0]->record_id;
      v.summary = format_record_id(ops[0]->record_id) + " at " + where.first.str() + " sequence " +
                  std::to_string(where.second) + " processed " + std::to_string(ops.size()) + " times by application " + app;
      std::vector<std::pair<sim::Instant, std::string>> lines;
      for (const ConsumeOp* c : ops) lines.emplace_back(c->at, at(c->at) + " " + worker_name(h, c->consumer) + " processed it");
      processing_story(h, workers, where.first, ops.front()->at, ops.back()->at, lines);
      v.story = sorted_story(std::move(lines));
      add_example(out.processed_twice, std::move(v));
    }
    // The final checkpoint of each shard (the last accepted one): what lies at or below it
    // must have been processed by someone.
    std::map<TopicPartition, const KinesisCheckpoint*> last;
    for (const auto& c : k.checkpoints)
      if (c.ok && workers.count(c.consumer) != 0) last[c.tp] = &c;
    for (const auto& [tp, cp] : last) {
      // SHARD_END covers the shard up to its EndingSequenceNumber (records a failed write left
      // beyond it are never served).
      int64_t covered = cp->sequence;
      if (covered == kShardEndSequence) {
        auto info = k.shards.find(tp);
        if (info == k.shards.end() || !info->second.ending_sequence) continue;
        covered = *info->second.ending_sequence;
      }
      for (const auto& [off, id] : final_log[tp]) {
        if (off > covered) break;
        if (processed.count({tp, off}) != 0) continue;
        // Trimmed by retention before the application read it or checkpointed past it:
        // kinesis_expired_unread, not a skip.
        if (auto trimmed = trimmed_at(k, tp, off); trimmed && !checkpointed_past_before(k, workers, tp, off, *trimmed)) continue;
        Violation v;
        v.record_id = id;
        v.summary = format_record_id(id) + " at " + tp.str() + " sequence " + std::to_string(off) +
                    " was never processed by application " + app + ", yet the shard's checkpoint is past it (" +
                    (cp->sequence == kShardEndSequence ? std::string("SHARD_END") : std::to_string(cp->sequence)) + ")";
        // The checkpoint that first went past it, the faults around it, and who took the
        // lease next (and started after that checkpoint).
        const KinesisCheckpoint* past = nullptr;
        for (const auto& c : k.checkpoints)
          if (c.tp == tp && c.ok && workers.count(c.consumer) != 0 && c.sequence >= off) {
            past = &c;
            break;
          }
        std::vector<std::pair<sim::Instant, std::string>> lines;
        if (past != nullptr) {
          lines.emplace_back(past->at, at(past->at) + " " + worker_name(h, past->consumer) + " checkpoint " + tp.str() +
                                           " at " + sequence_text(past->sequence) + ", past sequence " +
                                           std::to_string(off) + " (not processed)");
          const KinesisLeaseEvent* next = nullptr;
          for (const auto& e : k.leases)
            if (e.tp == tp && e.at > past->at && (e.what == "taken" || e.what == "stolen")) {
              next = &e;
              break;
            }
          const sim::Instant until = next != nullptr ? next->at : past->at + sim::seconds(10);
          for (const auto& e : h.timeline_events())
            if (e.kind == "fault" && e.at >= past->at - sim::seconds(1) && e.at <= until)
              lines.emplace_back(e.at, at(e.at) + " fault: " + e.detail);
          if (next != nullptr)
            lines.emplace_back(next->at, lease_line(h, *next) + ", reading after the checkpoint");
        }
        v.story = sorted_story(std::move(lines));
        add_example(out.processed_skipped, std::move(v));
      }
    }
    // Per partition key: first processings must follow the shard's sequence order.
    std::set<std::pair<TopicPartition, int64_t>> seen;
    std::map<std::string, std::map<TopicPartition, const ConsumeOp*>> latest;  // key -> shard -> last first-processing
    for (const auto& c : h.consumes()) {
      if (workers.count(c.consumer) == 0) continue;
      if (!seen.insert({c.tp, c.offset.value()}).second) continue;  // processed again: at-least-once, not order
      auto key = k.partition_keys.find(c.record_id);
      if (key == k.partition_keys.end()) continue;
      const ConsumeOp*& prev = latest[key->second][c.tp];
      if (prev != nullptr && c.offset < prev->offset) {
        Violation v;
        v.record_id = c.record_id;
        v.summary = "partition key '" + key->second + "' processed out of order on " + c.tp.str() + ": sequence " +
                    c.offset.str() + " after " + prev->offset.str();
        v.story = {at(prev->at) + " " + worker_name(h, prev->consumer) + " processed " + format_record_id(prev->record_id) +
                       " (sequence " + prev->offset.str() + ")",
                   at(c.at) + " " + worker_name(h, c.consumer) + " processed " + format_record_id(c.record_id) +
                       " (sequence " + c.offset.str() + ") for the first time"};
        add_example(out.key_order, std::move(v));
      } else {
        prev = &c;
      }
    }
  }
  for (const auto& [app, workers] : k.applications) {
    check_reshard_order(h, app, workers, out);
    std::set<std::pair<TopicPartition, int64_t>> processed;
    for (const auto& c : h.consumes())
      if (workers.count(c.consumer) != 0) processed.insert({c.tp, c.offset.value()});
    check_expired_unread(h, app, workers, processed, out);
  }
  out.expired_unread.note = k.trims.empty() ? "retention trimmed nothing"
                                            : "retention trims records older than the stream's retention period whether "
                                              "read or not (documented); these were not read by then";
  for (const auto& e : h.timeline_events())
    if (e.kind == "retention") out.expired_unread.note += "; " + e.detail;
  // The reshards the lab called, done or refused: counted (done), each in the note.
  for (const auto& e : h.timeline_events()) {
    if (e.kind != "reshard") continue;
    if (e.detail.size() >= 6 && e.detail.compare(e.detail.size() - 6, 6, ": done") == 0) ++out.reshards.count;
    out.reshards.note += (out.reshards.note.empty() ? "" : "; ") + e.detail;
  }
  for (const auto& e : k.leases) {
    const bool change = e.what == "stolen" || (e.what == "taken" && !e.previous_owner.empty());
    if (!change) continue;
    Violation v;
    v.summary = worker_name(h, e.consumer) + " " + (e.what == "stolen" ? "stole" : "took over the expired") + " lease of " +
                e.tp.str() + " from " + e.previous_owner;
    std::vector<std::pair<sim::Instant, std::string>> lines;
    for (const auto& x : k.leases)
      if (x.tp == e.tp && x.at <= e.at && x.at + sim::seconds(60) >= e.at) lines.emplace_back(x.at, lease_line(h, x));
    v.story = sorted_story(std::move(lines));
    add_example(out.lease_changes, std::move(v));
  }
  out.processed_twice.note = "at-least-once: records a new lease owner processed again from the last checkpoint";
}

void check_throttling(const History& h, KinesisChecks& out) {
  constexpr int64_t kWindowMs = 100;
  std::map<TopicPartition, ShardThrottling> shards;
  std::map<TopicPartition, std::set<int64_t>> windows;
  for (const auto& p : h.produces())
    if (p.outcome == OpOutcome::kOk && h.kinesis().partition_keys.count(p.record_id) != 0) ++shards[p.tp].records_written;
  for (const auto& t : h.kinesis().throttles) {
    ShardThrottling& s = shards[t.tp];
    s.tp = t.tp;
    (t.write ? s.writes_throttled : s.reads_throttled)++;
    windows[t.tp].insert((t.at - sim::Instant::epoch()).ms() / kWindowMs);
    ++(t.write ? out.throttled_writes.count : out.throttled_reads.count);
  }
  for (auto& [tp, s] : shards) {
    s.tp = tp;
    s.throttled_ms = static_cast<int64_t>(windows[tp].size()) * kWindowMs;
    out.throttling.push_back(s);
  }
  auto describe = [&](CheckResult& r, bool write) {
    std::vector<std::string> parts;
    for (const auto& s : out.throttling) {
      const int64_t n = write ? s.writes_throttled : s.reads_throttled;
      if (n == 0) continue;
      parts.push_back(s.tp.str() + ": " + std::to_string(n) + " (throttled for " + std::to_string(s.throttled_ms) + " ms)");
    }
    for (size_t i = 0; i < parts.size(); ++i) r.note += (i == 0 ? "per shard: " : "; ") + parts[i];
    if (parts.empty()) r.note = "no shard throttled";
    (void)write;
  };
  describe(out.throttled_writes, true);
  describe(out.throttled_reads, false);
  // The first throttled write of the most throttled shard, as an example.
  const ShardThrottling* worst = nullptr;
  for (const auto& s : out.throttling)
    if (s.writes_throttled > 0 && (worst == nullptr || s.writes_throttled > worst->writes_throttled)) worst = &s;
  if (worst != nullptr) {
    for (const auto& t : h.kinesis().throttles) {
      if (!(t.write && t.tp == worst->tp)) continue;
      Violation v;
      v.summary = worst->tp.str() + " refused " + std::to_string(worst->writes_throttled) +
                  " record(s) with ProvisionedThroughputExceededException while taking " +
                  std::to_string(worst->records_written) + " (1,000 records/s and 1 MB/s per shard)";
      v.story = {at(t.at) + " first refusal, to " + h.producer_name(t.client),
                 "throttled for " + std::to_string(worst->throttled_ms) + " ms in 100 ms windows"};
      out.throttled_writes.examples.push_back(std::move(v));
      break;
    }
  }
}

// Per application: records processed, reads throttled and the delay from put to processing;
// the throttled_reads note tells them (a fan-out application's reads are never throttled).
void consumer_stats(const History& h, KinesisChecks& out) {
  const KinesisHistory& k = h.kinesis();
  std::map<std::pair<TopicPartition, int64_t>, sim::Instant> acked;
  for (const auto& p : h.produces())
    if (p.outcome == OpOutcome::kOk && k.partition_keys.count(p.record_id) != 0) acked[{p.tp, p.offset.value()}] = p.completed;
  std::string note;
  for (const auto& [app, workers] : k.applications) {
    KinesisConsumerStats s;
    s.application = app;
    s.fan_out = k.fan_out_applications.count(app) != 0;
    std::set<std::pair<TopicPartition, int64_t>> seen;
    std::vector<int64_t> delays;
    for (const auto& c : h.consumes()) {
      if (workers.count(c.consumer) == 0 || !seen.insert({c.tp, c.offset.value()}).second) continue;
      ++s.records_processed;
      auto a = acked.find({c.tp, c.offset.value()});
      if (a != acked.end()) delays.push_back(std::max<int64_t>(0, (c.at - a->second).ms()));
    }
    for (const auto& t : k.throttles)
      if (!t.write && workers.count(t.client) != 0) ++s.reads_throttled;
    std::sort(delays.begin(), delays.end());
    if (!delays.empty()) {
      s.delay_ms_p50 = delays[delays.size() / 2];
      s.delay_ms_p99 = delays[std::min(delays.size() - 1, delays.size() * 99 / 100)];
    }
    note += (note.empty() ? "" : "; ") + std::string("application ") + app + (s.fan_out ? " (enhanced fan-out)" : " (shared GetRecords)") +
            ": " + std::to_string(s.records_processed) + " records processed, " + std::to_string(s.reads_throttled) +
            " reads throttled, put-to-processing p50 " + std::to_string(s.delay_ms_p50) + " ms, p99 " +
            std::to_string(s.delay_ms_p99) + " ms";
    out.consumers.push_back(s);
  }
  if (!note.empty()) out.throttled_reads.note += "; per application: " + note;
}

}  // namespace

KinesisChecks check_kinesis(const History& h) {
  KinesisChecks out;
  check_processing(h, out);
  check_throttling(h, out);
  consumer_stats(h, out);
  return out;
}

}  // namespace checkers
