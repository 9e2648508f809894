#include "faults/fault_injector.h"

#include <algorithm>

#include "faults/fault_catalogue.h"

namespace faults {

FaultInjector::FaultInjector(sim::World& world, sim::Prng prng, std::vector<sim::NodeId> servers)
    : world_(world), prng_(prng), servers_(std::move(servers)) {}

void FaultInjector::capture_link_baseline() {
  baseline_nodes_ = world_.node_count();
  baseline_.clear();
}

sim::DiskFaults* FaultInjector::disk_faults(sim::NodeId n, int32_t log_dir) {
  sim::Disk& disk = world_.node(n).disk();
  if (log_dir < 0) return &disk.faults();
  // The loader checked `dir` against the brokers' log.dirs; a node without that directory (a
  // controller) is left alone.
  if (static_cast<size_t>(log_dir) >= disk.volume_count()) return nullptr;
  return &disk.volume(static_cast<size_t>(log_dir)).faults;
}

std::string FaultInjector::name(sim::NodeId n) { return world_.node(n).name(); }

std::string FaultInjector::names(const std::vector<sim::NodeId>& ns) {
  std::string s;
  for (auto n : ns) s += (s.empty() ? "" : ",") + name(n);
  return s.empty() ? "(no target resolved)" : s;
}

void FaultInjector::cut(AppliedFault& out, sim::NodeId from, sim::NodeId to) {
  if (from == to || !world_.net().reachable(from, to)) return;
  world_.net().block(from, to);
  out.blocked.emplace_back(from, to);
}

void FaultInjector::cut_both(AppliedFault& out, sim::NodeId a, sim::NodeId b) {
  cut(out, a, b);
  cut(out, b, a);
}

void FaultInjector::split_groups(AppliedFault& out, const std::vector<std::vector<sim::NodeId>>& groups) {
  for (size_t g = 0; g < groups.size(); ++g)
    for (size_t h = g + 1; h < groups.size(); ++h)
      for (sim::NodeId a : groups[g])
        for (sim::NodeId b : groups[h]) cut_both(out, a, b);
}

std::vector<sim::NodeId> FaultInjector::shuffled(std::vector<sim::NodeId> nodes) {
  prng_.shuffle(nodes);
  return nodes;
}

// Jepsen's majorities ring: on a shuffled ring each node reaches the nodes within distance k,
// k chosen so that it sees a majority (itself included) but not everyone.
void FaultInjector::ring(AppliedFault& out, const std::vector<sim::NodeId>& nodes) {
  const size_t n = nodes.size();
  const size_t majority = n / 2 + 1;
  const size_t k = majority / 2;  // neighbours on each side: 1 + 2k >= majority
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) {
      size_t d = std::min(j - i, n - (j - i));
      if (d > k) cut_both(out, nodes[i], nodes[j]);
    }
}

void FaultInjector::restore_link(sim::NodeId from, sim::NodeId to) {
  if (auto it = baseline_.find({from, to}); it != baseline_.end()) world_.net().link(from, to) = it->second;
}

void FaultInjector::change_links(AppliedFault& out, const FaultAction& a) {
  auto change = [&](sim::NodeId from, sim::NodeId to) {
    if (from == to) return;
    sim::LinkModel& m = world_.net().link(from, to);
    if (from.value < baseline_nodes_ && to.value < baseline_nodes_) baseline_.try_emplace({from, to}, m);
    switch (a.kind) {
      case FaultKind::kLinkLoss: m.loss = a.params.probability; break;
      case FaultKind::kLinkDuplicate: m.duplicate = a.params.probability; break;
      case FaultKind::kLinkReorder: m.reorder = a.params.probability; break;
      case FaultKind::kMessageDrop: m.message_drop = a.params.probability; break;
      case FaultKind::kMessageDuplicate: m.message_duplicate = a.params.probability; break;
      case FaultKind::kMessageReorder: m.message_reorder = a.params.probability; break;
      case FaultKind::kDelaySpike: m.latency = a.params.latency; break;
      case FaultKind::kThrottle: m.bandwidth_bytes_per_s = a.params.bandwidth_bytes_per_s; break;
      default: return;
    }
    out.links.emplace_back(from, to);
  };
  for (sim::NodeId n : a.nodes) {
    if (!a.other_group.empty()) {
      for (sim::NodeId o : a.other_group) {
        change(n, o);
        change(o, n);
      }
      continue;
    }
    for (uint32_t i = 0; i < world_.node_count(); ++i) {
      change(n, sim::NodeId{i});
      change(sim::NodeId{i}, n);
    }
  }
}

