// The strict YAML scenario loader: a file (or text) becomes a validated ScenarioSpec, or one
// located error. Every key, type, unit, range and cross-reference is checked; nothing unknown is
// ignored. The YAML form is documented in scenarios/README.md. The loader never throws and
// never crashes on garbage input.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "scenarios/scenario_spec.h"

namespace scenarios {

// Where loading failed. line and column are 1-based; both are 0 only when the error is about
// a whole file that could not be read (then str() leaves them out).
struct ScenarioError {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
  // "FILE:LINE:COLUMN: error: MESSAGE"
  std::string str() const;
};

// Either the validated scenario or the first error found.
class LoadResult {
 public:
  LoadResult(ScenarioSpec spec) : value_(std::move(spec)) {}      // NOLINT: implicit by design
  LoadResult(ScenarioError error) : value_(std::move(error)) {}   // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<ScenarioSpec>(value_); }
  explicit operator bool() const { return ok(); }
  // Precondition: ok().
  const ScenarioSpec& spec() const { return std::get<ScenarioSpec>(value_); }
  ScenarioSpec& spec() { return std::get<ScenarioSpec>(value_); }
  // Precondition: !ok().
  const ScenarioError& error() const { return std::get<ScenarioError>(value_); }

 private:
  std::variant<ScenarioSpec, ScenarioError> value_;
};

// Where `include:` may read from. Every file the loader reads (the top-level file too, which
// matters when it is a symlink) must lie, symlinks resolved, inside the directory tree of the
// top-level file, of the current directory, or of one of `include_roots`; anything else is an
// error at the `include` line that never reads, and so never quotes, the file. A scenario file
// from an untrusted change cannot print /etc/shadow or a .env elsewhere into a CI log.
struct LoadOptions {
  std::vector<std::string> include_roots;  // more trees includes may read from (--include-root)
};

// Reads and validates the scenario file at `path`. Includes are resolved relative to the
// including file. ScenarioSpec::file is `path`.
LoadResult load_scenario_file(const std::string& path, const LoadOptions& options = {});

// Validates YAML text. `display_name` names it in errors and in ScenarioSpec::file; includes
// are resolved relative to its directory (the working directory when it has none).
LoadResult load_scenario_text(std::string_view yaml, const std::string& display_name, const LoadOptions& options = {});

// read_scenario_document (scenario_document.h) with `options`' include roots.
struct YamlValue;
YamlValue read_scenario_document(const std::string& path, const LoadOptions& options);

}  // namespace scenarios
