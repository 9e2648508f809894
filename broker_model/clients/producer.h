// A Kafka producer: records go into per-partition batches (linger.ms, batch.size); a sender
// fiber drains ready batches into Produce requests per leader broker, keeping at most
// max.in.flight.requests.per.connection requests in flight to each; failed batches are
// retried after retry.backoff.ms until delivery.timeout.ms (or retries) runs out, refreshing
// metadata on leadership errors. Every record's fate goes into the History: acknowledged
// (with offset and acknowledging broker), failed (certainly not written), or unknown (a
// timeout or an error after the append: it may or may not be in the log).
#pragma once

#include <list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/clients/client_config.h"
#include "broker_model/clients/client_metadata.h"
#include "broker_model/clients/partitioner.h"
#include "broker_model/history/history.h"
#include "broker_model/rpc/rpc_endpoint.h"

namespace broker_model {

class Producer {
 public:
  Producer(RpcEndpoint& rpc, ClientMetadata& metadata, ProducerConfig config, History* history, int producer_index);
  void start();  // spawns the sender fiber

  // Queues one record (non-blocking). Returns false, recording a failure, when the buffer is
  // full or the topic is unknown.
  bool send(const std::string& topic, std::optional<std::string> key, std::string value, uint64_t record_id,
            int32_t value_padding = 0);

  size_t queued_records() const { return queued_records_; }
  size_t in_flight_requests() const;
  // Blocks until every queued record has completed (acknowledged, failed or unknown).
  void flush();

 private:
  struct Batch {
    TopicPartition tp;
    std::vector<Record> records;
    std::vector<size_t> history_ops;  // indexes into History::produces()
    int64_t bytes = 0;
    sim::Instant created;             // local clock
    sim::Instant retry_after;
    int attempts = 0;
    bool maybe_written = false;       // some attempt may have appended it
    bool in_flight = false;
  };

  void sender_loop();
  bool batch_ready(const Batch& b, sim::Instant now) const;
  void send_to(BrokerId broker, std::vector<Batch*> batches);
  void on_response(BrokerId broker, std::vector<Batch*> batches, std::optional<std::any>&& response);
  void complete(Batch* b, OpOutcome outcome, ErrorCode error, Offset base, BrokerId by, LeaderEpoch epoch);
  void retry_or_fail(Batch* b, ErrorCode error);
  void expire_old_batches(sim::Instant now);
  void remove_batch(Batch* b);

  RpcEndpoint& rpc_;
  ClientMetadata& metadata_;
  ProducerConfig config_;
  History* history_;
  int index_;
  Partitioner partitioner_;
  // Per partition, in send order. A list: callbacks hold pointers to in-flight batches.
  std::map<TopicPartition, std::list<Batch>> batches_;
  std::map<BrokerId, int> in_flight_;
  size_t queued_records_ = 0;
  int64_t queued_bytes_ = 0;
  sim::WaitQueue wakeup_{"producer sender"};
  sim::WaitQueue drained_{"producer flush"};
};

}  // namespace broker_model
