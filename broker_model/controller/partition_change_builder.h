// PartitionChangeBuilder: decides a partition's next leader, ISR and eligible leader replicas,
// as Kafka's class of the same name does
// (metadata/src/main/java/org/apache/kafka/controller/PartitionChangeBuilder.java), and writes
// the change as a PartitionChangeRecord (nullopt when nothing changes).
//
// Rules: ISR members whose broker is not active (fenced or gone) leave the ISR; a leader
// that is active and in the ISR keeps its place; otherwise the first replica (assignment
// order) that is active and in the ISR leads; with none and unclean.leader.election.enable,
// the first active replica leads with ISR = {it} (an unclean election, flagged in the
// record); otherwise the partition is offline (leader -1). leader_epoch grows by one when
// the leader changes, partition_epoch by one with every change.
//
// Without eligible leader replicas (eligible.leader.replicas.version=0, Kafka before 4.0, the
// `pre-kip-966-no-elr` variant) the ISR never becomes empty: when nobody in it is active, the
// last leader stays as its only member and leads again the moment it is unfenced, whatever
// its disk lost in the meantime.
//
// With them (KIP-966, https://cwiki.apache.org/confluence/display/KAFKA/KIP-966%3A+Eligible+Leader+Replicas;
// Kafka's maybePopulateTargetElr, electAnyLeader, maybeUpdateLastKnownLeader):
// - the ISR may become empty;
// - while the new ISR is below min.insync.replicas, the ELR is (old ELR + old ISR) minus the
//   new ISR minus a replica that just registered after an unclean shutdown; once the ISR is
//   back at min.insync.replicas the ELR is empty. A replica that left the ISR while the ISR
//   was below min.insync.replicas holds everything committed, because the leader's high
//   watermark does not move while the ISR is below it (the broker's half of KIP-966);
// - when the ISR is empty, an active ELR member may be elected (clean): it becomes the ISR;
// - when ISR and ELR are both empty, the last known leader (recorded when the ISR first
//   became empty) is elected once it is active, as an unclean election — Kafka 4.0's
//   "select the last known leader if it is unfenced", which is what happened before 4.0;
// - an unclean election clears the ELR.
//
// Reassignment (KIP-455; Kafka's PartitionChangeBuilder.completeReassignmentIfNeeded with
// PartitionReassignmentReplicas.maybeCompleteReassignment, and
// triggerLeaderEpochBumpForReplicaReassignmentIfNeeded): the builder may be given target
// replicas, adding and removing replicas. Before the election, a reassignment in progress
// completes when the next ISR without the removing replicas is not empty and holds every
// replica that stays: the replicas become those, the ISR loses the removing ones, adding and
// removing are cleared. Leaders are elected in the order of the (new) replica list, so a
// leader being removed is replaced by the first target replica in the ISR. A change that
// drops a replica from the list bumps the leader epoch even when the leader stays (the
// record then names the same leader), so the removed replicas' fetches are fenced.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "broker_model/controller/metadata_image.h"

namespace broker_model {

class PartitionChangeBuilder {
 public:
  using IsActive = std::function<bool(BrokerId)>;

  PartitionChangeBuilder(TopicPartition tp, const PartitionRegistration& current, IsActive is_active,
                         bool unclean_leader_election_enable);

  // The ISR a leader asked for (AlterPartition); the default is the current one.
  PartitionChangeBuilder& set_target_isr(std::vector<BrokerId> isr);
  // KIP-966 on (eligible.leader.replicas.version >= 1) with the topic's min.insync.replicas.
  PartitionChangeBuilder& set_eligible_leader_replicas(bool enabled, int32_t min_insync_replicas);
  // A replica that registered again without proof of a clean shutdown: it leaves the ISR and
  // the ELR and may not be elected by this change (Kafka's setUncleanShutdownReplicas).
  PartitionChangeBuilder& set_unclean_shutdown_replica(BrokerId broker);
  // Reassignment: the replica list, and the replicas being added and removed, to write.
  PartitionChangeBuilder& set_target_replicas(std::vector<BrokerId> replicas);
  PartitionChangeBuilder& set_target_adding(std::vector<BrokerId> adding);
  PartitionChangeBuilder& set_target_removing(std::vector<BrokerId> removing);

  std::optional<PartitionChangeRecord> build() const;

 private:
  struct Election {
    BrokerId leader = kNoBroker;
    bool unclean = false;
  };

  std::vector<BrokerId> next_isr() const;
  std::vector<BrokerId> next_elr(const std::vector<BrokerId>& isr, const std::vector<BrokerId>& replicas) const;
  bool acceptable_leader(BrokerId b) const;
  Election elect(const std::vector<BrokerId>& isr, const std::vector<BrokerId>& elr,
                 const std::vector<BrokerId>& replicas) const;
  struct Assignment {
    std::vector<BrokerId> replicas, adding, removing;
  };
  // Completes a reassignment whose target replicas are all in `isr` (removing the removing
  // ones from it); returns the assignment to write.
  Assignment complete_reassignment_if_needed(std::vector<BrokerId>& isr) const;

  TopicPartition tp_;
  const PartitionRegistration& current_;
  IsActive is_active_;
  bool unclean_;
  std::optional<std::vector<BrokerId>> target_isr_;
  bool elr_enabled_ = false;
  int32_t min_insync_replicas_ = 1;
  BrokerId unclean_shutdown_replica_ = kNoBroker;
  std::optional<std::vector<BrokerId>> target_replicas_, target_adding_, target_removing_;
};

}  // namespace broker_model
