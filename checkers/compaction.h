// Log compaction (cleanup.policy=compact), judged from the History alone. The cleaner may
// remove a record once a later record of its key is in the log, and a tombstone that is its
// key's latest record once delete.retention.ms has passed; nothing else. The oracle says
// which absences that explains (counted as compacted, not lost), and the checker holds the
// cleaner to its promise: the latest acknowledged value of every key survives.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "checkers/checkers.h"
#include "checkers/history.h"

namespace checkers {

class CompactionOracle {
 public:
  explicit CompactionOracle(const History& h);
  // Whether the History has compacted topics at all.
  bool active() const { return !keys_.empty(); }
  // Whether `p`'s topic is compacted (and its keys recorded).
  bool compacted(const ProduceOp& p) const;
  // Why compaction may have removed the acknowledged record `p` from its partition's final
  // read, or "" when it does not explain the absence.
  std::string explains(const ProduceOp& p) const;
  // The same for a record known by id (a consumer read it): "" when it is not a produce to a
  // compacted topic or compaction does not explain its absence.
  std::string explains_record(uint64_t record_id) const;
  // Whether the record `record_id`, at `offset` of the final read of `tp`, is one a cleaner
  // may remove at any time (a later record of its key is in that read): a consumer that read
  // another replica, cleaned further, may have skipped it.
  bool removable(const TopicPartition& tp, uint64_t record_id, Offset offset) const;

 private:
  struct KeyState {
    Offset final_latest{-1};                // highest offset holding the key in the final read
    std::vector<const ProduceOp*> tombstones;  // produced (acknowledged or unknown) tombstones
  };
  bool tombstone_expired(const ProduceOp& t) const;
  const KeyedProduce* key_of(const ProduceOp& p) const;

  const History& h_;
  std::map<const ProduceOp*, const KeyedProduce*> keys_;
  std::map<uint64_t, const ProduceOp*> by_id_;
  std::map<std::pair<TopicPartition, std::string>, KeyState> by_key_;
};

// "latest_values": for every key of a compacted topic, its latest acknowledged record is in
// the final read at its offset, unless compaction explains its absence (a later record of the
// key is there, or a tombstone past delete.retention.ms). The note counts the keys checked
// and the acknowledged records compaction removed.
CheckResult check_latest_values(const History& h);

}  // namespace checkers
