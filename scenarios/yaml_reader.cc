#include "scenarios/yaml_reader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <sstream>

#include "scenarios/value_syntax.h"

namespace scenarios {
namespace {

std::string quote_text(std::string_view text, char quote) {
  constexpr size_t kShownMax = 60;
  std::string s(1, quote);
  for (char c : text.substr(0, kShownMax)) {
    if (c == '\n') {
      s += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      s += '?';
    } else {
      s += c;
    }
  }
  if (text.size() > kShownMax) s += "...";
  s += quote;
  return s;
}

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// yaml-cpp's tags: "?" for plain scalars and untagged collections, "!" for quoted scalars,
// "" for nulls. Anything else was written explicitly ("!!int", "!foo").
bool is_implicit_tag(const std::string& tag) { return tag.empty() || tag == "?" || tag == "!"; }

// A tag as it was written: yaml-cpp expands "!!int" to "tag:yaml.org,2002:int".
std::string written_tag(const std::string& tag) {
  constexpr std::string_view kCore = "tag:yaml.org,2002:";
  if (tag.rfind(kCore, 0) == 0) return "!!" + tag.substr(kCore.size());
  return tag;
}

// What was expected, for yaml-cpp's commonest syntax errors.
std::string syntax_hint(const std::string& message) {
  static constexpr std::pair<std::string_view, std::string_view> kHints[] = {
      {"end of sequence flow not found", "; expected a ']' closing the list"},
      {"end of map flow not found", "; expected a '}' closing the map"},
      {"end of sequence not found", "; expected '- item' lines at the list's indentation"},
      {"end of map not found", "; expected 'key: value' lines at the map's indentation"},
      {"illegal map value", "; expected one 'key: value' per line (quote text that contains ': ')"},
      {"the referenced anchor is not defined", "; expected an alias (*name) to an anchor (&name) defined before it"},
      {"illegal EOF in scalar", "; expected a closing quote"},
      {"illegal tab when looking for indentation", "; expected spaces, not tabs, for indentation"},
      {"illegal block entry", "; expected '- item' only where a list may start"},
      {"illegal flow end", "; expected ']' or '}' only after a matching '[' or '{'"},
  };
  for (const auto& [start, hint] : kHints) {
    if (message.rfind(start, 0) == 0) return std::string(hint);
  }
  return "; expected well-formed YAML";
}

// Builds the YamlValue tree from yaml-cpp's parser events (not from YAML::Node, so that every
// value keeps its own mark, aliases are copied under a size limit, and an alias can never
// make the tree cyclic).
class TreeBuilder : public YAML::EventHandler {
 public:
  explicit TreeBuilder(std::shared_ptr<const std::string> file) : file_(std::move(file)) {}

  SourceLocation locate(const YAML::Mark& m) const {
    if (m.is_null() || m.line < 0 || m.column < 0) return {file_, 1, 1};
    return {file_, m.line + 1, m.column + 1};
  }

  bool has_root() const { return has_root_; }
  YamlValue take_root() { return std::move(root_); }
  const YAML::Mark& document_start() const { return document_start_; }

