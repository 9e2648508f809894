// One run in a process of its own, for the SimGrid engine. SimGrid's clock never goes back
// within a process, and its flow model's floating-point arithmetic depends on the date a run
// starts at: a second SimGrid run in one process may differ from the same seed run alone in
// the last bits of a transfer time, hence in its fingerprint. So commands that run several
// seeds or runs in one process (sweep workers, check-determinism) give each SimGrid run a
// fresh fork, which starts at date zero as `eddy run` does. Host-side code (processes).
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace cli {

// Runs `fn` in a forked child and returns what it returned; nullopt, with `why` set, when the
// child died before answering (its stderr is the caller's).
std::optional<std::string> in_fresh_process(const std::function<std::string()>& fn, std::string& why);

}  // namespace cli
