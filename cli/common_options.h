// Options that several commands share and must read the same way: --seed (cli/seed_text.h)
// and --wall-timeout (cli/watchdog.h).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace cli {

inline constexpr unsigned kWallTimeoutDefaultS = 900;

CLI::Option* add_seed_option(CLI::App* cmd, uint64_t& seed, const std::string& description);
CLI::Option* add_wall_timeout_option(CLI::App* cmd, unsigned& seconds);

}  // namespace cli
