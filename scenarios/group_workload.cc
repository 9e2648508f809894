#include "scenarios/group_workload.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "broker_model/clients/client_config.h"
#include "broker_model/clients/client_metadata.h"
#include "broker_model/clients/group_consumer.h"
#include "broker_model/group/group_messages.h"
#include "broker_model/clients/producer.h"
#include "broker_model/txn/transactional_producer.h"
#include "faults/random_faults.h"
#include "scenarios/client_support.h"

namespace scenarios {

using namespace broker_model;
using namespace checkers;

namespace {

constexpr sim::Duration kPollTimeout = sim::milliseconds(100);
constexpr sim::Duration kLagSampleEvery = sim::milliseconds(500);
constexpr sim::Duration kCatchUpCheckEvery = sim::milliseconds(200);

std::string group_of(const ConsumerSpec& c) { return c.configs.at("group.id"); }

// The application of one member: what it processed, the usual rebalance pattern (commit
// what was processed before giving partitions up), and, as Jepsen's clients do, the record of
// what it saw: ownership as its rebalance callbacks tell it, commits as invoked and answered.
// Lives in the member's process memory.
class MemberApp final : public GroupConsumerListener {
 public:
  MemberApp(sim::NodeContext& ctx, History& history, std::string group, int consumer_index, bool commit_after)
      : ctx_(ctx), history_(history), group_(std::move(group)), consumer_index_(consumer_index), commit_after_(commit_after) {}

  GroupConsumer* consumer = nullptr;           // set once built
  std::map<TopicPartition, Offset> processed;  // next offset to commit, per owned partition

  std::map<TopicPartition, Offset> processed_of(const std::vector<TopicPartition>& tps) const {
    std::map<TopicPartition, Offset> out;
    for (const auto& tp : tps) {
      auto it = processed.find(tp);
      if (it != processed.end()) out[tp] = it->second;
    }
    return out;
  }
  void forget(const std::vector<TopicPartition>& tps) {
    for (const auto& tp : tps) processed.erase(tp);
  }

  void on_partitions_revoked(const std::vector<TopicPartition>& tps) override {
    if (commit_after_) consumer->commit_sync(processed_of(tps));
    forget(tps);
    for (const auto& tp : tps) ownership(tp, consumer->generation(), false, "revoked");
  }
  void on_partitions_lost(const std::vector<TopicPartition>& tps) override {
    forget(tps);
    for (const auto& tp : tps) ownership(tp, consumer->generation(), false, "lost");
  }
  void on_partitions_assigned(const std::vector<TopicPartition>& tps) override {
    for (const auto& tp : tps) ownership(tp, consumer->generation(), true, "assigned");
  }
  void on_partitions_kept(const std::vector<TopicPartition>& tps, int32_t previous_generation) override {
    for (const auto& tp : tps) {
      ownership(tp, previous_generation, false, "kept");
      ownership(tp, consumer->generation(), true, "kept");
    }
  }
  void on_commit_sent(uint64_t request) override { commits_sent_[request] = ctx_.true_now(); }
  void on_commit_completed(const CommitReport& r) override {
    auto sent = commits_sent_.find(r.request);
    CommitOp op{sent->second, ctx_.true_now(), group_, consumer_index_, r.member_id, r.generation, r.sync, {},
                r.outcome == CommitOutcome::kOk ? "ok" : r.outcome == CommitOutcome::kUnknown ? "unknown" : to_string(r.error)};
    commits_sent_.erase(sent);
    for (const auto& [tp, o] : r.offsets) op.offsets.emplace_back(tp, o);
    history_.groups().commits.push_back(std::move(op));
  }

 private:
  void ownership(const TopicPartition& tp, int32_t generation, bool owned, const char* reason) {
    history_.groups().ownership.push_back(
        OwnershipChange{ctx_.true_now(), group_, consumer_index_, consumer->member_id(), generation, tp, owned, reason});
  }

