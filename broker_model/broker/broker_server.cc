#include "broker_model/broker/broker_server.h"

#include "broker_model/broker/producer_id_manager.h"
#include "broker_model/controller/broker_lifecycle.h"
#include "broker_model/controller/controller_channel.h"
#include "broker_model/controller/metadata_client.h"
#include "broker_model/controller/controller_messages.h"
#include "broker_model/fault_sites.h"
#include "broker_model/security/sasl.h"
#include "broker_model/txn/control_batch.h"
#include "broker_model/txn/transactional_producer.h"
#include "sim/fault_point.h"

namespace broker_model {

namespace {
// Requests queued per connection before new ones are dropped (the client times out).
constexpr size_t kConnectionQueueMax = 1'024;
// How often the applier looks again while fenced (unfencing is learned from heartbeats).
constexpr sim::Duration kFencedRecheck = sim::milliseconds(100);
}  // namespace

sim::BootFn make_broker_boot(BrokerProcessConfig config) {
  return [config](sim::NodeContext& ctx) {
    BrokerServer& server = ctx.make<BrokerServer>(ctx, config);
    server.run();
  };
}

BrokerServer::BrokerServer(sim::NodeContext& ctx, BrokerProcessConfig config)
    : ctx_(ctx), config_(std::move(config)), rpc_(ctx) {}

BrokerServer::~BrokerServer() = default;

void BrokerServer::run() {
  authz_ = std::make_unique<RequestAuthorizer>(ctx_, config_.broker.id, config_.authorizer, config_.broker.variants);
  if (!config_.principal.empty()) rpc_.set_sasl_principal(config_.principal);  // before any connection opens
  replicas_ = std::make_unique<ReplicaManager>(
      rpc_, config_.broker,
      [this](const IsrProposal& p, std::function<void(ErrorCode, std::optional<PartitionRegistration>)> done) {
        alter_partition(p, std::move(done));
      });
  groups_ = std::make_unique<GroupCoordinator>(ctx_, *replicas_, config_.broker.id, config_.group);
  txns_ = std::make_unique<TransactionCoordinator>(
      ctx_, rpc_, *replicas_, config_.broker.id, config_.transactions,
      [this] {
        ProducerIdManager::Result id = producer_ids_->generate();
        return TransactionCoordinator::IdResult{id.error, id.id};
      },
      [this](const TopicPartition& tp) {
        const PartitionRegistration* reg = metadata_->image().partition(tp);
        return reg != nullptr && reg->has_leader() ? reg->leader : kNoBroker;
      });
  txns_->set_marker_written([this](const TopicPartition& tp, ProducerId pid, bool committed) {
    groups_->transaction_completed(tp, pid, committed);
  });
  channel_ = std::make_unique<ControllerChannel>(ctx_, rpc_, config_.controllers);
  metadata_ = std::make_unique<MetadataClient>(ctx_, *channel_, MetadataClientConfig{config_.broker.id});
  lifecycle_ = std::make_unique<BrokerLifecycle>(
      ctx_, *channel_, *metadata_, BrokerLifecycleConfig{config_.broker.id, config_.rack, config_.broker_heartbeat_interval_ms});
  replicas_->set_log_dir_offline_listener([this](const std::string& dir, std::vector<TopicPartition> replicas) {
    lifecycle_->log_dir_offline(dir, replicas);
  });
  producer_ids_ = std::make_unique<ProducerIdManager>([this]() -> std::optional<AllocateProducerIdsResponse> {
    if (!lifecycle_->registered()) return std::nullopt;
    AllocateProducerIdsRequest req{config_.broker.id, lifecycle_->broker_epoch()};
    return channel_->call<AllocateProducerIdsResponse>(kAllocateProducerIdsRpc, kAllocateProducerIdsRequestBytes, req);
  });
  // ACL records reach the authorizer as the metadata log is applied (Kafka's AclPublisher).
  if (authz_->enabled())
    metadata_->add_listener([this](Offset offset, const MetadataRecord& r, const MetadataImage&) { authz_->apply(offset, r); });
  // Requests are queued per connection as they arrive (on_request only queues them).
  rpc_.start_routing_requests([this](const RequestInfo& info, sim::Payload&& body) { on_request(info, std::move(body)); });
  rpc_.on_disconnect([this](sim::ConnectionId end, sim::NodeId) { on_disconnect(end); });
  replicas_->start();
  groups_->start();
  metadata_->start();
  lifecycle_->start();
  ctx_.spawn("metadata-applier", [this] { apply_metadata_loop(); });
  ctx_.on_terminate([this] { ctx_.spawn("shutdown", [this] { shut_down(); }); });
  ctx_.trace("broker.start", {{"id", config_.broker.id.value()}});
}

void BrokerServer::apply_metadata_loop() {
  bool unfenced_once = false;
  uint64_t applied_version = 0;
  for (;;) {
    if (!unfenced_once) {
      if (!lifecycle_->registered() || lifecycle_->fenced()) {
        ctx_.sleep_for(kFencedRecheck);
        continue;
      }
      unfenced_once = true;
      ctx_.trace("broker.unfenced", {{"epoch", lifecycle_->broker_epoch().value()}});
    }
    if (metadata_->version() == applied_version) {
      metadata_->wait_for_change(applied_version, kFencedRecheck);
      continue;
    }
    if (EDDY_FAULT_POINT("replication.metadata_apply_delayed"))
      ctx_.sleep_for(fault_delay(ctx_, sim::milliseconds(10), sim::milliseconds(500)));  // newer records are applied with it
    applied_version = metadata_->version();
    replicas_->apply_metadata(metadata_->image());  // may block opening logs: newer records wait
    // The transaction coordinator's fiber runs once transactions exist in the cluster (the
    // __transaction_state topic, created on the first transactional FindCoordinator): runs
    // without transactions keep their events, and their fingerprints, as they were.
    if (!txns_started_ && metadata_->image().topic(kTransactionStateTopic) != nullptr) {
      txns_started_ = true;
      txns_->start();
    }
  }
}

// Kafka's BrokerServer.shutdown with controlled.shutdown.enable: replicaManager.
// beginControlledShutdown, lifecycleManager.beginControlledShutdown, then wait on the
// lifecycle manager's controlledShutdownFuture until the deadline ("Timed out waiting for the
// controller to approve controlled shutdown"), then stop serving and close the logs
// (LogManager.shutdown flushes them: a clean shutdown loses nothing to a later power cut).
// The broker keeps serving while it waits: its followers fetch, and a leader answers
// NOT_LEADER_OR_FOLLOWER once the metadata moving its partitions arrives.
void BrokerServer::shut_down() {
  bool controlled = config_.controlled_shutdown_enable && lifecycle_->registered();
  ctx_.trace("broker.shutdown", {{"broker", config_.broker.id.value()}, {"controlled", controlled}});
  if (controlled) {
    lifecycle_->begin_controlled_shutdown();
    // BUG ZOO (`controlled-shutdown-no-wait`): the broker asks, but stops without waiting for
    // the controller to move its leaderships: its partitions go leaderless until its session
    // expires, as after a crash.
    bool wait = !config_.broker.variants.has(Variant::kControlledShutdownNoWait);
    if (wait && !lifecycle_->wait_for_controlled_shutdown(config_.controlled_shutdown_timeout_ms))
      ctx_.trace("broker.controlled_shutdown_timed_out", {{"broker", config_.broker.id.value()}});
  }
  replicas_->close_logs();
  ctx_.exit(controlled ? "controlled shutdown" : "shutdown");
}

void BrokerServer::alter_partition(const IsrProposal& p,
                                   std::function<void(ErrorCode, std::optional<PartitionRegistration>)> done) {
  lifecycle_->alter_partition(
      p.tp, p.leader_epoch, p.partition_epoch, p.new_isr, [this, done, asked_epoch = p.leader_epoch](std::optional<AlterPartitionResponse> r) {
        // A lost answer to a change the controller applied: the proposal stays pending until
        // a retry's answer or the metadata log settles it.
        if (!r || EDDY_FAULT_POINT("replication.alter_partition_answer_lost")) {
          done(ErrorCode::kRequestTimedOut, std::nullopt);
          return;
        }
        if (r->error != ErrorCode::kNone) {
          done(r->error, std::nullopt);
          return;
        }
        // A change that moved leadership or bumped the leader epoch (a reassignment completed
        // by this ISR change): the registration comes from the metadata log, as Kafka's
        // Partition.handleAlterPartitionUpdate waits for it; the proposal stays pending.
        if (r->leader_epoch != asked_epoch) {
          done(ErrorCode::kFencedLeaderEpoch, std::nullopt);
          return;
        }
        PartitionRegistration reg;
        if (const PartitionRegistration* cur = metadata_->image().partition(r->tp)) reg = *cur;
        reg.leader = r->leader;
        reg.leader_epoch = r->leader_epoch;
        reg.isr = r->isr;
        reg.partition_epoch = r->partition_epoch;
        done(ErrorCode::kNone, reg);
      });
}

void BrokerServer::on_request(const RequestInfo& info, sim::Payload&& body) {
  if (const auto* auth = sim::payload_cast<SaslAuthenticateRequest>(&body)) {
    authz_->bind(info.connection, auth->principal);  // before anything else on this connection
    return;
  }
  auto& conn = connections_[info.connection];
  if (!conn) {
    conn = std::make_unique<sim::Channel<Inbound>>(kConnectionQueueMax, "connection queue");
    sim::ConnectionId end = info.connection;
    ctx_.spawn("conn-" + std::to_string(info.from.value), [this, end] { connection_loop(end); });
  }
  conn->try_send(Inbound{info, std::move(body)});  // full: dropped, the client's request times out
}

void BrokerServer::on_disconnect(sim::ConnectionId end) {
  // Kafka reads one request per connection at a time: SocketServer's Processor mutes the
  // channel once a request is received (processCompletedReceives: selector.mute, ChannelMuteEvent.
  // REQUEST_RECEIVED) until its response is sent, so later requests wait unread in the socket
  // and die with it. The request being handled finishes (its answer goes nowhere); the ones
  // queued behind it are dropped, never handled late; then the connection's fiber ends. (A
  // stale OffsetCommit handled after its connection broke and its client moved on made a
  // group's committed offset go back: found with fault points, acks-all-fault-points.yaml.)
  authz_->forget(end);
  auto it = connections_.find(end);
  if (it == connections_.end()) return;
  while (it->second->try_receive()) {
  }
  it->second->close();
}

void BrokerServer::connection_loop(sim::ConnectionId end) {
  sim::Channel<Inbound>& queue = *connections_[end];
  for (;;) {
    std::optional<Inbound> in = queue.receive();
    if (!in) break;  // closed and drained
    if (EDDY_FAULT_POINT("broker.request_handler_stall")) ctx_.sleep_for(fault_delay(ctx_, sim::milliseconds(1), sim::milliseconds(100)));
    // A request handler thread's CPU time (Kafka's KafkaRequestHandler): per request and per
    // byte, at the host's speed, on an engine with a CPU model (the platform's cost settings).
    ctx_.charge_cpu(in->info.bytes);
    handle(in->info, in->body);
  }
  connections_.erase(end);
}

void BrokerServer::handle(const RequestInfo& info, sim::Payload& body) {
  // Fetch and Produce are nearly every request: try them before the rarer kinds (each
  // payload_cast is a type comparison).
  // A copy: the connection may close (and its binding go) while the request waits.
  const std::string principal = authz_->enabled() ? authz_->principal_of(info.connection) : std::string();
  if (auto* fetch = sim::payload_cast<FetchRequest>(&body)) {
    if (fetch->replica_id != kNoBroker && authz_->enabled()) {
      if (std::optional<FetchResponse> refused = authz_->refuse_replica_fetch(principal, *fetch)) {
        rpc_.reply_sized(info, std::move(*refused));
        return;
      }
    }
    FetchResponse resp = replicas_->handle_fetch(*fetch);
    if (fetch->replica_id == kNoBroker) authz_->authorize_fetch_response(principal, resp);
    rpc_.reply_sized(info, std::move(resp));
  } else if (auto* req = sim::payload_cast<ProduceRequest>(&body)) {
    const sim::Instant arrived = ctx_.true_now();
    std::vector<ProducePartitionResponse> refused = authz_->authorize_produce(principal, *req);
    if (req->transactional_id && config_.transactions.partition_verification) verify_transactional_produce(*req, refused);
    ProduceResponse resp = replicas_->handle_produce(*req);
    authz_->report_produce(principal, *req, resp, arrived);
    for (auto& r : refused) resp.partitions.push_back(std::move(r));
    if (req->acks != kAcksNone) rpc_.reply_sized(info, std::move(resp));
  } else if (authz_->enabled() && refuse_unauthorized(info, body, principal)) {
    return;
  } else if (handle_group_request(info, body)) {
    return;
  } else if (handle_txn_request(info, body)) {
    return;
  } else if (auto* epochs = sim::payload_cast<OffsetsForLeaderEpochRequest>(&body)) {
    OffsetsForLeaderEpochResponse resp = replicas_->handle_offsets_for_leader_epoch(*epochs);
    rpc_.reply_sized(info, std::move(resp));
  } else if (auto* init = sim::payload_cast<InitProducerIdRequest>(&body)) {
    InitProducerIdResponse resp = handle_init_producer_id(*init);
    rpc_.reply(info, kInitProducerIdResponseBytes, std::move(resp));
  } else if (auto* md = sim::payload_cast<MetadataRequest>(&body)) {
    if (EDDY_FAULT_POINT("broker.metadata_answer_delayed")) ctx_.sleep_for(fault_delay(ctx_, sim::milliseconds(1), sim::milliseconds(200)));
    MetadataResponse resp = handle_metadata(*md, principal);
    rpc_.reply_sized(info, std::move(resp));
  } else if (sim::payload_cast<DumpReplicasRequest>(&body) != nullptr) {
    DumpReplicasResponse resp = replicas_->handle_dump();
    uint32_t bytes = 64;
    for (const auto& d : resp.replicas) bytes += 64 + 16 * static_cast<uint32_t>(d.records.size());
    rpc_.reply(info, bytes, std::move(resp));
  }
}

// Without a transactional.id, every InitProducerId gets a new producer id at epoch 0 (Kafka's
// TransactionCoordinator.handleInitProducerId for a null transactional id).
InitProducerIdResponse BrokerServer::handle_init_producer_id(const InitProducerIdRequest& req) {
  if (req.transactional_id) return txns_->init_producer_id(req);  // KIP-98: the coordinator's
  InitProducerIdResponse resp;
  ProducerIdManager::Result id = producer_ids_->generate();  // may wait for a block from the controller
  resp.error = id.error;
  if (id.error == ErrorCode::kNone) {
    resp.producer_id = id.id;
    resp.producer_epoch = 0;
  }
  ctx_.trace("broker.init_producer_id", {{"producer_id", resp.producer_id.value()}, {"error", to_string(resp.error)}});
  return resp;
}

bool BrokerServer::handle_group_request(const RequestInfo& info, sim::Payload& body) {
  auto reply = [&](auto resp) { rpc_.reply_sized(info, std::move(resp)); };
  if (auto* r = sim::payload_cast<FindCoordinatorRequest>(&body)) reply(find_coordinator(*r));
  else if (auto* j = sim::payload_cast<JoinGroupRequest>(&body)) reply(groups_->join(*j, "consumer-" + std::to_string(info.from.value)));
  else if (auto* s = sim::payload_cast<SyncGroupRequest>(&body)) reply(groups_->sync(*s));
  else if (auto* h = sim::payload_cast<HeartbeatRequest>(&body)) reply(groups_->heartbeat(*h));
  else if (auto* l = sim::payload_cast<LeaveGroupRequest>(&body)) reply(groups_->leave(*l));
  else if (auto* c = sim::payload_cast<OffsetCommitRequest>(&body)) reply(groups_->commit(*c));
  else if (auto* f = sim::payload_cast<OffsetFetchRequest>(&body)) reply(groups_->fetch_offsets(*f));
  else if (auto* t = sim::payload_cast<TxnOffsetCommitRequest>(&body)) reply(groups_->txn_commit(*t));
  else return false;
  return true;
}

// KIP-890 part 1 (Kafka's ReplicaManager.appendRecords with transaction verification): a
// transactional batch for a partition on which its producer has no open transaction here
// would start one. Before appending it the leader asks the coordinator (AddPartitionsToTxn,
// verify_only) whether the partition is in the producer's ongoing transaction at this epoch:
// a late batch of a transaction already aborted is refused (INVALID_TXN_STATE) instead of
// opening a transaction nobody will end (a "hanging transaction", which also lets it be
// committed with the producer's next transaction). Simplified: no VerificationGuard
// (KAFKA-14884), so a marker written between the answer and the append is not seen.
void BrokerServer::verify_transactional_produce(ProduceRequest& req, std::vector<ProducePartitionResponse>& refused) {
  AddPartitionsToTxnRequest verify;
  verify.transactional_id = *req.transactional_id;
  verify.verify_only = true;
  for (const auto& pd : req.partitions) {
    if (!txn::is_transactional(pd.batch) || txn::is_control(pd.batch)) continue;
    Partition* p = replicas_->partition(pd.tp);
    if (p == nullptr || !p->is_leader() || p->producer_state_stale()) continue;  // the append answers
    if (p->transactions().ongoing_first_offset(pd.batch.producer_id)) continue;  // verified by its first batch
    verify.producer_id = pd.batch.producer_id;
    verify.producer_epoch = pd.batch.producer_epoch;
    verify.partitions.push_back(pd.tp);
  }
  if (verify.partitions.empty()) return;
  ErrorCode e = ErrorCode::kCoordinatorNotAvailable;
  const PartitionRegistration* reg =
      metadata_->image().partition(TopicPartition{kTransactionStateTopic, txns_->partition_for(verify.transactional_id)});
  if (reg != nullptr && reg->has_leader()) {
    if (reg->leader == config_.broker.id) {
      e = txns_->verify(verify);
    } else {
      auto resp = rpc_.call_sized(sim::NodeId{static_cast<uint32_t>(reg->leader.value())}, kAddPartitionsToTxnRpc, verify,
                                  sim::milliseconds(req.timeout_ms));
      const auto* r = resp ? sim::payload_cast<AddPartitionsToTxnResponse>(&*resp) : nullptr;
      e = r != nullptr ? r->error : ErrorCode::kRequestTimedOut;
    }
  }
  if (e == ErrorCode::kNone) return;
  ctx_.trace("txn.verification_failed", {{"transactional_id", verify.transactional_id},
                                         {"producer_id", verify.producer_id.value()},
                                         {"epoch", static_cast<int64_t>(verify.producer_epoch)}, {"error", to_string(e)}});
  // Kafka answers a failed verification with INVALID_TXN_STATE, and a coordinator it could not
  // ask with a retriable error (the producer retries the batch).
  ErrorCode answer = e == ErrorCode::kCoordinatorNotAvailable || e == ErrorCode::kNotCoordinator ||
                             e == ErrorCode::kCoordinatorLoadInProgress || e == ErrorCode::kRequestTimedOut
                         ? ErrorCode::kCoordinatorNotAvailable
                         : ErrorCode::kInvalidTxnState;
  std::erase_if(req.partitions, [&](const ProducePartitionData& pd) {
    if (std::find(verify.partitions.begin(), verify.partitions.end(), pd.tp) == verify.partitions.end()) return false;
    refused.push_back(ProducePartitionResponse{pd.tp, answer, Offset{-1}, kNoLeaderEpoch});
    return true;
  });
}

bool BrokerServer::handle_txn_request(const RequestInfo& info, sim::Payload& body) {
  auto reply = [&](auto resp) { rpc_.reply_sized(info, std::move(resp)); };
  if (auto* a = sim::payload_cast<AddPartitionsToTxnRequest>(&body)) reply(txns_->add_partitions(*a));
  else if (auto* o = sim::payload_cast<AddOffsetsToTxnRequest>(&body))
    reply(txns_->add_offsets(*o, TopicPartition{kConsumerOffsetsTopic, offsets_partition_for(o->group_id, config_.group.offsets_topic_partitions)}));
  else if (auto* e = sim::payload_cast<EndTxnRequest>(&body)) reply(txns_->end_txn(*e));
  else if (auto* m = sim::payload_cast<WriteTxnMarkersRequest>(&body)) {
    // Answered from a fiber of its own, as Kafka answers an acks=-1 append from its purgatory:
    // the coordinator's connection to this broker is the one this broker's replica fetcher
    // answers on too, and a marker waiting for replication must not hold up the fetches it
    // waits for (Kafka's marker channel has a connection of its own).
    ctx_.spawn("write-txn-markers", [this, info, req = *m] {
      rpc_.reply_sized(info, TransactionCoordinator::write_markers(
                                 ctx_, *replicas_, req, sim::milliseconds(config_.transactions.request_timeout_ms),
                                 [this](const TopicPartition& tp, ProducerId pid, bool committed) {
                                   groups_->transaction_completed(tp, pid, committed);
                                 }));
    });
  } else return false;
  return true;
}

// Any broker answers; the coordinator is the leader of the group's offsets partition (or of
// the transactional.id's __transaction_state partition). The internal topic is created on
// first use, through the controller, as Kafka's brokers do.
FindCoordinatorResponse BrokerServer::find_coordinator(const FindCoordinatorRequest& req) {
  FindCoordinatorResponse resp;
  const MetadataImage& image = metadata_->image();
  if (req.key_type == kTransactionCoordinatorKey) {
    const TransactionCoordinatorConfig& tc = config_.transactions;
    if (image.topic(kTransactionStateTopic) == nullptr) {
      create_internal_topic(kTransactionStateTopic.str(), tc.transaction_state_partitions, tc.transaction_state_replication_factor,
                            {{"min.insync.replicas", std::to_string(std::min<int32_t>(tc.transaction_state_min_isr,
                                                                                      tc.transaction_state_replication_factor))}});
      resp.error = ErrorCode::kCoordinatorNotAvailable;
      return resp;
    }
    const PartitionRegistration* reg = image.partition(TopicPartition{kTransactionStateTopic, txns_->partition_for(req.key)});
    if (reg == nullptr || !reg->has_leader() || !image.is_active(reg->leader)) {
      resp.error = ErrorCode::kCoordinatorNotAvailable;
      return resp;
    }
    resp.node_id = reg->leader;
    return resp;
  }
  if (image.topic(kConsumerOffsetsTopic) == nullptr) {
    create_offsets_topic();
    resp.error = ErrorCode::kCoordinatorNotAvailable;
    return resp;
  }
  int32_t p = offsets_partition_for(req.key, config_.group.offsets_topic_partitions);
  const PartitionRegistration* reg = image.partition(TopicPartition{kConsumerOffsetsTopic, p});
  if (reg == nullptr || !reg->has_leader() || !image.is_active(reg->leader)) {
    resp.error = ErrorCode::kCoordinatorNotAvailable;
    return resp;
  }
  resp.node_id = reg->leader;
  return resp;
}

void BrokerServer::create_offsets_topic() {
  create_internal_topic(kConsumerOffsetsTopic.str(), config_.group.offsets_topic_partitions,
                        config_.group.offsets_topic_replication_factor, {});
}

void BrokerServer::create_internal_topic(const std::string& name, int32_t partitions, int16_t replication_factor,
                                         std::map<std::string, std::string> configs) {
  if (topic_creation_in_flight_[name]) return;
  topic_creation_in_flight_[name] = true;
  if (name == kConsumerOffsetsTopic.str()) ctx_.trace("group.create-offsets-topic", {{"partitions", partitions}});
  else ctx_.trace("txn.create-transaction-state-topic", {{"partitions", partitions}});
  CreateTopicsRequest req;
  req.topics.push_back(CreatableTopic{name, partitions, replication_factor, std::move(configs)});
  channel_->send<CreateTopicsResponse>(kCreateTopicsRpc, create_topics_request_bytes(req), req,
                                       [this, name](std::optional<CreateTopicsResponse>) { topic_creation_in_flight_[name] = false; });
}

std::shared_ptr<const PartitionMetadataList> BrokerServer::partition_metadata(const TopicImage& topic,
                                                                              const std::string& name) const {
  // Built once per applied metadata batch (the image's version) and topic, then shared by
  // every answer from that image.
  auto cached = metadata_answers_.find(name);
  if (cached != metadata_answers_.end() && cached->second.first == metadata_->version()) return cached->second.second;
  const MetadataImage& image = metadata_->image();
  auto list = std::make_shared<PartitionMetadataList>();
  // The topic's registrations are consecutive in the image's map (TopicPartition order): walk
  // them alongside the partition numbers instead of searching the map for each (a client's
  // metadata request names a topic of 10,000 partitions at scale).
  const sim::Symbol topic_name(name);
  const auto& registrations = image.partitions();
  auto next = registrations.lower_bound(TopicPartition{topic_name, 0});
  list->reserve(static_cast<size_t>(topic.partitions));
  for (int32_t p = 0; p < topic.partitions; ++p) {
    PartitionMetadata pm;
    pm.partition = p;
    while (next != registrations.end() && next->first.topic == topic_name && next->first.partition < p) ++next;
    const PartitionRegistration* reg = nullptr;
    if (next != registrations.end() && next->first == TopicPartition{topic_name, p}) reg = &next->second;
    if (reg != nullptr) {
      pm.leader = reg->leader;
      pm.leader_epoch = reg->leader_epoch;
      pm.replicas.assign(reg->replicas.begin(), reg->replicas.end());
      pm.isr.assign(reg->isr.begin(), reg->isr.end());
      if (!reg->has_leader()) pm.error = ErrorCode::kLeaderNotAvailable;
    } else {
      pm.error = ErrorCode::kLeaderNotAvailable;
    }
    list->push_back(std::move(pm));
  }
  std::shared_ptr<const PartitionMetadataList> shared = std::move(list);
  metadata_answers_[name] = {metadata_->version(), shared};
  return shared;
}

MetadataResponse BrokerServer::handle_metadata(const MetadataRequest& req, const std::string& principal) const {
  const MetadataImage& image = metadata_->image();
  MetadataResponse resp;
  resp.brokers = image.active_brokers();
  auto describable = [&](const std::string& name) {
    return authz_->allowed(principal, security::AclOperation::kDescribe, security::ResourceType::kTopic, name);
  };
  auto add_topic = [&](const std::string& name) {
    TopicMetadata t;
    t.name = name;
    if (!describable(name)) {  // handleTopicMetadataRequest: unauthorizedForDescribeTopics
      t.error = ErrorCode::kTopicAuthorizationFailed;
      resp.topics.push_back(std::move(t));
      return;
    }
    const TopicImage* topic = image.topic(name);
    if (topic == nullptr) {
      t.error = ErrorCode::kUnknownTopicOrPartition;
      resp.topics.push_back(std::move(t));
      return;
    }
    t.partitions = partition_metadata(*topic, name);
    resp.topics.push_back(std::move(t));
  };
  if (req.topics.empty()) {
    for (const auto& [name, topic] : image.topics())
      if (describable(name)) add_topic(name);  // an all-topics request lists only what the principal may see
  } else {
    for (const auto& name : req.topics) add_topic(name);
  }
  return resp;
}

namespace {
template <class Response>
Response refusal(ErrorCode e) {
  Response r;
  r.error = e;
  return r;
}
}  // namespace

bool BrokerServer::refuse_unauthorized(const RequestInfo& info, sim::Payload& body, const std::string& principal) {
  using security::AclOperation;
  using security::ResourceType;
  auto may = [&](AclOperation op, ResourceType type, const std::string& name) { return authz_->allowed(principal, op, type, name); };
  auto refuse = [&](auto response) {
    if constexpr (std::is_same_v<decltype(response), InitProducerIdResponse>)
      rpc_.reply(info, kInitProducerIdResponseBytes, std::move(response));
    else
      rpc_.reply_sized(info, std::move(response));
    return true;
  };
  const ErrorCode group_denied = ErrorCode::kGroupAuthorizationFailed;
  const ErrorCode txn_denied = ErrorCode::kTransactionalIdAuthorizationFailed;
  if (auto* j = sim::payload_cast<JoinGroupRequest>(&body)) {
    if (!may(AclOperation::kRead, ResourceType::kGroup, j->group_id)) return refuse(refusal<JoinGroupResponse>(group_denied));
  } else if (auto* s = sim::payload_cast<SyncGroupRequest>(&body)) {
    if (!may(AclOperation::kRead, ResourceType::kGroup, s->group_id)) return refuse(refusal<SyncGroupResponse>(group_denied));
  } else if (auto* h = sim::payload_cast<HeartbeatRequest>(&body)) {
    if (!may(AclOperation::kRead, ResourceType::kGroup, h->group_id)) return refuse(refusal<HeartbeatResponse>(group_denied));
  } else if (auto* l = sim::payload_cast<LeaveGroupRequest>(&body)) {
    if (!may(AclOperation::kRead, ResourceType::kGroup, l->group_id)) return refuse(refusal<LeaveGroupResponse>(group_denied));
  } else if (auto* f = sim::payload_cast<OffsetFetchRequest>(&body)) {
    if (!may(AclOperation::kDescribe, ResourceType::kGroup, f->group_id)) return refuse(refusal<OffsetFetchResponse>(group_denied));
  } else if (auto* c = sim::payload_cast<OffsetCommitRequest>(&body)) {
    // handleOffsetCommitRequest: Read on the group for the whole request, then Read on each
    // partition's topic; the authorized partitions are committed, the others refused.
    bool group_ok = may(AclOperation::kRead, ResourceType::kGroup, c->group_id);
    OffsetCommitResponse refused;
    std::erase_if(c->partitions, [&](const OffsetCommitPartition& p) {
      if (group_ok && may(AclOperation::kRead, ResourceType::kTopic, p.tp.topic.str())) return false;
      refused.partitions.push_back({p.tp, group_ok ? ErrorCode::kTopicAuthorizationFailed : group_denied});
      return true;
    });
    if (refused.partitions.empty()) return false;
    OffsetCommitResponse resp = c->partitions.empty() ? OffsetCommitResponse{} : groups_->commit(*c);
    for (auto& r : refused.partitions) resp.partitions.push_back(std::move(r));
    return refuse(std::move(resp));
  } else if (auto* fc = sim::payload_cast<FindCoordinatorRequest>(&body)) {
    bool txn = fc->key_type == kTransactionCoordinatorKey;
    if (!may(AclOperation::kDescribe, txn ? ResourceType::kTransactionalId : ResourceType::kGroup, fc->key))
      return refuse(refusal<FindCoordinatorResponse>(txn ? txn_denied : group_denied));
  } else if (auto* init = sim::payload_cast<InitProducerIdRequest>(&body)) {
    if (init->transactional_id) {
      if (!may(AclOperation::kWrite, ResourceType::kTransactionalId, *init->transactional_id))
        return refuse(refusal<InitProducerIdResponse>(txn_denied));
    } else {
      std::vector<std::string> topics;
      for (const auto& [name, topic] : metadata_->image().topics()) topics.push_back(name);
      if (!authz_->may_write_idempotently(principal, topics))
        return refuse(refusal<InitProducerIdResponse>(ErrorCode::kClusterAuthorizationFailed));
    }
  } else if (auto* a = sim::payload_cast<AddPartitionsToTxnRequest>(&body)) {
    if (!may(a->verify_only ? AclOperation::kClusterAction : AclOperation::kWrite,
             a->verify_only ? ResourceType::kCluster : ResourceType::kTransactionalId,
             a->verify_only ? std::string(security::kClusterName) : a->transactional_id))
      return refuse(refusal<AddPartitionsToTxnResponse>(a->verify_only ? ErrorCode::kClusterAuthorizationFailed : txn_denied));
  } else if (auto* o = sim::payload_cast<AddOffsetsToTxnRequest>(&body)) {
    if (!may(AclOperation::kWrite, ResourceType::kTransactionalId, o->transactional_id))
      return refuse(refusal<AddOffsetsToTxnResponse>(txn_denied));
  } else if (auto* e = sim::payload_cast<EndTxnRequest>(&body)) {
    if (!may(AclOperation::kWrite, ResourceType::kTransactionalId, e->transactional_id)) return refuse(refusal<EndTxnResponse>(txn_denied));
  } else if (auto* t = sim::payload_cast<TxnOffsetCommitRequest>(&body)) {
    if (!may(AclOperation::kWrite, ResourceType::kTransactionalId, t->transactional_id))
      return refuse(refusal<TxnOffsetCommitResponse>(txn_denied));
  }
  return false;
}

}  // namespace broker_model
