// One partition's log on a node's simulated disk (Kafka's UnifiedLog + LocalLog): segments
// ordered by base offset under the directory prefix "<topic>-<partition>/", the last one
// active; appends as leader (assigning offsets and stamping the leader epoch) or as follower
// (keeping the leader's offsets); reads of whole batches; follower truncation; retention by
// time and size; Kafka's flush policy; a leader epoch cache kept in step with the log.
//
// Invariants: log_start_offset <= recovery_point <= log_end_offset; segments are contiguous
// (each starts where the previous ends) and only the active one can hold unflushed data
// (rolling flushes the old active segment, as Kafka's roll does).
//
// Every operation that touches the disk blocks the calling fiber and holds the log's lock,
// so fibers of one process may share a log. Once a disk operation fails (EIO, ENOSPC) the
// log goes offline, as Kafka takes a failed log directory offline: everything after returns
// KAFKA_STORAGE_ERROR, and the next incarnation recovers from what the disk kept.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/errors.h"
#include "sim/mutex.h"
#include "broker_model/storage/leader_epoch_cache.h"
#include "broker_model/storage/log_dir_failure_channel.h"
#include "broker_model/storage/log_config.h"
#include "broker_model/storage/log_segment.h"
#include "broker_model/storage/record_batch.h"
#include "broker_model/storage/tail_cache.h"
#include "broker_model/types.h"
#include "sim/node_context.h"

namespace broker_model::storage {

struct LogAppendInfo {
  ErrorCode error = ErrorCode::kNone;
  Offset first_offset = kUndefinedEpochOffset;
  Offset last_offset = kUndefinedEpochOffset;
  int64_t max_timestamp_ms = kNoTimestamp;
  int32_t records = 0;
  int64_t bytes = 0;
  bool flushed = false;  // the flush policy fsynced the log before the append returned
};

struct LogReadResult {
  ErrorCode error = ErrorCode::kNone;
  std::vector<RecordBatch> batches;
  int64_t bytes = 0;
  // The log's bounds when it was read, so a fetcher can reset after OFFSET_OUT_OF_RANGE.
  Offset log_start_offset{0};
  Offset log_end_offset{0};
};

// What open() found and repaired.
struct LogRecoveryInfo {
  int32_t segments = 0;
  int64_t truncated_bytes = 0;       // torn or corrupt tail cut from the damaged segment
  const char* truncation_reason = "none";
  int32_t segments_deleted = 0;      // segments after a damaged one, dropped to stay contiguous
  bool leader_epoch_checkpoint_corrupt = false;
};

struct RetentionResult {
  ErrorCode error = ErrorCode::kNone;
  int32_t segments_deleted = 0;
  int64_t bytes_deleted = 0;
};

struct CleanResult {
  ErrorCode error = ErrorCode::kNone;
  bool cleaned = false;            // a cleaning ran (something was cleanable and dirty enough)
  double dirty_ratio = 0;          // dirty bytes / cleanable bytes when it was decided
  Offset first_uncleanable{0};     // the cleaning covered offsets below this
  int32_t segments_rewritten = 0;
  int64_t records_removed = 0;     // superseded by a later record of their key (or keyless)
  int64_t tombstones_removed = 0;  // latest of their key, older than delete.retention.ms
};

// Test seam for the cleaner: a broken rule to show that the checkers catch it.
struct CleanOptions {
  bool drop_latest_for_test = false;  // remove every key's latest record too
};

struct LogScanResult {
  // Every record from log start to log end was visited, in offset order, exactly as reads
  // from the log start in any steps would return them (same batches, same validation).
  bool complete = false;
  // Why not, when not: "offline", "reads-cost-time", "busy", or where a segment's scan
  // stopped ("crc-mismatch", "offset-gap", "io-error", ...).
  const char* why_not = nullptr;
};

class PartitionLog {
 public:
  // No I/O; call open() from one of the node's fibers before anything else.
  // `log_dir`: the log directory it lives in, as a path prefix ("data2/"; "": the disk's root,
  // the one directory of a broker without log.dirs).
  PartitionLog(sim::NodeContext& ctx, TopicPartition tp, LogConfig config, std::string log_dir = {});
  PartitionLog(const PartitionLog&) = delete;
  PartitionLog& operator=(const PartitionLog&) = delete;

  // "orders-3/"
  static std::string dir_for(const TopicPartition& tp);

