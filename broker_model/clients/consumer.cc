#include "broker_model/clients/consumer.h"

#include <limits>

namespace broker_model {

namespace {
// How long the loop sleeps when it has nothing to send, at most.
constexpr sim::Duration kIdlePoll = sim::milliseconds(50);
}  // namespace

Consumer::Consumer(RpcEndpoint& rpc, ClientMetadata& metadata, ConsumerConfig config, ConsumerListener& listener,
                   int consumer_index, std::vector<TopicPartition> assignment)
    : rpc_(rpc),
      config_(std::move(config)),
      listener_(listener),
      index_(consumer_index),
      fetcher_(rpc, metadata, config_, *this, wakeup_) {
  fetcher_.assign(assignment);
  // No group, so nothing committed: every position starts per auto.offset.reset.
  for (const auto& tp : assignment) fetcher_.seek(tp, Fetcher::kResetPosition);
}

void Consumer::start() {
  if (!config_.client_id.empty())
    rpc_.context().trace("consumer.start", {{"consumer", index_}, {"client_id", config_.client_id}});
  rpc_.context().spawn("consumer", [this] { loop(); });
}

Offset Consumer::position(const TopicPartition& tp) const { return fetcher_.position(tp).value_or(Offset{-1}); }

void Consumer::loop() {
  sim::NodeContext& ctx = rpc_.context();
  for (;;) {
    for (const Fetcher::Fetched& f : fetcher_.collect(std::numeric_limits<size_t>::max())) {
      listener_.on_record(f.record, f.from, f.after_reset);
      ++consumed_;
    }
    fetcher_.send();
    wakeup_.wait_until(ctx.sim_deadline(kIdlePoll));
  }
}

void Consumer::on_position_reset(const TopicPartition& tp, BrokerId broker, Offset from, Offset to) {
  rpc_.context().emit(ConsumerOffsetReset{index_, tp, broker, from, to});
}

void Consumer::on_no_offset(const TopicPartition& tp) {
  rpc_.context().emit(ConsumerNoOffset{index_, tp});
}

void Consumer::on_truncation_detected(const TopicPartition& tp, Offset from, LeaderEpoch epoch, Offset to) {
  rpc_.context().emit(ConsumerTruncationDetected{index_, tp, from, epoch, to});
}

}  // namespace broker_model
