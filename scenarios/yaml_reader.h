// A YAML document as the scenario loader sees it: maps keep their order, and every value
// remembers the file, line and column it was written at, so that an error still points at the
// right place after included files have been merged. yaml-cpp stays behind this seam (only
// yaml_reader.cc includes it); the typed readers below throw LoadFailure with a located message.
#pragma once

#include <cstdint>
#include <exception>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/scenario_loader.h"

namespace scenarios {

// Limits on what one document may hold (garbage in must not mean unbounded work).
inline constexpr int kYamlDepthMax = 32;          // nesting of maps and lists
inline constexpr int kYamlValuesMax = 100'000;    // values in one document, aliases expanded
inline constexpr int64_t kYamlFileBytesMax = 4 << 20;

struct SourceLocation {
  std::shared_ptr<const std::string> file;
  int line = 1;    // 1-based
  int column = 1;  // 1-based
};

// Thrown only inside the loader; load_scenario_* turn it into a ScenarioError.
class LoadFailure : public std::exception {
 public:
  explicit LoadFailure(ScenarioError error) : error_(std::move(error)) {}
  const ScenarioError& error() const { return error_; }
  const char* what() const noexcept override { return error_.message.c_str(); }

 private:
  ScenarioError error_;
};

[[noreturn]] void fail_at(const SourceLocation& where, std::string message);

struct YamlEntry;

struct YamlValue {
  enum class Kind { kNull, kScalar, kList, kMap };
  Kind kind = Kind::kNull;
  std::string text;                // kScalar
  bool plain = false;              // kScalar written without quotes: `3` is a number, "3" is text
  std::vector<YamlValue> items;    // kList
  std::vector<YamlEntry> entries;  // kMap, in the order written
  SourceLocation where;

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_list() const { return kind == Kind::kList; }
  bool is_map() const { return kind == Kind::kMap; }
  // The value of `key` in a map, or nullptr.
  const YamlValue* find(std::string_view key) const;
  // For messages: "a map", "a list", "nothing", "the text \"abc\"", "12".
  std::string describe() const;
};

struct YamlEntry {
  std::string key;
  SourceLocation key_where;
  YamlValue value;
};

// Parses exactly one YAML document (an empty text gives a null value located at 1:1).
// Throws LoadFailure for YAML syntax errors, several documents, duplicate or non-text keys,
// tags, too deep or too large documents.
YamlValue parse_yaml(std::string_view text, const std::shared_ptr<const std::string>& file);

// `top` laid over `base`: maps merge key by key, recursively (base's keys keep their order,
// new keys follow); anything else in `top` replaces what `base` had.
YamlValue merge_yaml(YamlValue base, YamlValue top);

// --- Typed readers. `path` names the value in messages ("cluster.brokers", "faults[2].at").

// Fails unless `map` is a map; `expected` completes "expected ..." ("a map of cluster settings").
void require_map(const YamlValue& map, std::string_view path, std::string_view expected);
// Fails on the first key not in `allowed`, naming it and listing the allowed ones.
void check_keys(const YamlValue& map, std::string_view path, std::initializer_list<std::string_view> allowed);
void check_keys(const YamlValue& map, std::string_view path, const std::vector<std::string_view>& allowed);
// The value of a required key; fails at the map when it is missing.
const YamlValue& require_key(const YamlValue& map, std::string_view path, std::string_view key);

int64_t read_int(const YamlValue& v, std::string_view path, int64_t min, int64_t max);
bool read_bool(const YamlValue& v, std::string_view path);
double read_number(const YamlValue& v, std::string_view path, double min, double max);
// Any scalar, as written; fails on maps, lists and nothing.
std::string read_text(const YamlValue& v, std::string_view path, std::string_view expected = "text");

// "a.b" / "a[3]" helpers for paths.
std::string join_path(std::string_view path, std::string_view key);
std::string index_path(std::string_view path, size_t index);

// The closest of `candidates` to `word` when it is a likely typo, or "".
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace scenarios
