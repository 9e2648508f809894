// A consumer reading assigned partitions from their leaders (Kafka's KafkaConsumer with
// assign()), through the fetch path it shares with the group consumer (clients/fetcher.h):
// positions start per auto.offset.reset, follow leader changes, are validated against the
// new leader's log (KIP-320) and reset when out of range. Its loop hands every record read to
// the caller's ConsumerListener (clients/client_listeners.h) as soon as it arrives; position
// resets are reported to the run's observers (clients/client_events.h).
#pragma once

#include <vector>

#include "broker_model/clients/client_config.h"
#include "broker_model/clients/client_events.h"
#include "broker_model/clients/client_listeners.h"
#include "broker_model/clients/client_metadata.h"
#include "broker_model/clients/fetcher.h"
#include "broker_model/rpc/rpc_endpoint.h"

namespace broker_model {

class Consumer : private Fetcher::Events {
 public:
  // `listener` (it must outlive the consumer) gets every record read; `consumer_index`
  // names this consumer in its events (its client.id).
  Consumer(RpcEndpoint& rpc, ClientMetadata& metadata, ConsumerConfig config, ConsumerListener& listener,
           int consumer_index, std::vector<TopicPartition> assignment);
  void start();

  int64_t consumed() const { return consumed_; }
  Offset position(const TopicPartition& tp) const;

 private:
  void loop();
  // Fetcher::Events
  void on_position_reset(const TopicPartition& tp, BrokerId broker, Offset from, Offset to) override;
  void on_no_offset(const TopicPartition& tp) override;
  void on_truncation_detected(const TopicPartition& tp, Offset from, LeaderEpoch epoch, Offset to) override;

  RpcEndpoint& rpc_;
  ConsumerConfig config_;
  ConsumerListener& listener_;
  int index_;
  sim::WaitQueue wakeup_{"consumer"};
  Fetcher fetcher_;
  int64_t consumed_ = 0;
};

}  // namespace broker_model
