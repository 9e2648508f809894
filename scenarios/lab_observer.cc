#include "scenarios/lab_observer.h"

#include "broker_model/security/security_events.h"

#include <algorithm>
#include <string>
#include <vector>

#include "broker_model/broker/broker_events.h"
#include "broker_model/clients/client_events.h"
#include "broker_model/controller/raft_events.h"
#include "broker_model/group/consumer_protocol.h"
#include "broker_model/group/group_events.h"

namespace scenarios {

using namespace broker_model;
using checkers::AcceptedCommit;
using checkers::GroupEvent;
using checkers::StableGeneration;
using checkers::TimelineEvent;
using sim::EventOrigin;

namespace {

std::string list(const std::vector<BrokerId>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i].str();
  return s + "]";
}

std::string err(ErrorCode e) { return to_string(e); }

// A coordinator's group event in the History's consumer-group record.
GroupEvent coordinator_event(const EventOrigin& o, const GroupFacts& g, const char* kind, std::string detail) {
  return GroupEvent{o.at, g.group, kind, g.coordinator, -1, g.generation, std::move(detail)};
}

// A member's.
GroupEvent member_event(const EventOrigin& o, const MemberFacts& m, const char* kind, std::string detail) {
  return GroupEvent{o.at, m.group, kind, m.coordinator, m.consumer, m.generation, std::move(detail)};
}

// What the producer's attempt came back with, as the duplicate stories tell it.
std::string answer_text(const ProduceBatchAttempt& a) {
  switch (a.answer) {
    case AttemptAnswer::kNone: return "";
    case AttemptAnswer::kAcknowledged: return "acknowledged at offset " + a.offset.str();
    case AttemptAnswer::kError: return err(a.error);
    case AttemptAnswer::kNoResponse: return "no response (request.timeout.ms): may have been appended";
    case AttemptAnswer::kPartitionMissing: return "partition missing";
  }
  return "";
}

}  // namespace

LabObserver::LabObserver(sim::World& world, checkers::History& history, ClusterFacts& facts)
    : world_(world), history_(history), facts_(facts) {
  // Fetch-session outcomes first: one comes with nearly every fetch, and an emit finds its
  // subscribers by scanning the subscribed types in this order.
  subscribe_fetch_sessions();
  subscribe_replicas();
  subscribe_controllers();
  subscribe_coordinators();
  subscribe_clients();
  subscribe_members();
}

void LabObserver::timeline(const EventOrigin& o, const char* kind, const TopicPartition& tp, BrokerId broker,
                           std::string detail) {
  history_.timeline(TimelineEvent{o.at, kind, tp, broker, std::move(detail)});
}

std::optional<BrokerId> ClusterFacts::busiest_leader() const {
  std::map<BrokerId, int> led;
  for (const auto& [tp, leader] : leaders) ++led[leader.first];
  std::optional<BrokerId> best;
  int most = 0;
  for (const auto& [b, n] : led)
    if (n > most) best = b, most = n;
  return best;
}

std::vector<BrokerId> ClusterFacts::followers_of(const TopicPartition& tp) const {
  std::vector<BrokerId> out;
  auto leader = leaders.find(tp);
  auto f = follows.find(tp);
  if (leader == leaders.end() || f == follows.end()) return out;
  for (const auto& [broker, epoch] : f->second)
    if (epoch == leader->second.second && broker != leader->second.first) out.push_back(broker);
  return out;
}

void ClusterFacts::begin_outage(std::string fault, sim::Instant at) {
  outages_.push_back(LeaderOutage{std::move(fault), at, 0, 0, sim::Instant::epoch()});
}

void ClusterFacts::leader_taken_out(const TopicPartition& tp, sim::Instant at) {
  if (!leaderless_since.emplace(tp, at).second || outages_.empty()) return;
  LeaderOutage& o = outages_.back();
  ++o.partitions;
  ++o.still_leaderless;
  outage_of_[tp] = outages_.size() - 1;
}

void ClusterFacts::leader_back(const TopicPartition& tp, sim::Instant at) {
  auto it = leaderless_since.find(tp);
  if (it == leaderless_since.end()) return;
  longest_leaderless_ = std::max(longest_leaderless_, at - it->second);
  leaderless_since.erase(it);
  auto o = outage_of_.find(tp);
  if (o == outage_of_.end()) return;
  LeaderOutage& outage = outages_[o->second];
  if (--outage.still_leaderless == 0) outage.all_led_again = at;
  outage_of_.erase(o);
}

