// The pipeline's services (broker_model/pipeline/, docs/pipeline.md) on their own: SQS'
// visibility timeout, receipt handles and redrive; MQTT topic filters and a persistent
// session's re-delivery with DUP=1; the document store's insert/upsert and its journal.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "broker_model/pipeline/document_store.h"
#include "broker_model/pipeline/lambda_runtime.h"
#include "broker_model/pipeline/mqtt_broker.h"
#include "broker_model/pipeline/mqtt_client.h"
#include "broker_model/pipeline/sqs_queue.h"
#include "sim/world/world.h"

namespace broker_model::pipeline {
namespace {

sim::Instant at_s(int64_t s) { return sim::Instant::epoch() + sim::seconds(s); }
Reading reading(int device, int64_t seq) { return Reading{device, seq, 7, 0, false}; }

TEST(SqsQueue, AReceivedMessageIsInvisibleUntilItsVisibilityTimeoutThenComesBack) {
  SqsQueue q(SqsQueueConfig{sim::seconds(30), 0});
  const std::string id = q.send(reading(0, 1), at_s(0));
  ASSERT_FALSE(id.empty());
  auto first = q.receive(10, sim::seconds(30), at_s(1));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].approximate_receive_count, 1);
  EXPECT_TRUE(q.receive(10, sim::seconds(30), at_s(30)).empty()) << "still invisible before 1 s + 30 s";
  auto again = q.receive(10, sim::seconds(30), at_s(31));
  ASSERT_EQ(again.size(), 1u) << "at least once: not deleted, visible again";
  EXPECT_EQ(again[0].message_id, id);
  EXPECT_EQ(again[0].approximate_receive_count, 2);
  EXPECT_NE(again[0].receipt_handle, first[0].receipt_handle) << "a new receipt handle per receive";
}

TEST(SqsQueue, OnlyTheLatestReceiptHandleDeletes) {
  SqsQueue q(SqsQueueConfig{sim::seconds(5), 0});
  q.send(reading(0, 1), at_s(0));
  auto first = q.receive(1, sim::seconds(5), at_s(0));
  auto second = q.receive(1, sim::seconds(5), at_s(6));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_FALSE(q.remove(first[0].receipt_handle)) << "a stale handle deletes nothing";
  EXPECT_EQ(q.not_visible(at_s(6)), 1);
  EXPECT_TRUE(q.remove(second[0].receipt_handle));
  EXPECT_EQ(q.visible(at_s(100)) + q.not_visible(at_s(100)), 0);
}

TEST(SqsQueue, RedriveMovesAMessageToTheDeadLetterQueueAfterMaxReceiveCount) {
  SqsQueue q(SqsQueueConfig{sim::seconds(1), 2});
  q.send(reading(3, 9), at_s(0));
  EXPECT_EQ(q.receive(1, sim::seconds(1), at_s(0)).size(), 1u);
  EXPECT_EQ(q.receive(1, sim::seconds(1), at_s(2)).size(), 1u);
  EXPECT_TRUE(q.receive(1, sim::seconds(1), at_s(4)).empty()) << "a third receive would exceed maxReceiveCount 2";
  ASSERT_EQ(q.dead_letters().size(), 1u);
  EXPECT_EQ(q.dead_letters()[0].body.seq, 9);
  EXPECT_EQ(q.dead_letters()[0].approximate_receive_count, 2);
}

TEST(SqsQueue, ReceiveReturnsAtMostTheAskedNumberOldestFirst) {
  SqsQueue q(SqsQueueConfig{});
  for (int i = 1; i <= 15; ++i) q.send(reading(0, i), at_s(0));
  auto got = q.receive(10, sim::seconds(30), at_s(0));
  ASSERT_EQ(got.size(), 10u);
  EXPECT_EQ(got.front().body.seq, 1);
  EXPECT_EQ(got.back().body.seq, 10);
}

TEST(Mqtt, TopicFiltersMatchLevelsAndWildcards) {
  EXPECT_TRUE(mqtt_topic_matches("devices/+/readings", "devices/7/readings"));
  EXPECT_FALSE(mqtt_topic_matches("devices/+/readings", "devices/7/status"));
  EXPECT_FALSE(mqtt_topic_matches("devices/+/readings", "devices/7/readings/x"));
  EXPECT_TRUE(mqtt_topic_matches("devices/#", "devices/7/readings"));
  EXPECT_TRUE(mqtt_topic_matches("devices/7/readings", "devices/7/readings"));
}

TEST(ReadingRecordId, RoundTrips) {
  Reading r = reading(12, 345);
  r.malformed = true;
  const uint64_t id = reading_record_id(r);
  EXPECT_TRUE(is_reading_record(id));
  EXPECT_EQ(reading_device(id), 12);
  EXPECT_EQ(reading_seq(id), 345);
  EXPECT_TRUE(reading_malformed(id));
}

