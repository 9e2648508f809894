// Options that several commands share and must read the same way: --seed (cli/seed_text.h)
// and --wall-timeout (cli/watchdog.h).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cli {

inline constexpr unsigned kWallTimeoutDefaultS = 900;

CLI::Option* add_seed_option(CLI::App* cmd, uint64_t& seed, const std::string& description);
CLI::Option* add_wall_timeout_option(CLI::App* cmd, unsigned& seconds);
// --include-root DIR (repeatable): another directory tree `include:` may read from.
CLI::Option* add_include_root_option(CLI::App* cmd, std::vector<std::string>& roots);
// --engine native|simgrid: overrides the scenario file's `engine:` (an unknown name is a usage
// error naming the engines there are).
CLI::Option* add_engine_option(CLI::App* cmd, std::string& engine);

// --variant NAME (repeatable): a protocol variant of the bug zoo on top of the file's
// cluster.variants (broker_model/variants.h; `eddy list` names them).
CLI::Option* add_variant_option(CLI::App* cmd, std::vector<std::string>& variants);

}  // namespace cli