void ClusterFacts::close_leaderless(sim::Instant at) {
  // The end of the run ends the intervals; the outages that had not ended stay open.
  for (const auto& [tp, since] : leaderless_since) longest_leaderless_ = std::max(longest_leaderless_, at - since);
  leaderless_since.clear();
}

void LabObserver::subscribe_replicas() {
  sim::EventBus& bus = world_.events();
  bus.subscribe<PartitionLeaderStarted>([this](const EventOrigin& o, const PartitionLeaderStarted& e) {
    bool first = facts_.leaders.count(e.tp) == 0;
    auto& current = facts_.leaders[e.tp];
    if (first || e.leader_epoch > current.second) facts_.leader_back(e.tp, o.at);
    if (e.unclean) history_.replica_invariants().unclean_election(e.tp);  // committed history given up
    if (e.leader_epoch >= current.second) {
      current = {e.broker, e.leader_epoch};
      facts_.isr[e.tp] = e.isr;
    }
    timeline(o, e.unclean ? "leader (unclean)" : "leader", e.tp, e.broker,
             "epoch " + e.leader_epoch.str() + ", log end " + e.log_end_offset.str() + ", high watermark " +
                 e.high_watermark.str() + ", isr " + list(e.isr));
  });
  // The replicas' invariants (checkers/replica_invariants.h): every high-watermark move.
  bus.subscribe<HighWatermarkUpdated>([this](const EventOrigin& o, const HighWatermarkUpdated& e) {
    history_.replica_invariants().high_watermark(checkers::HighWatermarkReport{
        o.at, e.tp, e.broker, o.incarnation, e.leader_epoch, e.leader, e.from, e.high_watermark, e.log_end_offset,
        e.epochs});
  });
  bus.subscribe<PartitionFollowerStarted>([this](const EventOrigin& o, const PartitionFollowerStarted& e) {
    facts_.follows[e.tp][e.broker] = e.leader_epoch;
    timeline(o, "follower", e.tp, e.broker, "of broker " + e.leader.str() + " at epoch " + e.leader_epoch.str());
  });
  bus.subscribe<IsrChanged>([this](const EventOrigin& o, const IsrChanged& e) {
    if (facts_.partition_leader(e.tp) == e.broker) {
      facts_.isr[e.tp] = e.to;
      auto missing = [](const std::vector<BrokerId>& a, const std::vector<BrokerId>& b) {
        return std::any_of(a.begin(), a.end(), [&b](BrokerId x) { return std::find(b.begin(), b.end(), x) == b.end(); });
      };
      if (missing(e.from, e.to)) ++facts_.isr_shrinks;
      if (missing(e.to, e.from)) ++facts_.isr_expands;
    }
    timeline(o, "isr", e.tp, e.broker, list(e.from) + " -> " + list(e.to));
  });
  bus.subscribe<IsrShrinkProposed>([this](const EventOrigin& o, const IsrShrinkProposed& e) {
    timeline(o, "isr-shrink-proposed", e.tp, e.broker,
             "drop " + list(e.dropped) + " (no catch-up within replica.lag.time.max.ms)");
  });
  bus.subscribe<IsrExpandProposed>([this](const EventOrigin& o, const IsrExpandProposed& e) {
    timeline(o, "isr-expand-proposed", e.tp, e.broker, "add broker " + e.follower.str());
  });
  bus.subscribe<LogTruncated>([this](const EventOrigin& o, const LogTruncated& e) {
    // A whole-log truncation restarts the log at the leader's log start (`to`): below it the
    // leader's retention removed the offsets; what this replica held from `to` up is cut as by
    // any truncation.
    history_.log_cut(checkers::LogCut{o.at, e.tp, e.broker, e.from_log_end, e.to, false});
    timeline(o, "truncate", e.tp, e.broker,
             e.whole_log ? "everything (log end " + e.from_log_end.str() + "), restart at " + e.to.str() + " (" + e.reason + ")"
                         : "from log end " + e.from_log_end.str() + " to " + e.to.str() + " (" + e.reason + ")");
  });
  bus.subscribe<DuplicateBatchAnswered>([this](const EventOrigin& o, const DuplicateBatchAnswered& e) {
    timeline(o, "duplicate-batch", e.tp, e.broker,
             "producer id " + e.producer_id.str() + " epoch " + std::to_string(e.producer_epoch) + " sequence " +
                 std::to_string(e.base_sequence) + " already at offset " + e.first_offset.str() + ": not appended again");
  });
  bus.subscribe<ProducerStateRebuilt>([this](const EventOrigin& o, const ProducerStateRebuilt& e) {
    timeline(o, "producer-state-rebuilt", e.tp, e.broker,
             std::to_string(e.producers) + " producer(s) from " + std::to_string(e.batches_scanned) +
                 " batches scanned up to log end " + e.log_end_offset.str());
  });
  bus.subscribe<ReassignmentBytesFetched>([this](const EventOrigin&, const ReassignmentBytesFetched& e) {
    history_.reassignments().moved(world_.now(), e.bytes);
  });
  bus.subscribe<LogDirFailed>([this](const EventOrigin& o, const LogDirFailed& e) {
    if (e.broker_halts || e.dir.empty())
      timeline(o, "log-dir-failed", {}, e.broker, "log directory failed at " + e.log + ": the broker halts");
    else
      timeline(o, "log-dir-failed", {}, e.broker,
               "log directory " + e.dir + " failed at " + e.log + ": its " + std::to_string(e.replicas) +
                   " replica(s) offline, the broker goes on with its other directories (KIP-112)");
  });
  bus.subscribe<RetentionDeleted>([this](const EventOrigin& o, const RetentionDeleted& e) {
    history_.log_cut(checkers::LogCut{o.at, e.tp, e.broker, e.from_log_start, e.log_start_offset, true});
    timeline(o, "retention", e.tp, e.broker,
             std::to_string(e.segments) + " segment(s) deleted: offsets " + e.from_log_start.str() + ".." +
                 (e.log_start_offset - 1).str() + ", log start now " + e.log_start_offset.str());
  });
  bus.subscribe<LogCompacted>([this](const EventOrigin& o, const LogCompacted& e) {
    timeline(o, "compaction", e.tp, e.broker,
             "cleaned below offset " + e.first_uncleanable.str() + ": " + std::to_string(e.records_removed) +
                 " superseded record(s) and " + std::to_string(e.tombstones_removed) + " tombstone(s) removed");
  });
}

