#include "cli/trace_output.h"

#include <filesystem>
#include <iostream>

#include "cli/exit_codes.h"

namespace cli {

int open_trace_file(const std::string& path, bool force, reports::OutputFile& out) {
  std::error_code ec;
  if (!force && std::filesystem::symlink_status(path, ec).type() != std::filesystem::file_type::not_found) {
    std::cerr << "eddy: error: " << path << " exists; pass --force to overwrite it\n";
    return kExitUsage;
  }
  auto mode = force ? reports::OutputFile::Mode::kReplace : reports::OutputFile::Mode::kExclusive;
  if (auto err = out.open(path, mode)) {
    std::cerr << "eddy: error: " << *err << "\n";
    return kExitUsage;
  }
  return kExitOk;
}

int close_trace_file(reports::OutputFile& out) {
  if (!out.is_open()) return kExitOk;
  if (auto err = out.close()) {
    std::cerr << "eddy: error: the trace is incomplete: " << *err << " (exit 6)\n";
    return kExitWriteFailed;
  }
  return kExitOk;
}

}  // namespace cli