  // Where this log reports an I/O failure of its directory (nullptr: nowhere). The log goes
  // offline either way.
  void set_failure_channel(LogDirFailureChannel* channel) { failure_channel_ = channel; }
  // Another log of its directory failed: this one goes offline too (Kafka's
  // LogManager.handleLogDirFailure drops every log of the directory), without a report.
  void take_offline(std::string_view why);

  // Loads the leader epoch checkpoint, recovers every segment (validating every batch and
  // cutting a torn or corrupt tail; segments after a damaged one are deleted), creates an
  // empty segment at offset 0 for a new log, and brings the epoch cache in line with the log.
  ErrorCode open();
  const LogRecoveryInfo& recovery_info() const { return recovery_info_; }

  // Appends `batch` at log_end_offset, stamping `leader_epoch`; the batch's own base offset
  // and epoch are ignored, its derived fields recomputed. Applies the flush policy.
  LogAppendInfo append_as_leader(RecordBatch batch, LeaderEpoch leader_epoch);
  // Appends a batch fetched from the leader as it is; it must start at log_end_offset
  // (else UNEXPECTED_APPEND_OFFSET). Applies the flush policy.
  LogAppendInfo append_as_follower(const RecordBatch& batch);

  // Whole batches from the one holding `fetch_offset`, up to `max_bytes` (the first batch
  // even if larger, when `min_one_batch`, as Kafka's KIP-74), none reaching `max_offset`
  // (exclusive; the high watermark for consumers; default log end). OFFSET_OUT_OF_RANGE
  // below log_start_offset or above log_end_offset; empty at log_end_offset.
  LogReadResult read(Offset fetch_offset, int64_t max_bytes, std::optional<Offset> max_offset = std::nullopt,
                     bool min_one_batch = true);

  // Every record from log start to log end, in order, read `chunk_bytes` at a time as a
  // coordinator loads its internal partition (Kafka reads to the log end: what the leader
  // holds is what the log will be); stops at the first read that fails or returns nothing.
  template <class Visit>
  void for_each_record(int64_t chunk_bytes, Visit visit) {
    Offset at = log_start_offset();
    while (at < log_end_offset()) {
      LogReadResult r = read(at, chunk_bytes);
      if (r.error != ErrorCode::kNone || r.batches.empty()) return;
      for (const auto& b : r.batches)
        for (const auto& rec : b.records) visit(rec);
      at = r.batches.back().next_offset();
    }
  }

  // The values of every record from log start to log end, batch by batch, without
  // building Records: the disk's bytes up to the batches the tail cache holds (see
  // LogSegment::scan), then those batches, as read() serves them, under the same condition
  // (the disk generation they were cached under): for the end-of-run dump. Only when the result
  // is `complete` do the visits equal what read() would return; otherwise the visits so far
  // are to be discarded and the log read with read(), which then meets the same problem
  // (a corrupt batch, a failing disk) and reacts to it as it always does. Never blocks,
  // costs no simulated time and leaves no trace: it declines (incomplete, nothing visited)
  // when reads cost simulated time or another fiber holds the log's lock, where a series of
  // read() calls would block and let the simulation move on.
  LogScanResult scan_values(const BatchValuesVisitor& visit);

  // Follower truncation: drops every record at or above `offset` (a batch holding `offset` is
  // dropped whole), deleting later segments; made durable at once. Below the first segment,
  // the same as truncate_fully_and_start_at(offset). No effect at or above log_end_offset.
  ErrorCode truncate_to(Offset offset);
  // Deletes everything and starts an empty log at `offset` (log start = log end = offset).
  ErrorCode truncate_fully_and_start_at(Offset offset);

  // Retention (Kafka's deleteOldSegments): first deletes leading segments whose largest
  // timestamp is more than retention.ms before `now_ms`, then leading segments while the log
  // stays at least retention.bytes without them. Never the active segment, nor a segment
  // holding offsets at or above `high_watermark` (default log end). Advances log_start_offset.
  RetentionResult delete_old_segments(int64_t now_ms, std::optional<Offset> high_watermark = std::nullopt);

