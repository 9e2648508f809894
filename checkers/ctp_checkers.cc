#include "checkers/ctp_checkers.h"
#include "checkers/txn_checkers.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace checkers {

namespace {

using Fate = FinalRecordMeta::Txn;

std::string at(sim::Instant t) { return "t=" + sim::format_instant(t); }

using Placed = FinalPlace;

bool committed(Fate f) { return f == Fate::kNone || f == Fate::kCommitted; }


// The transaction that wrote an output, as its member saw it.
std::vector<std::string> txn_lines(const History& h, size_t index) {
  std::vector<std::string> s;
  if (index >= h.transactions().size()) return s;
  const TxnOp& t = h.transactions()[index];
  s.push_back(at(t.begun) + " " + h.producer_name(t.producer) + " began transaction #" + std::to_string(t.number) +
              " (producer id " + t.producer_id.str() + ", epoch " + std::to_string(t.producer_epoch) + ", group " +
              t.group + " generation " + std::to_string(t.generation) + ")");
  std::string offsets;
  for (const auto& [tp, o] : t.offsets) offsets += (offsets.empty() ? "" : ", ") + tp.str() + "@" + o.str();
  s.push_back("  with " + std::to_string(t.ops.size()) + " output record(s) and the offsets " +
              (offsets.empty() ? std::string("(none sent)") : offsets));
  s.push_back(at(t.completed) + " transaction #" + std::to_string(t.number) + " " + to_string(t.result) + ": " + t.note);
  return s;
}

}  // namespace

