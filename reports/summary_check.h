// What `eddy compare` needs of a summary.json, checked before anything reads it: a file that is
// not JSON gets its line and column, and a value of an unexpected type gets its JSON pointer
// ("/latency/produce/p99: expected a number or null, got a string"), never an exception.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace reports {

// Parses `text`; on a syntax error, "LINE:COLUMN: MESSAGE".
std::optional<std::string> parse_json_located(const std::string& text, nlohmann::json& out);

// The first key of `summary` whose type compare cannot use, as "POINTER: expected ..., got ...".
std::optional<std::string> summary_shape_problem(const nlohmann::json& summary);

}  // namespace reports
