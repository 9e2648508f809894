// A sink connector with Kafka Connect's semantics (docs/pipeline.md), writing the topic into the
// document store as the MongoDB Kafka sink connector does. Each task (node `connect-task-N`,
// tasks.max of them) is a WorkerSinkTask: a consumer in the group `connect-<name>` (Connect's
// group for a sink connector), enable.auto.commit=false, reading from the earliest offset, its
// partitions spread over the tasks by the group's assignor. Its loop, as WorkerSinkTask's:
// - poll; convert each record; a record the converter rejects (a malformed reading) is an
//   error the framework handles per `errors.tolerance` (KIP-298): `none` (the default) fails
//   the task at once (it stays FAILED until restarted; its partitions stop), `all` skips it,
//   and with `errors.deadletterqueue.topic.name` sends it to that topic first;
// - put(records): one store write per record, `insert` (insertOne with a fresh ObjectId-like
//   _id per write, the connector's default BsonOidStrategy) or `upsert` (replaceOne by _id
//   with upsert, the _id from the record: the reading's id, or the device's for a
//   latest-reading-per-device collection). A write that fails (the store unreachable, an error
//   answer) is a RetriableException: the same records are put again after `retry_backoff`,
//   for ever;
// - every offset.flush.interval.ms (Connect's default 60,000 ms) commit the offsets of the
//   records put so far (WorkerSinkTask.commitOffsets after preCommit), and on partition
//   revocation too (onPartitionsRevoked).
// What a task wrote after its last commit is written again by whoever reads the partition
// next from the committed offset: a crash between the write and the commit replays records.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/clients/client_config.h"
#include "broker_model/clients/client_listeners.h"
#include "broker_model/clients/group_consumer.h"
#include "broker_model/clients/producer.h"
#include "broker_model/pipeline/pipeline_messages.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "sim/node_context.h"

namespace broker_model::pipeline {

enum class SinkWriteMode : uint8_t { kInsert, kUpsertByReading, kUpsertByDevice };

struct SinkTaskConfig {
  std::string connector = "store-sink";
  std::vector<BrokerId> brokers;
  std::string topic;
  sim::NodeId store;
  int task = 0;
  SinkWriteMode mode = SinkWriteMode::kInsert;
  sim::Duration offset_flush_interval = sim::seconds(60);  // offset.flush.interval.ms
  bool errors_tolerance_all = false;                       // errors.tolerance: none | all
  std::string dead_letter_topic;                           // errors.deadletterqueue.topic.name
  sim::Duration retry_backoff = sim::seconds(1);
  sim::Duration store_timeout = sim::seconds(2);
  int32_t max_poll_records = 500;                          // consumer.max.poll.records
  int64_t session_timeout_ms = 6'000;
  int64_t heartbeat_interval_ms = 3'000;
};

// What a task did, for the lab. Runs on the task's fibers.
class SinkTaskListener : public ProducerListener {
 public:
  struct Write {
    TopicPartition tp;
    Offset offset;
    uint64_t record_id = 0;
    std::string doc_id;
    WriteOp op = WriteOp::kInsertOne;
    sim::Instant invoked, completed;  // simulated time
    bool ok = false;
    std::string error;
    int64_t replaced_seq = -1;
  };
  virtual void on_write(int task, const Write& w) = 0;
  virtual void on_commit(int task, const std::map<TopicPartition, Offset>& offsets, bool ok) = 0;
  virtual void on_task_event(int task, const std::string& what) = 0;
  // A record sent to the dead-letter topic: the token to produce it with.
  virtual uint64_t begin_dead_letter(int task, const TopicPartition& tp, Offset offset, uint64_t record_id) = 0;
};

class SinkTask final : public GroupConsumerListener {
 public:
  SinkTask(sim::NodeContext& ctx, SinkTaskConfig config, SinkTaskListener& listener)
      : ctx_(ctx), rpc_(ctx), config_(std::move(config)), listener_(listener) {}
  void run();

 private:
  // Writes one record; false when the store did not acknowledge it.
  bool write(const ConsumedRecord& r);
  void commit(const std::vector<TopicPartition>& partitions);
  void on_partitions_revoked(const std::vector<TopicPartition>& tps) override;
  void loop();
  std::string document_id(uint64_t record_id);

  sim::NodeContext& ctx_;
  RpcEndpoint rpc_;
  SinkTaskConfig config_;
  SinkTaskListener& listener_;
  GroupConsumer* consumer_ = nullptr;
  Producer* dlq_producer_ = nullptr;
  std::map<TopicPartition, Offset> put_;  // next offset after the records put, per partition
  uint64_t oid_counter_ = 0;
  uint64_t oid_random_ = 0;
};

sim::BootFn make_sink_task_boot(SinkTaskConfig config, std::function<SinkTaskListener&(sim::NodeContext&)> make_listener);

}  // namespace broker_model::pipeline