void LabObserver::subscribe_fetch_sessions() {
  sim::EventBus& bus = world_.events();
  checkers::FetchSessionStats& stats = history_.fetch_sessions();
  bus.subscribe<IncrementalFetchAnswered>([&stats](const EventOrigin&, const IncrementalFetchAnswered& e) {
    ++stats.incremental;
    stats.partitions_omitted += e.partitions_omitted;
  });
  bus.subscribe<FetchSessionCreated>([&stats](const EventOrigin&, const FetchSessionCreated&) { ++stats.created; });
  bus.subscribe<FetchSessionNotCreated>([&stats](const EventOrigin&, const FetchSessionNotCreated&) { ++stats.not_created; });
  bus.subscribe<FetchSessionEvicted>([&stats](const EventOrigin&, const FetchSessionEvicted&) { ++stats.evicted; });
  bus.subscribe<FetchSessionRefused>([&stats](const EventOrigin&, const FetchSessionRefused& e) {
    ++(e.error == ErrorCode::kFetchSessionIdNotFound ? stats.id_not_found : stats.invalid_epoch);
  });
}

namespace {
checkers::AclEntry acl_entry_of(const broker_model::security::AclBinding& b) {
  namespace sec = broker_model::security;
  return checkers::AclEntry{sec::name_of(b.resource_type), b.resource_name, b.pattern_type == sec::PatternType::kPrefixed,
                            b.principal, b.host, sec::name_of(b.operation), b.permission == sec::AclPermission::kAllow};
}
}  // namespace

void LabObserver::observe_security() {
  world_.events().subscribe<AclRecordCommitted>([this](const EventOrigin& o, const AclRecordCommitted& e) {
    if (!acl_changes_seen_.insert({e.id, e.removed}).second) return;
    history_.acl().changes.push_back(checkers::AclChange{o.at, e.id, e.removed, acl_entry_of(e.acl)});
    timeline(o, "acl-committed", {}, kNoBroker, (e.removed ? "removed " : "created ") + e.acl.str());
  });
  world_.events().subscribe<AclRecordApplied>([this](const EventOrigin& o, const AclRecordApplied& e) {
    history_.acl().applies.push_back(checkers::AclApply{o.at, e.broker, e.id, e.removed, e.process_started, e.ignored});
  });
  world_.events().subscribe<AclAccessAccepted>([this](const EventOrigin&, const AclAccessAccepted& e) {
    history_.acl().accesses.push_back(
        checkers::AclAccess{e.at, e.broker, e.principal, broker_model::security::name_of(e.operation), e.tp, e.records});
  });
}

