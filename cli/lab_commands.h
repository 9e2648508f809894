// The lab's commands beyond `run`: sweep, merge, replay, check-determinism, list. Each lives in
// its own file and registers itself on the CLI11 app; main.cc runs the one that was parsed.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace cli {

struct LabCommand {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// `eddy` is the binary as invoked (argv[0]); replay commands printed for failures start with it.
std::vector<LabCommand> add_lab_commands(CLI::App& app, const std::string& eddy);

LabCommand add_sweep_command(CLI::App& app, const std::string& eddy);
LabCommand add_merge_command(CLI::App& app, const std::string& eddy);
LabCommand add_replay_command(CLI::App& app, const std::string& eddy);
LabCommand add_check_determinism_command(CLI::App& app, const std::string& eddy);
LabCommand add_list_command(CLI::App& app, const std::string& eddy);
LabCommand add_hunt_command(CLI::App& app, const std::string& eddy);
LabCommand add_shrink_command(CLI::App& app, const std::string& eddy);

}  // namespace cli