  void OnDocumentStart(const YAML::Mark& mark) override { document_start_ = mark; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlValue v;
    v.where = locate(mark);
    add(std::move(v), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      fail_at(locate(mark), "an alias refers to a value that contains it; expected aliases to complete values");
    }
    count_values(locate(mark), it->second.size);
    YamlValue copy = it->second.value;
    copy.where = locate(mark);
    add(std::move(copy), YAML::NullAnchor, /*counted=*/true);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    YamlValue v;
    v.where = locate(mark);
    check_tag(v.where, tag);
    v.kind = YamlValue::Kind::kScalar;
    if (auto bad = invalid_utf8_at(value)) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(value[*bad]));
      fail_at(v.where, "text that is not valid UTF-8 (byte " + std::string(byte) + " after " + std::to_string(*bad) +
                           " bytes of it); expected UTF-8 text");
    }
    v.text = value;
    v.plain = tag == "?";
    add(std::move(v), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, YamlValue::Kind::kList);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, YamlValue::Kind::kMap);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    YamlValue value;
    YAML::anchor_t anchor = YAML::NullAnchor;
    std::optional<YamlEntry> key;             // kMap: a key waiting for its value
    std::map<std::string, int> key_lines;     // kMap: keys seen, for duplicates
  };
  struct Anchored {
    YamlValue value;
    int size = 0;
  };

  void check_tag(const SourceLocation& where, const std::string& tag) const {
    if (!is_implicit_tag(tag)) {
      fail_at(where, "YAML tag " + quote_text(written_tag(tag), '\'') + " is not supported; expected untagged values");
    }
  }

  void count_values(const SourceLocation& where, int n) {
    values_ += n;
    if (values_ > kYamlValuesMax) {
      fail_at(where, "the document holds more than " + std::to_string(kYamlValuesMax) +
                         " values (each use of an alias counts); expected a scenario of reasonable size");
    }
  }

  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, YamlValue::Kind kind) {
    Frame f;
    f.value.where = locate(mark);
    check_tag(f.value.where, tag);
    if (static_cast<int>(stack_.size()) >= kYamlDepthMax) {
      fail_at(f.value.where, "values nested more than " + std::to_string(kYamlDepthMax) +
                                 " levels deep; expected a flatter document");
    }
    f.value.kind = kind;
    f.anchor = anchor;
    stack_.push_back(std::move(f));
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    if (f.key) fail_at(f.key->key_where, "a key without a value; expected 'key: value'");  // not produced by yaml-cpp
    add(std::move(f.value), f.anchor);
  }

  static int size_of(const YamlValue& v) {
    int n = 1;
    for (const YamlValue& item : v.items) n += size_of(item);
    for (const YamlEntry& e : v.entries) n += 1 + size_of(e.value);
    return n;
  }

  void add(YamlValue v, YAML::anchor_t anchor, bool counted = false) {
    if (!counted) count_values(v.where, 1);
    if (anchor != YAML::NullAnchor) {
      int size = size_of(v);
      anchors_[anchor] = Anchored{v, size};
    }
    if (stack_.empty()) {
      root_ = std::move(v);
      has_root_ = true;
      return;
    }
    Frame& f = stack_.back();
    if (f.value.is_list()) {
      f.value.items.push_back(std::move(v));
    } else if (!f.key) {
      add_key(f, std::move(v));
    } else {
      if (v.is_null()) v.where = f.key->key_where;  // yaml-cpp places an empty value at the next token
      f.key->value = std::move(v);
      f.value.entries.push_back(std::move(*f.key));
      f.key.reset();
    }
  }

  void add_key(Frame& f, YamlValue key) {
    if (!key.is_scalar()) {
      fail_at(key.where, "expected a text key, got " + (key.is_null() ? std::string("an empty key") : key.describe()));
    }
    auto [it, inserted] = f.key_lines.emplace(key.text, key.where.line);
    if (!inserted) {
      fail_at(key.where, "duplicate key " + quote_text(key.text, '\'') + " (first written at line " +
                             std::to_string(it->second) + "); expected each key once");
    }
    f.key = YamlEntry{key.text, key.where, YamlValue{}};
  }

  std::shared_ptr<const std::string> file_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, Anchored> anchors_;
  YamlValue root_;
  bool has_root_ = false;
  YAML::Mark document_start_;
  int values_ = 0;
};

// Edit distance, for "did you mean" hints on short words.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool looks_like_integer(std::string_view text) {
  if (!text.empty() && text[0] == '-') text.remove_prefix(1);
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string where_in(std::string_view path) {
  return path.empty() ? std::string("at the top level") : "in " + std::string(path);
}

std::string prefix(std::string_view path) { return path.empty() ? std::string() : std::string(path) + ": "; }

}  // namespace

void fail_at(const SourceLocation& where, std::string message) {
  throw LoadFailure(ScenarioError{where.file ? *where.file : std::string(), where.line, where.column,
                                  std::move(message)});
}

const YamlValue* YamlValue::find(std::string_view key) const {
  for (const YamlEntry& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

std::string YamlValue::describe() const {
  switch (kind) {
    case Kind::kNull: return "nothing";
    case Kind::kList: return "a list";
    case Kind::kMap: return "a map";
    case Kind::kScalar: return plain ? quote_text(text, '\'') : "the quoted text " + quote_text(text, '"');
  }
  return "?";
}

YamlValue parse_yaml(std::string_view text, const std::shared_ptr<const std::string>& file) {
  if (static_cast<int64_t>(text.size()) > kYamlFileBytesMax) {
    fail_at({file, 1, 1}, "the file is larger than " + std::to_string(kYamlFileBytesMax >> 20) +
                              " MiB; expected a scenario of reasonable size");
  }
  std::istringstream in{std::string(text)};
  TreeBuilder first(file);
  TreeBuilder second(file);
  bool more = false;
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(first)) {
      YamlValue empty;
      empty.where = {file, 1, 1};
      return empty;
    }
    // Never more than two calls: on a token it cannot place (a stray ',') yaml-cpp reports an
    // endless series of empty documents without moving on (yaml-cpp issue #1040).
    more = parser.HandleNextDocument(second);
  } catch (const YAML::Exception& e) {
    fail_at(first.locate(e.mark), "invalid YAML: " + e.msg + syntax_hint(e.msg));
  }
  if (more) {
    const YAML::Mark& m = second.document_start();
    std::string_view rest = m.pos >= 0 && static_cast<size_t>(m.pos) < text.size() ? text.substr(m.pos) : "";
    if (rest.empty() || rest.substr(0, 3) == "---" || rest[0] == '%') {
      fail_at(second.locate(m), "a second YAML document; expected exactly one document (no '---' separators "
                                "between scenarios)");
    }
    fail_at(second.locate(m), "invalid YAML: unexpected " + quote_text(rest.substr(0, 1), '\'') +
                                  "; expected a key, a value or the end of the document");
  }
  if (!first.has_root()) {
    YamlValue empty;
    empty.where = first.locate(first.document_start());
    return empty;
  }
  return first.take_root();
}