void LabObserver::subscribe_controllers() {
  world_.events().subscribe<RaftLeaderElected>([this](const EventOrigin& o, const RaftLeaderElected& e) {
    if (e.term.value() >= facts_.active_controller_term) {
      facts_.active_controller_term = e.term.value();
      facts_.active_controller = static_cast<int>(e.node.value);
    }
    // For the reports' controller timeline.
    timeline(o, "controller-leader", {}, kNoBroker, world_.node(e.node).name() + " term " + e.term.str());
    history_.controller().elections.push_back(checkers::RaftElection{o.at, e.term.value(), e.node.value});
  });
  // Every member reports every committed offset (again from 0 after a restart): kept only
  // when it is news for the checker (a first commit of an offset, or one that differs), so
  // the record stays as small as the metadata log.
  world_.events().subscribe<RaftEntryCommitted>([this](const EventOrigin& o, const RaftEntryCommitted& e) {
    auto& commits = history_.controller().commits;
    auto& first = first_commit_of_offset_;
    auto it = first.find(e.offset.value());
    if (it != first.end()) {
      const checkers::RaftCommit& seen = commits[it->second];
      if (seen.term == e.term.value() && seen.digest == e.batch_digest) return;
    } else {
      first.emplace(e.offset.value(), commits.size());
    }
    commits.push_back(checkers::RaftCommit{o.at, e.node.value, e.offset.value(), e.term.value(), e.batch_digest});
  });
}

void LabObserver::subscribe_coordinators() {
  sim::EventBus& bus = world_.events();
  auto& events = history_.groups().events;
  bus.subscribe<GroupCoordinatorLoaded>([&events](const EventOrigin& o, const GroupCoordinatorLoaded& e) {
    events.push_back(coordinator_event(
        o, e.g, "coordinator-loaded",
        "state " + e.state + ", generation " + std::to_string(e.g.generation) + ", " + std::to_string(e.members) +
            " member(s), " + std::to_string(e.committed_offsets) + " committed offset(s); " +
            std::to_string(e.records_replayed) + " record(s) replayed from " + e.offsets_partition.str() +
            " at leader epoch " + e.leader_epoch.str()));
  });
  bus.subscribe<GroupCoordinatorUnloaded>([&events](const EventOrigin& o, const GroupCoordinatorUnloaded& e) {
    events.push_back(coordinator_event(o, e.g, "coordinator-unloaded", e.reason));
  });
  bus.subscribe<GroupRebalancePrepared>([&events](const EventOrigin& o, const GroupRebalancePrepared& e) {
    events.push_back(coordinator_event(o, e.g, "rebalance",
                                       "preparing rebalance after generation " + std::to_string(e.g.generation) + ": " + e.reason));
  });
  bus.subscribe<GroupEmptied>([&events](const EventOrigin& o, const GroupEmptied& e) {
    events.push_back(coordinator_event(o, e.g, "empty", "generation " + std::to_string(e.g.generation) + ": no members left"));
  });
  bus.subscribe<GroupJoinCompleted>([&events](const EventOrigin& o, const GroupJoinCompleted& e) {
    std::string names;
    for (const std::string& m : e.members) names += (names.empty() ? "" : ", ") + m;
    events.push_back(coordinator_event(o, e.g, "join-complete",
                                       "generation " + std::to_string(e.g.generation) + " protocol " + e.protocol +
                                           " leader " + e.leader + " members [" + names + "]"));
  });
  bus.subscribe<GroupMemberRemoved>([&events](const EventOrigin& o, const GroupMemberRemoved& e) {
    events.push_back(coordinator_event(o, e.g, "member-removed", e.member_id + ": " + e.reason));
  });
  bus.subscribe<GroupStaticMemberReplaced>([&events](const EventOrigin& o, const GroupStaticMemberReplaced& e) {
    events.push_back(coordinator_event(o, e.g, "static-member-replaced",
                                       e.instance_id + ": member " + e.old_member_id + " fenced, now " + e.new_member_id));
  });
  bus.subscribe<GroupSyncFailed>([&events](const EventOrigin& o, const GroupSyncFailed& e) {
    events.push_back(coordinator_event(o, e.g, "sync-failed", "writing the group's assignment failed: " + err(e.error)));
  });
  bus.subscribe<GroupGenerationStable>([this, &events](const EventOrigin& o, const GroupGenerationStable& e) {
    events.push_back(coordinator_event(o, e.g, "stable",
                                       "generation " + std::to_string(e.g.generation) + " assignment written to " +
                                           e.offsets_partition.str()));
    history_.groups().generations.push_back(
        StableGeneration{o.at, e.g.group, e.g.coordinator, e.g.generation, e.protocol, e.leader, e.assignment});
  });
  bus.subscribe<OffsetCommitRejected>([&events](const EventOrigin& o, const OffsetCommitRejected& e) {
    events.push_back(coordinator_event(o, e.g, "commit-rejected",
                                       err(e.error) + ": member " + e.member_id + " at generation " +
                                           std::to_string(e.commit_generation) + " committing " +
                                           std::to_string(e.partitions) + " partition(s)"));
  });
  bus.subscribe<OffsetCommitAccepted>([this](const EventOrigin& o, const OffsetCommitAccepted& e) {
    for (const auto& [tp, offset] : e.offsets)
      history_.groups().accepted_commits.push_back(
          AcceptedCommit{e.validated, o.at, e.g.group, e.g.coordinator, e.member_id, e.g.generation, tp, offset, e.epoch.value()});
  });
  bus.subscribe<OffsetCommitAppending>([this](const EventOrigin& o, const OffsetCommitAppending& e) {
    for (const auto& [tp, offset] : e.offsets)
      history_.groups().appending_commits.push_back(
          checkers::AppendingCommit{o.at, e.g.group, e.g.coordinator, tp, offset, e.transactional});
  });
  bus.subscribe<OffsetFetchAnswered>([this](const EventOrigin& o, const OffsetFetchAnswered& e) {
    for (const auto& [tp, offset] : e.offsets)
      history_.groups().fetched_offsets.push_back(
          checkers::FetchedOffset{o.at, e.g.group, e.g.coordinator, e.epoch.value(), tp, offset});
  });
}

