// Kinesis' checkers, reading the History (checkers/kinesis_history.h) and the final log of each
// shard's partition. Lost and duplicated records are the general checkers' (a Kinesis put is
// a ProduceOp; a duplicate is what Kinesis documents as at-least-once delivery of retried
// puts). These add what the KCL and the shard limits bring:
// - processed_twice: a record (shard, sequence number) one KCL application processed more
//   than once, told with the lease changes between: at-least-once across lease changes;
// - processed_skipped: a record at or below its shard's final checkpoint that no worker of the
//   application processed: a checkpoint went past records not processed (a safety violation);
// - kinesis_key_order: a partition key's records first processed out of their shard's
//   sequence order (a safety violation for a KCL application);
// - reshard_key_order: a partition key's record of a parent shard first processed after one of
//   its records of a child (or later descendant) shard: every record of a key in the parent
//   precedes those in its children, and the KCL processes a child only once its parents are
//   at SHARD_END (a safety violation for a KCL application);
// - reshards: the SplitShard / MergeShards / UpdateShardCount calls done (counted, not judged);
// - throttled_writes / throttled_reads: ProvisionedThroughputExceededException answers, with
//   per shard the count and the time spent throttled (100 ms windows holding one);
// - lease_changes: leases taken over from another worker (expired) or stolen;
// - kinesis_expired_unread: an acknowledged record retention trimmed before the application
//   processed it and before any of its checkpoints went past it: what AWS documents for a
//   consumer that falls behind by more than the retention period (counted per application,
//   told with the worker's faults and where it read on; such records are not counted as
//   skipped). A record a checkpoint went past before it expired stays processed_skipped.
#pragma once

#include <vector>

#include "checkers/checkers.h"
#include "checkers/history.h"

namespace checkers {

struct ShardThrottling {
  TopicPartition tp;
  int64_t writes_throttled = 0;
  int64_t reads_throttled = 0;
  int64_t throttled_ms = 0;  // 100 ms windows with at least one throttled answer, times 100
  int64_t records_written = 0;  // acknowledged puts to the shard
};

// A KCL application's reading: how it reads (enhanced fan-out or shared GetRecords), what it
// processed (first processings; their data bytes from the producers' record size are not
// known here, so records), its GetRecords calls refused, and its end-to-end delay.
struct KinesisConsumerStats {
  std::string application;
  bool fan_out = false;
  int64_t records_processed = 0;   // distinct (shard, sequence) processed
  int64_t reads_throttled = 0;
  int64_t delay_ms_p50 = 0;         // first processing minus the put's acknowledgement
  int64_t delay_ms_p99 = 0;
};

struct KinesisChecks {
  CheckResult processed_twice{"processed_twice", 0, {}, {}};
  CheckResult processed_skipped{"processed_skipped", 0, {}, {}};
  CheckResult key_order{"kinesis_key_order", 0, {}, {}};
  CheckResult reshard_key_order{"reshard_key_order", 0, {}, {}};
  CheckResult reshards{"reshards", 0, {}, {}};  // reshards done (not a violation; the note lists each call)
  CheckResult throttled_writes{"throttled_writes", 0, {}, {}};
  CheckResult throttled_reads{"throttled_reads", 0, {}, {}};
  CheckResult lease_changes{"lease_changes", 0, {}, {}};
  CheckResult expired_unread{"kinesis_expired_unread", 0, {}, {}};
  std::vector<ShardThrottling> throttling;  // every shard with a put or a throttle, by partition
  std::vector<KinesisConsumerStats> consumers;  // per KCL application, by name
};

KinesisChecks check_kinesis(const History& h);

}  // namespace checkers
