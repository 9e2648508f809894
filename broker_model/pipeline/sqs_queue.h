// A queue with Amazon SQS standard-queue semantics (docs/pipeline.md), as the SQS Developer
// Guide describes them:
// - at-least-once: a received message stays in the queue, invisible for the visibility
//   timeout ("Amazon SQS visibility timeout": default 30 s, 0 s to 12 h), and becomes visible
//   again unless it is deleted before the timeout ends; then another ReceiveMessage gets it;
// - each receive gets a new receipt handle, and DeleteMessage needs the most recent one: with
//   an older handle "the request succeeds, but the message might not be deleted" (API
//   Reference, DeleteMessage). Here it is never deleted then;
// - ApproximateReceiveCount counts receives; a redrive policy moves a message to the
//   dead-letter queue when its receive count would exceed maxReceiveCount (1..1000: "the
//   number of times a message is delivered to the source queue before being moved to the
//   dead-letter queue", "Using dead-letter queues in Amazon SQS");
// - ReceiveMessage returns at most MaxNumberOfMessages (1..10) visible messages, oldest first
//   here (a standard queue promises best-effort order only), and long-polls up to
//   WaitTimeSeconds (0..20).
// The queue lives in its node's memory: SQS' own durability is not what the lab studies (a
// crash of the `sqs` node loses its messages, which no real SQS failure does; faults aimed at
// it should be partitions and pauses, docs/pipeline.md).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "broker_model/pipeline/pipeline_messages.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "sim/node_context.h"
#include "sim/time.h"

namespace broker_model::pipeline {

struct SqsQueueConfig {
  sim::Duration visibility_timeout = sim::seconds(30);  // VisibilityTimeout, default 30 s
  int32_t max_receive_count = 0;                        // redrive policy; 0: no dead-letter queue
  static constexpr int32_t kMaxNumberOfMessagesMax = 10;
  static constexpr sim::Duration kWaitTimeMax = sim::seconds(20);
  static constexpr sim::Duration kVisibilityTimeoutMax = sim::seconds(12 * 3600);
  static constexpr size_t kMessagesMax = 1'000'000;  // a bound on the model's memory
};

// The queue's state machine, apart from the network (tests/broker_model/pipeline_test.cc).
class SqsQueue {
 public:
  explicit SqsQueue(SqsQueueConfig config) : config_(config) {}
  // SendMessage; "" when the queue is full (the model's bound).
  std::string send(const Reading& body, sim::Instant now);
  // ReceiveMessage: visible messages, oldest first; each becomes invisible until now +
  // visibility (the request's, else the queue's). A message whose receive count is already
  // maxReceiveCount goes to the dead-letter queue instead.
  std::vector<SqsMessage> receive(int32_t max_messages, sim::Duration visibility, sim::Instant now);
  // DeleteMessage: true when the handle was the message's latest and it left the queue.
  bool remove(const std::string& receipt_handle);
  // When the next invisible message becomes visible (Instant::max() if none).
  sim::Instant next_visible() const;
  int64_t visible(sim::Instant now) const;
  int64_t not_visible(sim::Instant now) const;
  const std::vector<SqsMessage>& dead_letters() const { return dead_letters_; }
  const SqsQueueConfig& config() const { return config_; }

 private:
  struct Entry {
    SqsMessage message;  // receipt_handle: the latest; approximate_receive_count: receives so far
    sim::Instant visible_at;
  };
  SqsQueueConfig config_;
  std::map<std::string, Entry> messages_;  // by message id, which orders by send (zero-padded)
  std::vector<SqsMessage> dead_letters_;
  uint64_t next_id_ = 1;
};

sim::BootFn make_sqs_boot(SqsQueueConfig config);

// The queue service: one process serving the API, long polls kept until messages come or
// their wait ends (a request that must wait keeps its RequestInfo, as Kafka's purgatory does).
class SqsServer {
 public:
  SqsServer(sim::NodeContext& ctx, SqsQueueConfig config) : ctx_(ctx), rpc_(ctx), queue_(config) {}
  void run();

 private:
  struct Waiter {
    RequestInfo info;
    ReceiveMessageRequest req;
    sim::Instant deadline;  // local clock
  };
  void on_request(const RequestInfo& info, sim::Payload&& body);
  // Answers the long polls that can be answered now (messages, or their wait is over).
  void serve_waiters();
  void ticker();
  sim::Duration visibility_of(const ReceiveMessageRequest& req) const;

  sim::NodeContext& ctx_;
  RpcEndpoint rpc_;
  SqsQueue queue_;
  std::deque<Waiter> waiters_;
  sim::WaitQueue wakeup_{"sqs ticker"};
  static constexpr size_t kWaitersMax = 1'024;
  static constexpr sim::Duration kTick = sim::milliseconds(20);
};

}  // namespace broker_model::pipeline
