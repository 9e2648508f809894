#include "reports/summary_check.h"

#include <functional>

namespace reports {

using nlohmann::json;

namespace {

enum class Want { kString, kUnsigned, kInteger, kNumberOrNull, kObject, kArray };

const char* want_text(Want w) {
  switch (w) {
    case Want::kString: return "text";
    case Want::kUnsigned: return "a non-negative integer";
    case Want::kInteger: return "an integer";
    case Want::kNumberOrNull: return "a number or null";
    case Want::kObject: return "an object";
    case Want::kArray: return "an array";
  }
  return "?";
}

bool matches(const json& v, Want w) {
  switch (w) {
    case Want::kString: return v.is_string();
    case Want::kUnsigned: return v.is_number_unsigned();
    case Want::kInteger: return v.is_number_integer();
    case Want::kNumberOrNull: return v.is_number() || v.is_null();
    case Want::kObject: return v.is_object();
    case Want::kArray: return v.is_array();
  }
  return false;
}

// Checks `parent[key]` (absent is fine unless `required`). Returns the problem, if any.
std::optional<std::string> check(const json& parent, const std::string& pointer, const char* key, Want w,
                                 bool required = false) {
  auto it = parent.find(key);
  std::string at = pointer + "/" + key;
  if (it == parent.end()) {
    if (!required) return std::nullopt;
    return at + ": missing; expected " + want_text(w);
  }
  if (matches(*it, w)) return std::nullopt;
  return at + ": expected " + std::string(want_text(w)) + ", got " + (it->is_null() ? "null" : it->type_name());
}

std::optional<std::string> each_object(const json& parent, const std::string& pointer, const char* key,
                                       const std::function<std::optional<std::string>(const json&, const std::string&)>& fn) {
  if (auto p = check(parent, pointer, key, Want::kArray)) return p;
  if (!parent.contains(key)) return std::nullopt;
  const json& list = parent.at(key);
  for (size_t i = 0; i < list.size(); ++i) {
    std::string at = pointer + "/" + key + "/" + std::to_string(i);
    if (!list[i].is_object()) return at + ": expected an object, got " + std::string(list[i].type_name());
    if (auto p = fn(list[i], at)) return p;
  }
  return std::nullopt;
}

std::optional<std::string> config_problem(const json& s) {
  if (auto p = check(s, "", "config", Want::kObject)) return p;
  if (!s.contains("config")) return std::nullopt;
  const json& c = s.at("config");
  if (auto p = check(c, "/config", "broker_configs", Want::kObject)) return p;
  auto entry = [](const json& e, const std::string& at) -> std::optional<std::string> {
    return check(e, at, "configs", Want::kObject);
  };
  if (auto p = each_object(c, "/config", "topics", entry)) return p;
  return each_object(c, "/config", "producers", entry);
}

std::optional<std::string> numbers_problem(const json& s) {
  for (const char* k : {"counts", "throughput", "latency"})
    if (auto p = check(s, "", k, Want::kObject, true)) return p;
  if (auto p = check(s.at("counts"), "/counts", "acknowledged", Want::kInteger)) return p;
  for (const char* k : {"produced_records_per_s", "produced_mb_per_s", "consumed_records_per_s"})
    if (auto p = check(s.at("throughput"), "/throughput", k, Want::kNumberOrNull)) return p;
  if (auto p = check(s, "", "availability", Want::kNumberOrNull)) return p;
  for (const char* op : {"produce", "end_to_end"}) {
    if (auto p = check(s.at("latency"), "/latency", op, Want::kObject, true)) return p;
    for (const char* k : {"p50", "p95", "p99", "p99_9", "max"})
      if (auto p = check(s.at("latency").at(op), std::string("/latency/") + op, k, Want::kNumberOrNull)) return p;
  }
  return each_object(s, "", "checks", [](const json& c, const std::string& at) -> std::optional<std::string> {
    if (auto p = check(c, at, "check", Want::kString)) return p;
    return check(c, at, "count", Want::kInteger);
  });
}

}  // namespace

std::optional<std::string> parse_json_located(const std::string& text, json& out) {
  try {
    out = json::parse(text);
    return std::nullopt;
  } catch (const json::parse_error& e) {
    size_t end = std::min(text.size(), e.byte == 0 ? size_t{0} : e.byte - 1);
    int line = 1, column = 1;
    for (size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string what = e.what();
    size_t colon = what.rfind(": ");
    return std::to_string(line) + ":" + std::to_string(column) + ": invalid JSON (" +
           (colon == std::string::npos ? what : what.substr(colon + 2)) + ")";
  }
}

std::optional<std::string> summary_shape_problem(const json& s) {
  if (!s.is_object()) return std::string("/: expected an object, got ") + s.type_name();
  for (const char* k : {"scenario", "verdict", "fingerprint"})
    if (auto p = check(s, "", k, Want::kString)) return p;
  if (auto p = check(s, "", "seed", Want::kUnsigned)) return p;
  if (auto p = config_problem(s)) return p;
  return numbers_problem(s);
}

}  // namespace reports
