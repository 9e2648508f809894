#include "broker_model/broker/broker_server.h"

#include "broker_model/broker/producer_id_manager.h"
#include "broker_model/controller/broker_lifecycle.h"
#include "broker_model/controller/controller_channel.h"
#include "broker_model/controller/metadata_client.h"
#include "broker_model/controller/controller_messages.h"
#include "broker_model/fault_sites.h"
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
  replicas_ = std::make_unique<ReplicaManager>(
      rpc_, config_.broker,
      [this](const IsrProposal& p, std::function<void(ErrorCode, std::optional<PartitionRegistration>)> done) {
        alter_partition(p, std::move(done));
      });
  groups_ = std::make_unique<GroupCoordinator>(ctx_, *replicas_, config_.broker.id, config_.group);
  channel_ = std::make_unique<ControllerChannel>(ctx_, rpc_, config_.controllers);
  metadata_ = std::make_unique<MetadataClient>(ctx_, *channel_, MetadataClientConfig{config_.broker.id});
  lifecycle_ = std::make_unique<BrokerLifecycle>(
      ctx_, *channel_, *metadata_, BrokerLifecycleConfig{config_.broker.id, config_.rack, config_.broker_heartbeat_interval_ms});
  producer_ids_ = std::make_unique<ProducerIdManager>([this]() -> std::optional<AllocateProducerIdsResponse> {
    if (!lifecycle_->registered()) return std::nullopt;
    AllocateProducerIdsRequest req{config_.broker.id, lifecycle_->broker_epoch()};
    return channel_->call<AllocateProducerIdsResponse>(kAllocateProducerIdsRpc, kAllocateProducerIdsRequestBytes, req);
  });
  // Requests are queued per connection as they arrive (on_request only queues them).
  rpc_.start_routing_requests([this](const RequestInfo& info, sim::Payload&& body) { on_request(info, std::move(body)); });
  rpc_.on_disconnect([this](sim::ConnectionId end, sim::NodeId) { on_disconnect(end); });
  replicas_->start();
  groups_->start();
  metadata_->start();
  lifecycle_->start();
  ctx_.spawn("metadata-applier", [this] { apply_metadata_loop(); });
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
  }
}

void BrokerServer::alter_partition(const IsrProposal& p,
                                   std::function<void(ErrorCode, std::optional<PartitionRegistration>)> done) {
  lifecycle_->alter_partition(
      p.tp, p.leader_epoch, p.partition_epoch, p.new_isr, [this, done](std::optional<AlterPartitionResponse> r) {
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
  if (auto* fetch = sim::payload_cast<FetchRequest>(&body)) {
    FetchResponse resp = replicas_->handle_fetch(*fetch);
    rpc_.reply_sized(info, std::move(resp));
  } else if (auto* req = sim::payload_cast<ProduceRequest>(&body)) {
    ProduceResponse resp = replicas_->handle_produce(*req);
    if (req->acks != kAcksNone) rpc_.reply_sized(info, std::move(resp));
  } else if (handle_group_request(info, body)) {
    return;
  } else if (auto* epochs = sim::payload_cast<OffsetsForLeaderEpochRequest>(&body)) {
    OffsetsForLeaderEpochResponse resp = replicas_->handle_offsets_for_leader_epoch(*epochs);
    rpc_.reply_sized(info, std::move(resp));
  } else if (auto* init = sim::payload_cast<InitProducerIdRequest>(&body)) {
    InitProducerIdResponse resp = handle_init_producer_id(*init);
    rpc_.reply(info, kInitProducerIdResponseBytes, std::move(resp));
  } else if (auto* md = sim::payload_cast<MetadataRequest>(&body)) {
    if (EDDY_FAULT_POINT("broker.metadata_answer_delayed")) ctx_.sleep_for(fault_delay(ctx_, sim::milliseconds(1), sim::milliseconds(200)));
    MetadataResponse resp = handle_metadata(*md);
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
InitProducerIdResponse BrokerServer::handle_init_producer_id(const InitProducerIdRequest&) {
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
  else return false;
  return true;
}

// Any broker answers; the coordinator is the leader of the group's offsets partition. The
// offsets topic is created on first use, through the controller, as Kafka's brokers do.
FindCoordinatorResponse BrokerServer::find_coordinator(const FindCoordinatorRequest& req) {
  FindCoordinatorResponse resp;
  const MetadataImage& image = metadata_->image();
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
  if (offsets_topic_creation_in_flight_) return;
  offsets_topic_creation_in_flight_ = true;
  CreateTopicsRequest req;
  req.topics.push_back(CreatableTopic{kConsumerOffsetsTopic, config_.group.offsets_topic_partitions,
                                      config_.group.offsets_topic_replication_factor, {}});
  ctx_.trace("group.create-offsets-topic", {{"partitions", config_.group.offsets_topic_partitions}});
  channel_->send<CreateTopicsResponse>(kCreateTopicsRpc, create_topics_request_bytes(req), req,
                                       [this](std::optional<CreateTopicsResponse>) { offsets_topic_creation_in_flight_ = false; });
}

MetadataResponse BrokerServer::handle_metadata(const MetadataRequest& req) const {
  const MetadataImage& image = metadata_->image();
  MetadataResponse resp;
  resp.brokers = image.active_brokers();
  auto add_topic = [&](const std::string& name) {
    TopicMetadata t;
    t.name = name;
    const TopicImage* topic = image.topic(name);
    if (topic == nullptr) {
      t.error = ErrorCode::kUnknownTopicOrPartition;
      resp.topics.push_back(std::move(t));
      return;
    }
    // The topic's registrations are consecutive in the image's map (TopicPartition order): walk
    // them alongside the partition numbers instead of searching the map for each (a client's
    // metadata request names a topic of 10,000 partitions at scale).
    const sim::Symbol topic_name(name);
    const auto& registrations = image.partitions();
    auto next = registrations.lower_bound(TopicPartition{topic_name, 0});
    t.partitions.reserve(static_cast<size_t>(topic->partitions));
    for (int32_t p = 0; p < topic->partitions; ++p) {
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
      t.partitions.push_back(std::move(pm));
    }
    resp.topics.push_back(std::move(t));
  };
  if (req.topics.empty()) {
    for (const auto& [name, topic] : image.topics()) add_topic(name);
  } else {
    for (const auto& name : req.topics) add_topic(name);
  }
  return resp;
}

}  // namespace broker_model
