// Kafka's error codes, with Kafka's names and numbers (org.apache.kafka.common.protocol.
// Errors), for the ones the model produces. Codes from 1000 up are eddy-internal
// conditions named after the Kafka exception that signals them; they never travel in a
// response.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/files.h"

namespace broker_model {

enum class ErrorCode : int16_t {
  kUnknownServerError = -1,
  kNone = 0,
  kOffsetOutOfRange = 1,
  kCorruptMessage = 2,
  kUnknownTopicOrPartition = 3,
  kNotLeaderOrFollower = 6,
  kMessageTooLarge = 10,
  kRecordListTooLarge = 18,
  kNotEnoughReplicas = 19,
  kNotEnoughReplicasAfterAppend = 20,
  kKafkaStorageError = 56,
  kFencedLeaderEpoch = 74,
  kUnknownLeaderEpoch = 75,
  kInvalidRecord = 87,
  // Fetch sessions (KIP-227): the leader has no session by that id (evicted, or the leader
  // restarted), or the request's session epoch is not the one it expects next.
  kFetchSessionIdNotFound = 70,
  kInvalidFetchSessionEpoch = 71,
  // The idempotent producer.
  kCoordinatorLoadInProgress = 14,
  kOutOfOrderSequenceNumber = 45,
  kDuplicateSequenceNumber = 46,
  kInvalidProducerEpoch = 47,
  kUnknownProducerId = 59,
  // Controller and metadata quorum (broker_model/controller/).
  kLeaderNotAvailable = 5,
  kRequestTimedOut = 7,
  kBrokerNotAvailable = 8,
  kInvalidTopicException = 17,
  kTopicAlreadyExists = 36,
  kInvalidPartitions = 37,
  kInvalidReplicationFactor = 38,
  kNotController = 41,
  kInvalidRequest = 42,
  kStaleBrokerEpoch = 77,
  kInvalidUpdateVersion = 95,
  kDuplicateBrokerRegistration = 101,
  kBrokerIdNotRegistered = 102,
  kIneligibleReplica = 107,
  kInvalidConfig = 40,
  kInvalidReplicaAssignment = 39,
  kNoReassignmentInProgress = 85,
  // Consumer groups (broker_model/group/; COORDINATOR_LOAD_IN_PROGRESS above).
  kCoordinatorNotAvailable = 15,
  kNotCoordinator = 16,
  kIllegalGeneration = 22,
  kInconsistentGroupProtocol = 23,
  kUnknownMemberId = 25,
  kInvalidSessionTimeout = 26,
  kRebalanceInProgress = 27,
  kFencedInstanceId = 82,
  // Transactions (KIP-98; broker_model/txn/).
  kInvalidTxnState = 48,
  kInvalidProducerIdMapping = 49,
  kInvalidTransactionTimeout = 50,
  kConcurrentTransactions = 51,
  kTransactionCoordinatorFenced = 52,
  kProducerFenced = 90,
  // Authorization (security/): the principal may not do this (KafkaApis answers these;
  // clients treat them as not retriable).
  kTopicAuthorizationFailed = 29,
  kGroupAuthorizationFailed = 30,
  kClusterAuthorizationFailed = 31,
  kTransactionalIdAuthorizationFailed = 53,
  // KIP-447: OffsetFetch with require_stable while a transaction's offsets for the partition
  // are pending (written to __consumer_offsets, no marker yet).
  kUnstableOffsetCommit = 88,
  // Internal: a follower append whose first offset is not the log end offset
  // (Kafka's UnexpectedAppendOffsetException).
  kUnexpectedAppendOffset = 1000,
  // Internal: a producer's buffer.memory is full (Kafka's BufferExhaustedException).
  kBufferExhausted = 1001,
  // Internal: the producer refused a record larger than max.request.size or buffer.memory
  // before sending it (Kafka's RecordTooLargeException thrown by KafkaProducer.send).
  kRecordTooLarge = 1002,
};

// "OFFSET_OUT_OF_RANGE", as Kafka prints it.
const char* to_string(ErrorCode e);
// The Kafka error named so ("NOT_ENOUGH_REPLICAS"), or nullopt (internal codes have no name).
std::optional<ErrorCode> error_code_from_name(std::string_view name);

// Any failed disk operation (EIO, ENOSPC, a file gone) is a KAFKA_STORAGE_ERROR.
ErrorCode from_io_status(sim::IoStatus s);

}  // namespace broker_model
