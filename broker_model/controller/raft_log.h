// RaftLog: the replicated metadata log of one quorum member — entries (term, offset, batch)
// in memory, mirrored to one file on the node's simulated disk.
//
// On disk each entry is [u32 body length][u32 crc32c of the body][body: i64 term, i64 offset,
// encoded batch]. Recovery keeps the longest prefix of entries that decode with a good CRC,
// consecutive offsets and non-decreasing terms, and cuts the file there (a torn tail after a
// crash, or garbage after it). Appends go to memory first; flush() writes what is not yet on
// disk and fsyncs, and only then do entries count as durable (durable_end_offset()), which
// is what a follower may acknowledge and a leader may count toward the commit.
//
// Only the node's Raft fiber calls the blocking functions (recover, flush, truncate_suffix);
// append() may be called from any fiber of the process (it never blocks).
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker_model/controller/metadata_records.h"
#include "broker_model/types.h"
#include "sim/node_context.h"

namespace broker_model {

struct LogEntry {
  Term term;
  Offset offset;
  MetadataBatch batch;
  bool operator==(const LogEntry&) const = default;
};

uint32_t log_entry_bytes(const LogEntry& e);  // wire/disk size
std::string encode_log_entry(const LogEntry& e);

// The valid prefix of a log file's bytes (also used by checkers to read a replica's log).
struct DecodedLog {
  std::vector<LogEntry> entries;
  std::vector<int64_t> entry_end_bytes;  // file position after each entry
  int64_t valid_bytes = 0;
  std::string stop_reason;  // why decoding stopped before the end ("" when it did not)
};
DecodedLog decode_raft_log(std::string_view file);

// Limits with their units.
inline constexpr uint32_t kMaxLogEntryBytes = 4 << 20;
inline constexpr size_t kLogEntryHeaderBytes = 8;

class RaftLog {
 public:
  static constexpr const char* kFileName = "__cluster_metadata-0/00000000000000000000.log";

  explicit RaftLog(sim::NodeContext& ctx) : ctx_(ctx) {}

  // Reads the file and truncates an invalid tail (durably). Returns the disk's status.
  sim::IoStatus recover();

  Offset log_end_offset() const { return Offset(static_cast<int64_t>(entries_.size())); }
  Offset durable_end_offset() const { return Offset(durable_end_); }
  bool has_unflushed() const { return durable_end_ < static_cast<int64_t>(entries_.size()); }
  bool contains(Offset o) const { return o.value() >= 0 && o < log_end_offset(); }
  const LogEntry& entry(Offset o) const;
  // Term of the entry at `o`; Term(0) for o == -1 (before the first entry).
  Term term_at(Offset o) const;
  Term last_term() const { return term_at(log_end_offset() - 1); }
  // First offset of the run of entries with the same term as the entry at `o`.
  Offset first_offset_of_term_at(Offset o) const;

  Offset append(Term term, MetadataBatch batch);
  // Removes the entries at and after `from`, in memory and on disk.
  sim::IoStatus truncate_suffix(Offset from);
  // Writes the unwritten entries and fsyncs; on kOk everything appended before the call is durable.
  sim::IoStatus flush();

 private:
  sim::NodeContext& ctx_;
  std::deque<LogEntry> entries_;       // deque: appends never move existing entries
  std::vector<int64_t> written_end_;   // file position after each entry written to the file
  int64_t durable_end_ = 0;            // entries [0, durable_end_) are fsynced
};

}  // namespace broker_model
