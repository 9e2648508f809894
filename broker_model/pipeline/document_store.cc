#include "broker_model/pipeline/document_store.h"

#include <deque>
#include <vector>

namespace broker_model::pipeline {

StoreWriteResponse DocumentCollection::apply(const StoreWriteRequest& w) {
  StoreWriteResponse out;
  auto it = docs_.find(w.doc.id);
  if (w.op == WriteOp::kInsertOne) {
    if (it != docs_.end()) {
      out.error = "E11000 duplicate key error";
      return out;
    }
    docs_.emplace(w.doc.id, w.doc);
    out.ok = true;
    return out;
  }
  out.ok = true;
  if (it == docs_.end()) {
    docs_.emplace(w.doc.id, w.doc);
    out.upserted = true;
  } else {
    out.replaced_seq = it->second.seq;
    it->second = w.doc;
  }
  return out;
}

std::string DocumentCollection::journal_record(const StoreWriteRequest& w) {
  const Document& d = w.doc;
  std::string body = std::string(w.op == WriteOp::kInsertOne ? "I" : "R") + "|" + d.id + "|" + std::to_string(d.device) + "|" +
                     std::to_string(d.seq) + "|" + std::to_string(d.value) + "|" + std::to_string(d.sent_ns);
  // A length prefix makes a torn tail detectable: the record must be whole and end with '\n'.
  return std::to_string(body.size()) + ":" + body + "\n";
}

std::optional<StoreWriteRequest> DocumentCollection::parse_journal_record(const std::string& line) {
  const size_t colon = line.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 8) return std::nullopt;
  size_t length = 0;
  for (size_t i = 0; i < colon; ++i) {
    if (line[i] < '0' || line[i] > '9') return std::nullopt;
    length = length * 10 + static_cast<size_t>(line[i] - '0');
  }
  const std::string body = line.substr(colon + 1);
  if (body.size() != length) return std::nullopt;
  std::vector<std::string> f(1);
  for (char c : body) {
    if (c == '|')
      f.emplace_back();
    else
      f.back() += c;
  }
  if (f.size() != 6 || (f[0] != "I" && f[0] != "R")) return std::nullopt;
  StoreWriteRequest w;
  w.op = f[0] == "I" ? WriteOp::kInsertOne : WriteOp::kReplaceOne;
  w.doc.id = f[1];
  try {
    w.doc.device = static_cast<int32_t>(std::stol(f[2]));
    w.doc.seq = std::stoll(f[3]);
    w.doc.value = std::stoll(f[4]);
    w.doc.sent_ns = std::stoll(f[5]);
  } catch (const std::logic_error&) {
    return std::nullopt;
  }
  return w;
}

sim::BootFn make_document_store_boot() {
  return [](sim::NodeContext& ctx) { ctx.make<DocumentStore>(ctx).run(); };
}

void DocumentStore::recover() {
  sim::ReadResult r = ctx_.files().read_all(kJournal);
  if (r.status != sim::IoStatus::kOk) return;  // no journal yet
  size_t start = 0, good = 0;
  while (start < r.data.size()) {
    const size_t nl = r.data.find('\n', start);
    if (nl == std::string::npos) break;  // a torn last record
    auto w = DocumentCollection::parse_journal_record(r.data.substr(start, nl - start));
    if (!w) break;
    collection_.apply(*w);
    start = nl + 1;
    good = start;
  }
  // Drop what follows the last whole record, so that new records follow whole ones.
  if (good < r.data.size()) ctx_.files().truncate(kJournal, static_cast<int64_t>(good));
}

void DocumentStore::run() {
  recover();
  rpc_.start([this](const RequestInfo& info, sim::Payload&& body) {
    if (const auto* w = sim::payload_cast<StoreWriteRequest>(&body)) {
      if (pending_.size() >= kPendingMax) return;  // no answer: the client times out
      pending_.push_back(Pending{info, *w});
      wakeup_.notify_all();
      return;
    }
    if (sim::payload_cast<StoreFindRequest>(&body) != nullptr) {
      StoreFindResponse resp;
      for (const auto& [id, d] : collection_.documents()) resp.documents.push_back(d);
      rpc_.reply_sized(info, std::move(resp));
    }
  });
  ctx_.spawn("store-writer", [this] { writer(); });
}

void DocumentStore::writer() {
  for (;;) {
    while (pending_.empty()) wakeup_.wait();
    // Group commit: every write queued now shares one fsync, as MongoDB's journal does.
    std::vector<Pending> group(pending_.begin(), pending_.end());
    pending_.clear();
    std::string records;
    for (const Pending& p : group) records += DocumentCollection::journal_record(p.write);
    const int64_t before = ctx_.files().size(kJournal).value_or(0);
    sim::IoStatus s = ctx_.files().append(kJournal, records);
    if (s == sim::IoStatus::kOk) s = ctx_.files().fsync(kJournal);
    // A write that failed is not applied, and must not come back when the journal is replayed.
    if (s != sim::IoStatus::kOk) ctx_.files().truncate(kJournal, before);
    for (const Pending& p : group) {
      StoreWriteResponse resp;
      if (s != sim::IoStatus::kOk) {
        resp.error = std::string("journal write failed: ") + sim::to_string(s);
      } else {
        resp = collection_.apply(p.write);
      }
      rpc_.reply_sized(p.info, resp);
    }
  }
}

}  // namespace broker_model::pipeline
