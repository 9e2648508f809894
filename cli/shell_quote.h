// Commands eddy prints for the user to paste (replay, resume, check-determinism) quote each
// word for a POSIX shell, so a path with spaces, quotes or `$(...)` replays as written and
// never runs anything else.
#pragma once

#include <string>
#include <string_view>

namespace cli {

// `word` unchanged when it holds only [A-Za-z0-9_./:=@%+,-] (and is not empty), else in
// single quotes with each ' written as '\''.
std::string shell_quote(std::string_view word);

}  // namespace cli
