#include "cli/common_options.h"

#include "cli/seed_text.h"
#include "sim/world/engine.h"

namespace cli {

CLI::Option* add_seed_option(CLI::App* cmd, uint64_t& seed, const std::string& description) {
  return cmd->add_option_function<std::string>(
      "--seed",
      [&seed](const std::string& text) {
        auto v = parse_seed(text);
        if (!v) {
          throw CLI::ValidationError("--seed", "expected a seed from 0 to 18446744073709551615 in decimal digits, got '" +
                                                   text + "'");
        }
        seed = *v;
      },
      description);
}

CLI::Option* add_engine_option(CLI::App* cmd, std::string& engine) {
  return cmd
      ->add_option("--engine", engine,
                   "Simulation engine: native (eddy's fibers, the fastest) or simgrid (SimGrid's flow-level network, "
                   "disk and CPU models); default: the scenario's engine:, else native")
      ->check(CLI::Validator(
          [](std::string& name) {
            if (sim::engine_kind_from_name(name)) return std::string();
            return "unknown engine '" + name + "' (expected one of: " + sim::engine_names() + ")";
          },
          "ENGINE"));
}

CLI::Option* add_wall_timeout_option(CLI::App* cmd, unsigned& seconds) {
  return cmd
      ->add_option("--wall-timeout", seconds,
                   "Give up (exit 5) if the run takes longer than this many wall-clock seconds (default 900); 0: never")
      ->check(CLI::Range(0u, 7u * 24 * 3600));
}

CLI::Option* add_include_root_option(CLI::App* cmd, std::vector<std::string>& roots) {
  return cmd
      ->add_option("--include-root", roots,
                   "Let `include:` read from this directory tree too (default: the scenario file's directory tree "
                   "and the current directory's); repeatable")
      ->check(CLI::ExistingDirectory);
}

CLI::Option* add_variant_option(CLI::App* cmd, std::vector<std::string>& variants) {
  return cmd->add_option("--variant", variants,
                         "Turn on a protocol variant that brings back a historical Kafka bug (eddy list shows them; "
                         "docs/bug-zoo.md); repeatable");
}

}  // namespace cli