YamlValue merge_yaml(YamlValue base, YamlValue top) {
  if (!base.is_map() || !top.is_map()) return top;
  for (YamlEntry& e : top.entries) {
    auto it = std::find_if(base.entries.begin(), base.entries.end(),
                           [&](const YamlEntry& b) { return b.key == e.key; });
    if (it == base.entries.end()) {
      base.entries.push_back(std::move(e));
    } else {
      it->value = merge_yaml(std::move(it->value), std::move(e.value));
      it->key_where = e.key_where;
    }
  }
  base.where = top.where;
  return base;
}

void require_map(const YamlValue& map, std::string_view path, std::string_view expected) {
  if (!map.is_map()) fail_at(map.where, prefix(path) + "expected " + std::string(expected) + ", got " + map.describe());
}

void check_keys(const YamlValue& map, std::string_view path, std::initializer_list<std::string_view> allowed) {
  check_keys(map, path, std::vector<std::string_view>(allowed));
}

void check_keys(const YamlValue& map, std::string_view path, const std::vector<std::string_view>& allowed) {
  for (const YamlEntry& e : map.entries) {
    if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    std::string hint = closest_match(e.key, allowed);
    fail_at(e.key_where, "unknown key " + quote_text(e.key, '\'') + " " + where_in(path) +
                             (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; expected one of: " + list);
  }
}

const YamlValue& require_key(const YamlValue& map, std::string_view path, std::string_view key) {
  const YamlValue* v = map.find(key);
  if (v == nullptr) {
    fail_at(map.where, "missing required key '" + std::string(key) + "' " + where_in(path) + "; expected '" +
                           std::string(key) + ": ...' in this map");
  }
  return *v;
}

int64_t read_int(const YamlValue& v, std::string_view path, int64_t min, int64_t max) {
  std::string expected = "expected an integer";
  if (max == std::numeric_limits<int64_t>::max()) {
    expected += " >= " + std::to_string(min);
  } else {
    expected += " from " + std::to_string(min) + " to " + std::to_string(max);
  }
  std::optional<int64_t> n = v.is_scalar() ? parse_integer(v.text) : std::nullopt;
  if (!n && v.is_scalar() && v.plain && looks_like_integer(v.text)) {
    fail_at(v.where, prefix(path) + expected + ", got " + v.describe() + ", which is out of range");
  }
  if (!n) fail_at(v.where, prefix(path) + expected + ", got " + v.describe());
  if (!v.plain) fail_at(v.where, prefix(path) + expected + ", got " + v.describe() + " (write numbers without quotes)");
  if (*n < min || *n > max) fail_at(v.where, prefix(path) + expected + ", got " + std::to_string(*n));
  return *n;
}

bool read_bool(const YamlValue& v, std::string_view path) {
  if (v.is_scalar() && v.plain && v.text == "true") return true;
  if (v.is_scalar() && v.plain && v.text == "false") return false;
  fail_at(v.where, prefix(path) + "expected true or false, got " + v.describe());
}

double read_number(const YamlValue& v, std::string_view path, double min, double max) {
  std::string expected = "expected a number from " + format_number(min) + " to " + format_number(max);
  std::optional<double> n = v.is_scalar() && v.plain ? parse_decimal(v.text) : std::nullopt;
  if (!n) fail_at(v.where, prefix(path) + expected + ", got " + v.describe());
  if (*n < min || *n > max) fail_at(v.where, prefix(path) + expected + ", got " + v.text);
  return *n;
}

std::string read_text(const YamlValue& v, std::string_view path, std::string_view expected) {
  if (!v.is_scalar()) fail_at(v.where, prefix(path) + "expected " + std::string(expected) + ", got " + v.describe());
  return v.text;
}

std::string join_path(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
}

std::string index_path(std::string_view path, size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(1, std::min<size_t>(3, word.size() / 3)) + 1;
  for (std::string_view c : candidates) {
    size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(c);
    }
  }
  return best;
}

}  // namespace scenarios
