#include "cli/lab_commands.h"

namespace cli {

std::vector<LabCommand> add_lab_commands(CLI::App& app, const std::string& eddy) {
  return {add_sweep_command(app, eddy), add_merge_command(app, eddy), add_replay_command(app, eddy),
          add_check_determinism_command(app, eddy), add_list_command(app, eddy), add_hunt_command(app, eddy), add_shrink_command(app, eddy)};
}

}  // namespace cli
