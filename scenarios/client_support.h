// What the lab's client processes share: the plain workload (client_processes.cc), the
// consumer groups (group_workload.cc) and the transactions (txn_workload.cc).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "broker_model/clients/producer.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "broker_model/txn/transactional_producer.h"
#include "checkers/history.h"
#include "scenarios/client_processes.h"
#include "scenarios/scenario_spec.h"

namespace scenarios {

// How often the lab's clients refresh metadata unless a scenario sets metadata.max.age.ms.
inline constexpr sim::Duration kMetadataMaxAge = sim::seconds(5);

// A client's RPC endpoint: it calls brokers and serves nothing. With `principal`, every
// connection it opens authenticates as that principal first (SASL, broker_model/security/sasl.h).
broker_model::RpcEndpoint& client_rpc(sim::NodeContext& ctx, const std::string& principal = "");
// The lab's own clients' principal: kLabPrincipal when the scenario has `security:`, else none.
std::string lab_principal(const ScenarioSpec& spec);
// Waits until the admin has created the topics and every partition has a leader.
void wait_ready(LabState& lab);
// A broker config of the scenario as an integer (validated by the loader), else `fallback`.
int64_t broker_int(const ScenarioSpec& spec, const char* key, int64_t fallback);

// A producer's caller as Jepsen's clients are: it records each produce when it invokes it
// (send) and what came back when its batch completes. Lives in the client's process memory.
class ProduceRecorder final : public broker_model::ProducerListener {
 public:
  ProduceRecorder(sim::NodeContext& ctx, checkers::History& history, int producer_index)
      : ctx_(ctx), history_(history), producer_index_(producer_index) {}

  // Records a produce of `record_id` as invoked now; returns the token to send it with (its
  // place in the History). To a compacted topic, its key and whether it is a tombstone too.
  uint64_t invoke(uint64_t record_id, const std::optional<std::string>& key = std::nullopt, bool tombstone = false) {
    checkers::ProduceOp op;
    op.record_id = record_id;
    op.producer = producer_index_;
    op.invoked = ctx_.true_now();
    size_t token = history_.begin_produce(std::move(op));
    if (keyed_ && key) history_.keyed_produce(token, checkers::KeyedProduce{*key, tombstone});
    return token;
  }
  void record_keys() { keyed_ = true; }
  // Called whenever a record is refused or its batch ends other than acknowledged (a
  // transaction with such a record must abort).
  void on_not_acknowledged(std::function<void()> f) { on_not_acknowledged_ = std::move(f); }
  // What send() did with it: where it went, or its failure when refused.
  void sent(uint64_t token, const broker_model::SendResult& r);
  void on_completion(std::span<const uint64_t> tokens, const broker_model::DeliveryReport& r) override;

 private:
  sim::NodeContext& ctx_;
  checkers::History& history_;
  int producer_index_;
  bool keyed_ = false;
  std::function<void()> on_not_acknowledged_;
};

// Begins a transaction on `txp` and describes it as the History records it: the producer's
// `number`-th, under the producer id and epoch it holds now. The caller adds what its workload
// knows (the intent, the group) before begin_transaction records it.
inline checkers::TxnOp begin_transaction_op(broker_model::TransactionalProducer& txp, int producer, int64_t number,
                                            sim::Instant now) {
  txp.begin_transaction();
  checkers::TxnOp op;
  op.producer = producer;
  op.number = number;
  op.producer_id = txp.producer_id();
  op.producer_epoch = txp.producer_epoch();
  op.begun = now;
  return op;
}

}  // namespace scenarios
