// A digest of a scenario as a sweep ran it: its YAML document with the includes merged, so
// `--resume` can tell that a file (or a file it includes) changed since the sweep began.
// Comments and layout do not count; every key, value and list item does.
#pragma once

#include <string>

#include "scenarios/scenario_loader.h"

namespace cli::sweep {

// 16 hex digits; "" when the file cannot be read (the loader reports that itself).
std::string scenario_digest(const std::string& file, const scenarios::LoadOptions& options);

}  // namespace cli::sweep
