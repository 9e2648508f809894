#include "faults/random_faults.h"

namespace faults {

FaultAction random_node_fault(sim::Prng& prng, sim::NodeId target, sim::Instant at) {
  FaultKind kind = kNodeFaultKinds[prng.below(kNodeFaultKindCount)];
  FaultAction a{kind, at, {}, {}, {}, {}};
  if (kind != FaultKind::kHeal) a.nodes.push_back(target);
  return a;
}

void heal_everything(sim::World& world, const std::vector<sim::NodeId>& nodes) {
  world.net().heal();
  for (sim::NodeId n : nodes) {
    if (world.node(n).state() == sim::NodeState::kPaused) world.resume(n);
    if (world.node(n).state() == sim::NodeState::kDown) world.start(n);
  }
}

void heal_everything(sim::World& world, uint32_t count) {
  std::vector<sim::NodeId> nodes;
  for (uint32_t i = 0; i < count; ++i) nodes.push_back(sim::NodeId{i});
  heal_everything(world, nodes);
}

}  // namespace faults
