#include "cli/compare_command.h"

#include <filesystem>
#include <iostream>

#include "cli/exit_codes.h"
#include "reports/compare.h"
#include "reports/output_file.h"

namespace cli {

CLI::App* add_compare_command(CLI::App& app, CompareArgs& args) {
  CLI::App* cmd = app.add_subcommand("compare", "Compare runs side by side (directories written by `eddy run --out`)");
  cmd->add_option("dirs", args.dirs, "Run directories (each with a summary.json)")->required();
  cmd->add_option("--html", args.html, "Also write the comparison as an HTML page (self-contained, with charts)");
  cmd->add_flag("--force", args.force, "Overwrite an existing --html file");
  return cmd;
}

int compare_command(const CompareArgs& args) {
  std::vector<reports::ComparedRun> runs;
  for (const auto& d : args.dirs) {
    reports::ComparedRun r;
    if (auto err = reports::load_compared_run(d, r)) {
      std::cerr << "eddy: error: compare: " << *err << "\n";
      return kExitUsage;
    }
    runs.push_back(std::move(r));
  }
  reports::label_runs(runs);
  std::cout << reports::compare_table(runs);
  if (args.html.empty()) return kExitOk;
  if (std::filesystem::exists(args.html) && !args.force) {
    std::cerr << "eddy: error: " << args.html << " exists; pass --force to overwrite it\n";
    return kExitUsage;
  }
  if (auto err = reports::write_text_file(args.html, reports::compare_html(runs))) {
    std::cerr << "eddy: error: " << *err << "\n";
    return kExitWriteFailed;
  }
  std::cout << "compare: " << args.html << "\n";
  return kExitOk;
}

}  // namespace cli
