#include "scenarios/txn_workload.h"

#include <algorithm>
#include <string>

#include "broker_model/clients/client_metadata.h"
#include "broker_model/clients/producer.h"
#include "broker_model/protocol/messages.h"
#include "broker_model/txn/transactional_producer.h"
#include "scenarios/client_support.h"

namespace scenarios {

using namespace broker_model;
using namespace checkers;

namespace {

// After a failed InitProducerId, the pause before the next (the coordinator may be moving).
constexpr sim::Duration kInitBackoff = sim::milliseconds(200);

bool fenced(ErrorCode e) { return e == ErrorCode::kProducerFenced || e == ErrorCode::kInvalidProducerEpoch; }

}  // namespace

TransactionCoordinatorConfig transaction_coordinator_config(const ScenarioSpec& spec) {
  TransactionCoordinatorConfig t;
  t.transaction_state_partitions = static_cast<int32_t>(broker_int(spec, "transaction.state.log.num.partitions", 50));
  // Kafka's default is 3; a smaller cluster gets one replica per broker.
  t.transaction_state_replication_factor =
      static_cast<int16_t>(broker_int(spec, "transaction.state.log.replication.factor", std::min(3, spec.cluster.brokers)));
  t.transaction_state_min_isr = static_cast<int32_t>(broker_int(spec, "transaction.state.log.min.isr", 2));
  t.transaction_max_timeout_ms = static_cast<int32_t>(broker_int(spec, "transaction.max.timeout.ms", 900'000));
  t.abort_timed_out_transaction_cleanup_interval_ms =
      broker_int(spec, "transaction.abort.timed.out.transaction.cleanup.interval.ms", 10'000);
  t.request_timeout_ms = broker_int(spec, "request.timeout.ms", 30'000);
  auto verification = spec.cluster.broker_configs.find("transaction.partition.verification.enable");
  t.partition_verification = verification == spec.cluster.broker_configs.end() || verification->second == "true";
  t.transaction_version = static_cast<int16_t>(broker_int(spec, "transaction.version", 0));
  t.variants = spec.cluster.variants;
  return t;
}

bool is_transactional(const ProducerSpec& p) { return p.configs.count("transactional.id") != 0; }

sim::BootFn make_transactional_producer_boot(const ScenarioSpec& spec, const ProducerSpec& p, int producer_index,
                                             int index_in_entry, LabState& lab) {
  return [&spec, &p, producer_index, index_in_entry, &lab](sim::NodeContext& ctx) {
    RpcEndpoint& rpc = client_rpc(ctx, p.principal);
    ProducerConfig config;
    ProducerConfig::parse(p.configs, config);  // validated by the loader
    config.variants = spec.cluster.variants;
    if (p.count > 1) *config.transactional_id += "-" + std::to_string(index_in_entry);
    if (config.client_id.empty()) config.client_id = *config.transactional_id;
    lab.history.set_producer_client_id(producer_index, config.client_id);
    ClientMetadata& md = ctx.make<ClientMetadata>(rpc, lab.brokers, std::vector<std::string>{p.topic}, kMetadataMaxAge,
                                                  sim::milliseconds(config.request_timeout_ms));
    md.start();
    ProduceRecorder& recorder = ctx.make<ProduceRecorder>(ctx, lab.history, producer_index);
    Producer& producer = ctx.make<Producer>(rpc, md, config, recorder, producer_index);
    producer.start();
    TransactionalProducer& txp = ctx.make<TransactionalProducer>(rpc, md, producer, config);
    recorder.on_not_acknowledged([&txp] { txp.record_failed(); });  // the transaction must abort
    wait_ready(lab);
    while (md.partitions(p.topic) == 0) md.refresh_now();
    sim::Prng draws = ctx.prng().fork("transactions");
    const uint64_t keys = p.keys.count > 0 ? static_cast<uint64_t>(p.keys.count) : 100;
    const sim::Duration interval = sim::nanoseconds(static_cast<int64_t>(1e9 / std::max(p.messages_per_s, 1e-3)));
    const sim::Symbol topic(p.topic);
    bool initialized = false;
    uint64_t seq = 0;
    int64_t number = 0;
    while (!lab.workload_stopped) {
      if (!initialized) {
        ErrorCode e = txp.init_transactions();
        if (e != ErrorCode::kNone) {
          ctx.sleep_for(kInitBackoff);
          continue;
        }
        initialized = true;
      }
      TxnOp op = begin_transaction_op(txp, producer_index, ++number, ctx.true_now());
      op.commit_intended = draws.unit() >= p.abort_ratio;
      const size_t t = lab.history.begin_transaction(std::move(op));
      ErrorCode send_error = ErrorCode::kNone;
      for (int i = 0; i < p.records_per_transaction && !lab.workload_stopped; ++i) {
        uint64_t id = make_record_id(static_cast<uint32_t>(producer_index), ++seq);
        uint64_t token = recorder.invoke(id);
        lab.history.transaction(t).ops.push_back(token);
        SendResult r = txp.send(topic, "key-" + std::to_string(draws.below(keys)), value_with_record_id(id), token,
                                std::max(0, p.message_bytes - 8));
        recorder.sent(token, r);
        if (!r.queued()) {
          send_error = r.error;
          break;
        }
        ctx.sleep_for(interval);
      }
      TxnOutcome outcome = TxnOutcome::kUnknown;
      lab.history.transaction(t).end_invoked = ctx.true_now();
      ErrorCode e = ErrorCode::kNone;
      std::string note;
      if (lab.history.transaction(t).commit_intended && send_error == ErrorCode::kNone) {
        e = txp.commit_transaction(outcome);
        note = e == ErrorCode::kNone ? "EndTxn(commit) acknowledged"
               : txp.records_failed() ? "not committed: a record of it was not acknowledged (an abortable error)"
                                      : std::string("commit failed: ") + to_string(e);
        if (e != ErrorCode::kNone && outcome == TxnOutcome::kAborted && !fenced(e)) {
          e = txp.abort_transaction(outcome);  // Kafka: an abortable error, the application aborts
          note += e == ErrorCode::kNone ? "; EndTxn(abort) acknowledged" : std::string("; abort failed: ") + to_string(e);
        }
      } else {
        e = txp.abort_transaction(outcome);
        note = (send_error != ErrorCode::kNone ? std::string("send failed: ") + to_string(send_error) + "; " : std::string()) +
               (e == ErrorCode::kNone ? "EndTxn(abort) acknowledged" : std::string("abort failed: ") + to_string(e));
      }
      TxnOp& done = lab.history.transaction(t);
      done.completed = ctx.true_now();
      done.result = outcome == TxnOutcome::kCommitted ? TxnResult::kCommitted
                    : outcome == TxnOutcome::kAborted ? TxnResult::kAborted
                                                      : TxnResult::kUnknown;
      done.note = note;
      // Fenced: this instance is a zombie; a new one (a new InitProducerId) takes over. A
      // record that failed or was left unknown needs a new epoch too (KIP-360): its batch
      // may still land, and must not in the next transaction.
      if (e != ErrorCode::kNone || txp.records_failed()) initialized = false;
      if (p.transaction_pause > sim::Duration::zero()) ctx.sleep_for(p.transaction_pause);
    }
    producer.flush();
    ++lab.producers_drained;
    lab.changed.notify_all();
  };
}

}  // namespace scenarios
