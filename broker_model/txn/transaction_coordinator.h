// The transaction coordinator of one broker (Kafka's TransactionCoordinator +
// TransactionStateManager + TransactionMarkerChannelManager, KIP-98): it serves the
// transactional.ids whose __transaction_state partition this broker leads (partition =
// abs(hash(transactional.id)) % transaction.state.log.num.partitions, as groups use
// __consumer_offsets), and moves with that leadership. Every state change is written to that
// partition with acks=all before it takes effect; a broker that becomes its leader replays
// the log before answering (COORDINATOR_LOAD_IN_PROGRESS meanwhile) and finishes the
// transactions it finds prepared.
//
// Per transactional.id, Kafka's state machine:
//   Empty / CompleteCommit / CompleteAbort --AddPartitionsToTxn--> Ongoing
//   Ongoing --EndTxn(commit)--> PrepareCommit --markers written--> CompleteCommit
//   Ongoing --EndTxn(abort) or transaction.timeout.ms--> PrepareAbort --markers--> CompleteAbort
// EndTxn is answered once Prepare* is in the log (the decision); the COMMIT/ABORT markers go
// to each partition's leader (WriteTxnMarkers, retried until written) and only then is the
// Complete* state written. InitProducerId with a transactional.id hands the same producer id
// with the epoch bumped: a new instance fences the old one (its requests get PRODUCER_FENCED,
// its batches INVALID_PRODUCER_EPOCH once a marker of the new epoch is on the partition); an
// open transaction of the old instance is aborted first. A timed-out transaction is aborted
// with the epoch bumped too (Kafka's abortTimedOutTransactions / prepareFenceProducerEpoch),
// so the zombie cannot commit it.
//
// Simplified (broker_model/README.md): one error for a whole AddPartitionsToTxn; no
// PrepareEpochFence or Dead states, no transactional.id.expiration.ms; a fenced open
// transaction is aborted within the InitProducerId call (Kafka answers CONCURRENT_TRANSACTIONS
// and the client retries).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "broker_model/protocol/messages.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "broker_model/txn/txn_log_records.h"
#include "broker_model/txn/txn_messages.h"
#include "broker_model/variants.h"
#include "sim/node_context.h"
#include "sim/wait_queue.h"

namespace broker_model {

class ReplicaManager;

struct TransactionCoordinatorConfig {
  int32_t transaction_state_partitions = 50;            // transaction.state.log.num.partitions
  int16_t transaction_state_replication_factor = 3;     // transaction.state.log.replication.factor
  int32_t transaction_state_min_isr = 2;                // transaction.state.log.min.isr
  int32_t transaction_max_timeout_ms = 900'000;         // transaction.max.timeout.ms
  // transaction.abort.timed.out.transaction.cleanup.interval.ms
  int64_t abort_timed_out_transaction_cleanup_interval_ms = 10'000;
  int64_t request_timeout_ms = 30'000;                  // request.timeout.ms: marker writes and log appends
  // transaction.partition.verification.enable (KIP-890 part 1, Kafka 3.6, on by default): a
  // leader asks the coordinator before a producer's first transactional append to a partition.
  bool partition_verification = true;
  // The transaction.version feature level (Kafka's TransactionVersion, FEATURE_NAME
  // "transaction.version"; set with kafka-features / kafka-storage --feature, not a broker
  // config). Level 2 (TV_2, Kafka 4.0, "epoch bump per transaction", KIP-890 part 2): every
  // EndTxn bumps the producer epoch, the markers carry the bumped epoch (so a late batch or
  // marker of the ended transaction is fenced on the partition), the producer learns the new
  // epoch from the EndTxn answer, and a delayed EndTxn of an earlier epoch cannot end the
  // transaction that followed it. Below 2, the KIP-98 behaviour. Kafka 4.0 formats a new
  // cluster at level 2; eddy defaults to 0, which its earlier transaction scenarios pin.
  int16_t transaction_version = 0;
  ProtocolVariants variants;
};

class TransactionCoordinator {
 public:
  struct IdResult {
    ErrorCode error = ErrorCode::kNone;
    ProducerId id = kNoProducerId;
  };
  using ProducerIdFn = std::function<IdResult()>;                 // a fresh producer id (blocks)
  using LeaderFn = std::function<BrokerId(const TopicPartition&)>;  // from the metadata image

