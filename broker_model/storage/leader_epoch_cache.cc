#include "broker_model/storage/leader_epoch_cache.h"

#include <charconv>
#include <iterator>

#include "sim/check.h"
#include "sim/crc32c.h"

namespace broker_model::storage {

namespace {

constexpr int kCheckpointVersion = 0;
constexpr std::string_view kCrcPrefix = "crc32c ";

// Splits off the next '\n'-terminated line of `text`; false if there is none.
bool next_line(std::string_view& text, std::string_view& line) {
  size_t end = text.find('\n');
  if (end == std::string_view::npos) return false;
  line = text.substr(0, end);
  text.remove_prefix(end + 1);
  return true;
}

// A whole field of decimal digits (no sign, nothing else).
template <class T>
bool parse_number(std::string_view field, T& value) {
  if (field.empty() || field.front() < '0' || field.front() > '9') return false;
  auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  return ec == std::errc() && end == field.data() + field.size();
}

bool parse_entry(std::string_view line, EpochEntry& entry) {
  size_t space = line.find(' ');
  if (space == std::string_view::npos) return false;
  int32_t epoch = 0;
  int64_t offset = 0;
  if (!parse_number(line.substr(0, space), epoch) || !parse_number(line.substr(space + 1), offset)) return false;
  entry = {LeaderEpoch(epoch), Offset(offset)};
  return true;
}

}  // namespace

LeaderEpochCache::LeaderEpochCache(sim::Files& disk, std::string_view dir)
    : disk_(&disk),
      file_(std::string(dir) + std::string(kLeaderEpochCheckpointFile)),
      tmp_file_(file_ + ".tmp") {}

std::string LeaderEpochCache::encode(const std::vector<EpochEntry>& entries) {
  std::string text = std::to_string(kCheckpointVersion) + "\n" + std::to_string(entries.size()) + "\n";
  for (const EpochEntry& e : entries) text += e.epoch.str() + " " + e.start_offset.str() + "\n";
  text += std::string(kCrcPrefix) + std::to_string(sim::crc32c(text)) + "\n";
  return text;
}

std::optional<std::vector<EpochEntry>> LeaderEpochCache::decode(std::string_view text) {
  std::string_view rest = text;
  std::string_view line;
  int version = -1;
  int64_t count = -1;
  if (!next_line(rest, line) || !parse_number(line, version) || version != kCheckpointVersion) return std::nullopt;
  if (!next_line(rest, line) || !parse_number(line, count) || count > kLeaderEpochEntriesMax) return std::nullopt;
  std::vector<EpochEntry> entries;
  for (int64_t i = 0; i < count; ++i) {
    EpochEntry e;
    if (!next_line(rest, line) || !parse_entry(line, e)) return std::nullopt;
    if (!entries.empty() && (e.epoch <= entries.back().epoch || e.start_offset <= entries.back().start_offset))
      return std::nullopt;
    entries.push_back(e);
  }
  std::string_view covered = text.substr(0, text.size() - rest.size());
  uint32_t crc = 0;
  if (!next_line(rest, line) || !line.starts_with(kCrcPrefix) || !parse_number(line.substr(kCrcPrefix.size()), crc) ||
      crc != sim::crc32c(covered) || !rest.empty())
    return std::nullopt;
  return entries;
}

ErrorCode LeaderEpochCache::load() {
  epochs_.clear();
  if (disk_->exists(tmp_file_)) {
    // A checkpoint write that a crash interrupted before its rename: the old file stands.
    if (sim::IoStatus s = disk_->remove(tmp_file_); s != sim::IoStatus::kOk) return from_io_status(s);
  }
  if (!disk_->exists(file_)) return ErrorCode::kNone;
  sim::ReadResult r = disk_->read_all(file_);
  if (r.status != sim::IoStatus::kOk) return from_io_status(r.status);
  std::optional<std::vector<EpochEntry>> entries = decode(r.data);
  if (!entries) return ErrorCode::kCorruptMessage;
  for (const EpochEntry& e : *entries) epochs_.emplace(e.epoch, e.start_offset);
  return ErrorCode::kNone;
}

ErrorCode LeaderEpochCache::write_checkpoint() {
  if (disk_->exists(tmp_file_)) {
    if (sim::IoStatus s = disk_->remove(tmp_file_); s != sim::IoStatus::kOk) return from_io_status(s);
  }
  if (sim::IoStatus s = disk_->write(tmp_file_, 0, encode(entries())); s != sim::IoStatus::kOk) return from_io_status(s);
  if (sim::IoStatus s = disk_->fsync(tmp_file_); s != sim::IoStatus::kOk) return from_io_status(s);
  return from_io_status(disk_->rename(tmp_file_, file_));
}

ErrorCode LeaderEpochCache::assign(LeaderEpoch epoch, Offset start_offset) {
  EDDY_CHECK(epoch.value() >= 0);
  EDDY_CHECK(start_offset.value() >= 0);
  if (!epochs_.empty() && epoch <= epochs_.rbegin()->first) return ErrorCode::kNone;
  while (!epochs_.empty() && epochs_.rbegin()->second >= start_offset) epochs_.erase(std::prev(epochs_.end()));
  epochs_.emplace(epoch, start_offset);
  return write_checkpoint();
}

EpochEndOffset LeaderEpochCache::end_offset_for(LeaderEpoch requested, Offset log_end_offset) const {
  if (requested == kUndefinedEpoch || epochs_.empty()) return {};
  if (requested == epochs_.rbegin()->first) return {requested, log_end_offset};
  auto higher = epochs_.upper_bound(requested);
  if (higher == epochs_.end()) return {};
  if (higher == epochs_.begin()) return {requested, higher->second};
  return {std::prev(higher)->first, higher->second};
}

ErrorCode LeaderEpochCache::truncate_from_end(Offset end_offset) {
  if (epochs_.empty() || epochs_.rbegin()->second < end_offset) return ErrorCode::kNone;
  while (!epochs_.empty() && epochs_.rbegin()->second >= end_offset) epochs_.erase(std::prev(epochs_.end()));
  return write_checkpoint();
}

ErrorCode LeaderEpochCache::truncate_from_start(Offset start_offset) {
  if (epochs_.empty() || epochs_.begin()->second > start_offset) return ErrorCode::kNone;
  auto second = std::next(epochs_.begin());
  bool unchanged = epochs_.begin()->second == start_offset && (second == epochs_.end() || second->second > start_offset);
  if (unchanged) return ErrorCode::kNone;
  LeaderEpoch last_removed = epochs_.begin()->first;
  while (!epochs_.empty() && epochs_.begin()->second <= start_offset) {
    last_removed = epochs_.begin()->first;
    epochs_.erase(epochs_.begin());
  }
  epochs_.emplace(last_removed, start_offset);
  return write_checkpoint();
}

ErrorCode LeaderEpochCache::clear() {
  if (epochs_.empty() && !disk_->exists(file_)) return ErrorCode::kNone;
  epochs_.clear();
  return write_checkpoint();
}

std::optional<LeaderEpoch> LeaderEpochCache::latest_epoch() const {
  if (epochs_.empty()) return std::nullopt;
  return epochs_.rbegin()->first;
}

std::optional<EpochEntry> LeaderEpochCache::latest_entry() const {
  if (epochs_.empty()) return std::nullopt;
  return EpochEntry{epochs_.rbegin()->first, epochs_.rbegin()->second};
}

std::vector<EpochEntry> LeaderEpochCache::entries() const {
  std::vector<EpochEntry> out;
  out.reserve(epochs_.size());
  for (const auto& [epoch, start] : epochs_) out.push_back({epoch, start});
  return out;
}

std::vector<EpochEntry> LeaderEpochCache::entries_covering(Offset from, Offset to) const {
  std::vector<EpochEntry> out;
  for (const auto& [epoch, start] : epochs_) {
    if (start >= to) break;  // starts grow with epochs
    if (start <= from && !out.empty()) out.clear();  // a later entry still covers `from`
    out.push_back({epoch, start});
  }
  return out;
}

}  // namespace broker_model::storage