// A persistent session (CleanSession=0) whose subscriber does not acknowledge its first
// delivery: the broker takes the connection as failed after 1.5 x Keep Alive, the subscriber
// reconnects (session present), and the broker re-sends the message with its original packet
// id and DUP=1. A QoS 0 message published while the subscriber is disconnected is dropped.
TEST(Mqtt, PersistentSessionRedeliversUnacknowledgedWithDupAndDropsQos0WhileAway) {
  sim::WorldConfig wc;
  wc.seed = 1;
  wc.link.latency = sim::LatencyModel::constant(sim::microseconds(200));
  sim::World w(wc);
  sim::NodeId broker = w.add_node("mqtt-broker", make_mqtt_broker_boot(MqttBrokerConfig{}));
  struct Seen {
    uint16_t packet_id;
    bool dup;
    int qos;
    int64_t seq;
  };
  std::vector<Seen> seen;
  int64_t connects = 0;
  sim::NodeId sub = w.add_node("subscriber", [&](sim::NodeContext& ctx) {
    auto& rpc = ctx.make<RpcEndpoint>(ctx);
    auto& s = ctx.make<MqttSubscriber>(ctx, rpc, MqttSubscriberConfig{"rule", broker, {"devices/+/readings"}, false, 2});
    rpc.start([&](const RequestInfo& info, sim::Payload&& body) {
      s.handle(info, body, [&](const MqttPublish& p, const RequestInfo& i) {
        seen.push_back(Seen{p.packet_id, p.dup, p.qos, p.reading.seq});
        if (p.qos == 1 && seen.size() > 1) s.puback(i, p.packet_id);  // the first goes unanswered
      });
    });
    ctx.spawn("session", [&] { s.session_loop(); });
    for (;;) {
      ctx.sleep_for(sim::seconds(1));
      connects = s.connects();
    }
  });
  std::vector<bool> acked;
  sim::NodeId device = w.add_node("device", [&](sim::NodeContext& ctx) {
    auto& rpc = ctx.make<RpcEndpoint>(ctx);
    rpc.start([](const RequestInfo&, sim::Payload&&) {});
    auto& pub = ctx.make<MqttPublisher>(ctx, rpc, MqttPublisherConfig{"device-0", broker, 1}, [&](const PublishEvent& e) {
      if (e.kind == PublishEvent::Kind::kAcked) acked.push_back(true);
    });
    pub.start();
    ctx.sleep_for(sim::milliseconds(500));
    pub.publish(reading(0, 1));
    ctx.sleep_for(sim::milliseconds(3'500));  // the subscriber is now taken as disconnected
    auto& pub0 = ctx.make<MqttPublisher>(ctx, rpc, MqttPublisherConfig{"device-0q0", broker, 0}, [](const PublishEvent&) {});
    pub0.publish(reading(0, 2));
    for (;;) ctx.sleep_for(sim::seconds(1));
  });
  w.start(broker);
  w.start(sub);
  w.start(device);
  w.run(sim::Instant::epoch() + sim::seconds(12));
  ASSERT_EQ(acked.size(), 1u) << "QoS 1: PUBACK to the device";
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen[0].seq, 1);
  EXPECT_FALSE(seen[0].dup);
  EXPECT_EQ(seen[1].seq, 1) << "re-delivered after the reconnection";
  EXPECT_TRUE(seen[1].dup);
  EXPECT_EQ(seen[1].packet_id, seen[0].packet_id) << "with its original packet id";
  EXPECT_GE(connects, 2);
  for (const Seen& s : seen) EXPECT_NE(s.seq, 2) << "QoS 0 to a disconnected subscriber is dropped";
}

TEST(DocumentStore, InsertRefusesADuplicateIdAndReplaceUpserts) {
  DocumentCollection c;
  StoreWriteRequest w{WriteOp::kInsertOne, Document{"a", 1, 5, 0, 0}};
  EXPECT_TRUE(c.apply(w).ok);
  StoreWriteResponse again = c.apply(w);
  EXPECT_FALSE(again.ok);
  EXPECT_EQ(again.error, "E11000 duplicate key error");
  StoreWriteResponse up = c.apply(StoreWriteRequest{WriteOp::kReplaceOne, Document{"b", 1, 6, 0, 0}});
  EXPECT_TRUE(up.ok);
  EXPECT_TRUE(up.upserted);
  StoreWriteResponse older = c.apply(StoreWriteRequest{WriteOp::kReplaceOne, Document{"b", 1, 4, 0, 0}});
  EXPECT_EQ(older.replaced_seq, 6) << "replaceOne does not compare: an older reading overwrites a newer one";
  EXPECT_EQ(c.documents().at("b").seq, 4);
  EXPECT_EQ(c.documents().size(), 2u);
}

TEST(DocumentStore, JournalRecordsRoundTripAndATornOneIsRefused) {
  StoreWriteRequest w{WriteOp::kReplaceOne, Document{"d3-17", 3, 17, 42, 123456}};
  std::string line = DocumentCollection::journal_record(w);
  ASSERT_EQ(line.back(), '\n');
  line.pop_back();
  auto back = DocumentCollection::parse_journal_record(line);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->doc.id, "d3-17");
  EXPECT_EQ(back->doc.seq, 17);
  EXPECT_EQ(back->op, WriteOp::kReplaceOne);
  EXPECT_FALSE(DocumentCollection::parse_journal_record(line.substr(0, line.size() - 3)).has_value());
}

}  // namespace
}  // namespace broker_model::pipeline
