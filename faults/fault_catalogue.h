// The fault catalogue: every fault kind with its scenario spelling, its group, what it
// targets, the parameters it takes and whether a `for` undoes it. Scenario files, the
// loader's messages, `eddy list` and the nemeses all read this one table.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "faults/fault_kind.h"

namespace faults {

enum class FaultGroup { kProcess, kNetwork, kLink, kDisk, kClock, kFaultPoints };
const char* to_string(FaultGroup g);

// What a kind is aimed at.
enum class TargetUse {
  kNone,       // the whole cluster (heal, kill-all, fault points)
  kNodes,      // one or more nodes
  kTwoSides,   // target and other_side (partition, one-way)
  kNodesOptionalOtherSide,  // link faults: links touching the targets, or only those to other_side
  kNodesOrAll, // split-halves, majority-minority, ring, bridge: the nodes to split (default: every server)
  kZone,       // zone-outage: a "zone Z" target
};

// A ring (Jepsen's majorities ring) cuts the links between nodes farther apart than a majority
// needs; on 3 nodes or fewer every node already reaches a majority, so it would cut nothing.
inline constexpr size_t kRingNodesMin = 4;

// Parameters a fault entry may carry (bit flags).
enum FaultParam : uint32_t {
  kParamNone = 0,
  kParamAmount = 1u << 0,       // signed duration (clock jump, clock skew)
  kParamProbability = 1u << 1,  // 0..1 (link loss/duplicate/reorder, fsync error, fault point firing)
  kParamLatency = 1u << 2,      // a latency distribution (delay spike)
  kParamBandwidth = 1u << 3,    // a bandwidth (throttle)
  kParamFactor = 1u << 4,       // an integer >= 2 (slow disk)
  kParamDriftPpm = 1u << 5,     // an integer, -999999..1000000 (clock drift)
  kParamActivation = 1u << 6,   // 0..1, share of fault point sites switched on
  kParamLogDir = 1u << 7,       // a log directory's index in the broker's log.dirs (disk faults, JBOD)
  kParamLast = kParamLogDir,
};

struct FaultKindInfo {
  FaultKind kind;
  const char* name;  // as scenario files spell it
  FaultGroup group;
  TargetUse target;
  uint32_t params;    // FaultParam flags allowed
  uint32_t required;  // FaultParam flags required
  bool undoable;      // a `for` undoes it
  const char* does;   // one line for docs and `eddy list`
};

std::span<const FaultKindInfo> fault_catalogue();
const FaultKindInfo& info(FaultKind k);
std::optional<FaultKind> fault_kind_from_name(std::string_view name);
const char* param_name(FaultParam p);

}  // namespace faults
