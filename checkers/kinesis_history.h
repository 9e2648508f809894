// What the lab records of a Kinesis run besides the produces and consumes every workload has
// (a Kinesis put is a ProduceOp whose partition is the shard's and whose offset is its
// sequence number; a KCL worker's processed record is a ConsumeOp): the partition key of each
// record, each throttled write and read, the KCL workers' lease changes and checkpoints, and
// the shards' lineage after a reshard (parents, EndingSequenceNumber).
// Written by the lab's Kinesis clients (scenarios/kinesis_workload.h), read by
// checkers/kinesis_checkers.h.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "checkers/ids.h"
#include "sim/time.h"

namespace checkers {

struct KinesisThrottle {
  sim::Instant at;
  TopicPartition tp;  // the shard's partition of its stream's topic
  bool write = true;  // a PutRecords record; else a GetRecords call
  int client = 0;     // producer index (write) or consumer index (read)
};

struct KinesisLeaseEvent {
  sim::Instant at;
  int consumer = 0;  // the worker's consumer index
  TopicPartition tp;
  std::string what;            // "created", "taken", "stolen", "renewal failed", "checkpoint failed"
  std::string previous_owner;  // taken / stolen: whom from ("" when nobody held it)
  int64_t counter = 0;
};

struct KinesisCheckpoint {
  sim::Instant at;
  int consumer = 0;
  TopicPartition tp;
  int64_t sequence = -1;
  bool ok = true;
};

// The sequence a SHARD_END checkpoint is recorded with: the shard was read to its end.
inline constexpr int64_t kShardEndSequence = std::numeric_limits<int64_t>::max();

// A shard as the frontend last told it (after a reshard): its parents and, once closed and
// drained, its EndingSequenceNumber (-1: it holds no record).
struct KinesisShardInfo {
  std::vector<int32_t> parents;  // ParentShardId, AdjacentParentShardId
  bool closed = false;
  std::optional<int64_t> ending_sequence;
};

// Retention trimmed a shard: every sequence number below `trim_horizon` is gone from then on
// (reported by the frontend, kinesis/stream_frontend.h).
struct KinesisTrim {
  sim::Instant at;
  TopicPartition tp;
  int64_t trim_horizon = 0;
};

struct KinesisHistory {
  std::map<uint64_t, std::string> partition_keys;  // record id -> its partition key
  std::vector<KinesisThrottle> throttles;
  std::vector<KinesisLeaseEvent> leases;
  std::vector<KinesisCheckpoint> checkpoints;
  std::set<int> kcl_consumers;                     // consumer indexes that are KCL workers
  std::map<int, std::string> worker_ids;           // consumer index -> worker id
  std::map<std::string, std::set<int>> applications;  // application -> its workers (consumer indexes)
  std::set<std::string> fan_out_applications;          // those reading by enhanced fan-out
  std::map<TopicPartition, KinesisShardInfo> shards;  // only streams that were resharded
  std::vector<KinesisTrim> trims;                     // in time order
  std::map<std::string, int> retention_hours;         // stream topic -> its retention at the start
  bool active = false;
};

}  // namespace checkers