void LabObserver::subscribe_clients() {
  sim::EventBus& bus = world_.events();
  bus.subscribe<ProduceErrorAnswered>([this](const EventOrigin&, const ProduceErrorAnswered& e) {
    ++facts_.produce_error_answers[to_string(e.error)];
  });
  bus.subscribe<ProduceBatchAttempt>([this](const EventOrigin&, const ProduceBatchAttempt& a) {
    if (a.producer < 0) return;  // a Kinesis frontend's internal producer (kinesis/stream_frontend.h)
    checkers::ProduceAttempt p;
    p.producer = a.producer;
    p.tp = a.tp;
    p.attempt = a.attempt;
    p.sent = a.sent;
    p.answered = a.answered;
    p.broker = a.broker;
    p.result = answer_text(a);
    p.producer_id = a.producer_id;
    p.producer_epoch = a.producer_epoch;
    p.base_sequence = a.base_sequence;
    p.ops.assign(a.tokens.begin(), a.tokens.end());  // the workload's tokens are its History indexes
    history_.produce_attempt(std::move(p));
  });
  bus.subscribe<ConsumerOffsetReset>([this](const EventOrigin& o, const ConsumerOffsetReset& e) {
    timeline(o, "consumer-reset", e.tp, e.broker,
             history_.consumer_name(e.consumer) + " offset " + e.position.str() +
                 " out of range; reset per auto.offset.reset to " + e.reset_to.str());
  });
  bus.subscribe<ConsumerNoOffset>([this](const EventOrigin& o, const ConsumerNoOffset& e) {
    timeline(o, "consumer-no-offset", e.tp, kNoBroker,
             history_.consumer_name(e.consumer) + ": out of range and auto.offset.reset=none; not consuming it");
  });
  bus.subscribe<ConsumerTruncationDetected>([this](const EventOrigin& o, const ConsumerTruncationDetected& e) {
    timeline(o, "consumer-truncation-detected", e.tp, kNoBroker,
             history_.consumer_name(e.consumer) + " at offset " + e.position.str() + "; the leader's epoch " +
                 e.leader_epoch.str() + " ends at " + e.end_offset.str());
  });
}