  sim::NodeContext& ctx_;
  History& history_;
  std::string group_;
  int consumer_index_;
  bool commit_after_;
  std::map<uint64_t, sim::Instant> commits_sent_;  // requests in flight -> when sent
};

}  // namespace

GroupCoordinatorConfig group_coordinator_config(const ScenarioSpec& spec) {
  GroupCoordinatorConfig g;
  g.offsets_topic_partitions = static_cast<int32_t>(broker_int(spec, "offsets.topic.num.partitions", 50));
  // Kafka's default is 3; a smaller cluster gets one replica per broker.
  g.offsets_topic_replication_factor =
      static_cast<int16_t>(broker_int(spec, "offsets.topic.replication.factor", std::min(3, spec.cluster.brokers)));
  g.group_initial_rebalance_delay_ms = broker_int(spec, "group.initial.rebalance.delay.ms", 3'000);
  g.offsets_commit_timeout_ms = broker_int(spec, "offsets.commit.timeout.ms", 5'000);
  g.group_min_session_timeout_ms = static_cast<int32_t>(broker_int(spec, "group.min.session.timeout.ms", 6'000));
  g.group_max_session_timeout_ms = static_cast<int32_t>(broker_int(spec, "group.max.session.timeout.ms", 1'800'000));
  g.variants = spec.cluster.variants;
  return g;
}

namespace {

// A consume-transform-produce member (KIP-98's exactly-once processing, as Kafka's
// examples/ExactlyOnceMessageProcessor and Kafka Streams' EOS do it): poll the input with the
// group's consumer; begin a transaction; send one output record per input record; send the
// consumed offsets with sendOffsetsToTransaction (the consumer's generation and member id:
// KIP-447's fencing of zombie members); commit. An aborted or failed transaction rewinds the
// consumer to the committed offsets. Its transactional.id is "<id>-k" for member k of the
// entry, so a restarted member fences its previous incarnation.
// `output_seq` numbers the output record ids across restarts: it lives with the lab.
void run_ctp_member(sim::NodeContext& ctx, const ScenarioSpec& spec, const ConsumerSpec& c, int consumer_index,
                    int index_in_entry, LabState& lab, uint64_t& output_seq) {
  RpcEndpoint& rpc = client_rpc(ctx, c.principal);
  ConsumerConfig config;
  ConsumerConfig::parse(c.configs, config);  // validated by the loader
  config.enable_auto_commit = false;
  if (!config.client_id.empty()) lab.history.set_consumer_client_id(consumer_index, config.client_id);
  if (config.read_committed) lab.history.set_read_committed(consumer_index);
  if (config.group_instance_id && c.count > 1) *config.group_instance_id += "-" + std::to_string(index_in_entry);
  ProducerConfig pconfig;
  ProducerConfig::parse(c.producer_configs, pconfig);
  pconfig.variants = spec.cluster.variants;
  if (c.count > 1) *pconfig.transactional_id += "-" + std::to_string(index_in_entry);
  if (pconfig.client_id.empty()) pconfig.client_id = *pconfig.transactional_id;
  const int producer_index = kCtpProducerBase + consumer_index;
  lab.history.set_producer_client_id(producer_index, pconfig.client_id);
  lab.history.ctp_pipeline(c.topic, c.transform_to);
  ClientMetadata& md = ctx.make<ClientMetadata>(rpc, lab.brokers, std::vector<std::string>{c.topic, c.transform_to},
                                                kMetadataMaxAge, sim::milliseconds(config.request_timeout_ms));
  md.start();
  wait_ready(lab);
  while (md.partitions(c.topic) == 0 || md.partitions(c.transform_to) == 0) md.refresh_now();
  ProduceRecorder& recorder = ctx.make<ProduceRecorder>(ctx, lab.history, producer_index);
  Producer& producer = ctx.make<Producer>(rpc, md, pconfig, recorder, producer_index);
  producer.start();
  TransactionalProducer& txp = ctx.make<TransactionalProducer>(rpc, md, producer, pconfig);
  recorder.on_not_acknowledged([&txp] { txp.record_failed(); });
  MemberApp& app = ctx.make<MemberApp>(ctx, lab.history, config.group_id, consumer_index, false);
  GroupConsumer& consumer = ctx.make<GroupConsumer>(rpc, md, config, std::vector<std::string>{c.topic}, app, consumer_index);
  app.consumer = &consumer;
  consumer.start();
  const std::string group = config.group_id;
  const sim::Symbol output(c.transform_to);
  bool initialized = false;
  int64_t number = 0;
  int32_t read_in_generation = -1;
  std::set<TopicPartition> read_since_rewind;
  for (;;) {
    if (!initialized) {
      if (txp.init_transactions() != ErrorCode::kNone) {
        ctx.sleep_for(sim::milliseconds(200));
        continue;
      }
      initialized = true;
      consumer.rewind_to_committed();
      read_since_rewind.clear();
    }
    std::vector<ConsumedRecord> records = consumer.poll(kPollTimeout);
    // The lab's liveness probes (its final phase writes one to every partition) are not the
    // workload's: nothing is made of them, and they are not committed.
    std::erase_if(records, [](const ConsumedRecord& r) { return (r.record_id >> 40) == kLivenessProbeProducer; });
    if (records.empty()) continue;
    const int32_t generation = consumer.generation();
    if (generation != read_in_generation) {
      read_in_generation = generation;
      read_since_rewind.clear();
    }
    TxnOp op = begin_transaction_op(txp, producer_index, ++number, ctx.true_now());
    op.group = group;
    op.generation = generation;
    const size_t t = lab.history.begin_transaction(std::move(op));
    ErrorCode error = ErrorCode::kNone;
    std::string note;
    std::map<TopicPartition, Offset> next;
    for (const ConsumedRecord& r : records) {
      // The first record of a partition after a rewind or a rebalance starts from the committed
      // offset: going back there is the protocol working (ConsumeOp::position_reset).
      const bool restarted = read_since_rewind.insert(r.tp).second;
      lab.history.consumed(ConsumeOp{consumer_index, r.tp, r.offset, r.record_id, ctx.true_now(), kNoBroker, restarted});
      if (c.processing_time > sim::Duration::zero()) ctx.sleep_for(c.processing_time);
      const uint64_t id = make_record_id(static_cast<uint32_t>(producer_index), ++output_seq);
      const uint64_t token = recorder.invoke(id);
      lab.history.transaction(t).ops.push_back(token);
      lab.history.ctp_link(CtpLink{id, r.record_id, r.tp, r.offset, consumer_index, t});
      // Keyed by the input partition: its outputs share an output partition, in order.
      SendResult sr = txp.send(output, "from-" + r.tp.str(), value_with_record_id(id), token, 92);
      recorder.sent(token, sr);
      if (!sr.queued()) {
        error = sr.error;
        note = std::string("send failed: ") + to_string(sr.error);
        break;
      }
      next[r.tp] = r.offset + 1;
    }
    // BUG ZOO (ctp-offsets-outside-transaction, a planted mutation): the offsets are committed
    // with a plain OffsetCommit after the transaction instead of in it, so a crash or a
    // rebalance between the two has the output committed and the input read again.
    const bool offsets_outside = spec.cluster.variants.has(broker_model::Variant::kCtpOffsetsOutsideTransaction);
    if (error == ErrorCode::kNone && !offsets_outside) {
      for (const auto& [tp, o] : next) lab.history.transaction(t).offsets.emplace_back(tp, o);
      error = txp.send_offsets_to_transaction(next, group, generation, consumer.member_id());
      if (error != ErrorCode::kNone) note = std::string("sendOffsetsToTransaction failed: ") + to_string(error);
    }
    lab.history.transaction(t).end_invoked = ctx.true_now();
    TxnOutcome outcome = TxnOutcome::kUnknown;
    ErrorCode end = ErrorCode::kNone;
    if (error == ErrorCode::kNone) {
      end = txp.commit_transaction(outcome);
      note = end == ErrorCode::kNone ? "EndTxn(commit) acknowledged"
             : txp.records_failed()  ? "not committed: an output record was not acknowledged"
                                     : std::string("commit failed: ") + to_string(end);
      if (end != ErrorCode::kNone && outcome == TxnOutcome::kAborted && end != ErrorCode::kProducerFenced &&
          end != ErrorCode::kInvalidProducerEpoch) {
        end = txp.abort_transaction(outcome);
        note += end == ErrorCode::kNone ? "; EndTxn(abort) acknowledged" : std::string("; abort failed: ") + to_string(end);
      }
    } else {
      lab.history.transaction(t).commit_intended = false;
      end = txp.abort_transaction(outcome);
      note += end == ErrorCode::kNone ? "; EndTxn(abort) acknowledged" : std::string("; abort failed: ") + to_string(end);
    }
    TxnOp& done = lab.history.transaction(t);
    done.completed = ctx.true_now();
    done.result = outcome == TxnOutcome::kCommitted ? TxnResult::kCommitted
                  : outcome == TxnOutcome::kAborted ? TxnResult::kAborted
                                                    : TxnResult::kUnknown;
    done.note = note;
    if (outcome == TxnOutcome::kCommitted && offsets_outside && consumer.commit_sync(next) == ErrorCode::kNone)
      for (const auto& [tp, o] : next) lab.history.transaction(t).offsets.emplace_back(tp, o);
    if (outcome == TxnOutcome::kCommitted) {
      for (const ConsumedRecord& r : records)
        lab.history.groups().processed.push_back(
            ProcessOp{ctx.true_now(), group, consumer_index, generation, r.tp, r.offset, r.record_id});
    } else {
      consumer.rewind_to_committed();  // read again from what the group committed
      read_since_rewind.clear();
    }
    // Fenced, failed or unknown: a new epoch before the next transaction (KIP-360).
    if (end != ErrorCode::kNone || error == ErrorCode::kProducerFenced || error == ErrorCode::kInvalidProducerEpoch ||
        txp.records_failed() || outcome == TxnOutcome::kUnknown)
      initialized = false;
  }
}

}  // namespace

sim::BootFn make_group_member_boot(const ScenarioSpec& spec, const ConsumerSpec& c, int consumer_index, int index_in_entry,
                                   LabState& lab) {
  if (!c.transform_to.empty()) {
    auto seq = std::make_shared<uint64_t>(0);  // the lab's, so it survives the member's restarts
    return [&spec, &c, consumer_index, index_in_entry, &lab, seq](sim::NodeContext& ctx) {
      run_ctp_member(ctx, spec, c, consumer_index, index_in_entry, lab, *seq);
    };
  }
  return [&spec, &c, consumer_index, index_in_entry, &lab](sim::NodeContext& ctx) {
    (void)spec;
    RpcEndpoint& rpc = client_rpc(ctx, c.principal);
    ConsumerConfig config;
    ConsumerConfig::parse(c.configs, config);  // validated by the loader
    if (!config.client_id.empty()) lab.history.set_consumer_client_id(consumer_index, config.client_id);
    if (config.read_committed) lab.history.set_read_committed(consumer_index);
    if (config.group_instance_id && c.count > 1) *config.group_instance_id += "-" + std::to_string(index_in_entry);
    using Commit = ConsumerSpec::Commit;
    if (c.commit != Commit::kAuto) config.enable_auto_commit = false;
    ClientMetadata& md = ctx.make<ClientMetadata>(rpc, lab.brokers, std::vector<std::string>{c.topic}, kMetadataMaxAge,
                                                  sim::milliseconds(config.request_timeout_ms));
    md.start();
    wait_ready(lab);
    while (md.partitions(c.topic) == 0) md.refresh_now();
    const bool commit_after = c.commit == Commit::kSyncAfterProcessing || c.commit == Commit::kAsyncAfterProcessing;
    MemberApp& app = ctx.make<MemberApp>(ctx, lab.history, config.group_id, consumer_index, commit_after);
    GroupConsumer& consumer =
        ctx.make<GroupConsumer>(rpc, md, config, std::vector<std::string>{c.topic}, app, consumer_index);
    app.consumer = &consumer;
    consumer.start();
    const std::string group = config.group_id;
    for (;;) {
      std::vector<ConsumedRecord> records = consumer.poll(kPollTimeout);
      if (records.empty()) continue;
      if (c.commit == Commit::kSyncBeforeProcessing) {
        std::map<TopicPartition, Offset> next;
        for (const auto& r : records) next[r.tp] = r.offset + 1;
        // At-most-once: what is committed is never processed again, even if we crash now. A
        // failed commit drops the batch (the partitions' next owner reads it again).
        if (consumer.commit_sync(next) != ErrorCode::kNone) continue;
      }
      for (const auto& r : records) {
        if (c.processing_time > sim::Duration::zero()) ctx.sleep_for(c.processing_time);
        lab.history.groups().processed.push_back(
            ProcessOp{ctx.true_now(), group, consumer_index, consumer.generation(), r.tp, r.offset, r.record_id});
        app.processed[r.tp] = r.offset + 1;
      }
      if (c.commit == Commit::kSyncAfterProcessing) consumer.commit_sync(app.processed_of(consumer.assignment()));
      if (c.commit == Commit::kAsyncAfterProcessing) consumer.commit_async(app.processed_of(consumer.assignment()));
    }
  };
}

// ---- GroupLab ---------------------------------------------------------------------------------

GroupLab::GroupLab(sim::World& world, LabState& lab, const ScenarioSpec& spec)
    : world_(world), lab_(lab), spec_(spec), offsets_partitions_(group_coordinator_config(spec).offsets_topic_partitions) {}

void GroupLab::add_members(std::vector<sim::NodeId>& workload_nodes, int& consumer_index, const ConsumerSpec& c) {
  for (int k = 0; k < c.count; ++k) {
    int index = consumer_index++;
    sim::NodeId node = world_.add_node("consumer-" + std::to_string(index), make_group_member_boot(spec_, c, index, k, lab_));
    workload_nodes.push_back(node);
    members_.push_back(Member{node, index, group_of(c), c.topic});
  }
}

bool GroupLab::is_member_node(sim::NodeId n) const {
  return std::any_of(members_.begin(), members_.end(), [&](const Member& m) { return m.node == n; });
}

std::optional<sim::NodeId> GroupLab::resolve(const FaultTarget& t) const {
  if (t.kind == FaultTarget::Kind::kConsumer) {
    for (const auto& m : members_)
      if (m.consumer == t.index) return m.node;
    // A consumer outside any group: its node is named the same way.
    for (uint32_t i = 0; i < world_.node_count(); ++i)
      if (world_.node(sim::NodeId{i}).name() == "consumer-" + std::to_string(t.index)) return sim::NodeId{i};
    return std::nullopt;
  }
  if (t.kind == FaultTarget::Kind::kMemberOf) {
    int64_t k = 0;
    for (const auto& m : members_)
      if (m.group == t.topic && k++ == t.index) return m.node;
  }
  return std::nullopt;
}

std::optional<int> GroupLab::coordinator_of(const std::string& group) const {
  int32_t p = offsets_partition_for(group, offsets_partitions_);
  auto leader = lab_.cluster.partition_leader(TopicPartition{kConsumerOffsetsTopic, p});
  if (!leader) return std::nullopt;
  return leader->value();
}

void GroupLab::member_down(sim::NodeId node, const char* reason) {
  const Member* m = nullptr;
  for (const auto& x : members_)
    if (x.node == node) m = &x;
  if (m == nullptr) return;
  auto& changes = lab_.history.groups().ownership;
  std::map<TopicPartition, const OwnershipChange*> open;
  for (const auto& c : changes) {
    if (c.consumer != m->consumer) continue;
    if (c.owned) open[c.tp] = &c;
    else open.erase(c.tp);
  }
  std::vector<OwnershipChange> ends;
  for (const auto& [tp, start] : open)
    ends.push_back(OwnershipChange{world_.now(), start->group, start->consumer, start->member_id, start->generation, tp, false, reason});
  for (auto& e : ends) changes.push_back(std::move(e));
}

void GroupLab::heal(std::vector<std::string>& fired) {
  std::vector<sim::NodeId> nodes;
  for (const auto& m : members_) nodes.push_back(m.node);
  if (nodes.empty()) return;
  faults::heal_everything(world_, nodes);
  fired.push_back(fault_line(lab_, world_.now(), "resume and start every group member"));
}

void GroupLab::start_lag_sampler() {
  if (members_.empty()) return;
  world_.spawn("group-lag-sampler", [this] {
    for (;;) {
      sim::this_fiber::sleep_for(kLagSampleEvery);
      sample_lag();
    }
  });
}

void GroupLab::sample_lag() {
  std::map<std::string, std::string> topic_of;  // group -> topic
  for (const auto& m : members_) topic_of[m.group] = m.topic;
  std::map<TopicPartition, int64_t> log_end;
  for (const auto& p : lab_.history.produces())
    if (p.outcome == OpOutcome::kOk && p.offset >= Offset{0}) {
      int64_t& e = log_end[p.tp];
      e = std::max(e, p.offset.value() + 1);
    }
  std::map<std::pair<std::string, TopicPartition>, int64_t> committed;
  for (const auto& c : lab_.history.groups().accepted_commits) committed[{c.group, c.tp}] = c.offset.value();
  for (const auto& [group, topic] : topic_of) {
    GroupLagSample s{world_.now(), group, 0, {}};
    for (const auto& [tp, end] : log_end) {
      if (tp.topic != topic) continue;
      auto it = committed.find({group, tp});
      int64_t lag = std::max<int64_t>(0, end - (it == committed.end() ? 0 : it->second));
      s.total_lag += lag;
      s.partitions.emplace_back(tp, lag);
    }
    lab_.history.groups().lag.push_back(std::move(s));
  }
}

bool GroupLab::wait_caught_up(sim::Instant deadline, std::string& note) {
  // Producers have drained: every produce has its outcome. What each group still has to
  // process shrinks as processing is recorded.
  std::map<std::string, std::set<uint64_t>> missing;  // group -> acknowledged record ids not processed yet
  // Records of transactions that did not commit (as their producer knows it): a read_committed
  // group never sees them.
  std::set<size_t> uncommitted;
  for (const auto& t : lab_.history.transactions())
    if (t.result != TxnResult::kCommitted) uncommitted.insert(t.ops.begin(), t.ops.end());
  for (const auto& m : members_) {
    if (missing.count(m.group) != 0) continue;
    std::set<uint64_t>& ids = missing[m.group];
    const auto& produces = lab_.history.produces();
    for (size_t i = 0; i < produces.size(); ++i) {
      const auto& p = produces[i];
      if (p.outcome == OpOutcome::kOk && p.tp.topic == m.topic && p.producer != kLivenessProbeProducer &&
          uncommitted.count(i) == 0)
        ids.insert(p.record_id);
    }
  }
  size_t cursor = 0;
  for (;;) {
    const auto& processed = lab_.history.groups().processed;
    for (; cursor < processed.size(); ++cursor) {
      auto it = missing.find(processed[cursor].group);
      if (it != missing.end()) it->second.erase(processed[cursor].record_id);
    }
    std::string behind;
    for (const auto& [group, ids] : missing)
      if (!ids.empty()) behind += (behind.empty() ? "" : ", ") + group + " (" + std::to_string(ids.size()) + " record(s) not processed)";
    if (behind.empty()) {
      note = "every group processed every acknowledged record";
      return true;
    }
    if (world_.now() >= deadline) {
      note = "groups still behind at the end of the wait: " + behind;
      return false;
    }
    sim::this_fiber::sleep_for(kCatchUpCheckEvery);
  }
}

}  // namespace scenarios
