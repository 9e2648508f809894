// Files and includes; spec_builder.cc does the validation, yaml_reader.cc the YAML.
#include "scenarios/scenario_loader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>
#include <vector>

#include "scenarios/scenario_document.h"
#include "scenarios/spec_builder.h"
#include "scenarios/value_syntax.h"
#include "scenarios/yaml_reader.h"

namespace scenarios {
namespace {

namespace fs = std::filesystem;

constexpr size_t kIncludeDepthMax = 8;  // included files below the one being loaded

struct IncludeFrame {
  fs::path identity;    // canonical, to find cycles
  std::string display;  // as errors name it
};

fs::path identity_of(const fs::path& path) {
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  if (ec) return path.lexically_normal();
  fs::path canonical = fs::weakly_canonical(absolute, ec);
  fs::path p = ec ? absolute.lexically_normal() : canonical;
  return p.has_filename() || p == p.root_path() ? p : p.parent_path();  // no trailing '/'
}

// The directory trees the loader may read from (LoadOptions), symlinks resolved.
class IncludeRoots {
 public:
  IncludeRoots(const std::string& top_file, const LoadOptions& options) {
    fs::path dir = fs::path(top_file).parent_path();
    roots_.push_back(identity_of(dir.empty() ? fs::path(".") : dir));
    roots_.push_back(identity_of("."));
    for (const auto& r : options.include_roots) roots_.push_back(identity_of(r));
  }
  bool allows(const fs::path& identity) const {
    for (const auto& root : roots_) {
      auto [r, p] = std::mismatch(root.begin(), root.end(), identity.begin(), identity.end());
      if (r == root.end()) return true;
    }
    return false;
  }
  std::string describe() const {
    std::string out;
    for (const auto& r : roots_) out += (out.empty() ? "" : ", ") + r.string();
    return out;
  }

 private:
  std::vector<fs::path> roots_;
};

std::string outside_roots(const fs::path& identity, const IncludeRoots& roots) {
  return "resolves to " + identity.string() + ", outside the directories scenarios may read from (" + roots.describe() +
         "); nothing was read from it. Expected a file in the scenario's directory tree or the current "
         "directory's, or pass --include-root DIR to allow another tree";
}

// The whole file, or nullopt with the reason in `why`.
std::optional<std::string> read_file(const fs::path& path, std::string& why) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    why = "it is a directory";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = std::strerror(errno);
    return std::nullopt;
  }
  std::string text;
  char buf[8192];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (static_cast<int64_t>(text.size()) > kYamlFileBytesMax) break;  // parse_yaml reports it
  }
  if (in.bad()) {
    why = "read error";
    return std::nullopt;
  }
  return text;
}

std::string cycle_description(const std::vector<IncludeFrame>& stack, size_t from, const std::string& again) {
  std::string out;
  for (size_t i = from; i < stack.size(); ++i) out += stack[i].display + " -> ";
  return out + again;
}