void LabObserver::subscribe_members() {
  sim::EventBus& bus = world_.events();
  auto& events = history_.groups().events;
  bus.subscribe<MemberCoordinatorFound>([&events](const EventOrigin& o, const MemberCoordinatorFound& e) {
    events.push_back(member_event(o, e.m, "coordinator-found", "broker " + e.m.coordinator.str()));
  });
  bus.subscribe<MemberCoordinatorLost>([&events](const EventOrigin& o, const MemberCoordinatorLost& e) {
    events.push_back(member_event(o, e.m, "coordinator-lost", "broker " + e.m.coordinator.str() + ": " + e.reason));
  });
  bus.subscribe<MemberPollTimeout>([&events](const EventOrigin& o, const MemberPollTimeout& e) {
    events.push_back(member_event(o, e.m, "poll-timeout",
                                  "no poll for more than max.poll.interval.ms (" + std::to_string(e.max_poll_interval_ms) +
                                      " ms): leaving the group"));
  });
  bus.subscribe<MemberHeartbeatFenced>([&events](const EventOrigin& o, const MemberHeartbeatFenced& e) {
    events.push_back(member_event(o, e.m, "heartbeat-fenced",
                                  err(e.error) + " for member " + e.member_id + " generation " + std::to_string(e.m.generation)));
  });
  bus.subscribe<MemberPartitionsLost>([&events](const EventOrigin& o, const MemberPartitionsLost& e) {
    events.push_back(member_event(o, e.m, "partitions-lost", format_partitions(e.partitions)));
  });
  bus.subscribe<MemberJoinFailed>([&events](const EventOrigin& o, const MemberJoinFailed& e) {
    if (e.fatal)
      events.push_back(member_event(o, e.m, "fatal", "JoinGroup: " + err(e.error)));
    else
      events.push_back(member_event(o, e.m, "join-failed", err(e.error) + ": starting over as a new member"));
  });
  bus.subscribe<MemberSyncFailed>([&events](const EventOrigin& o, const MemberSyncFailed& e) {
    events.push_back(member_event(o, e.m, "sync-failed", err(e.error) + " at generation " + std::to_string(e.joined_generation)));
  });
  bus.subscribe<MemberAssigned>([&events](const EventOrigin& o, const MemberAssigned& e) {
    events.push_back(member_event(o, e.m, "assigned",
                                  "generation " + std::to_string(e.m.generation) + " (" + e.protocol +
                                      "): " + format_partitions(e.assignment)));
  });
  bus.subscribe<MemberCommitFailed>([&events](const EventOrigin& o, const MemberCommitFailed& e) {
    events.push_back(member_event(o, e.m, "commit-failed",
                                  err(e.error) + ": the commit of member " + e.member_id + " at generation " +
                                      std::to_string(e.commit_generation) + " was rejected"));
  });
  bus.subscribe<MemberPositionFetched>([&events](const EventOrigin& o, const MemberPositionFetched& e) {
    events.push_back(member_event(o, e.m, "position",
                                  e.tp.str() + (e.committed >= Offset{0} ? " from committed offset " + e.committed.str()
                                                                         : " has no committed offset: auto.offset.reset=" +
                                                                               e.auto_offset_reset)));
  });
  bus.subscribe<MemberNoOffset>([&events](const EventOrigin& o, const MemberNoOffset& e) {
    events.push_back(member_event(o, e.m, "no-offset", e.tp.str() + ": out of range and auto.offset.reset=none; not consuming it"));
  });
  bus.subscribe<MemberOffsetReset>([&events](const EventOrigin& o, const MemberOffsetReset& e) {
    events.push_back(member_event(o, e.m, "offset-reset",
                                  e.tp.str() + " offset " + e.from.str() + " out of range; reset to " + e.to.str()));
  });
  bus.subscribe<MemberTruncationDetected>([&events](const EventOrigin& o, const MemberTruncationDetected& e) {
    events.push_back(member_event(o, e.m, "truncation-detected",
                                  e.tp.str() + " at offset " + e.from.str() + ": the leader's epoch " +
                                      e.leader_epoch.str() + " ends at " + e.to.str() + "; goes back there"));
  });
}

}  // namespace scenarios