CtpChecks check_ctp(const History& h) {
  CtpChecks r;
  r.duplicates.check = "ctp_duplicates";
  r.lost.check = "ctp_lost";
  r.order.check = "ctp_order";
  r.aborted_reads.check = "ctp_aborted_reads";
  const auto& pipelines = h.ctp_pipelines();
  if (pipelines.empty()) return r;
  std::set<std::string> outputs;
  for (const auto& [in, out] : pipelines) outputs.insert(out);

  // The final logs: input records with their fate, committed output records with their place.
  std::map<uint64_t, Placed> input;                   // input record id -> where (first copy)
  std::map<uint64_t, std::vector<Placed>> output;     // output record id -> committed copies
  std::vector<std::pair<TopicPartition, Offset>> input_order;
  for (const FinalRead& fr : h.final_reads()) {
    const bool is_input = pipelines.count(fr.tp.topic) != 0, is_output = outputs.count(fr.tp.topic) != 0;
    if (!is_input && !is_output) continue;
    for (size_t i = 0; i < fr.records.size(); ++i) {
      const Fate f = i < fr.meta.size() ? fr.meta[i].txn : Fate::kNone;
      const uint64_t id = fr.records[i].second;
      if (static_cast<int>(id >> 40) == kLivenessProbeProducer) continue;  // make_record_id
      const Placed p{fr.tp, fr.records[i].first, f};
      if (is_input) input.emplace(id, p);
      if (is_output && committed(f)) output[id].push_back(p);
    }
  }
  std::map<uint64_t, const CtpLink*> link_of;  // output id -> its link
  for (const CtpLink& l : h.ctp_links()) link_of[l.output_record_id] = &l;

  // Committed outputs by the input they were made from.
  std::map<uint64_t, std::vector<std::pair<const CtpLink*, Placed>>> made_from;
  for (const auto& [out_id, copies] : output) {
    auto l = link_of.find(out_id);
    if (l == link_of.end()) continue;  // not the pipeline's
    for (const Placed& p : copies) made_from[l->second->input_record_id].emplace_back(l->second, p);
  }
  auto output_lines = [&](std::vector<std::string>& story, const CtpLink& l, const Placed& p) {
    std::vector<std::string> t = txn_lines(h, l.transaction);
    story.insert(story.end(), t.begin(), t.end());
    story.push_back("  " + h.consumer_name(l.consumer) + " made " + format_record_id(l.output_record_id) + " from " +
                    format_record_id(l.input_record_id) + " (" + l.input_tp.str() + " offset " + l.input_offset.str() +
                    "); the final log holds it at " + p.tp.str() + " offset " + p.offset.str() + ", " + txn_fate_name(p.fate));
  };

  // Where the group's committed transactions left each input partition (the pipeline's own
  // word that everything below was done).
  std::map<TopicPartition, Offset> done_below;
  std::map<TopicPartition, size_t> done_by;
  for (size_t i = 0; i < h.transactions().size(); ++i) {
    const TxnOp& t = h.transactions()[i];
    if (t.result != TxnResult::kCommitted) continue;
    for (const auto& [tp, o] : t.offsets)
      if (done_below.count(tp) == 0 || done_below[tp] < o) {
        done_below[tp] = o;
        done_by[tp] = i;
      }
  }

  for (const auto& [in_id, where] : input) {
    auto made = made_from.find(in_id);
    const size_t copies = made == made_from.end() ? 0 : made->second.size();
    if (!committed(where.fate)) {
      if (copies == 0) continue;
      Violation v;
      v.summary = format_record_id(in_id) + " at " + where.tp.str() + " offset " + where.offset.str() + " is " +
                  txn_fate_name(where.fate) + ", yet the pipeline's committed output holds what it was made into";
      v.story.push_back("the final log holds the input " + format_record_id(in_id) + " at " + where.tp.str() + " offset " +
                        where.offset.str() + ", " + txn_fate_name(where.fate));
      for (const auto& [l, p] : made->second) output_lines(v.story, *l, p);
      v.record_id = in_id;
      add_example(r.aborted_reads, std::move(v));
      continue;
    }
    auto bound = done_below.find(where.tp);
    if (bound == done_below.end() || where.offset >= bound->second) continue;  // not claimed done
    ++r.verified;
    if (copies == 1) continue;
    Violation v;
    v.record_id = in_id;
    if (copies == 0) {
      v.summary = "committed input " + format_record_id(in_id) + " at " + where.tp.str() + " offset " + where.offset.str() +
                  " has no committed output, yet the group's committed offset passed it";
      v.story.push_back("the final log holds the input " + format_record_id(in_id) + " at " + where.tp.str() + " offset " +
                        where.offset.str() + ", " + txn_fate_name(where.fate));
      std::vector<std::string> t = txn_lines(h, done_by[where.tp]);
      v.story.push_back("the committed offset of " + where.tp.str() + " reached " + bound->second.str() + " with:");
      v.story.insert(v.story.end(), t.begin(), t.end());
      for (const CtpLink& l : h.ctp_links())
        if (l.input_record_id == in_id) {
          std::vector<std::string> tried = txn_lines(h, l.transaction);
          v.story.push_back("  " + h.consumer_name(l.consumer) + " made " + format_record_id(l.output_record_id) +
                            " from it in a transaction that is not committed in the final log:");
          v.story.insert(v.story.end(), tried.begin(), tried.end());
        }
      add_example(r.lost, std::move(v));
    } else {
      v.summary = "input " + format_record_id(in_id) + " at " + where.tp.str() + " offset " + where.offset.str() + " has " +
                  std::to_string(copies) + " committed outputs";
      for (const auto& [l, p] : made->second) output_lines(v.story, *l, p);
      add_example(r.duplicates, std::move(v));
    }
  }

  // Order: per input partition and output partition, the committed outputs in log order must
  // have come from inputs in log order. Only each input's first output counts: a duplicate
  // goes back by nature, and is told above.
  std::map<std::pair<TopicPartition, TopicPartition>, std::vector<std::pair<Offset, const CtpLink*>>> lanes;
  for (const auto& [in_id, made] : made_from) {
    std::map<TopicPartition, std::pair<Offset, const CtpLink*>> first;  // output partition -> first copy
    for (const auto& [l, p] : made) {
      auto it = first.find(p.tp);
      if (it == first.end() || p.offset < it->second.first) first[p.tp] = {p.offset, l};
    }
    for (const auto& [tp, f] : first) lanes[{f.second->input_tp, tp}].push_back(f);
  }
  for (auto& [lane, outs] : lanes) {
    std::sort(outs.begin(), outs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 1; i < outs.size(); ++i) {
      const CtpLink& prev = *outs[i - 1].second;
      const CtpLink& cur = *outs[i].second;
      if (cur.input_offset > prev.input_offset) continue;
      Violation v;
      v.summary = "in " + lane.second.str() + ", the output of " + lane.first.str() + " offset " + cur.input_offset.str() +
                  " (at " + outs[i].first.str() + ") follows that of offset " + prev.input_offset.str() + " (at " +
                  outs[i - 1].first.str() + ")";
      output_lines(v.story, prev, Placed{lane.second, outs[i - 1].first, Fate::kCommitted});
      output_lines(v.story, cur, Placed{lane.second, outs[i].first, Fate::kCommitted});
      v.record_id = cur.output_record_id;
      add_example(r.order, std::move(v));
    }
  }
  r.lost.note = std::to_string(r.verified) + " committed input records below the committed offsets verified";
  return r;
}

}  // namespace checkers
