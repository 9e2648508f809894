#include "checkers/pipeline_checkers.h"

#include <algorithm>
#include <set>
#include <string>

namespace checkers {

namespace {

std::string at(sim::Instant t) { return "t=" + sim::format_instant(t); }
std::string name(const ReadingKey& r) { return "device " + std::to_string(r.first) + " reading #" + std::to_string(r.second); }
std::string seconds(sim::Duration d) { return sim::format_duration(d); }

// The reading's way through the pipeline, in time order.
std::vector<std::string> story_of(const PipelineHistory& p, const ReadingKey& r) {
  std::vector<std::pair<sim::Instant, std::string>> lines;
  if (auto it = p.readings.find(r); it != p.readings.end()) {
    const PipelineReading& x = it->second;
    lines.emplace_back(x.sent, at(x.sent) + " " + name(r) + " published at QoS " + std::to_string(x.qos) +
                                   (x.publishes > 1 ? " (sent " + std::to_string(x.publishes) + " times, DUP on re-sends)" : ""));
    if (x.acked) lines.emplace_back(x.acked_at, at(x.acked_at) + " PUBACK from the MQTT broker");
  }
  for (const auto& f : p.forwards)
    if (f.reading == r)
      lines.emplace_back(f.at, at(f.at) + " rule " + (f.dup ? "got a re-delivery (DUP=1) and " : "") +
                                   (f.message_id.empty() ? "failed to SendMessage it" : "sent it to the queue as " + f.message_id));
  for (const auto& rc : p.receives)
    if (rc.reading == r)
      lines.emplace_back(rc.at, at(rc.at) + " Lambda poller " + std::to_string(rc.poller) + " received " + rc.message_id +
                                    " (ApproximateReceiveCount " + std::to_string(rc.receive_count) + "; invisible until " +
                                    at(rc.at + p.visibility_timeout) + ")");
  for (const auto& inv : p.invocations)
    if (std::find(inv.readings.begin(), inv.readings.end(), r) != inv.readings.end()) {
      lines.emplace_back(inv.start, at(inv.start) + " invocation " + std::to_string(inv.id) + " on function-" +
                                        std::to_string(inv.environment) + " begins (" + std::to_string(inv.readings.size()) +
                                        " messages, timeout " + seconds(p.function_timeout) + ")");
      if (inv.outcome != "running")
        lines.emplace_back(inv.end, at(inv.end) + " invocation " + std::to_string(inv.id) + " ends: " + inv.outcome +
                                        (inv.outcome == "ok" ? ", " + std::to_string(inv.deleted) + " deleted from the queue" : ""));
    }
  for (const auto& w : p.writes)
    if (w.reading == r)
      lines.emplace_back(w.completed, at(w.completed) + " sink task " + std::to_string(w.task) + " wrote " + w.tp.str() +
                                          " offset " + std::to_string(w.offset) + " as document " + w.doc_id + ": " +
                                          (w.ok ? "ok" : w.error));
  for (const auto& [t, dr] : p.dead_letters)
    if (dr == r) lines.emplace_back(t, at(t) + " sent to the dead-letter topic (errors.tolerance=all)");
  std::stable_sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& l : lines) out.push_back(std::move(l.second));
  return out;
}

// Why a reading is in the store twice.
// `unexplained` is set when no hop's behaviour accounts for it (pipeline_unexplained_duplicates).
std::string cause_of_duplicate(const PipelineHistory& p, const ReadingKey& r, bool& unexplained) {
  unexplained = false;
  std::set<std::pair<std::string, int64_t>> offsets;
  std::map<std::pair<std::string, int64_t>, int> writes_per_offset;
  std::set<std::string> stored_ids;
  for (const auto& d : p.documents) stored_ids.insert(d.id);
  // Writes that made a document: acknowledged, or applied though their answer was lost.
  for (const auto& w : p.writes)
    if (w.reading == r && (w.ok || stored_ids.count(w.doc_id) != 0)) {
      offsets.insert({w.tp.str(), w.offset});
      ++writes_per_offset[{w.tp.str(), w.offset}];
    }
  std::vector<std::string> causes;
  for (const auto& [o, n] : writes_per_offset) {
    if (n < 2) continue;
    // The same topic record written twice: after a write whose answer was lost (the store had
    // applied it), or replayed by a task that started over from the last committed offset.
    std::vector<const PipelineWrite*> ws;
    for (const auto& w : p.writes)
      if (w.reading == r && w.tp.str() == o.first && w.offset == o.second) ws.push_back(&w);
    bool lost_answer = false;
    for (const PipelineWrite* w : ws) lost_answer = lost_answer || (!w->ok && stored_ids.count(w->doc_id) != 0);
    if (lost_answer) {
      causes.push_back("sink task retried a write of " + o.first + " offset " + std::to_string(o.second) +
                       " whose answer was lost although the store had applied it (insertOne takes a new _id each time)");
      continue;
    }
    std::string why = "a sink task wrote " + o.first + " offset " + std::to_string(o.second) + " " + std::to_string(n) +
                      " times: replayed from the last committed offset";
    sim::Instant first_ok = sim::Instant::max(), second_ok = sim::Instant::max();
    for (const PipelineWrite* w : ws)
      if (w->ok) {
        if (first_ok == sim::Instant::max()) first_ok = w->completed;
        else if (second_ok == sim::Instant::max()) second_ok = w->invoked;
      }
    for (const auto& e : p.task_events)
      if (e.what == "started" && e.at > first_ok && e.at < second_ok) {
        why += " after task " + std::to_string(e.task) + " started again at " + at(e.at);
        int64_t committed = -1;
        sim::Instant when;
        for (const auto& c : p.commits)
          if (c.ok && c.at < e.at)
            for (const auto& [tp, off] : c.offsets)
              if (tp.str() == o.first && off > committed) {
                committed = off;
                when = c.at;
              }
        if (committed >= 0)
          why += " (the last commit of " + o.first + " before it: offset " + std::to_string(committed) + " at " + at(when) + ")";
        break;
      }
    causes.push_back(why);
  }
  if (offsets.size() > 1) {
    int receives = 0, forwards = 0;
    std::set<std::string> forwarded, received;  // queue message ids
    for (const auto& rc : p.receives)
      if (rc.reading == r) {
        ++receives;
        received.insert(rc.message_id);
      }
    for (const auto& f : p.forwards)
      if (f.reading == r && !f.message_id.empty()) {
        ++forwards;
        forwarded.insert(f.message_id);
      }
    std::string why = "the record is in the topic " + std::to_string(offsets.size()) + " times";
    bool explained = forwards > 1;
    if (forwards > 1) why += "; the rule enqueued it " + std::to_string(forwards) + " times (MQTT re-delivery with DUP)";
    // A queue message the rule never heard it had sent: a SendMessage whose answer was lost,
    // sent again (a standard queue does not deduplicate).
    std::string unheard;
    for (const auto& id : received)
      if (forwarded.count(id) == 0) unheard += (unheard.empty() ? "" : ", ") + id;
    if (!unheard.empty()) {
      explained = true;
      why += "; the rule sent it again after a SendMessage whose answer it did not get had been enqueued (" + unheard +
             "; a standard queue does not deduplicate)";
    }
    if (receives > 1) {
      why += "; the queue delivered it " + std::to_string(receives) + " times";
      // Was an earlier invocation of it still running when it was received again?
      std::vector<sim::Instant> recv;
      for (const auto& rc : p.receives)
        if (rc.reading == r) recv.push_back(rc.at);
      bool overlap = false, timed_out = false, failed = false, stale_delete = false;
      for (const auto& inv : p.invocations) {
        if (std::find(inv.readings.begin(), inv.readings.end(), r) == inv.readings.end()) continue;
        stale_delete = stale_delete || (inv.outcome == "ok" && inv.deleted < static_cast<int32_t>(inv.message_ids.size()));
        timed_out = timed_out || inv.outcome == "timeout";
        failed = failed || inv.outcome.rfind("error", 0) == 0;
        for (sim::Instant t : recv)
          if (t > inv.start && (inv.outcome == "running" || t < inv.end)) overlap = true;
      }
      if (overlap)
        why += ": its visibility timeout (" + seconds(p.visibility_timeout) +
               ") ended while an invocation holding it still ran, so another poller received it";
      else if (timed_out)
        why += ": an invocation holding it timed out mid-produce (after sending some records) and the batch was retried";
      else if (failed)
        why += ": an invocation holding it failed and the batch came back after its visibility timeout";
      else if (stale_delete)
        why += ": an invocation holding it succeeded but its DeleteMessageBatch removed fewer messages than it held "
               "(its visibility timeout had ended while the batch waited or ran: a stale receipt handle deletes "
               "nothing), so the message came back";
      explained = explained || overlap || timed_out || failed || stale_delete;
    }
    if (!explained) unexplained = true;
    causes.push_back(why);
  }
  std::string out;
  for (const auto& c : causes) out += (out.empty() ? "" : "; ") + c;
  if (out.empty()) unexplained = true;
  return out.empty() ? "cause not identified" : out;
}

}  // namespace

