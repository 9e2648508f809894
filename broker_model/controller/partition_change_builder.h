// PartitionChangeBuilder: decides a partition's next leader and ISR, as Kafka's class of
// the same name does, and writes the change as a PartitionChangeRecord (nullopt when
// nothing changes).
//
// Rules: ISR members whose broker is not active (fenced or gone) leave the ISR, but the ISR
// never becomes empty (the leader, or the whole ISR, stays as the last members); a leader
// that is active and in the ISR keeps its place; otherwise the first replica (assignment
// order) that is active and in the ISR leads; with none and unclean.leader.election.enable,
// the first active replica leads with ISR = {it} (an unclean election, flagged in the
// record); otherwise the partition is offline (leader -1). leader_epoch grows by one when
// the leader changes, partition_epoch by one with every change.
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

  std::optional<PartitionChangeRecord> build() const;

 private:
  std::vector<BrokerId> next_isr() const;

  TopicPartition tp_;
  const PartitionRegistration& current_;
  IsActive is_active_;
  bool unclean_;
  std::optional<std::vector<BrokerId>> target_isr_;
};

}  // namespace broker_model
