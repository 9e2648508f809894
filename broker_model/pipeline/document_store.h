// A document store with MongoDB-style writes (docs/pipeline.md): one collection of documents
// keyed by _id, `insertOne` (a new document; "E11000 duplicate key error" when the _id
// exists) and `replaceOne({_id: ...}, doc, {upsert: true})` (replace the document with that
// _id, or insert it when there is none: "replaceOne() replaces the first matching document
// ... upsert: true ... inserts a new document if no document matches the filter"), and a
// find of every document.
//
// Durability as with write concern {w: 1, j: true}: a write is acknowledged after its journal
// record is on disk (appended to `journal` on the node's simulated disk and fsynced), and a
// restarted store rebuilds the collection by replaying the journal, dropping a torn last
// record. A write whose fsync failed is answered with an error and not applied.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "broker_model/pipeline/pipeline_messages.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "sim/node_context.h"

namespace broker_model::pipeline {

// The collection, apart from the disk and the network (tests/broker_model/pipeline_test.cc).
class DocumentCollection {
 public:
  StoreWriteResponse apply(const StoreWriteRequest& w);
  const std::map<std::string, Document>& documents() const { return docs_; }
  // The journal record of a write, and the write back from one (nullopt: torn or corrupt).
  static std::string journal_record(const StoreWriteRequest& w);
  static std::optional<StoreWriteRequest> parse_journal_record(const std::string& line);

 private:
  std::map<std::string, Document> docs_;
};

class DocumentStore {
 public:
  explicit DocumentStore(sim::NodeContext& ctx) : ctx_(ctx), rpc_(ctx) {}
  void run();

 private:
  struct Pending {
    RequestInfo info;
    StoreWriteRequest write;
  };
  void recover();
  void writer();
  sim::NodeContext& ctx_;
  RpcEndpoint rpc_;
  DocumentCollection collection_;
  std::deque<Pending> pending_;
  sim::WaitQueue wakeup_{"store writer"};
  static constexpr size_t kPendingMax = 10'000;
  static constexpr const char* kJournal = "journal";
};

sim::BootFn make_document_store_boot();

}  // namespace broker_model::pipeline
