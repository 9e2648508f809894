// What a broker reports to the run's observers (sim/event_bus.h, emitted through
// NodeContext::emit): its replicas' role, ISR, truncation and retention changes and what its
// fetch sessions did. Plain facts; the broker never learns who, if anyone, listens. Each
// names the reporting broker (`broker`); the emit adds when and from which process.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "broker_model/errors.h"
#include "broker_model/types.h"

namespace broker_model {

// ---- replicas (Partition, ReplicaManager) ---------------------------------------------------

// `broker` became leader of `tp` at `leader_epoch`, as the controller's metadata said.
struct PartitionLeaderStarted {
  TopicPartition tp;
  BrokerId broker;
  LeaderEpoch leader_epoch;
  Offset log_end_offset;
  Offset high_watermark;
  std::vector<BrokerId> isr;
  bool unclean = false;  // the controller elected it from outside the ISR
};

// `broker` became a follower of `leader` for `tp` at `leader_epoch`.
struct PartitionFollowerStarted {
  TopicPartition tp;
  BrokerId broker;
  BrokerId leader;
  LeaderEpoch leader_epoch;
};

// A committed ISR change (same leader and epoch) applied by `broker`.
struct IsrChanged {
  TopicPartition tp;
  BrokerId broker;
  std::vector<BrokerId> from;
  std::vector<BrokerId> to;
};

// The leader proposed to the controller to drop followers that did not catch up within
// replica.lag.time.max.ms.
struct IsrShrinkProposed {
  TopicPartition tp;
  BrokerId broker;
  std::vector<BrokerId> dropped;
};

// The leader proposed to add a follower that caught up.
struct IsrExpandProposed {
  TopicPartition tp;
  BrokerId broker;
  BrokerId follower;
};

// `broker`'s high watermark of `tp` moved, as leader (`leader`) or follower, from `from` to
// `high_watermark`, with its log end at that moment. `epochs`: its leader-epoch cache's
// entries covering the offsets [from, high_watermark) (when it moved up), so the lab can hold
// every replica's committed offsets to one leader-epoch lineage (KIP-101). Emitted only when
// observed.
struct HighWatermarkUpdated {
  TopicPartition tp;
  BrokerId broker;
  LeaderEpoch leader_epoch;
  bool leader = false;
  Offset from;
  Offset high_watermark;
  Offset log_end_offset;
  std::vector<std::pair<Offset, LeaderEpoch>> epochs;  // (start offset, epoch), oldest first
};

// `broker` cut its log of `tp` back: to `to` (whole_log false), or threw it all away and
// restarted it at `to` (whole_log true).
struct LogTruncated {
  TopicPartition tp;
  BrokerId broker;
  Offset from_log_end;
  Offset to;
  bool whole_log = false;
  std::string reason;  // "OffsetsForLeaderEpoch", "below the leader's log start"
};

// The leader answered a retried idempotent batch with where it already is, appending nothing.
struct DuplicateBatchAnswered {
  TopicPartition tp;
  BrokerId broker;
  ProducerId producer_id;
  int16_t producer_epoch = kNoProducerEpoch;
  int32_t base_sequence = kNoSequence;
  Offset first_offset;
};

// A replica rebuilt its producer state (idempotence) by scanning its log.
struct ProducerStateRebuilt {
  TopicPartition tp;
  BrokerId broker;
  int64_t producers = 0;
  int64_t batches_scanned = 0;
  Offset log_end_offset;
};

// Retention (retention.ms / retention.bytes) deleted whole segments of a replica's log: the
// offsets [from_log_start, log_start_offset) are gone from it.
struct RetentionDeleted {
  TopicPartition tp;
  BrokerId broker;
  int32_t segments = 0;
  Offset log_start_offset;  // after the deletion
  Offset from_log_start;    // before it
};

// The log cleaner compacted a replica's log (cleanup.policy=compact): below
// `first_uncleanable`, superseded records and expired tombstones are gone.
struct LogCompacted {
  TopicPartition tp;
  BrokerId broker;
  Offset first_uncleanable;
  int64_t records_removed = 0;
  int64_t tombstones_removed = 0;
};

// The broker's log directory failed (an I/O error in `log` while `during`): it stops serving
// its replicas and halts, as Kafka does when its last log directory fails.
struct LogDirFailed {
  BrokerId broker;
  std::string log;
  std::string during;
  std::string dir;           // as log.dirs names it ("": the broker's one directory)
  bool broker_halts = true;  // no directory is left online
  int32_t replicas = 0;      // taken offline with it (when the broker goes on)
};

// ---- partition reassignment (KIP-455) ----------------------------------------------------------

// A replica the metadata no longer lists on this broker was stopped and its log deleted.
struct ReplicaDeleted {
  TopicPartition tp;
  BrokerId broker;
  Offset log_end_before;
};

// A replica a reassignment is adding appended `bytes` fetched from the leader (the bytes a
// reassignment moves, as kafka-reassign-partitions' throttle counts them).
struct ReassignmentBytesFetched {
  TopicPartition tp;
  BrokerId broker;
  int64_t bytes = 0;
};

// ---- fetch sessions (KIP-227; ReplicaManager) ------------------------------------------------

// A full fetch that asked for a session got one.
struct FetchSessionCreated {
  BrokerId broker;
  bool follower = false;  // a follower's session (else a consumer's)
};
// A full fetch that asked for a session found no room in the cache.
struct FetchSessionNotCreated {
  BrokerId broker;
  bool follower = false;
};
// A session was evicted to make room for another.
struct FetchSessionEvicted {
  BrokerId broker;
};
// An incremental fetch was answered; `partitions_omitted` had nothing new and were left out.
struct IncrementalFetchAnswered {
  BrokerId broker;
  int64_t partitions_omitted = 0;
};
// An incremental fetch was refused: FETCH_SESSION_ID_NOT_FOUND or INVALID_FETCH_SESSION_EPOCH.
struct FetchSessionRefused {
  BrokerId broker;
  ErrorCode error = ErrorCode::kNone;
};

}  // namespace broker_model