void FaultInjector::corrupt(AppliedFault& out, sim::NodeId n) {
  sim::Disk& disk = world_.node(n).disk();
  std::vector<std::string> files;
  for (const std::string& f : disk.list())
    if (!disk.durable_image(f).empty()) files.push_back(f);
  if (files.empty()) {
    out.what += " (" + name(n) + ": nothing durable to corrupt)";
    return;
  }
  const std::string& file = prng_.pick(files);
  std::optional<int64_t> at = disk.corrupt(file);
  out.what += " (" + name(n) + ": " + file + " at byte " + std::to_string(at.value_or(-1)) + ")";
}

AppliedFault FaultInjector::apply(const FaultAction& a) {
  using K = FaultKind;
  AppliedFault out;
  out.action = a;
  std::vector<sim::NodeId>& nodes = out.action.nodes;
  const std::vector<sim::NodeId>& other = a.other_group;
  out.what = std::string(to_string(a.kind)) + " " + names(nodes);
  switch (a.kind) {
    case K::kCrash: for (auto n : nodes) world_.crash(n); break;
    case K::kKill: for (auto n : nodes) world_.kill(n); break;
    case K::kRestart: for (auto n : nodes) world_.restart(n); break;
    case K::kShutdown: for (auto n : nodes) world_.shutdown(n); break;
    case K::kStart: for (auto n : nodes) world_.start(n); break;
    case K::kControlledShutdown:
    case K::kControlledRestart:
    case K::kRollingRestart: {
      // Watched by timers until each process has stopped (and, for the restarts, started again).
      RollingRestartOptions options = restart_options_;
      options.wait_for_replicas = a.kind == K::kRollingRestart;
      options.start_again = a.kind != K::kControlledShutdown;
      auto make = [&](std::vector<sim::NodeId> ns) {
        std::vector<std::string> ns_names;
        for (auto n : ns) ns_names.push_back(name(n));
        return std::make_shared<RollingRestart>(world_, std::move(ns), std::move(ns_names), options, under_replicated_,
                                                restart_note_, restart_stopped_, on_restart_step_);
      };
      if (options.wait_for_replicas) {
        RollingRestart::run(make(nodes));  // one at a time
      } else {
        for (auto n : nodes) RollingRestart::run(make({n}));  // each at once
      }
      break;
    }
    case K::kPause: for (auto n : nodes) world_.pause(n); break;
    case K::kResume: for (auto n : nodes) world_.resume(n); break;
    case K::kKillAll:
      nodes = servers_;
      for (auto n : nodes) world_.crash(n);
      out.what = "kill-all " + names(nodes);
      break;
    case K::kIsolate:
      for (auto n : nodes)
        for (uint32_t i = 0; i < world_.node_count(); ++i) cut_both(out, n, sim::NodeId{i});
      break;
    case K::kPartition:
      split_groups(out, {nodes, other});
      out.what += " | " + names(other);
      break;
    case K::kBlockOneWay:
      for (auto n : nodes)
        for (auto o : other) cut(out, n, o);
      out.what += " -> " + names(other);
      break;
    case K::kSplitHalves:
    case K::kMajorityMinority:
    case K::kBridge:
    case K::kRing: {
      if (nodes.empty()) nodes = servers_;
      std::vector<sim::NodeId> order = shuffled(nodes);
      const size_t n = order.size();
      if (a.kind == K::kRing) {
        ring(out, order);
        out.what = "ring " + names(order);
        // The loader refuses rings it can count; targets resolved only now may still be too few.
        if (n < kRingNodesMin) out.what += " (cuts nothing: a ring needs at least 4 nodes)";
        break;
      }
      if (a.kind == K::kBridge) {
        // [0, n/2) | bridge | (n/2, n): the bridge node reaches both halves.
        size_t mid = n / 2;
        std::vector<sim::NodeId> left(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(mid));
        std::vector<sim::NodeId> right;
        if (mid + 1 < n) right.assign(order.begin() + static_cast<std::ptrdiff_t>(mid) + 1, order.end());
        split_groups(out, {left, right});
        out.what = "bridge " + names(left) + " | " + (mid < n ? name(order[mid]) : "") + " | " + names(right);
        break;
      }
      size_t first = a.kind == K::kSplitHalves ? n / 2 : (n - (n / 2 + 1));  // halves, or the minority
      std::vector<sim::NodeId> left(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(first));
      std::vector<sim::NodeId> right(order.begin() + static_cast<std::ptrdiff_t>(first), order.end());
      split_groups(out, {left, right});
      out.what = std::string(to_string(a.kind)) + " " + names(left) + " | " + names(right);
      break;
    }
    case K::kZoneOutage: {
      std::vector<sim::NodeId> outside;
      for (uint32_t i = 0; i < world_.node_count(); ++i)
        if (std::find(nodes.begin(), nodes.end(), sim::NodeId{i}) == nodes.end()) outside.push_back(sim::NodeId{i});
      split_groups(out, {nodes, outside});
      break;
    }
    case K::kHeal:
      world_.net().heal();
      for (const auto& [link, model] : baseline_) world_.net().link(link.first, link.second) = model;
      out.what = "heal";
      break;
    case K::kLinkLoss:
    case K::kLinkDuplicate:
    case K::kLinkReorder:
    case K::kMessageDrop:
    case K::kMessageDuplicate:
    case K::kMessageReorder:
    case K::kDelaySpike:
    case K::kThrottle:
      change_links(out, a);
      if (!other.empty()) out.what += " <-> " + names(other);
      break;
    case K::kFsyncError:
      for (auto n : nodes)
        if (sim::DiskFaults* f = disk_faults(n, a.params.log_dir)) f->fsync_error_probability = a.params.probability;
      break;
    case K::kTornCrash:
      for (auto n : nodes) {
        sim::DiskModel& model = world_.node(n).disk().model();
        sim::CrashMode before = model.crash_mode;
        model.crash_mode = sim::CrashMode::kTornLastSector;
        world_.crash(n);
        model.crash_mode = before;
      }
      break;
    case K::kCorrupt: for (auto n : nodes) corrupt(out, n); break;
    case K::kDiskFull:
      for (auto n : nodes)
        if (sim::DiskFaults* f = disk_faults(n, a.params.log_dir)) f->full = true;
      break;
    case K::kSlowDisk: for (auto n : nodes) world_.node(n).disk().faults().slowdown_factor = a.params.factor; break;
    case K::kClockJump:
      for (auto n : nodes) world_.node(n).clock().jump(a.amount);
      out.what += " by " + sim::format_duration(a.amount);
      break;
    case K::kClockSkew:
      for (auto n : nodes) {
        sim::NodeClock& c = world_.node(n).clock();
        out.clock_offsets.emplace_back(n, c.wall_offset());
        c.jump(a.amount - c.wall_offset());
      }
      out.what += " to " + sim::format_duration(a.amount);
      break;
    case K::kClockDrift:
      for (auto n : nodes) world_.node(n).clock().set_drift_ppm(a.params.drift_ppm, world_.now());
      out.what += " at " + std::to_string(a.params.drift_ppm) + " ppm";
      break;
    case K::kFaultPointsOn: {
      sim::FaultPointConfig c = world_.fault_points().config();
      c.enabled = true;
      c.fire_probability = a.params.probability;
      c.site_activation = a.params.activation;
      world_.fault_points().configure(c);
      out.what = "fault-points-on";
      break;
    }
    case K::kFaultPointsOff: {
      sim::FaultPointConfig c = world_.fault_points().config();
      c.enabled = false;
      world_.fault_points().configure(c);
      out.what = "fault-points-off";
      break;
    }
  }
  return out;
}

