// The wall-clock watchdog of run, replay and check-determinism: a simulated fiber that never
// blocks cannot be preempted by the kernel, so the host turns such a hang into a clear exit 5
// instead of a stuck CI job.
#pragma once

#include <cstdint>

namespace cli {

// After `seconds` of wall time (0: never) the process prints the seed and exits 5.
void arm_wall_watchdog(uint64_t seed, unsigned seconds);

}  // namespace cli
