// Kafka's leader epoch cache (LeaderEpochFileCache): for each leader epoch of a partition,
// the first offset written in it. A follower asks its leader "where does my last epoch end
// for you?" (OffsetsForLeaderEpoch, KIP-101/KIP-279) and truncates its log there, instead of
// at its high watermark, which could lose or diverge acknowledged data.
//
// Persisted in `<dir>leader-epoch-checkpoint` after every change, the way Kafka writes its
// checkpoint files: a new `.tmp` file, fsync, rename over the old one. The text is Kafka's
// format (version line, count line, "epoch start_offset" lines) followed by one line
// "crc32c <value>" over the text before it, so a flipped bit on the simulated disk is
// caught on load instead of silently changing an epoch.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker_model/errors.h"
#include "broker_model/types.h"
#include "sim/files.h"

namespace broker_model::storage {

inline constexpr std::string_view kLeaderEpochCheckpointFile = "leader-epoch-checkpoint";
// Entries are bounded by the epochs a partition lives through; a file claiming more is corrupt.
inline constexpr int64_t kLeaderEpochEntriesMax = 1'000'000;

struct EpochEntry {
  LeaderEpoch epoch;
  Offset start_offset;
  bool operator==(const EpochEntry&) const = default;
};

// OffsetsForLeaderEpoch's answer: (kUndefinedEpoch, kUndefinedEpochOffset) when unknown.
struct EpochEndOffset {
  LeaderEpoch leader_epoch = kUndefinedEpoch;
  Offset end_offset = kUndefinedEpochOffset;
  bool operator==(const EpochEndOffset&) const = default;
  bool undefined() const { return leader_epoch == kUndefinedEpoch; }
};

class LeaderEpochCache {
 public:
  // No I/O. `dir` is the partition directory prefix ("orders-3/").
  LeaderEpochCache(sim::Files& disk, std::string_view dir);

  const std::string& file() const { return file_; }

  // Reads the checkpoint. A missing file is an empty cache. A malformed or corrupt file
  // leaves the cache empty and returns kCorruptMessage (the log rebuilds from its batches).
  ErrorCode load();

  // Records that `epoch` starts at `start_offset`. Ignored when `epoch` is older than or the
  // same as the latest epoch (stale or non-increasing). A newer epoch first removes entries
  // whose start offset is >= `start_offset` (they never got records), then is appended.
  ErrorCode assign(LeaderEpoch epoch, Offset start_offset);

  // OffsetsForLeaderEpoch, exactly as Kafka answers it:
  //  - requested undefined, or newer than every known epoch: undefined;
  //  - requested is the latest epoch: (requested, log_end_offset);
  //  - otherwise: (largest known epoch <= requested, start offset of the first epoch after
  //    requested); if no known epoch is <= requested: (requested, start of the first one).
  EpochEndOffset end_offset_for(LeaderEpoch requested, Offset log_end_offset) const;

  // Removes entries starting at or after `end_offset` (the log was truncated there).
  ErrorCode truncate_from_end(Offset end_offset);
  // Removes entries starting at or before `start_offset` and re-adds the last one removed as
  // starting at `start_offset` (the log start moved there).
  ErrorCode truncate_from_start(Offset start_offset);
  // Removes every entry (the log was emptied).
  ErrorCode clear();

  std::optional<LeaderEpoch> latest_epoch() const;
  std::optional<EpochEntry> latest_entry() const;
  std::vector<EpochEntry> entries() const;
  // The entries that cover offsets in [from, to): the one [from] falls in (if any) and every
  // one starting after `from` and before `to`, oldest first. No I/O.
  std::vector<EpochEntry> entries_covering(Offset from, Offset to) const;
  bool empty() const { return epochs_.empty(); }

  // The checkpoint text for `entries` (Kafka's format plus the crc32c line), and its parser.
  static std::string encode(const std::vector<EpochEntry>& entries);
  static std::optional<std::vector<EpochEntry>> decode(std::string_view text);

 private:
  ErrorCode write_checkpoint();

  sim::Files* disk_;
  std::string file_;
  std::string tmp_file_;
  std::map<LeaderEpoch, Offset> epochs_;
};

}  // namespace broker_model::storage
