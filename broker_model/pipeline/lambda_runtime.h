// A function runtime with AWS Lambda's SQS event source semantics (docs/pipeline.md).
//
// The Lambda service (node `lambda`) runs the event source mapping: `pollers` long-poll the
// queue (ReceiveMessage, up to BatchSize messages, WaitTimeSeconds 20; Lambda "starts
// processing five batches at a time with five concurrent invocations"), and each batch waits
// for a free execution environment, at most `concurrency` of them (the function's reserved
// concurrency / the mapping's maximum concurrency). A batch's messages stay invisible for the
// queue's visibility timeout from the receive, including while the batch waits for an
// environment: AWS asks for a visibility timeout of "at least six times the configuration
// timeout on your function" for that reason ("Creating and configuring an Amazon SQS event
// source mapping"), and Lambda refuses a function timeout above the visibility timeout (the
// scenario loader does too). When the function returns, the service deletes the batch
// (DeleteMessageBatch); when it fails or times out, "all messages in that batch return to the
// queue" after their visibility timeout, and are received again (ApproximateReceiveCount + 1)
// until the queue's redrive policy moves them to its dead-letter queue.
//
// Each execution environment (node `function-N`) runs one invocation at a time. Its handler
// creates a Kafka producer (eddy's real client, broker_model/clients/producer.h) on its first
// invocation and keeps it for the environment's life, as handlers that create clients outside
// the handler function do; sends each message as a record keyed by device to the topic, after
// `work_time` of work per message; then flush(). The invocation succeeds when every record
// was acknowledged. At the function timeout the runtime ends the environment ("Task timed
// out"): the process halts mid-produce, its producer with it, and records it had sent may be
// in the log already; the next batch gets a fresh environment (a cold start, with a new
// producer id: idempotence does not span environments).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "broker_model/clients/client_config.h"
#include "broker_model/clients/client_listeners.h"
#include "broker_model/clients/producer.h"
#include "broker_model/pipeline/pipeline_messages.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "sim/node_context.h"

namespace broker_model::pipeline {

// The Kafka record id a reading travels under (the record's value, as every eddy record's):
// device and sequence number, and bit 39 for a malformed payload.
inline constexpr uint32_t kReadingProducerBase = 0x80'0000;
inline uint64_t reading_record_id(const Reading& r) {
  return (uint64_t{kReadingProducerBase + static_cast<uint32_t>(r.device)} << 40) | (r.malformed ? uint64_t{1} << 39 : 0) |
         static_cast<uint64_t>(r.seq);
}
inline bool is_reading_record(uint64_t id) { return (id >> 40) >= kReadingProducerBase; }
inline int32_t reading_device(uint64_t id) { return static_cast<int32_t>((id >> 40) - kReadingProducerBase); }
inline int64_t reading_seq(uint64_t id) { return static_cast<int64_t>(id & ((uint64_t{1} << 39) - 1)); }
inline bool reading_malformed(uint64_t id) { return ((id >> 39) & 1) != 0; }

struct LambdaServiceConfig {
  sim::NodeId queue;
  std::vector<sim::NodeId> environments;  // the concurrency limit is their number
  int32_t pollers = 5;
  int32_t batch_size = 10;                // BatchSize, default 10 (1..10 here: one ReceiveMessage)
  sim::Duration function_timeout = sim::seconds(3);  // Lambda's default timeout is 3 s
  sim::Duration request_timeout = sim::seconds(2);   // the service's SQS calls
};

// What the service saw, for the lab.
struct LambdaEvents {
  std::function<void(int poller, const std::vector<SqsMessage>&)> on_receive;
  std::function<void(int64_t invocation, int environment, const std::vector<SqsMessage>&)> on_invoke;
  std::function<void(int64_t invocation, int environment, bool ok, const std::string& error, int32_t deleted)> on_result;
};

class LambdaService {
 public:
  LambdaService(sim::NodeContext& ctx, LambdaServiceConfig config, LambdaEvents events)
      : ctx_(ctx), rpc_(ctx), config_(std::move(config)), events_(std::move(events)), busy_(config_.environments.size(), false) {}
  void run();

 private:
  void poller(int index);
  int acquire_environment();
  sim::NodeContext& ctx_;
  RpcEndpoint rpc_;
  LambdaServiceConfig config_;
  LambdaEvents events_;
  std::vector<bool> busy_;
  size_t next_environment_ = 0;
  int64_t next_invocation_ = 1;
  sim::WaitQueue freed_{"lambda concurrency"};
};

sim::BootFn make_lambda_service_boot(LambdaServiceConfig config, LambdaEvents events);

struct FunctionConfig {
  std::vector<BrokerId> brokers;
  std::string topic;
  ProducerConfig producer;               // enable.idempotence etc. from the scenario
  sim::Duration timeout = sim::seconds(3);
  sim::Duration work_time = sim::milliseconds(5);    // per message, before its send
  sim::Duration init_duration = sim::milliseconds(200);  // cold start: runtime and producer
  int environment = 0;
  int producer_index = 0;  // its client.id in traces and events
};

// The lab's view of a function's Kafka producer (the record kept of each send) and of its
// invocations. Runs on the environment's fibers.
class FunctionRecorder : public ProducerListener {
 public:
  virtual uint64_t begin_send(const Reading& r, int64_t invocation) = 0;  // the token to send with
  virtual void sent(uint64_t token, const SendResult& r) = 0;
  virtual void invocation_timed_out(int64_t invocation, int environment) = 0;
};

class FunctionEnvironment final : public ProducerListener {
 public:
  FunctionEnvironment(sim::NodeContext& ctx, FunctionConfig config, FunctionRecorder& recorder)
      : ctx_(ctx), rpc_(ctx), config_(std::move(config)), recorder_(recorder) {}
  void run();

 private:
  struct Invocation {
    RequestInfo info;
    InvokeRequest req;
  };
  void invoke_loop();
  void handler(const InvokeRequest& req);
  void on_completion(std::span<const uint64_t> tokens, const DeliveryReport& report) override;

  sim::NodeContext& ctx_;
  RpcEndpoint rpc_;
  FunctionConfig config_;
  FunctionRecorder& recorder_;
  std::deque<Invocation> pending_;
  sim::WaitQueue arrived_{"function invocations"};
  sim::WaitQueue done_{"function handler"};
  Producer* producer_ = nullptr;  // created by the first invocation (process memory)
  // The handler's outcome for the current invocation.
  bool handler_done_ = false;
  size_t unacknowledged_ = 0;
  bool failed_ = false;
};

sim::BootFn make_function_boot(FunctionConfig config, std::function<FunctionRecorder&(sim::NodeContext&)> make_recorder);

}  // namespace broker_model::pipeline
