// A seed as the user writes it, parsed the same way by every command (run, demo, replay,
// check-determinism and sweep's --seeds): decimal digits only, leading zeros allowed ("0042"
// is 42, never octal), 0 .. 2^64-1. A sign, a prefix, a fraction or a number out of range is
// an error, never clamped.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace cli {

std::optional<uint64_t> parse_seed(std::string_view text);

}  // namespace cli
