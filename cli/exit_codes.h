// The eddy command's exit codes (documented in the README).
#pragma once

namespace cli {
inline constexpr int kExitOk = 0;              // every check held
inline constexpr int kExitSafetyViolation = 1; // a safety check failed (lost write, divergence, ...)
inline constexpr int kExitUsage = 2;           // bad arguments or bad input file
inline constexpr int kExitLiveness = 3;        // the system did not recover in time
inline constexpr int kExitLabError = 4;        // the lab itself failed: deadlock, limit, unexpected exception, nondeterminism
inline constexpr int kExitLabCrash = 5;        // the lab crashed (signal) or hung (--wall-timeout, sweep --seed-timeout)
inline constexpr int kExitWriteFailed = 6;     // a lab error of its own: a result, trace or report could not be written
inline constexpr int kExitInconclusive = 7;    // every check held but a progress floor did not: too little happened to judge
}  // namespace cli
