// The messages of the pipeline's services (docs/pipeline.md), named after their protocols:
// MQTT 3.1.1 control packets (CONNECT, PUBLISH, PUBACK, PINGREQ), Amazon SQS API calls
// (SendMessage, ReceiveMessage, DeleteMessageBatch, GetQueueAttributes), the Lambda service's
// Invoke of an execution environment, and a document store's MongoDB-style writes
// (insertOne, replaceOne with upsert) and find. Carried between simulated nodes as values with
// a computed wire size, as the Kafka requests are; no binary wire format.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/ids.h"
#include "sim/symbol.h"

namespace broker_model::pipeline {

// A device's reading: what the pipeline carries from the device to the store. `sent_ns` is
// the simulated instant the device first published it (the lab's latency reference).
// `malformed`: a payload the sink's converter rejects (a reading a broken sensor garbled),
// which is what Kafka Connect's errors.tolerance is about.
struct Reading {
  int32_t device = 0;
  int64_t seq = 0;
  int64_t value = 0;
  int64_t sent_ns = 0;
  bool malformed = false;
};
inline constexpr uint32_t kReadingBytes = 64;  // a small JSON document

// ---- MQTT 3.1.1 ----------------------------------------------------------------------
inline const sim::Symbol kMqttConnect{"MQTT.CONNECT"};
inline const sim::Symbol kMqttPublish{"MQTT.PUBLISH"};
inline const sim::Symbol kMqttPing{"MQTT.PINGREQ"};

struct MqttConnect {
  std::string client_id;
  bool clean_session = true;
  int32_t keep_alive_s = 10;
  std::vector<std::string> subscriptions;  // topic filters, QoS 1 (SUBSCRIBE folded in)
  sim::NodeId node;                        // where the server delivers PUBLISH packets
};
struct MqttConnAck {
  bool session_present = false;  // [MQTT-3.2.2-2]
};
struct MqttPublish {
  std::string client_id;  // the sender's (device -> broker)
  uint16_t packet_id = 0;  // QoS 1 only
  int qos = 0;
  bool dup = false;        // [MQTT-3.3.1-1]: set on a re-delivery
  std::string topic;
  Reading reading;
};
struct MqttPubAck {
  uint16_t packet_id = 0;
};
struct MqttPing {
  std::string client_id;
};
struct MqttPingResp {
  bool session_known = false;  // the broker still holds a live connection for this client
};
inline uint32_t wire_bytes(const MqttConnect& c) { return 32 + static_cast<uint32_t>(c.client_id.size()) + 16 * static_cast<uint32_t>(c.subscriptions.size()); }
inline uint32_t wire_bytes(const MqttConnAck&) { return 4; }
inline uint32_t wire_bytes(const MqttPublish& p) { return 8 + static_cast<uint32_t>(p.topic.size()) + kReadingBytes; }
inline uint32_t wire_bytes(const MqttPubAck&) { return 4; }
inline uint32_t wire_bytes(const MqttPing&) { return 2; }
inline uint32_t wire_bytes(const MqttPingResp&) { return 2; }

// ---- Amazon SQS --------------------------------------------------------------------------
inline const sim::Symbol kSqsSendMessage{"SQS.SendMessage"};
inline const sim::Symbol kSqsReceiveMessage{"SQS.ReceiveMessage"};
inline const sim::Symbol kSqsDeleteMessageBatch{"SQS.DeleteMessageBatch"};
inline const sim::Symbol kSqsGetQueueAttributes{"SQS.GetQueueAttributes"};

struct SendMessageRequest {
  Reading body;
};
struct SendMessageResponse {
  std::string message_id;
};
struct ReceiveMessageRequest {
  int32_t max_number_of_messages = 1;  // 1..10
  int64_t visibility_timeout_ms = -1;  // -1: the queue's VisibilityTimeout
  int64_t wait_time_ms = 0;            // long polling, 0..20 s
};
struct SqsMessage {
  std::string message_id;
  std::string receipt_handle;
  int32_t approximate_receive_count = 0;
  int64_t sent_timestamp_ns = 0;
  Reading body;
};
struct ReceiveMessageResponse {
  std::vector<SqsMessage> messages;
};
struct DeleteMessageBatchRequest {
  std::vector<std::string> receipt_handles;  // at most 10
};
struct DeleteMessageBatchResponse {
  int32_t successful = 0;
  int32_t deleted = 0;  // not in the API: how many really left the queue (a stale handle succeeds without)
};
struct GetQueueAttributesRequest {};
struct GetQueueAttributesResponse {
  int64_t approximate_number_of_messages = 0;             // visible
  int64_t approximate_number_of_messages_not_visible = 0;  // in flight
  int64_t dead_lettered = 0;                               // messages in the dead-letter queue
};
inline uint32_t wire_bytes(const SendMessageRequest&) { return 64 + kReadingBytes; }
inline uint32_t wire_bytes(const SendMessageResponse&) { return 64; }
inline uint32_t wire_bytes(const ReceiveMessageRequest&) { return 64; }
inline uint32_t wire_bytes(const ReceiveMessageResponse& r) { return 32 + (128 + kReadingBytes) * static_cast<uint32_t>(r.messages.size()); }
inline uint32_t wire_bytes(const DeleteMessageBatchRequest& r) { return 32 + 96 * static_cast<uint32_t>(r.receipt_handles.size()); }
inline uint32_t wire_bytes(const DeleteMessageBatchResponse&) { return 32; }
inline uint32_t wire_bytes(const GetQueueAttributesRequest&) { return 32; }
inline uint32_t wire_bytes(const GetQueueAttributesResponse&) { return 64; }

// ---- Lambda: the service invoking an execution environment --------------------------------
inline const sim::Symbol kLambdaInvoke{"Lambda.Invoke"};
struct InvokeRequest {
  int64_t invocation = 0;
  std::vector<SqsMessage> records;  // the SQS event's Records
};
struct InvokeResponse {
  bool ok = false;
  std::string error;  // "" when ok
};
inline uint32_t wire_bytes(const InvokeRequest& r) { return 64 + (128 + kReadingBytes) * static_cast<uint32_t>(r.records.size()); }
inline uint32_t wire_bytes(const InvokeResponse& r) { return 16 + static_cast<uint32_t>(r.error.size()); }

// ---- the document store (MongoDB-style) ----------------------------------------------------
inline const sim::Symbol kStoreWrite{"Store.Write"};
inline const sim::Symbol kStoreFind{"Store.Find"};

struct Document {
  std::string id;  // _id
  int32_t device = 0;
  int64_t seq = 0;
  int64_t value = 0;
  int64_t sent_ns = 0;
};
enum class WriteOp : uint8_t {
  kInsertOne,   // insertOne: a new document; E11000 duplicate key error if _id exists
  kReplaceOne,  // replaceOne({_id}, doc, {upsert: true}): replace the document with that _id, or insert it
};
struct StoreWriteRequest {
  WriteOp op = WriteOp::kInsertOne;
  Document doc;
};
struct StoreWriteResponse {
  bool ok = false;
  std::string error;    // "E11000 duplicate key error", "journal write failed"
  bool upserted = false;  // replaceOne: no document had the _id, one was inserted
  int64_t replaced_seq = -1;  // replaceOne: the seq of the document it replaced (-1: none)
};
struct StoreFindRequest {};
struct StoreFindResponse {
  std::vector<Document> documents;  // in _id order
};
inline uint32_t wire_bytes(const StoreWriteRequest&) { return 48 + kReadingBytes; }
inline uint32_t wire_bytes(const StoreWriteResponse&) { return 32; }
inline uint32_t wire_bytes(const StoreFindRequest&) { return 32; }
inline uint32_t wire_bytes(const StoreFindResponse& r) { return 32 + kReadingBytes * static_cast<uint32_t>(r.documents.size()); }

}  // namespace broker_model::pipeline
