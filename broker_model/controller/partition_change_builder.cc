#include "broker_model/controller/partition_change_builder.h"

#include <algorithm>

namespace broker_model {

namespace {

bool in(const std::vector<BrokerId>& v, BrokerId b) { return std::find(v.begin(), v.end(), b) != v.end(); }

}  // namespace

PartitionChangeBuilder::PartitionChangeBuilder(TopicPartition tp, const PartitionRegistration& current,
                                               IsActive is_active, bool unclean_leader_election_enable)
    : tp_(std::move(tp)), current_(current), is_active_(std::move(is_active)), unclean_(unclean_leader_election_enable) {}

PartitionChangeBuilder& PartitionChangeBuilder::set_target_isr(std::vector<BrokerId> isr) {
  target_isr_ = std::move(isr);
  return *this;
}

PartitionChangeBuilder& PartitionChangeBuilder::set_eligible_leader_replicas(bool enabled, int32_t min_insync_replicas) {
  elr_enabled_ = enabled;
  min_insync_replicas_ = min_insync_replicas;
  return *this;
}

PartitionChangeBuilder& PartitionChangeBuilder::set_unclean_shutdown_replica(BrokerId broker) {
  unclean_shutdown_replica_ = broker;
  return *this;
}

PartitionChangeBuilder& PartitionChangeBuilder::set_target_replicas(std::vector<BrokerId> replicas) {
  target_replicas_ = std::move(replicas);
  return *this;
}

PartitionChangeBuilder& PartitionChangeBuilder::set_target_adding(std::vector<BrokerId> adding) {
  target_adding_ = std::move(adding);
  return *this;
}

PartitionChangeBuilder& PartitionChangeBuilder::set_target_removing(std::vector<BrokerId> removing) {
  target_removing_ = std::move(removing);
  return *this;
}

PartitionChangeBuilder::Assignment PartitionChangeBuilder::complete_reassignment_if_needed(std::vector<BrokerId>& isr) const {
  Assignment a{target_replicas_.value_or(current_.replicas), target_adding_.value_or(current_.adding_replicas),
               target_removing_.value_or(current_.removing_replicas)};
  if (a.adding.empty() && a.removing.empty()) return a;
  // PartitionReassignmentReplicas.maybeCompleteReassignment.
  std::vector<BrokerId> new_isr, new_replicas;
  for (BrokerId b : isr)
    if (!in(a.removing, b)) new_isr.push_back(b);
  for (BrokerId b : a.replicas)
    if (!in(a.removing, b)) new_replicas.push_back(b);
  if (new_isr.empty() || new_replicas.empty()) return a;
  for (BrokerId b : new_replicas)
    if (!in(new_isr, b)) return a;
  isr = std::move(new_isr);
  return Assignment{std::move(new_replicas), {}, {}};
}

bool PartitionChangeBuilder::acceptable_leader(BrokerId b) const {
  return b != kNoBroker && b != unclean_shutdown_replica_ && is_active_(b);
}

std::vector<BrokerId> PartitionChangeBuilder::next_isr() const {
  const std::vector<BrokerId>& isr = target_isr_ ? *target_isr_ : current_.isr;
  std::vector<BrokerId> alive;
  for (BrokerId b : isr)
    if (is_active_(b) && b != unclean_shutdown_replica_) alive.push_back(b);
  if (!alive.empty() || elr_enabled_) return alive;  // KIP-966: the ISR may become empty
  // BUG ZOO (pre-KIP-966, the `pre-kip-966-no-elr` variant, Kafka before 4.0): nobody in the
  // ISR is active, so the last one known in sync stays, and leads again once unfenced even if
  // an unclean shutdown cost it acknowledged records the replicas out of the ISR still have.
  if (current_.has_leader() && in(isr, current_.leader)) return {current_.leader};
  return isr;
}

std::vector<BrokerId> PartitionChangeBuilder::next_elr(const std::vector<BrokerId>& isr,
                                                       const std::vector<BrokerId>& replicas) const {
  if (!elr_enabled_ || static_cast<int32_t>(isr.size()) >= min_insync_replicas_) return {};
  // Kafka's maybePopulateTargetElr: (current ELR + current ISR) - target ISR - unclean
  // shutdown replicas; kept in assignment order here (Kafka's is a HashSet's). Only replicas
  // of the (new) assignment: one a reassignment removed is no candidate.
  std::vector<BrokerId> out;
  for (BrokerId r : replicas) {
    bool candidate = current_.in_elr(r) || current_.in_isr(r);
    if (candidate && !in(isr, r) && r != unclean_shutdown_replica_) out.push_back(r);
  }
  return out;
}

PartitionChangeBuilder::Election PartitionChangeBuilder::elect(const std::vector<BrokerId>& isr,
                                                               const std::vector<BrokerId>& elr,
                                                               const std::vector<BrokerId>& replicas) const {
  // Kafka's isValidNewLeader: in the ISR, or in the ELR while the ISR is empty.
  auto valid = [&](BrokerId b) { return (in(isr, b) || (isr.empty() && in(elr, b))) && acceptable_leader(b); };
  if (current_.has_leader() && valid(current_.leader)) return {current_.leader, false};
  for (BrokerId r : replicas)
    if (valid(r)) return {r, false};
  // Kafka's canElectLastKnownLeader: ISR and ELR empty, the last known leader is back.
  if (elr_enabled_ && isr.empty() && elr.empty() && current_.last_known_elr.size() == 1 &&
      acceptable_leader(current_.last_known_elr.front()))
    return {current_.last_known_elr.front(), true};
  if (unclean_) {
    for (BrokerId r : replicas)
      if (acceptable_leader(r)) return {r, true};
  }
  return {kNoBroker, false};
}

std::optional<PartitionChangeRecord> PartitionChangeBuilder::build() const {
  std::vector<BrokerId> isr = next_isr();
  Assignment assignment = complete_reassignment_if_needed(isr);
  std::vector<BrokerId> elr = next_elr(isr, assignment.replicas);
  Election e = elect(isr, elr, assignment.replicas);
  if (e.leader != kNoBroker && e.leader != current_.leader) {
    if (e.unclean) {
      isr = {e.leader};
      elr.clear();  // Kafka clears the ELR after an unclean election
    } else if (in(elr, e.leader)) {
      isr = {e.leader};  // elected from the ELR: it is the ISR now
      elr.erase(std::find(elr.begin(), elr.end(), e.leader));
    }
  }
  // The last known leader (Kafka's maybeUpdateLastKnownLeader): recorded when the ISR first
  // becomes empty, cleared once the partition has a leader again.
  std::vector<BrokerId> last_known = current_.last_known_elr;
  if (!elr_enabled_) {
    last_known.clear();
  } else if (isr.empty() && !current_.isr.empty() && current_.has_leader()) {
    last_known = {current_.leader};
  } else if (e.leader != kNoBroker) {
    last_known.clear();
  }
  bool leader_changed = e.leader != current_.leader;
  bool isr_changed = isr != current_.isr;
  bool elr_changed = elr != current_.elr;
  bool last_known_changed = last_known != current_.last_known_elr;
  bool replicas_changed = assignment.replicas != current_.replicas;
  bool adding_changed = assignment.adding != current_.adding_replicas;
  bool removing_changed = assignment.removing != current_.removing_replicas;
  if (!leader_changed && !isr_changed && !elr_changed && !last_known_changed && !replicas_changed && !adding_changed &&
      !removing_changed)
    return std::nullopt;
  // triggerLeaderEpochBumpForReplicaReassignmentIfNeeded: a replica leaves the list.
  bool bump = leader_changed;
  for (BrokerId r : current_.replicas)
    if (!in(assignment.replicas, r)) bump = true;
  PartitionChangeRecord rec;
  rec.tp = tp_;
  if (bump) rec.leader = e.leader;
  if (replicas_changed) rec.replicas = assignment.replicas;
  if (adding_changed) rec.adding_replicas = assignment.adding;
  if (removing_changed) rec.removing_replicas = assignment.removing;
  if (isr_changed) rec.isr = isr;
  if (elr_changed) rec.elr = elr;
  if (last_known_changed) rec.last_known_elr = last_known;
  rec.leader_epoch = LeaderEpoch(current_.leader_epoch.value() + (bump ? 1 : 0));
  rec.partition_epoch = PartitionEpoch(current_.partition_epoch.value() + 1);
  rec.unclean_election = leader_changed && e.unclean;
  return rec;
}

}  // namespace broker_model
