#include "broker_model/controller/partition_change_builder.h"

#include <algorithm>

namespace broker_model {

PartitionChangeBuilder::PartitionChangeBuilder(TopicPartition tp, const PartitionRegistration& current,
                                               IsActive is_active, bool unclean_leader_election_enable)
    : tp_(std::move(tp)), current_(current), is_active_(std::move(is_active)), unclean_(unclean_leader_election_enable) {}

PartitionChangeBuilder& PartitionChangeBuilder::set_target_isr(std::vector<BrokerId> isr) {
  target_isr_ = std::move(isr);
  return *this;
}

std::vector<BrokerId> PartitionChangeBuilder::next_isr() const {
  const std::vector<BrokerId>& isr = target_isr_ ? *target_isr_ : current_.isr;
  std::vector<BrokerId> alive;
  for (BrokerId b : isr)
    if (is_active_(b)) alive.push_back(b);
  if (!alive.empty()) return alive;
  // Nobody in the ISR is active: keep the last one known in sync so it can come back clean.
  if (current_.has_leader() && std::find(isr.begin(), isr.end(), current_.leader) != isr.end())
    return {current_.leader};
  return isr;
}

std::optional<PartitionChangeRecord> PartitionChangeBuilder::build() const {
  std::vector<BrokerId> isr = next_isr();
  auto in = [](const std::vector<BrokerId>& v, BrokerId b) { return std::find(v.begin(), v.end(), b) != v.end(); };
  BrokerId leader = kNoBroker;
  bool unclean = false;
  if (current_.has_leader() && is_active_(current_.leader) && in(isr, current_.leader)) {
    leader = current_.leader;
  } else {
    for (BrokerId r : current_.replicas) {
      if (in(isr, r) && is_active_(r)) {
        leader = r;
        break;
      }
    }
    if (leader == kNoBroker && unclean_) {
      for (BrokerId r : current_.replicas) {
        if (is_active_(r)) {
          leader = r;
          isr = {r};
          unclean = true;
          break;
        }
      }
    }
  }
  bool leader_changed = leader != current_.leader;
  bool isr_changed = isr != current_.isr;
  if (!leader_changed && !isr_changed) return std::nullopt;
  PartitionChangeRecord rec;
  rec.tp = tp_;
  if (leader_changed) rec.leader = leader;
  if (isr_changed) rec.isr = isr;
  rec.leader_epoch = LeaderEpoch(current_.leader_epoch.value() + (leader_changed ? 1 : 0));
  rec.partition_epoch = PartitionEpoch(current_.partition_epoch.value() + 1);
  rec.unclean_election = unclean;
  return rec;
}

}  // namespace broker_model
