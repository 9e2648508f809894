#include "faults/fault_catalogue.h"

#include <array>

namespace faults {
namespace {

using K = FaultKind;
using G = FaultGroup;
using T = TargetUse;

constexpr std::array kCatalogue = {
    FaultKindInfo{K::kCrash, "crash", G::kProcess, T::kNodes, 0, 0, true,
                  "the machine loses power: the process dies, unsynced writes follow the disk's crash_mode, and "
                  "its peers hear nothing (they find out by their timeouts) (for: start again)"},
    FaultKindInfo{K::kKill, "kill", G::kProcess, T::kNodes, 0, 0, true,
                  "the process is killed (SIGKILL) on a machine that stays up: the page cache keeps every write, "
                  "and the operating system resets its connections, so its peers learn at once (for: start again)"},
    FaultKindInfo{K::kRestart, "restart", G::kProcess, T::kNodes, 0, 0, false, "crashes the process if up, then boots it"},
    FaultKindInfo{K::kShutdown, "shutdown", G::kProcess, T::kNodes, 0, 0, true,
                  "clean stop: the disk keeps everything (for: start again)"},
    FaultKindInfo{K::kStart, "start", G::kProcess, T::kNodes, 0, 0, false, "starts a crashed or shut-down process"},
    FaultKindInfo{K::kPause, "pause", G::kProcess, T::kNodes, 0, 0, true,
                  "freezes the process (GC pause, SIGSTOP) while time moves on (for: resume)"},
    FaultKindInfo{K::kResume, "resume", G::kProcess, T::kNodes, 0, 0, false, "unfreezes a paused process"},
    FaultKindInfo{K::kKillAll, "kill-all", G::kProcess, T::kNone, 0, 0, true,
                  "power loss: crashes every broker and controller at once (for: start all)"},
    FaultKindInfo{K::kControlledShutdown, "controlled-shutdown", G::kProcess, T::kNodes, 0, 0, true,
                  "asks the process to stop (SIGTERM): a broker first has the controller move its leaderships "
                  "away (controlled shutdown, KIP-631), then closes its logs and exits; nothing is lost "
                  "(for: start again once it has stopped)"},
    FaultKindInfo{K::kControlledRestart, "controlled-restart", G::kProcess, T::kNodes, 0, 0, false,
                  "controlled-shutdown, then boots the process again as soon as it has stopped"},
    FaultKindInfo{K::kRollingRestart, "rolling-restart", G::kProcess, T::kNodes, 0, 0, false,
                  "restarts the targets one at a time, as MSK patching does: controlled-restart of one, then "
                  "wait until no partition is under-replicated before the next; each step's times go to the "
                  "fault list"},
    FaultKindInfo{K::kIsolate, "isolate", G::kNetwork, T::kNodes, 0, 0, true,
                  "cuts each target off from every other node (for: reconnect)"},
    FaultKindInfo{K::kPartition, "partition", G::kNetwork, T::kTwoSides, 0, 0, true,
                  "target and other_side cannot talk, both ways (for: reconnect)"},
    FaultKindInfo{K::kBlockOneWay, "one-way", G::kNetwork, T::kTwoSides, 0, 0, true,
                  "messages from target to other_side are dropped; the reverse still flows (for: reconnect)"},
    FaultKindInfo{K::kSplitHalves, "split-halves", G::kNetwork, T::kNodesOrAll, 0, 0, true,
                  "the targets (default: every server), shuffled, cut into two halves (for: reconnect)"},
    FaultKindInfo{K::kMajorityMinority, "majority-minority", G::kNetwork, T::kNodesOrAll, 0, 0, true,
                  "a random minority of the targets cut from the majority (for: reconnect)"},
    FaultKindInfo{K::kRing, "ring", G::kNetwork, T::kNodesOrAll, 0, 0, true,
                  "the targets on a shuffled ring, each reaching only its nearest neighbours: everyone sees a "
                  "majority, no two the same one (for: reconnect)"},
    FaultKindInfo{K::kBridge, "bridge", G::kNetwork, T::kNodesOrAll, 0, 0, true,
                  "two halves that cannot talk, and one bridge node that talks to both (for: reconnect)"},
    FaultKindInfo{K::kZoneOutage, "zone-outage", G::kNetwork, T::kZone, 0, 0, true,
                  "every node of the zone cut from every node outside it (for: reconnect)"},
    FaultKindInfo{K::kHeal, "heal", G::kNetwork, T::kNone, 0, 0, false,
                  "restores every link's reachability and every link's quality"},
    FaultKindInfo{K::kLinkLoss, "link-loss", G::kLink, T::kNodesOptionalOtherSide, kParamProbability,
                  kParamProbability, true,
                  "packets on the links are lost with `probability`: connections (TCP) resend them a retransmission "
                  "timeout later, datagrams are gone (for: restore)"},
    FaultKindInfo{K::kLinkDuplicate, "link-duplicate", G::kLink, T::kNodesOptionalOtherSide, kParamProbability,
                  kParamProbability, true,
                  "packets on the links arrive twice with `probability`: connections (TCP) discard the copy, "
                  "datagrams arrive twice (for: restore)"},
    FaultKindInfo{K::kLinkReorder, "link-reorder", G::kLink, T::kNodesOptionalOtherSide, kParamProbability,
                  kParamProbability, true,
                  "packets on the links arrive out of order with `probability`: connections (TCP) hold later data "
                  "until the gap fills (a delay), datagrams skip ahead (for: restore)"},
    FaultKindInfo{K::kDelaySpike, "delay-spike", G::kLink, T::kNodesOptionalOtherSide, kParamLatency, kParamLatency,
                  true, "the links' latency follows `latency` instead (for: restore)"},
    FaultKindInfo{K::kThrottle, "throttle", G::kLink, T::kNodesOptionalOtherSide, kParamBandwidth, kParamBandwidth,
                  true, "the links' bandwidth drops to `bandwidth` (for: restore)"},
    FaultKindInfo{K::kMessageDrop, "message-drop", G::kLink, T::kNodesOptionalOtherSide, kParamProbability,
                  kParamProbability, true,
                  "whole messages on the links vanish with `probability`, on connections too: breaks TCP's promise "
                  "on purpose, for datagram-like experiments (for: restore)"},
    FaultKindInfo{K::kMessageDuplicate, "message-duplicate", G::kLink, T::kNodesOptionalOtherSide, kParamProbability,
                  kParamProbability, true,
                  "whole messages on the links are delivered twice with `probability`, on connections too: breaks "
                  "TCP's promise on purpose (for: restore)"},
    FaultKindInfo{K::kMessageReorder, "message-reorder", G::kLink, T::kNodesOptionalOtherSide, kParamProbability,
                  kParamProbability, true,
                  "whole messages on the links overtake earlier ones with `probability`, on connections too: "
                  "breaks TCP's promise on purpose (for: restore)"},
    FaultKindInfo{K::kFsyncError, "fsync-error", G::kDisk, T::kNodes, kParamProbability | kParamLogDir, 0, true,
                  "fsync fails with EIO with `probability` (default 1) and its pending writes never reach the "
                  "platter; with `dir`, only on that log directory's disk (for: stop failing)"},
    FaultKindInfo{K::kTornCrash, "torn-crash", G::kDisk, T::kNodes, 0, 0, true,
                  "crashes the process with a seeded prefix of its unsynced writes kept and the next one torn "
                  "mid-sector (for: start again)"},
    FaultKindInfo{K::kCorrupt, "corrupt", G::kDisk, T::kNodes, 0, 0, false,
                  "latent corruption: flips one bit of a seeded file's durable image, seen by checksums on read"},
    FaultKindInfo{K::kDiskFull, "disk-full", G::kDisk, T::kNodes, kParamLogDir, 0, true,
                  "writes that grow the disk's usage fail with ENOSPC; with `dir`, only on that log directory's "
                  "disk (for: free space again)"},
    FaultKindInfo{K::kSlowDisk, "slow-disk", G::kDisk, T::kNodes, kParamFactor, kParamFactor, true,
                  "disk latencies multiplied by `factor` (for: normal speed)"},
    FaultKindInfo{K::kClockJump, "clock-jump", G::kClock, T::kNodes, kParamAmount, kParamAmount, true,
                  "the wall clock jumps by `amount` (negative: backwards) (for: jump back)"},
    FaultKindInfo{K::kClockSkew, "clock-skew", G::kClock, T::kNodes, kParamAmount, kParamAmount, true,
                  "the wall clock's offset from true time becomes `amount` (for: previous offset)"},
    FaultKindInfo{K::kClockDrift, "clock-drift", G::kClock, T::kNodes, kParamDriftPpm, kParamDriftPpm, true,
                  "the clock runs `drift_ppm` parts per million fast (negative: slow), timeouts included "
                  "(for: back to 0)"},
    FaultKindInfo{K::kFaultPointsOn, "fault-points-on", G::kFaultPoints, T::kNone,
                  kParamProbability | kParamActivation, 0, true,
                  "EDDY_FAULT_POINT sites: `activation` of them (default 0.25) switched on, each firing with "
                  "`probability` (default 0.05) (for: off)"},
    FaultKindInfo{K::kFaultPointsOff, "fault-points-off", G::kFaultPoints, T::kNone, 0, 0, false,
                  "every EDDY_FAULT_POINT site off"},
};

}  // namespace

const char* to_string(FaultGroup g) {
  switch (g) {
    case G::kProcess: return "process";
    case G::kNetwork: return "network";
    case G::kLink: return "link";
    case G::kDisk: return "disk";
    case G::kClock: return "clock";
    case G::kFaultPoints: return "fault points";
  }
  return "?";
}

std::span<const FaultKindInfo> fault_catalogue() { return kCatalogue; }

const FaultKindInfo& info(FaultKind k) {
  for (const FaultKindInfo& i : kCatalogue)
    if (i.kind == k) return i;
  return kCatalogue[0];  // unreachable: every kind is in the table (tested)
}

std::optional<FaultKind> fault_kind_from_name(std::string_view name) {
  for (const FaultKindInfo& i : kCatalogue)
    if (name == i.name) return i.kind;
  return std::nullopt;
}

const char* param_name(FaultParam p) {
  switch (p) {
    case kParamAmount: return "amount";
    case kParamProbability: return "probability";
    case kParamLatency: return "latency";
    case kParamBandwidth: return "bandwidth";
    case kParamFactor: return "factor";
    case kParamDriftPpm: return "drift_ppm";
    case kParamActivation: return "activation";
    case kParamLogDir: return "dir";
    case kParamNone: break;
  }
  return "?";
}

const char* to_string(FaultKind k) { return info(k).name; }

}  // namespace faults