  TransactionCoordinator(sim::NodeContext& ctx, RpcEndpoint& rpc, ReplicaManager& replicas, BrokerId self,
                         TransactionCoordinatorConfig config, ProducerIdFn new_producer_id, LeaderFn leader_of);
  void start();  // the fiber that follows leadership and aborts timed-out transactions

  InitProducerIdResponse init_producer_id(const InitProducerIdRequest& req);
  AddPartitionsToTxnResponse add_partitions(const AddPartitionsToTxnRequest& req);
  // `offsets_tp`: the group's __consumer_offsets partition (the broker computes it).
  AddOffsetsToTxnResponse add_offsets(const AddOffsetsToTxnRequest& req, const TopicPartition& offsets_tp);
  EndTxnResponse end_txn(const EndTxnRequest& req);
  // KIP-890: OK when every partition asked for is in the ongoing transaction of exactly this
  // producer id and epoch; INVALID_TXN_STATE (or PRODUCER_FENCED) otherwise.
  ErrorCode verify(const AddPartitionsToTxnRequest& req) const;

  // The partition leader's side of WriteTxnMarkers (any broker, for partitions it leads):
  // appends a COMMIT or ABORT control batch with acks=all to each.
  // `on_written` is told of each marker written (the broker's group coordinator applies or
  // drops the transaction's pending offsets when the partition is one of __consumer_offsets).
  using MarkerWritten = std::function<void(const TopicPartition&, ProducerId, bool committed)>;
  static WriteTxnMarkersResponse write_markers(sim::NodeContext& ctx, ReplicaManager& replicas,
                                               const WriteTxnMarkersRequest& req, sim::Duration timeout,
                                               const MarkerWritten& on_written);
  // What write_markers tells when this coordinator writes markers to partitions it leads.
  void set_marker_written(MarkerWritten f) { marker_written_ = std::move(f); }

  int32_t partition_for(const std::string& transactional_id) const;
  const TransactionCoordinatorConfig& config() const { return config_; }

 private:
  struct Txn {
    txn::TxnLogRecord meta;
    int32_t partition = 0;
    bool busy = false;  // a state change is being written
    // transaction.version 2: the epoch the last EndTxn came with, before the bump (Kafka's
    // TransactionMetadata.lastProducerEpoch), so its retry is recognised. In memory only: a
    // new coordinator answers such a retry PRODUCER_FENCED (the client's outcome: unknown).
    int16_t last_epoch = kNoProducerEpoch;
  };
  struct Loaded {
    LeaderEpoch epoch;
    bool loading = true;
  };

  void tick_loop();
  void follow_leadership();
  void load(int32_t partition, LeaderEpoch epoch);
  void abort_timed_out();
  TopicPartition state_tp(int32_t partition) const { return TopicPartition{kTransactionStateTopic, partition}; }
  ErrorCode coordinator_error(int32_t partition) const;
  // The transaction of `id` if this broker coordinates it and it is not being changed.
  Txn* find(const std::string& id, ErrorCode& error);
  // Validates a client's producer id and epoch against the transaction.
  static ErrorCode check_producer(const Txn& t, ProducerId pid, int16_t epoch);
  // The transaction of `id` for a request of producer `pid` at `epoch`: nullptr with `error`
  // set when the coordinator cannot serve it, knows no such id, or the producer is not its own.
  Txn* find_for(const std::string& id, ProducerId pid, int16_t epoch, ErrorCode& error);
  // Writes `next` as the state of its transactional.id (acks=all); on success it becomes the
  // coordinator's state. Blocks; the caller must look the transaction up again afterwards.
  ErrorCode write_state(const std::string& id, int32_t partition, const txn::TxnLogRecord& next);
  // PrepareCommit/PrepareAbort -> markers -> Complete*, on a fiber of its own.
  void complete_later(const std::string& id);
  void complete(const std::string& id, LeaderEpoch epoch);
  int64_t now_ms() const { return ctx_.now().ns() / 1'000'000; }

  sim::NodeContext& ctx_;
  RpcEndpoint& rpc_;
  ReplicaManager& replicas_;
  BrokerId self_;
  TransactionCoordinatorConfig config_;
  ProducerIdFn new_producer_id_;
  LeaderFn leader_of_;
  std::map<std::string, Txn> txns_;
  std::map<int32_t, Loaded> loaded_;
  sim::Instant next_timeout_check_;
  MarkerWritten marker_written_;
};

}  // namespace broker_model
