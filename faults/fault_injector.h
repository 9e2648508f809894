// Applies catalogue faults (fault_catalogue.h) to a World and undoes them: what each
// application changed (links blocked, link models replaced, clock offsets, disk knobs) is
// kept in an AppliedFault so that a `for` can undo exactly that, and heal_all() puts every
// server back: network healed, link models and disks restored, fault points off, paused
// nodes resumed, stopped nodes started.
#pragma once

#include <algorithm>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "faults/fault_schedule.h"
#include "faults/rolling_restart.h"
#include "sim/prng.h"
#include "sim/world/world.h"

namespace faults {

struct AppliedFault {
  FaultAction action;                                         // with the nodes it hit
  std::vector<std::pair<sim::NodeId, sim::NodeId>> blocked;   // directed links it cut
  std::vector<std::pair<sim::NodeId, sim::NodeId>> links;     // directed links whose model it changed
  std::vector<std::pair<sim::NodeId, sim::Duration>> clock_offsets;  // wall offsets before a skew
  std::string what;                                           // for the summary: "isolate broker-1"
};

class FaultInjector {
 public:
  // `servers`: the nodes that kill-all, heal_all and "every server" defaults act on.
  FaultInjector(sim::World& world, sim::Prng prng, std::vector<sim::NodeId> servers);

  // Remembers every link's current model as the one heal and undo restore.
  void capture_link_baseline();

  AppliedFault apply(const FaultAction& a);
  // Undoes what `applied` did; returns a description ("" when the kind is not undone).
  std::string undo(const AppliedFault& applied);
  // End of the fault phase: everything back to normal (clocks keep their offsets).
  void heal_all();
  // A server taken out of the cluster for good (a decommissioned broker): heal_all no longer
  // starts it, kill-all and "every server" defaults leave it out.
  void retire(sim::NodeId n) { servers_.erase(std::remove(servers_.begin(), servers_.end(), n), servers_.end()); }

  // For rolling-restart: how many partitions are under-replicated now (the scenario layer
  // knows; without it a step waits only for the broker to be started).
  void set_under_replicated_probe(RollingRestart::UnderReplicated probe) { under_replicated_ = std::move(probe); }
  // Where controlled-restart and rolling-restart report their steps.
  void set_restart_progress(RollingRestart::Note note, RollingRestart::Stopped stopped,
                            std::function<void(const RollingRestartStep&)> on_step) {
    restart_note_ = std::move(note);
    restart_stopped_ = std::move(stopped);
    on_restart_step_ = std::move(on_step);
  }
  RollingRestartOptions& restart_options() { return restart_options_; }

 private:
  void cut(AppliedFault& out, sim::NodeId from, sim::NodeId to);
  void cut_both(AppliedFault& out, sim::NodeId a, sim::NodeId b);
  void split_groups(AppliedFault& out, const std::vector<std::vector<sim::NodeId>>& groups);
  void change_links(AppliedFault& out, const FaultAction& a);
  void restore_link(sim::NodeId from, sim::NodeId to);
  std::vector<sim::NodeId> shuffled(std::vector<sim::NodeId> nodes);
  void ring(AppliedFault& out, const std::vector<sim::NodeId>& nodes);
  void corrupt(AppliedFault& out, sim::NodeId n);
  // The faults of node n's disk, or of its log directory `log_dir`'s volume (JBOD).
  sim::DiskFaults* disk_faults(sim::NodeId n, int32_t log_dir);
  std::string name(sim::NodeId n);
  std::string names(const std::vector<sim::NodeId>& ns);

  sim::World& world_;
  sim::Prng prng_;
  std::vector<sim::NodeId> servers_;
  // The model each link changed by a fault had when the baseline was captured, recorded just
  // before its first change (nothing else changes links after the capture): heal and undo
  // restore these. Only links between nodes that existed then; the rest are never restored.
  std::map<std::pair<sim::NodeId, sim::NodeId>, sim::LinkModel> baseline_;
  size_t baseline_nodes_ = 0;
  RollingRestart::UnderReplicated under_replicated_;
  RollingRestart::Note restart_note_;
  RollingRestart::Stopped restart_stopped_;
  std::function<void(const RollingRestartStep&)> on_restart_step_;
  RollingRestartOptions restart_options_;
};

}  // namespace faults
