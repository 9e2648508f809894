// `eddy compare RUN_DIR RUN_DIR... [--html FILE]`: runs side by side (reports/compare.h).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace cli {

struct CompareArgs {
  std::vector<std::string> dirs;
  std::string html;
  bool force = false;
};

CLI::App* add_compare_command(CLI::App& app, CompareArgs& args);
int compare_command(const CompareArgs& args);

}  // namespace cli