  // Log compaction (Kafka's LogCleaner, cleanup.policy=compact). Cleans the closed segments
  // below the high watermark (the active segment never: it rolls by segment.bytes and
  // segment.ms) once the part written since the last cleaning is at least
  // min.cleanable.dirty.ratio of them: every record whose key has a later record in that
  // range is removed, keyless records too, and a tombstone that is its key's latest record
  // once it is older than delete.retention.ms (by its timestamp). Removed records leave
  // hollow records behind (see Record::compacted): offsets never move. Each rewritten segment
  // is written whole under "<dir without '/'>.cleaned/", fsynced, then renamed over the old
  // one, so a crash leaves the old segment or the new one. Where the last cleaning ended
  // (Kafka's cleaner-offset-checkpoint) is kept in memory: after a restart the whole log
  // counts as dirty once.
  CleanResult clean(int64_t now_ms, std::optional<Offset> high_watermark = std::nullopt, CleanOptions options = {});

  // fsync of every segment with unsynced writes; recovery_point = log_end_offset.
  ErrorCode flush();
  // Flushes when flush.ms has passed since the last flush (Kafka's periodic log flusher).
  ErrorCode maybe_flush();
  // Clean shutdown: flush.
  ErrorCode close();

  // Leader epochs: a new leader records its epoch's start (Kafka's Partition.makeLeader).
  ErrorCode assign_epoch_start_offset(LeaderEpoch epoch, Offset start_offset);
  // OffsetsForLeaderEpoch against this log (see LeaderEpochCache::end_offset_for).
  EpochEndOffset end_offset_for_epoch(LeaderEpoch requested) const;
  std::optional<LeaderEpoch> latest_epoch() const { return epoch_cache_.latest_epoch(); }
  const LeaderEpochCache& leader_epoch_cache() const { return epoch_cache_; }

  const TopicPartition& topic_partition() const { return tp_; }
  const std::string& dir() const { return dir_; }
  const LogConfig& config() const { return config_; }
  Offset log_start_offset() const { return log_start_offset_; }
  Offset log_end_offset() const { return log_end_offset_; }
  // Offsets below it are durable (fsynced).
  Offset recovery_point() const { return recovery_point_; }
  int64_t unflushed_messages() const { return log_end_offset_ - recovery_point_; }
  int64_t size_bytes() const;
  std::vector<Offset> segment_base_offsets() const;
  const LogSegment& active_segment() const;
  bool offline() const { return offline_; }

 private:
  ErrorCode check_online() const;
  ErrorCode fail(ErrorCode e, std::string_view during);
  LogSegment& active();
  LogSegment make_segment(Offset base_offset) const;
  ErrorCode open_locked();
  ErrorCode load_segments();
  ErrorCode recover_segments(const std::vector<Offset>& bases);
  void note_epoch_changes(const std::vector<BatchHeader>& changes);
  ErrorCode finish_open();
  // Appends `batch`; `keep_in_tail`, if given, is the same batch, which the tail cache takes
  // (moved) once it is on disk; without it the tail is emptied.
  LogAppendInfo append_locked(const RecordBatch& batch, RecordBatch* keep_in_tail);
  bool read_from_tail(Offset fetch_offset, int64_t max_bytes, Offset upper, bool min_one_batch, LogReadResult& r);
  ErrorCode maybe_roll(const RecordBatch& batch);
  ErrorCode apply_flush_policy(LogAppendInfo& info);
  ErrorCode flush_locked();
  ErrorCode truncate_fully_locked(Offset offset);
  ErrorCode delete_segments(std::vector<Offset> bases, RetentionResult& result, const char* why);
  std::vector<Offset> retention_ms_breached(int64_t now_ms, Offset upper_bound) const;
  std::vector<Offset> retention_bytes_breached(Offset upper_bound) const;
  ErrorCode rewrite_segment(Offset base, const std::vector<RecordBatch>& batches);
  void check_invariants() const;

  sim::NodeContext& ctx_;
  sim::Files& disk_;
  TopicPartition tp_;
  LogConfig config_;
  std::string dir_;
  sim::Mutex mutex_{"partition-log"};
  std::map<Offset, LogSegment> segments_;
  LeaderEpochCache epoch_cache_;
  TailCache tail_;  // the last batches appended, served to tail reads without the disk
  Offset log_start_offset_{0};
  Offset log_end_offset_{0};
  Offset recovery_point_{0};
  Offset first_dirty_offset_{0};  // where the last cleaning ended (the log start before any)
  sim::Instant last_flush_;
  bool opened_ = false;
  bool offline_ = false;
  LogDirFailureChannel* failure_channel_ = nullptr;
  LogRecoveryInfo recovery_info_;
};

}  // namespace broker_model::storage
