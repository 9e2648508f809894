// What the lab records of a pipeline run (scenarios/pipeline_workload.h, docs/pipeline.md):
// each reading a device published (QoS, first send, PUBACK), each forwarding by the rule
// (with the SQS message id), each receive of a queue message by the Lambda service (with its
// ApproximateReceiveCount) and each invocation's outcome, each store write of a sink task
// (record, offset, document id) and its offset commits and task events, and the store's
// documents read at the end. The function's Kafka sends are ProduceOps of the History like any
// producer's. Read by checkers/pipeline_checkers.h.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "checkers/ids.h"
#include "sim/time.h"

namespace checkers {

using ReadingKey = std::pair<int32_t, int64_t>;  // (device, seq)

struct PipelineReading {
  int qos = 1;
  bool malformed = false;
  sim::Instant sent;      // first PUBLISH
  bool acked = false;     // PUBACK received (QoS 1)
  sim::Instant acked_at;
  int publishes = 0;      // sends, re-sends with DUP included
  bool dropped = false;   // the device's buffer was full
};

struct PipelineForward {
  sim::Instant at;
  ReadingKey reading;
  bool dup = false;
  std::string message_id;  // "" when SendMessage failed
};

struct PipelineReceive {
  sim::Instant at;
  int poller = 0;
  ReadingKey reading;
  std::string message_id;
  int32_t receive_count = 0;
};

struct PipelineInvocation {
  int64_t id = 0;
  int environment = 0;
  sim::Instant start, end;
  std::vector<std::string> message_ids;
  std::vector<ReadingKey> readings;
  std::string outcome = "running";  // ok, error: ..., timeout
  int32_t deleted = 0;
};

struct PipelineWrite {
  int task = 0;
  TopicPartition tp;
  int64_t offset = -1;
  ReadingKey reading;
  std::string doc_id;
  bool upsert = false;
  sim::Instant invoked, completed;
  bool ok = false;
  std::string error;
  int64_t replaced_seq = -1;
};

struct PipelineCommit {
  int task = 0;
  sim::Instant at;
  std::map<TopicPartition, int64_t> offsets;
  bool ok = false;
};

struct PipelineTaskEvent {
  int task = 0;
  sim::Instant at;
  std::string what;
};

struct PipelineDocument {
  std::string id;
  ReadingKey reading;
};

struct PipelineHistory {
  bool active = false;
  std::string write_mode = "insert";  // insert | upsert
  std::string upsert_key = "reading";  // reading | device
  std::map<ReadingKey, PipelineReading> readings;
  std::vector<PipelineForward> forwards;
  std::vector<PipelineReceive> receives;
  std::vector<PipelineInvocation> invocations;
  std::vector<PipelineWrite> writes;
  std::vector<PipelineCommit> commits;
  std::vector<PipelineTaskEvent> task_events;
  std::vector<std::pair<sim::Instant, ReadingKey>> dead_letters;
  std::vector<PipelineDocument> documents;  // the store at the end
  bool store_read = false;                  // the final find answered
  sim::Duration visibility_timeout, function_timeout;
};

}  // namespace checkers
