#include "cli/sweep/scenario_digest.h"

#include <cinttypes>
#include <cstdio>

#include "scenarios/scenario_document.h"
#include "sim/crc32c.h"

namespace cli::sweep {

namespace {

// A canonical text of the document: kind, text and quoting of scalars, keys in order.
void canonical(const scenarios::YamlValue& v, std::string& out) {
  using Kind = scenarios::YamlValue::Kind;
  switch (v.kind) {
    case Kind::kNull: out += "~;"; break;
    case Kind::kScalar:
      out += (v.plain ? "p" : "q") + std::to_string(v.text.size()) + ":" + v.text + ";";
      break;
    case Kind::kList:
      out += "[" + std::to_string(v.items.size()) + ";";
      for (const auto& item : v.items) canonical(item, out);
      out += "]";
      break;
    case Kind::kMap:
      out += "{" + std::to_string(v.entries.size()) + ";";
      for (const auto& e : v.entries) {
        out += std::to_string(e.key.size()) + ":" + e.key + "=";
        canonical(e.value, out);
      }
      out += "}";
      break;
  }
}

}  // namespace

std::string scenario_digest(const std::string& file, const scenarios::LoadOptions& options) {
  try {
    std::string text;
    canonical(scenarios::read_scenario_document(file, options), text);
    // Two CRC-32C of the text (plain and seeded with its length) make 64 bits: enough to see a change.
    uint64_t d = (static_cast<uint64_t>(sim::crc32c(text)) << 32) | sim::crc32c(text, static_cast<uint32_t>(text.size()));
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016" PRIx64, d);
    return buf;
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace cli::sweep
