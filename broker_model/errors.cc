#include "broker_model/errors.h"

namespace broker_model {

namespace {
// Every Kafka error eddy's broker and clients use (not the internal codes).
constexpr ErrorCode kKafkaErrors[] = {
    ErrorCode::kUnknownServerError,
    ErrorCode::kNone,
    ErrorCode::kOffsetOutOfRange,
    ErrorCode::kCorruptMessage,
    ErrorCode::kUnknownTopicOrPartition,
    ErrorCode::kNotLeaderOrFollower,
    ErrorCode::kMessageTooLarge,
    ErrorCode::kRecordListTooLarge,
    ErrorCode::kNotEnoughReplicas,
    ErrorCode::kNotEnoughReplicasAfterAppend,
    ErrorCode::kKafkaStorageError,
    ErrorCode::kFencedLeaderEpoch,
    ErrorCode::kUnknownLeaderEpoch,
    ErrorCode::kInvalidRecord,
    ErrorCode::kFetchSessionIdNotFound,
    ErrorCode::kInvalidFetchSessionEpoch,
    ErrorCode::kCoordinatorLoadInProgress,
    ErrorCode::kOutOfOrderSequenceNumber,
    ErrorCode::kDuplicateSequenceNumber,
    ErrorCode::kInvalidProducerEpoch,
    ErrorCode::kUnknownProducerId,
    ErrorCode::kLeaderNotAvailable,
    ErrorCode::kRequestTimedOut,
    ErrorCode::kBrokerNotAvailable,
    ErrorCode::kInvalidTopicException,
    ErrorCode::kTopicAlreadyExists,
    ErrorCode::kInvalidPartitions,
    ErrorCode::kInvalidReplicationFactor,
    ErrorCode::kNotController,
    ErrorCode::kInvalidRequest,
    ErrorCode::kStaleBrokerEpoch,
    ErrorCode::kInvalidUpdateVersion,
    ErrorCode::kDuplicateBrokerRegistration,
    ErrorCode::kBrokerIdNotRegistered,
    ErrorCode::kIneligibleReplica,
    ErrorCode::kInvalidConfig,
    ErrorCode::kInvalidReplicaAssignment,
    ErrorCode::kNoReassignmentInProgress,
    ErrorCode::kCoordinatorNotAvailable,
    ErrorCode::kNotCoordinator,
    ErrorCode::kIllegalGeneration,
    ErrorCode::kInconsistentGroupProtocol,
    ErrorCode::kUnknownMemberId,
    ErrorCode::kInvalidSessionTimeout,
    ErrorCode::kRebalanceInProgress,
    ErrorCode::kFencedInstanceId,
    ErrorCode::kInvalidTxnState,
    ErrorCode::kInvalidProducerIdMapping,
    ErrorCode::kInvalidTransactionTimeout,
    ErrorCode::kConcurrentTransactions,
    ErrorCode::kTransactionCoordinatorFenced,
    ErrorCode::kProducerFenced,
    ErrorCode::kUnstableOffsetCommit,
    ErrorCode::kTopicAuthorizationFailed,
    ErrorCode::kGroupAuthorizationFailed,
    ErrorCode::kClusterAuthorizationFailed,
    ErrorCode::kTransactionalIdAuthorizationFailed};
}  // namespace

std::optional<ErrorCode> error_code_from_name(std::string_view name) {
  for (ErrorCode e : kKafkaErrors)
    if (name == to_string(e)) return e;
  return std::nullopt;
}

const char* to_string(ErrorCode e) {
  switch (e) {
    case ErrorCode::kUnknownServerError: return "UNKNOWN_SERVER_ERROR";
    case ErrorCode::kNone: return "NONE";
    case ErrorCode::kOffsetOutOfRange: return "OFFSET_OUT_OF_RANGE";
    case ErrorCode::kCorruptMessage: return "CORRUPT_MESSAGE";
    case ErrorCode::kUnknownTopicOrPartition: return "UNKNOWN_TOPIC_OR_PARTITION";
    case ErrorCode::kNotLeaderOrFollower: return "NOT_LEADER_OR_FOLLOWER";
    case ErrorCode::kMessageTooLarge: return "MESSAGE_TOO_LARGE";
    case ErrorCode::kRecordListTooLarge: return "RECORD_LIST_TOO_LARGE";
    case ErrorCode::kNotEnoughReplicas: return "NOT_ENOUGH_REPLICAS";
    case ErrorCode::kNotEnoughReplicasAfterAppend: return "NOT_ENOUGH_REPLICAS_AFTER_APPEND";
    case ErrorCode::kKafkaStorageError: return "KAFKA_STORAGE_ERROR";
    case ErrorCode::kFencedLeaderEpoch: return "FENCED_LEADER_EPOCH";
    case ErrorCode::kUnknownLeaderEpoch: return "UNKNOWN_LEADER_EPOCH";
    case ErrorCode::kInvalidRecord: return "INVALID_RECORD";
    case ErrorCode::kFetchSessionIdNotFound: return "FETCH_SESSION_ID_NOT_FOUND";
    case ErrorCode::kInvalidFetchSessionEpoch: return "INVALID_FETCH_SESSION_EPOCH";
    case ErrorCode::kCoordinatorLoadInProgress: return "COORDINATOR_LOAD_IN_PROGRESS";
    case ErrorCode::kOutOfOrderSequenceNumber: return "OUT_OF_ORDER_SEQUENCE_NUMBER";
    case ErrorCode::kDuplicateSequenceNumber: return "DUPLICATE_SEQUENCE_NUMBER";
    case ErrorCode::kInvalidProducerEpoch: return "INVALID_PRODUCER_EPOCH";
    case ErrorCode::kUnknownProducerId: return "UNKNOWN_PRODUCER_ID";
    case ErrorCode::kLeaderNotAvailable: return "LEADER_NOT_AVAILABLE";
    case ErrorCode::kRequestTimedOut: return "REQUEST_TIMED_OUT";
    case ErrorCode::kBrokerNotAvailable: return "BROKER_NOT_AVAILABLE";
    case ErrorCode::kInvalidTopicException: return "INVALID_TOPIC_EXCEPTION";
    case ErrorCode::kTopicAlreadyExists: return "TOPIC_ALREADY_EXISTS";
    case ErrorCode::kInvalidPartitions: return "INVALID_PARTITIONS";
    case ErrorCode::kInvalidReplicationFactor: return "INVALID_REPLICATION_FACTOR";
    case ErrorCode::kNotController: return "NOT_CONTROLLER";
    case ErrorCode::kInvalidRequest: return "INVALID_REQUEST";
    case ErrorCode::kTopicAuthorizationFailed: return "TOPIC_AUTHORIZATION_FAILED";
    case ErrorCode::kGroupAuthorizationFailed: return "GROUP_AUTHORIZATION_FAILED";
    case ErrorCode::kClusterAuthorizationFailed: return "CLUSTER_AUTHORIZATION_FAILED";
    case ErrorCode::kTransactionalIdAuthorizationFailed: return "TRANSACTIONAL_ID_AUTHORIZATION_FAILED";
    case ErrorCode::kStaleBrokerEpoch: return "STALE_BROKER_EPOCH";
    case ErrorCode::kInvalidUpdateVersion: return "INVALID_UPDATE_VERSION";
    case ErrorCode::kDuplicateBrokerRegistration: return "DUPLICATE_BROKER_REGISTRATION";
    case ErrorCode::kBrokerIdNotRegistered: return "BROKER_ID_NOT_REGISTERED";
    case ErrorCode::kInvalidConfig: return "INVALID_CONFIG";
    case ErrorCode::kInvalidReplicaAssignment: return "INVALID_REPLICA_ASSIGNMENT";
    case ErrorCode::kNoReassignmentInProgress: return "NO_REASSIGNMENT_IN_PROGRESS";
    case ErrorCode::kIneligibleReplica: return "INELIGIBLE_REPLICA";
    case ErrorCode::kCoordinatorNotAvailable: return "COORDINATOR_NOT_AVAILABLE";
    case ErrorCode::kNotCoordinator: return "NOT_COORDINATOR";
    case ErrorCode::kIllegalGeneration: return "ILLEGAL_GENERATION";
    case ErrorCode::kInconsistentGroupProtocol: return "INCONSISTENT_GROUP_PROTOCOL";
    case ErrorCode::kUnknownMemberId: return "UNKNOWN_MEMBER_ID";
    case ErrorCode::kInvalidSessionTimeout: return "INVALID_SESSION_TIMEOUT";
    case ErrorCode::kRebalanceInProgress: return "REBALANCE_IN_PROGRESS";
    case ErrorCode::kFencedInstanceId: return "FENCED_INSTANCE_ID";
    case ErrorCode::kInvalidTxnState: return "INVALID_TXN_STATE";
    case ErrorCode::kInvalidProducerIdMapping: return "INVALID_PRODUCER_ID_MAPPING";
    case ErrorCode::kInvalidTransactionTimeout: return "INVALID_TRANSACTION_TIMEOUT";
    case ErrorCode::kConcurrentTransactions: return "CONCURRENT_TRANSACTIONS";
    case ErrorCode::kTransactionCoordinatorFenced: return "TRANSACTION_COORDINATOR_FENCED";
    case ErrorCode::kProducerFenced: return "PRODUCER_FENCED";
    case ErrorCode::kUnstableOffsetCommit: return "UNSTABLE_OFFSET_COMMIT";
    case ErrorCode::kUnexpectedAppendOffset: return "UNEXPECTED_APPEND_OFFSET";
    case ErrorCode::kBufferExhausted: return "BUFFER_EXHAUSTED";
    case ErrorCode::kRecordTooLarge: return "RECORD_TOO_LARGE";
  }
  return "?";
}

ErrorCode from_io_status(sim::IoStatus s) {
  return s == sim::IoStatus::kOk ? ErrorCode::kNone : ErrorCode::kKafkaStorageError;
}

}  // namespace broker_model
