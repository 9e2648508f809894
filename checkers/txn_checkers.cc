#include "checkers/txn_checkers.h"

#include <map>
#include <string>
#include <vector>

namespace checkers {

namespace {

using Fate = FinalRecordMeta::Txn;

std::string at(sim::Instant t) { return "t=" + sim::format_instant(t); }

using Where = FinalPlace;

// Every record of the final log, by id (a record at two offsets: both).
std::map<uint64_t, std::vector<Where>> final_fates(const History& h) {
  std::map<uint64_t, std::vector<Where>> out;
  for (const FinalRead& fr : h.final_reads())
    for (size_t i = 0; i < fr.records.size(); ++i) {
      Fate f = i < fr.meta.size() ? fr.meta[i].txn : Fate::kNone;
      out[fr.records[i].second].push_back(Where{fr.tp, fr.records[i].first, f});
    }
  return out;
}

bool visible_committed(const std::map<uint64_t, std::vector<Where>>& fates, uint64_t id) {
  auto it = fates.find(id);
  if (it == fates.end()) return false;
  for (const Where& w : it->second)
    if (w.fate == Fate::kCommitted) return true;
  return false;
}

std::vector<std::string> txn_story(const History& h, const TxnOp& t) {
  std::vector<std::string> s;
  s.push_back(at(t.begun) + " " + h.producer_name(t.producer) + " began transaction #" + std::to_string(t.number) +
              " (producer id " + t.producer_id.str() + ", epoch " + std::to_string(t.producer_epoch) + ")");
  std::map<TopicPartition, int> per_partition;
  for (size_t op : t.ops) ++per_partition[h.produces()[op].tp];
  std::string parts;
  for (const auto& [tp, n] : per_partition) parts += (parts.empty() ? "" : ", ") + std::to_string(n) + " to " + tp.str();
  s.push_back("  it sent " + std::to_string(t.ops.size()) + " record(s): " + parts);
  s.push_back(at(t.end_invoked) + " " + (t.commit_intended ? "commitTransaction" : "abortTransaction") + " called");
  s.push_back(at(t.completed) + " transaction #" + std::to_string(t.number) + " " + to_string(t.result) + ": " + t.note);
  return s;
}

void where_lines(std::vector<std::string>& story, const std::map<uint64_t, std::vector<Where>>& fates, uint64_t id) {
  auto it = fates.find(id);
  if (it == fates.end()) {
    story.push_back("the final log does not hold " + format_record_id(id));
    return;
  }
  for (const Where& w : it->second)
    story.push_back("the final log holds " + format_record_id(id) + " at " + w.tp.str() + " offset " + w.offset.str() +
                    ", " + txn_fate_name(w.fate));
}

}  // namespace

const char* txn_fate_name(FinalRecordMeta::Txn f) {
  switch (f) {
    case Fate::kNone: return "outside any transaction";
    case Fate::kCommitted: return "committed (a COMMIT marker follows it)";
    case Fate::kAborted: return "aborted (an ABORT marker follows it)";
    case Fate::kOpen: return "in a transaction the log never decided (no marker follows it)";
  }
  return "?";
}

TransactionChecks check_transactions(const History& h) {
  TransactionChecks r;
  r.aborted_reads.check = "aborted_reads";
  r.read_past_lso.check = "read_past_lso";
  r.torn_transactions.check = "torn_transactions";
  r.lost_committed_writes.check = "lost_committed_writes";
  const auto fates = final_fates(h);
  std::map<uint64_t, size_t> txn_of;  // record id -> its transaction
  for (size_t i = 0; i < h.transactions().size(); ++i) {
    const TxnOp& t = h.transactions()[i];
    for (size_t op : t.ops) txn_of[h.produces()[op].record_id] = i;
    if (t.result == TxnResult::kCommitted) ++r.committed;
    else if (t.result == TxnResult::kAborted) ++r.aborted;
    else ++r.unknown;
  }

  // What read_committed consumers read: once per record (several consumers may read it).
  std::map<uint64_t, bool> judged;
  for (const ConsumeOp& c : h.consumes()) {
    if (!h.read_committed(c.consumer)) continue;
    auto it = txn_of.find(c.record_id);
    if (it == txn_of.end() || judged[c.record_id]) continue;
    const TxnOp& t = h.transactions()[it->second];
    Fate fate = Fate::kNone;
    if (auto f = fates.find(c.record_id); f != fates.end() && !f->second.empty()) fate = f->second.front().fate;
    std::string read_line = at(c.at) + " " + h.consumer_name(c.consumer) + " (read_committed) read " +
                            format_record_id(c.record_id) + " at " + c.tp.str() + " offset " + c.offset.str();
    if (t.result == TxnResult::kAborted || fate == Fate::kAborted) {
      judged[c.record_id] = true;
      Violation v;
      v.summary = h.consumer_name(c.consumer) + " read " + format_record_id(c.record_id) + " of aborted transaction #" +
                  std::to_string(t.number) + " of " + h.producer_name(t.producer) + " at " + c.tp.str() + " offset " +
                  c.offset.str();
      v.story = txn_story(h, t);
      v.story.push_back(read_line);
      where_lines(v.story, fates, c.record_id);
      v.record_id = c.record_id;
      add_example(r.aborted_reads, std::move(v));
    } else if (c.at < t.end_invoked || fate == Fate::kOpen) {
      judged[c.record_id] = true;
      Violation v;
      v.summary = h.consumer_name(c.consumer) + " read " + format_record_id(c.record_id) + " at " + c.tp.str() +
                  " offset " + c.offset.str() + " past the last stable offset: transaction #" + std::to_string(t.number) +
                  " of " + h.producer_name(t.producer) + " was not decided";
      v.story = txn_story(h, t);
      v.story.push_back(read_line);
      where_lines(v.story, fates, c.record_id);
      v.record_id = c.record_id;
      add_example(r.read_past_lso, std::move(v));
    }
  }

  // Committed transactions: all of their records visible as committed, or it is torn/lost.
  int64_t verified = 0;
  for (const TxnOp& t : h.transactions()) {
    if (t.result != TxnResult::kCommitted || t.ops.empty()) continue;
    std::vector<uint64_t> missing;
    for (size_t op : t.ops) {
      uint64_t id = h.produces()[op].record_id;
      if (!visible_committed(fates, id)) missing.push_back(id);
    }
    verified += static_cast<int64_t>(t.ops.size());
    if (missing.empty()) continue;
    for (uint64_t id : missing) {
      Violation v;
      v.summary = format_record_id(id) + " of committed transaction #" + std::to_string(t.number) + " of " +
                  h.producer_name(t.producer) + " is not visible as committed in the final log";
      v.story = txn_story(h, t);
      where_lines(v.story, fates, id);
      v.record_id = id;
      add_example(r.lost_committed_writes, std::move(v));
    }
    if (missing.size() < t.ops.size()) {
      Violation v;
      v.summary = "committed transaction #" + std::to_string(t.number) + " of " + h.producer_name(t.producer) + " is torn: " +
                  std::to_string(t.ops.size() - missing.size()) + " of its " + std::to_string(t.ops.size()) +
                  " records are visible as committed, " + std::to_string(missing.size()) + " are not";
      v.story = txn_story(h, t);
      for (uint64_t id : missing) where_lines(v.story, fates, id);
      v.record_id = missing.front();
      add_example(r.torn_transactions, std::move(v));
    }
  }
  r.lost_committed_writes.note = std::to_string(verified) + " records of " + std::to_string(r.committed) +
                                 " committed transactions verified (" + std::to_string(r.aborted) + " aborted, " +
                                 std::to_string(r.unknown) + " unknown)";
  r.torn_transactions.note = std::to_string(r.committed) + " committed transactions checked";
  return r;
}

}  // namespace checkers