std::string FaultInjector::undo(const AppliedFault& applied) {
  using K = FaultKind;
  const FaultAction& a = applied.action;
  switch (a.kind) {
    case K::kCrash:
    case K::kKill:
    case K::kShutdown:
    case K::kControlledShutdown:  // a broker still stopping stays up (heal_all starts it)
    case K::kTornCrash:
    case K::kKillAll:
      for (auto n : a.nodes)
        if (world_.node(n).state() == sim::NodeState::kDown) world_.start(n);
      break;
    case K::kPause:
      for (auto n : a.nodes)
        if (world_.node(n).state() == sim::NodeState::kPaused) world_.resume(n);
      break;
    case K::kIsolate:
    case K::kPartition:
    case K::kBlockOneWay:
    case K::kSplitHalves:
    case K::kMajorityMinority:
    case K::kRing:
    case K::kBridge:
    case K::kZoneOutage:
      for (const auto& [from, to] : applied.blocked) world_.net().unblock(from, to);
      break;
    case K::kLinkLoss:
    case K::kLinkDuplicate:
    case K::kLinkReorder:
    case K::kMessageDrop:
    case K::kMessageDuplicate:
    case K::kMessageReorder:
    case K::kDelaySpike:
    case K::kThrottle:
      for (const auto& [from, to] : applied.links) restore_link(from, to);
      break;
    case K::kFsyncError:
      for (auto n : a.nodes)
        if (sim::DiskFaults* f = disk_faults(n, a.params.log_dir)) f->fsync_error_probability = 0;
      break;
    case K::kDiskFull:
      for (auto n : a.nodes)
        if (sim::DiskFaults* f = disk_faults(n, a.params.log_dir)) f->full = false;
      break;
    case K::kSlowDisk: for (auto n : a.nodes) world_.node(n).disk().faults().slowdown_factor = 1; break;
    case K::kClockJump: for (auto n : a.nodes) world_.node(n).clock().jump(sim::Duration::zero() - a.amount); break;
    case K::kClockSkew:
      for (const auto& [n, offset] : applied.clock_offsets) {
        sim::NodeClock& c = world_.node(n).clock();
        c.jump(offset - c.wall_offset());
      }
      break;
    case K::kClockDrift: for (auto n : a.nodes) world_.node(n).clock().set_drift_ppm(0, world_.now()); break;
    case K::kFaultPointsOn: {
      sim::FaultPointConfig c = world_.fault_points().config();
      c.enabled = false;
      world_.fault_points().configure(c);
      break;
    }
    case K::kRestart:
    case K::kControlledRestart:
    case K::kRollingRestart:
    case K::kStart:
    case K::kResume:
    case K::kHeal:
    case K::kCorrupt:
    case K::kFaultPointsOff: return "";
  }
  return "end of " + applied.what;
}

void FaultInjector::heal_all() {
  apply(FaultAction{FaultKind::kHeal, world_.now(), {}, {}, {}});
  sim::FaultPointConfig c = world_.fault_points().config();
  c.enabled = false;
  world_.fault_points().configure(c);
  for (sim::NodeId n : servers_) {
    sim::DiskFaults& d = world_.node(n).disk().faults();
    d.fsync_error_probability = 0;
    d.fail_next_fsyncs = 0;
    d.full = false;
    d.slowdown_factor = 1;
    world_.node(n).clock().set_drift_ppm(0, world_.now());
    if (world_.node(n).state() == sim::NodeState::kPaused) world_.resume(n);
    if (world_.node(n).state() == sim::NodeState::kDown) world_.start(n);
  }
}

}  // namespace faults
