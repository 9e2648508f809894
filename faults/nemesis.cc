#include "faults/nemesis.h"

#include "faults/fault_catalogue.h"

namespace faults {

bool nemesis_can_draw(FaultKind k) {
  const FaultKindInfo& i = info(k);
  if (k == FaultKind::kCorrupt) return true;
  return i.undoable && i.target != TargetUse::kZone;
}

std::vector<std::string> NemesisPlan::lines() const {
  std::vector<std::string> out;
  std::string on;
  for (size_t i = 0; i < kinds.size(); ++i)
    on += (on.empty() ? "" : ", ") + std::string(to_string(kinds[i])) + " x" + std::to_string(weights[i]);
  out.push_back(std::string(swarm ? "swarm nemesis" : "nemesis") + ": " + (on.empty() ? "(no kind on)" : on));
  if (swarm) {
    std::string o;
    for (FaultKind k : off) o += (o.empty() ? "" : ", ") + std::string(to_string(k));
    out.push_back("swarm nemesis: off: " + (o.empty() ? std::string("(none)") : o));
  }
  out.push_back("nemesis: a fault every " + sim::format_duration(interval) + " on average, each lasting " +
                sim::format_duration(lasts_min) + " to " + sim::format_duration(lasts_max));
  return out;
}

NemesisPlan plan_nemesis(const NemesisOptions& o, sim::Prng& prng) {
  NemesisPlan p;
  p.swarm = o.swarm;
  p.interval = o.interval;
  p.lasts_min = o.lasts_min;
  p.lasts_max = o.lasts_max;
  if (!o.swarm) {
    p.kinds = o.kinds;
    p.weights.assign(o.kinds.size(), 1);
    return p;
  }
  for (FaultKind k : o.kinds) {
    if (prng.chance(0.5)) {
      p.kinds.push_back(k);
      p.weights.push_back(static_cast<uint32_t>(prng.int_in_range(1, 11)));
    } else {
      p.off.push_back(k);
    }
  }
  if (p.kinds.empty() && !p.off.empty()) {  // at least one kind on
    size_t i = prng.below(p.off.size());
    p.kinds.push_back(p.off[i]);
    p.weights.push_back(static_cast<uint32_t>(prng.int_in_range(1, 11)));
    p.off.erase(p.off.begin() + static_cast<std::ptrdiff_t>(i));
  }
  // 1/4x .. 2x the scenario's interval, in eighths.
  p.interval = o.interval * prng.int_in_range(2, 17) / 8;
  if (p.interval <= sim::Duration::zero()) p.interval = sim::milliseconds(1);
  return p;
}

namespace {

sim::Duration between(sim::Prng& prng, sim::Duration lo, sim::Duration hi) {
  if (hi <= lo) return lo;
  return lo + sim::nanoseconds(static_cast<int64_t>(prng.below(static_cast<uint64_t>((hi - lo).ns()) + 1)));
}

}  // namespace

FaultAction draw_nemesis_fault(const NemesisPlan& plan, sim::Prng& prng, const std::vector<sim::NodeId>& brokers,
                               const std::vector<sim::NodeId>& servers, sim::Instant at, sim::Duration& lasts) {
  uint64_t total = 0;
  for (uint32_t w : plan.weights) total += w;
  uint64_t r = prng.below(total);
  size_t chosen = 0;
  while (r >= plan.weights[chosen]) r -= plan.weights[chosen++];
  FaultAction a{plan.kinds[chosen], at, {}, {}, {}, {}};
  lasts = between(prng, plan.lasts_min, plan.lasts_max);
  const FaultKindInfo& i = info(a.kind);
  switch (i.target) {
    case TargetUse::kNone:
    case TargetUse::kZone: break;
    case TargetUse::kNodesOrAll: break;  // every server
    case TargetUse::kTwoSides: {
      // One node among the targets (an aim): the caller cuts it from the rest.
      if (servers.size() < 2) {
        a.nodes = servers;
        break;
      }
      std::vector<sim::NodeId> order = servers;
      prng.shuffle(order);
      size_t cut = static_cast<size_t>(prng.int_in_range(1, static_cast<int64_t>(order.size())));
      a.nodes.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(cut));
      a.other_group.assign(order.begin() + static_cast<std::ptrdiff_t>(cut), order.end());
      break;
    }
    case TargetUse::kNodes:
    case TargetUse::kNodesOptionalOtherSide:
      if (a.kind != FaultKind::kCorrupt) {
        a.nodes.push_back(prng.pick(servers));
      } else if (!brokers.empty()) {  // empty: no broker to corrupt (the caller skips the fault)
        a.nodes.push_back(prng.pick(brokers));
      }
      break;
  }
  switch (a.kind) {
    case FaultKind::kLinkLoss:
    case FaultKind::kLinkDuplicate:
    case FaultKind::kLinkReorder:
    case FaultKind::kMessageDrop:
    case FaultKind::kMessageDuplicate:
    case FaultKind::kMessageReorder: a.params.probability = 0.05 * static_cast<double>(prng.int_in_range(1, 11)); break;
    case FaultKind::kDelaySpike:
      a.params.latency = sim::LatencyModel::uniform(sim::milliseconds(prng.int_in_range(10, 101)),
                                                    sim::milliseconds(prng.int_in_range(100, 1001)));
      break;
    case FaultKind::kThrottle: a.params.bandwidth_bytes_per_s = int64_t{125'000} << prng.int_in_range(0, 8); break;
    case FaultKind::kSlowDisk: a.params.factor = prng.int_in_range(5, 101); break;
    case FaultKind::kClockJump:
    case FaultKind::kClockSkew: a.amount = sim::milliseconds(prng.int_in_range(-30'000, 30'001)); break;
    case FaultKind::kClockDrift: a.params.drift_ppm = prng.int_in_range(-5'000, 5'001); break;
    case FaultKind::kFaultPointsOn: a.params.probability = 0.05; break;
    default: break;
  }
  return a;
}

}  // namespace faults