// Parses `text` and, when it has an `include`, lays it over the included file (recursively).
YamlValue load_document(std::string_view text, const std::string& display, std::vector<IncludeFrame>& stack,
                        const IncludeRoots& roots) {
  YamlValue doc = parse_yaml(text, std::make_shared<const std::string>(display));
  if (!doc.is_map()) return doc;  // the builder says what was expected
  auto it = std::find_if(doc.entries.begin(), doc.entries.end(), [](const YamlEntry& e) { return e.key == "include"; });
  if (it == doc.entries.end()) return doc;
  const YamlValue include = std::move(it->value);
  doc.entries.erase(it);

  std::string relative = read_text(include, "include", "the path of a scenario file to build on");
  if (relative.empty()) fail_at(include.where, "include: expected the path of a scenario file, got ''");
  if (stack.size() > kIncludeDepthMax) {
    fail_at(include.where, "include: more than " + std::to_string(kIncludeDepthMax) +
                               " nested includes; expected at most " + std::to_string(kIncludeDepthMax) + " levels");
  }
  fs::path path = fs::path(display).parent_path() / relative;
  fs::path identity = identity_of(path);
  for (size_t i = 0; i < stack.size(); ++i) {
    if (stack[i].identity == identity) {
      fail_at(include.where, "include: cycle " + cycle_description(stack, i, path.string()) +
                                 "; expected includes that never lead back to an including file");
    }
  }
  if (!roots.allows(identity)) fail_at(include.where, "include: '" + relative + "' " + outside_roots(identity, roots));
  std::string why;
  std::optional<std::string> base_text = read_file(path, why);
  if (!base_text) {
    fail_at(include.where, "include: cannot read '" + path.string() + "' (" + why +
                               "); expected a scenario file, relative to the including file");
  }
  stack.push_back({identity, path.string()});
  YamlValue base = load_document(*base_text, path.string(), stack, roots);
  stack.pop_back();
  if (!base.is_map()) {
    // Not a scenario at all (a .env, a key file...): its content is not repeated in the error.
    fail_at(base.where, "an included file must hold a map of scenario settings; expected a map, got " +
                            std::string(base.is_list() ? "a list" : base.is_null() ? "nothing" : "a single value") +
                            " (not shown)");
  }
  return merge_yaml(std::move(base), std::move(doc));
}

LoadResult load(std::string_view text, const std::string& display_name, const LoadOptions& options) {
  try {
    std::vector<IncludeFrame> stack{{identity_of(display_name), display_name}};
    YamlValue root = load_document(text, display_name, stack, IncludeRoots(display_name, options));
    ScenarioSpec spec = build_scenario_spec(root);
    spec.file = display_name;
    return spec;
  } catch (const LoadFailure& failure) {
    return failure.error();
  } catch (const std::exception& e) {
    return ScenarioError{display_name, 1, 1, std::string("internal error while loading the scenario: ") + e.what()};
  } catch (...) {
    return ScenarioError{display_name, 1, 1, "internal error while loading the scenario"};
  }
}

// The top-level file is confined too: it may itself be a symlink to anywhere.
std::optional<ScenarioError> check_top_level(const std::string& path, const IncludeRoots& roots) {
  fs::path identity = identity_of(path);
  if (roots.allows(identity)) return std::nullopt;
  return ScenarioError{path, 0, 0, "the scenario file " + outside_roots(identity, roots)};
}

YamlValue read_document(const std::string& path, const LoadOptions& options) {
  IncludeRoots roots(path, options);
  if (auto outside = check_top_level(path, roots)) throw LoadFailure(*outside);
  std::string why;
  std::optional<std::string> text = read_file(path, why);
  if (!text) throw LoadFailure(ScenarioError{path, 0, 0, "cannot read the scenario file (" + why + ")"});
  std::vector<IncludeFrame> stack{{identity_of(path), path}};
  return load_document(*text, path, stack, roots);
}

}  // namespace

YamlValue read_scenario_document(const std::string& path) { return read_document(path, LoadOptions{}); }

YamlValue read_scenario_document(const std::string& path, const LoadOptions& options) {
  return read_document(path, options);
}

std::string ScenarioError::str() const {
  if (line <= 0) return file + ": error: " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": error: " + message;
}

LoadResult load_scenario_file(const std::string& path, const LoadOptions& options) {
  if (invalid_utf8_at(path)) {
    return ScenarioError{"(a file name that is not valid UTF-8)", 0, 0,
                         "the scenario file's name is not valid UTF-8; eddy writes it into JSON reports, so it must be "
                         "(rename the file)"};
  }
  if (auto outside = check_top_level(path, IncludeRoots(path, options))) return *outside;
  std::string why;
  std::optional<std::string> text;
  try {
    text = read_file(path, why);
  } catch (const std::exception& e) {
    why = e.what();
  }
  if (!text) return ScenarioError{path, 0, 0, "cannot read the scenario file (" + why + ")"};
  return load(*text, path, options);
}

LoadResult load_scenario_text(std::string_view yaml, const std::string& display_name, const LoadOptions& options) {
  return load(yaml, display_name, options);
}

}  // namespace scenarios
