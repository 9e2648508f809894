#include "broker_model/variants.h"

namespace broker_model {

namespace {

using V = Variant;

// Sources are in docs/bug-zoo.md, with what each variant breaks and the scenario that shows it.
const std::vector<VariantInfo> kCatalogue = {
    {V::kPreKip101Truncation, "pre-kip-101-truncation", "replication", "KIP-101 (Kafka 0.11.0.0)",
     "a new follower truncates its log to its own high watermark instead of asking the leader "
     "(OffsetsForLeaderEpoch)"},
    {V::kPreKip279EpochLookup, "pre-kip-279-epoch-lookup", "replication", "KIP-279 / KAFKA-6361 (Kafka 2.0.0)",
     "a follower truncates to the leader's end offset for the epoch it asked about, ignoring the (older) epoch "
     "the leader answered with"},
    {V::kPreKip320UnfencedFetch, "pre-kip-320-unfenced-fetch", "replication", "KIP-320 (Kafka 2.1.0)",
     "leaders serve Fetch and OffsetsForLeaderEpoch without checking the requester's current leader epoch"},
    {V::kKafka7128IsrExpansion, "kafka-7128-isr-expansion", "replication", "KAFKA-7128 (Kafka 2.1.0, 2.0.1)",
     "a follower rejoins the ISR once it reaches the high watermark, which can lag behind the start of the "
     "leader's epoch on a new leader"},
    {V::kHwOverCommittedIsr, "hw-over-committed-isr", "replication",
     "eddy's seed-47 finding (commit ca79723); KIP-497's maximal ISR (Kafka 2.7.0)",
     "the leader's high watermark counts only the committed ISR while an ISR expansion is in flight"},
    {V::kRaftVoteBeforePersist, "raft-vote-before-persist", "raft", "Raft figure 2; KIP-595 quorum-state file",
     "a quorum member grants its vote before votedFor and the term are on disk; a crash lets it vote twice in "
     "one term"},
    {V::kRaftCommitPreviousTerm, "raft-commit-previous-term", "raft", "Raft section 5.4.2 (figure 8)",
     "a Raft leader counts replicas to commit entries of earlier terms"},
    {V::kRaftNoElectionRestriction, "raft-no-election-restriction", "raft", "Raft section 5.4.1",
     "a quorum member votes for a candidate whose log is behind its own"},
    {V::kRaftNoPrevote, "raft-no-prevote", "raft", "KIP-996 (Kafka 4.0.0); Raft thesis section 9.6",
     "a quorum member that cannot reach the leader starts a real election at once (no pre-vote), so a voter that "
     "was cut off comes back with a higher term and deposes a healthy leader"},
    {V::kPreKafka5494OneBatch, "pre-kafka-5494-one-batch", "producer", "KAFKA-5494 (Kafka 1.0.0)",
     "the broker remembers only a producer's last batch, so a retry of an older one of up to five in flight is "
     "written again"},
    {V::kProducerBumpBehindAcked, "producer-bump-behind-acked", "producer",
     "KAFKA-5793 / TransactionManager.canRetry (Kafka 1.0.0)",
     "on OUT_OF_ORDER_SEQUENCE_NUMBER the idempotent producer bumps its epoch and renumbers a batch that is "
     "behind ones already acknowledged"},
    {V::kGroupCommitIgnoresGeneration, "group-commit-ignores-generation", "groups", "KAFKA-2555 (Kafka 0.9.0.0)",
     "the group coordinator accepts OffsetCommit from a member of an older generation"},
    {V::kOffsetsNotLoadedOnFailover, "offsets-not-loaded-on-failover", "groups",
     "apache/kafka#2436 HOTFIX (Kafka 0.10.2.0)",
     "a new group coordinator answers OffsetFetch before it has loaded the group's committed offsets"},
    {V::kPreKip966NoElr, "pre-kip-966-no-elr", "replication",
     "KIP-966 eligible leader replicas (Kafka 4.0.0, on by default for new clusters in 4.1.0)",
     "eligible.leader.replicas.version=0: the last ISR member stays in the ISR when it is fenced and leads "
     "again after an unclean shutdown that cost it acknowledged records; the high watermark also advances "
     "below min.insync.replicas"},
    {V::kReadCommittedPastLso, "read-committed-past-lso", "transactions",
     "eddy's mutation of KIP-98's last stable offset (Partition.fetchRecords with read_committed)",
     "read_committed fetches read to the high watermark instead of the last stable offset"},
    {V::kNoAbortedTransactionsInFetch, "no-aborted-transactions-in-fetch", "transactions",
     "eddy's mutation of KIP-98's aborted-transactions index (FetchResponse.AbortedTransactions)",
     "read_committed fetches carry no aborted transactions, so consumers keep aborted records"},
    {V::kControlledShutdownNoWait, "controlled-shutdown-no-wait", "operations",
     "eddy's mutation of KIP-631 controlled shutdown (BrokerServer.shutdown waiting on controlledShutdownFuture)",
     "a stopping broker asks the controller for a controlled shutdown but stops without waiting for its "
     "leaderships to move, so its partitions are leaderless until its session expires"},
    {V::kCtpOffsetsOutsideTransaction, "ctp-offsets-outside-transaction", "transactions",
     "eddy's mutation of KIP-98's sendOffsetsToTransaction (the at-least-once pattern in a transactional pipeline)",
     "a consume-transform-produce member commits its offsets with commitSync after its transaction, not in it"},
    {V::kAclAllowOverridesDeny, "acl-allow-overrides-deny", "security",
     "eddy's mutation of KRaft's StandardAuthorizerData (MatchingRuleBuilder.build: a matching DENY wins)",
     "the brokers' authorizer lets a matching ALLOW win over a matching DENY"},
    {V::kAclRemovalsIgnored, "acl-removals-ignored", "security",
     "eddy's mutation of KRaft's AclPublisher (brokers replay RemoveAccessControlEntryRecord into the authorizer)",
     "brokers never apply RemoveAccessControlEntryRecord: a revoked ACL keeps allowing on every broker that had it"},
    {V::kStaleEpochProduceAccepted, "stale-epoch-produce-accepted", "transactions",
     "eddy's mutation of KIP-98's producer fencing (ProducerAppendInfo.checkProducerEpoch on a produce)",
     "leaders append a produce whose producer epoch is older than the producer's: a fenced zombie's late "
     "writes join the next instance's transaction"},
    {V::kAckOnFailedLogDir, "ack-on-failed-log-dir", "operations",
     "eddy's mutation of KIP-112 (a replica in a failed log directory answers KAFKA_STORAGE_ERROR)",
     "a leader whose log directory failed acknowledges writes it could not append, at its log end offset"},
    {V::kLogDirFailureUnreported, "log-dir-failure-unreported", "operations",
     "eddy's mutation of KIP-858 (BrokerHeartbeat OfflineLogDirs, ReplicationControlManager.handleDirectoriesOffline)",
     "a broker takes a failed log directory's replicas offline but never tells the controller, so their "
     "leaderships stay on it while it heartbeats"},
};

}  // namespace

const std::vector<VariantInfo>& variant_catalogue() { return kCatalogue; }

const VariantInfo& info_of(Variant v) { return kCatalogue.at(static_cast<size_t>(v)); }

std::optional<Variant> variant_from_name(std::string_view name) {
  for (const VariantInfo& i : kCatalogue)
    if (name == i.name) return i.variant;
  return std::nullopt;
}

std::string known_variant_names() {
  std::string out;
  for (const VariantInfo& i : kCatalogue) out += (out.empty() ? "" : ", ") + std::string(i.name);
  return out;
}

std::vector<std::string> ProtocolVariants::names() const {
  std::vector<std::string> out;
  for (const VariantInfo& i : kCatalogue)
    if (has(i.variant)) out.push_back(i.name);
  return out;
}

std::string ProtocolVariants::str() const {
  std::string out;
  for (const std::string& n : names()) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

}  // namespace broker_model
