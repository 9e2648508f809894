#include "broker_model/controller/raft_log.h"

#include "broker_model/controller/byte_codec.h"
#include "broker_model/controller/metadata_record_codec.h"
#include "sim/check.h"
#include "sim/crc32c.h"

namespace broker_model {

namespace {
constexpr size_t kBodyFixedBytes = 16;  // term + offset
}

uint32_t log_entry_bytes(const LogEntry& e) {
  return static_cast<uint32_t>(kLogEntryHeaderBytes + kBodyFixedBytes) + batch_bytes(e.batch);
}

std::string encode_log_entry(const LogEntry& e) {
  std::string body;
  ByteWriter w(body);
  w.put<int64_t>(e.term.value());
  w.put<int64_t>(e.offset.value());
  body += encode_batch(e.batch);
  std::string out;
  ByteWriter h(out);
  h.put<uint32_t>(static_cast<uint32_t>(body.size()));
  h.put<uint32_t>(sim::crc32c(body));
  out += body;
  return out;
}

DecodedLog decode_raft_log(std::string_view file) {
  DecodedLog log;
  size_t pos = 0;
  Term last_term(0);
  while (pos < file.size()) {
    ByteReader header(file.substr(pos, kLogEntryHeaderBytes));
    uint32_t len = header.get<uint32_t>();
    uint32_t crc = header.get<uint32_t>();
    if (!header.ok() || len < kBodyFixedBytes || len > kMaxLogEntryBytes || file.size() - pos - 8 < len) {
      log.stop_reason = "torn entry";
      break;
    }
    std::string_view body = file.substr(pos + kLogEntryHeaderBytes, len);
    if (sim::crc32c(body) != crc) {
      log.stop_reason = "crc mismatch";
      break;
    }
    ByteReader r(body.substr(0, kBodyFixedBytes));
    Term term(r.get<int64_t>());
    Offset offset(r.get<int64_t>());
    if (offset.value() != static_cast<int64_t>(log.entries.size()) || term < last_term) {
      log.stop_reason = "offset or term out of order";
      break;
    }
    std::optional<MetadataBatch> batch = decode_batch(body.substr(kBodyFixedBytes));
    if (!batch) {
      log.stop_reason = "undecodable batch";
      break;
    }
    pos += kLogEntryHeaderBytes + len;
    last_term = term;
    log.entries.push_back(LogEntry{term, offset, std::move(*batch)});
    log.entry_end_bytes.push_back(static_cast<int64_t>(pos));
  }
  log.valid_bytes = static_cast<int64_t>(pos);
  return log;
}

sim::IoStatus RaftLog::recover() {
  sim::Files& disk = ctx_.files();
  entries_.clear();
  written_end_.clear();
  durable_end_ = 0;
  if (!disk.exists(kFileName)) return sim::IoStatus::kOk;
  sim::ReadResult r = disk.read_all(kFileName);
  if (r.status != sim::IoStatus::kOk) return r.status;
  DecodedLog log = decode_raft_log(r.data);
  for (auto& e : log.entries) entries_.push_back(std::move(e));
  written_end_ = std::move(log.entry_end_bytes);
  durable_end_ = static_cast<int64_t>(entries_.size());
  if (log.valid_bytes < static_cast<int64_t>(r.data.size())) {
    ctx_.trace("raft.log_truncate_tail", {{"from_bytes", r.data.size()}, {"to_bytes", log.valid_bytes},
                                          {"entries", entries_.size()}, {"reason", log.stop_reason}});
    sim::IoStatus s = disk.truncate(kFileName, log.valid_bytes);
    if (s != sim::IoStatus::kOk) return s;
    return disk.fsync(kFileName);
  }
  return sim::IoStatus::kOk;
}

const LogEntry& RaftLog::entry(Offset o) const {
  EDDY_CHECK(contains(o));
  return entries_[static_cast<size_t>(o.value())];
}

Term RaftLog::term_at(Offset o) const {
  if (o.value() < 0) return Term(0);
  return entry(o).term;
}

Offset RaftLog::first_offset_of_term_at(Offset o) const {
  Term t = term_at(o);
  int64_t i = o.value();
  while (i > 0 && entries_[static_cast<size_t>(i - 1)].term == t) --i;
  return Offset(i);
}

Offset RaftLog::append(Term term, MetadataBatch batch) {
  EDDY_CHECK_MSG(term >= last_term(), "log terms must not decrease");
  Offset o = log_end_offset();
  entries_.push_back(LogEntry{term, o, std::move(batch)});
  return o;
}

sim::IoStatus RaftLog::truncate_suffix(Offset from) {
  EDDY_CHECK(from.value() >= 0 && from <= log_end_offset());
  auto keep = static_cast<size_t>(from.value());
  entries_.resize(keep);
  if (durable_end_ > from.value()) durable_end_ = from.value();
  if (written_end_.size() <= keep) return sim::IoStatus::kOk;
  written_end_.resize(keep);
  int64_t bytes = keep == 0 ? 0 : written_end_.back();
  return ctx_.files().truncate(kFileName, bytes);
}

sim::IoStatus RaftLog::flush() {
  size_t target = entries_.size();
  if (durable_end_ >= static_cast<int64_t>(target)) return sim::IoStatus::kOk;
  std::string bytes;
  std::vector<int64_t> ends;
  int64_t pos = written_end_.empty() ? 0 : written_end_.back();
  for (size_t i = written_end_.size(); i < target; ++i) {
    bytes += encode_log_entry(entries_[i]);
    ends.push_back(pos + static_cast<int64_t>(bytes.size()));
  }
  sim::Files& disk = ctx_.files();
  if (!bytes.empty()) {
    sim::IoStatus s = disk.write(kFileName, pos, bytes);
    if (s != sim::IoStatus::kOk) return s;
    written_end_.insert(written_end_.end(), ends.begin(), ends.end());
  }
  sim::IoStatus s = disk.fsync(kFileName);
  if (s != sim::IoStatus::kOk) return s;
  // Only the Raft fiber truncates, and it is the one flushing: the prefix cannot have changed.
  EDDY_CHECK(entries_.size() >= target);
  durable_end_ = static_cast<int64_t>(target);
  return sim::IoStatus::kOk;
}

}  // namespace broker_model
