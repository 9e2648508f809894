// Always-on invariants over the replicas' state, checked by the lab while the run goes from what
// each broker reports of its high watermark (broker_model's HighWatermarkUpdated), never by the
// broker itself. Each is a guarantee Kafka's replication gives on every replica, whatever the
// faults, with unclean leader election off:
//
//  - "hw_violations": a replica's high watermark is never beyond its own log end offset (Kafka's
//    UnifiedLog.updateHighWatermark: "upper bounded by the log end offset", on leaders and on
//    followers taking the leader's from a Fetch response), and a leader's high watermark never
//    goes back while it leads one epoch (UnifiedLog.maybeIncrementHighWatermark: "if and only if
//    it is larger than the old value"; Partition.maybeIncrementLeaderHW).
//  - "committed_rewrites": an offset below some replica's high watermark is committed, and a
//    committed offset holds the same record on every replica for ever after; since KIP-101 the
//    leader epoch a record was written in is part of its identity (a log is a lineage of epochs,
//    and two logs agreeing on the epoch at an offset agree on everything below it). So every
//    replica's high watermark, as it moves up, must cover offsets whose leader epochs match what
//    any replica committed there before. A replica keeping a divergent tail of an older epoch
//    below its high watermark (KIP-279, KIP-320), or a leader acknowledging offsets a later
//    leader writes again, breaks it at once, before any final read could show it. An unclean
//    election (or KIP-966's last-known-leader election) gives the committed history up by
//    design: the lab starts the partition's lineage again there.
//
// Online (one pass over the reports as they come): memory is one epoch map per partition.
#pragma once

#include <cstdint>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "checkers/check_result.h"
#include "checkers/ids.h"
#include "sim/time.h"

namespace checkers {

struct HighWatermarkReport {
  sim::Instant at;
  TopicPartition tp;
  BrokerId broker;
  uint64_t incarnation = 0;  // the broker process's (a restart starts a new high watermark)
  LeaderEpoch leader_epoch;
  bool leader = false;
  Offset from;  // the high watermark before the move
  Offset high_watermark;
  Offset log_end_offset;
  // The replica's leader-epoch entries covering [from, high_watermark): (start offset, epoch).
  std::vector<std::pair<Offset, LeaderEpoch>> epochs;
};

class ReplicaInvariants {
 public:
  void high_watermark(const HighWatermarkReport& r);
  // A leader was elected from outside the ISR: the partition's committed history restarts.
  void unclean_election(const TopicPartition& tp);

  const CheckResult& hw_violations() const { return hw_; }
  const CheckResult& committed_rewrites() const { return rewrites_; }

 private:
  struct Lineage {
    std::map<Offset, LeaderEpoch> starts;  // committed offsets [first, known_to): epoch starts
    Offset known_to{-1};
  };
  void check_lineage(const HighWatermarkReport& r);

  CheckResult hw_{"hw_violations", 0, {}, {}};
  CheckResult rewrites_{"committed_rewrites", 0, {}, {}};
  // (partition, broker, incarnation, epoch) -> the leader's high watermark last reported.
  std::map<std::tuple<TopicPartition, BrokerId, uint64_t, LeaderEpoch>, Offset> leader_hw_;
  std::map<TopicPartition, Lineage> lineage_;
  int64_t reports_ = 0;
};

}  // namespace checkers