PipelineChecks check_pipeline(const History& h) {
  PipelineChecks out;
  const PipelineHistory& p = h.pipeline();
  if (!p.active) return out;
  const bool by_device = p.write_mode == "upsert" && p.upsert_key == "device";
  std::map<ReadingKey, std::vector<std::string>> docs_of;
  std::set<int32_t> devices_with_doc;
  for (const auto& d : p.documents) {
    docs_of[d.reading].push_back(d.id);
    devices_with_doc.insert(d.reading.first);
  }
  // First acknowledged store write of each reading: its latency.
  std::map<ReadingKey, sim::Instant> first_write;
  for (const auto& w : p.writes)
    if (w.ok) {
      auto it = first_write.find(w.reading);
      if (it == first_write.end() || w.completed < it->second) first_write[w.reading] = w.completed;
    }
  std::set<int32_t> devices_told;
  for (const auto& [r, x] : p.readings) {
    if (x.malformed) continue;
    const bool stored = by_device ? devices_with_doc.count(r.first) != 0 || first_write.count(r) != 0 : docs_of.count(r) != 0;
    if (first_write.count(r) != 0 || docs_of.count(r) != 0) ++out.delivered;
    if (stored) continue;
    if (x.qos == 0) {
      ++out.qos0_lost.count;
      continue;
    }
    if (!x.acked) continue;  // never acknowledged to the device: not promised
    if (by_device && devices_told.count(r.first) != 0) continue;
    devices_told.insert(r.first);
    Violation v;
    v.summary = "missing: " + name(r) + " was acknowledged to the device (PUBACK) and is not in the store";
    v.story = story_of(p, r);
    add_example(out.missing, std::move(v));
  }
  out.missing.note = std::to_string(out.delivered) + " readings reached the store";
  if (!p.store_read) out.missing.note += "; the store could not be read at the end";
  if (!by_device)
    for (const auto& [r, ids] : docs_of) {
      if (ids.size() < 2) continue;
      Violation v;
      bool unexplained = false;
      v.summary = "duplicate: " + name(r) + " is in " + std::to_string(ids.size()) + " documents; " +
                  cause_of_duplicate(p, r, unexplained);
      v.story = story_of(p, r);
      if (unexplained) add_example(out.unexplained_duplicates, v);
      add_example(out.duplicates, std::move(v));
    }
  for (const auto& w : p.writes)
    if (w.ok && w.replaced_seq > w.reading.second) {
      Violation v;
      v.summary = "out of order: document " + w.doc_id + " holding reading #" + std::to_string(w.replaced_seq) +
                  " was overwritten by the older " + name(w.reading) + " (sink task " + std::to_string(w.task) + ", " +
                  w.tp.str() + " offset " + std::to_string(w.offset) + ", " + at(w.completed) + ")";
      v.story = story_of(p, w.reading);
      add_example(out.out_of_order, std::move(v));
    }
  // MQTT QoS 1 re-deliveries (MQTT 3.1.1 section 4.4): a device re-sending a PUBLISH whose
  // PUBACK it never got, or the broker re-sending one to the rule, both with DUP=1.
  std::map<ReadingKey, int> dup_forwards;
  for (const auto& f : p.forwards)
    if (f.dup) ++dup_forwards[f.reading];
  for (const auto& [r, x] : p.readings) {
    auto it = dup_forwards.find(r);
    const int to_rule = it == dup_forwards.end() ? 0 : it->second;
    if (x.publishes < 2 && to_rule == 0) continue;
    Violation v;
    v.summary = "MQTT re-delivery: " + name(r);
    if (x.publishes > 1) v.summary += " re-sent by its device with DUP=1 (" + std::to_string(x.publishes) + " PUBLISHes)";
    if (to_rule > 0)
      v.summary += std::string(x.publishes > 1 ? ";" : "") + " re-delivered by the MQTT broker to the rule with DUP=1 " +
                   std::to_string(to_rule) + " time(s)";
    v.story = story_of(p, r);
    add_example(out.mqtt_redelivered, std::move(v));
  }
  std::set<std::string> redelivered;
  for (const auto& rc : p.receives)
    if (rc.receive_count > 1 && redelivered.insert(rc.message_id).second) {
      Violation v;
      v.summary = "redelivered: " + rc.message_id + " (" + name(rc.reading) + ") received again, ApproximateReceiveCount " +
                  std::to_string(rc.receive_count);
      v.story = story_of(p, rc.reading);
      add_example(out.redelivered, std::move(v));
    }
  std::map<std::pair<std::string, int64_t>, int> per_offset;
  for (const auto& w : p.writes)
    if (w.ok && ++per_offset[{w.tp.str(), w.offset}] == 2) {
      Violation v;
      v.summary = "replayed: " + w.tp.str() + " offset " + std::to_string(w.offset) + " (" + name(w.reading) +
                  ") written to the store again by sink task " + std::to_string(w.task);
      v.story = story_of(p, w.reading);
      add_example(out.replayed, std::move(v));
    }
  for (const auto& [t, r] : p.dead_letters) {
    Violation v;
    v.summary = "dead-lettered: " + name(r) + " (malformed) sent to the dead-letter topic at " + at(t);
    add_example(out.dead_lettered, std::move(v));
  }
  // Latency: first PUBLISH to first acknowledged store write.
  std::vector<int64_t> ns;
  for (const auto& [r, t] : first_write) {
    auto it = p.readings.find(r);
    if (it == p.readings.end()) continue;
    out.latency.series.emplace_back(it->second.sent, t - it->second.sent);
    ns.push_back((t - it->second.sent).ns());
  }
  std::sort(out.latency.series.begin(), out.latency.series.end());
  std::sort(ns.begin(), ns.end());
  out.latency.count = static_cast<int64_t>(ns.size());
  if (!ns.empty()) {
    auto pick = [&](double f) { return sim::nanoseconds(ns[std::min(ns.size() - 1, static_cast<size_t>(f * static_cast<double>(ns.size())))]); };
    out.latency.p50 = pick(0.5);
    out.latency.p99 = pick(0.99);
    out.latency.max = sim::nanoseconds(ns.back());
  }
  return out;
}

}  // namespace checkers
