#include "sim/world/engine.h"

namespace sim {

const char* to_string(EngineKind k) {
  switch (k) {
    case EngineKind::kNative: return "native";
    case EngineKind::kSimgrid: return "simgrid";
  }
  return "?";
}

std::optional<EngineKind> engine_kind_from_name(std::string_view name) {
  if (name == "native") return EngineKind::kNative;
  if (name == "simgrid") return EngineKind::kSimgrid;
  return std::nullopt;
}

const char* engine_names() { return "native, simgrid"; }

const char* to_string(RunStatus s) {
  switch (s) {
    case RunStatus::kQuiescent: return "quiescent";
    case RunStatus::kStopped: return "stopped";
    case RunStatus::kReachedUntil: return "reached-until";
    case RunStatus::kDeadlock: return "deadlock";
    case RunStatus::kEventLimit: return "event-limit";
    case RunStatus::kTimeLimit: return "time-limit";
    case RunStatus::kLabError: return "lab-error";
  }
  return "?";
}

}  // namespace sim
