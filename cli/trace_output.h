// A trace file for run, demo and replay: never overwritten without --force (an existing file
// or a symlink is refused unless asked), and checked when the run ends: a trace that could not
// be written completely ends the command with exit 6, never a cut trace and exit 0.
#pragma once

#include <string>

#include "reports/output_file.h"

namespace cli {

// Opens `path` (replacing it only when `force`). Returns an exit code (kExitUsage with the
// error on stderr when it cannot be used).
int open_trace_file(const std::string& path, bool force, reports::OutputFile& out);

// Closes the trace after the run. Returns kExitOk, or kExitWriteFailed with the error on stderr.
int close_trace_file(reports::OutputFile& out);

}  // namespace cli
