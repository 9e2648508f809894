// The engines a World can run on, by kind: the one place that knows them all.
#include "sim/native/kernel.h"
#include "sim/simgrid/simgrid_engine.h"
#include "sim/world/engine.h"

namespace sim {

std::unique_ptr<Engine> make_engine(EngineKind kind, RunLimits limits) {
  switch (kind) {
    case EngineKind::kNative: return std::make_unique<Kernel>(limits);
    case EngineKind::kSimgrid: return std::make_unique<SimgridEngine>(limits);
  }
  return nullptr;
}

}  // namespace sim
