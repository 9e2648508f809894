#include "cli/timeline.h"

#include <cinttypes>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

namespace cli {

namespace {

bool is_noise(const std::string& kind) {
  static const char* const kNoise[] = {"net.send", "net.deliver", "net.drop", "disk.write", "disk.fsync",
                                       "disk.rename", "disk.read", "metadata.applied", "raft.commit"};
  for (const char* k : kNoise)
    if (kind == k) return true;
  return false;
}

std::string node_name(const nlohmann::ordered_json& j, const std::vector<std::string>& names) {
  if (!j.is_number_integer()) return "?";
  int64_t n = j.get<int64_t>();
  if (n < 0) return "world";
  if (static_cast<size_t>(n) < names.size()) return names[static_cast<size_t>(n)];
  return "n" + std::to_string(n);
}

std::string seconds(int64_t ns) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%" PRId64 ".%09" PRId64 "s", ns / 1'000'000'000, ns % 1'000'000'000);
  return buf;
}

std::string value_text(const nlohmann::ordered_json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

size_t print_timeline(std::istream& trace, const std::vector<std::string>& node_names, std::ostream& out,
                      const TimelineOptions& options) {
  std::map<std::string, uint64_t> hidden;
  size_t events = 0, shown = 0, over = 0;
  std::string line;
  while (std::getline(trace, line)) {
    ++events;
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;
    std::string kind = j.value("ev", std::string("?"));
    if (!options.all && is_noise(kind)) {
      ++hidden[kind];
      continue;
    }
    if (shown >= options.max_lines) {
      ++over;
      continue;
    }
    ++shown;
    std::string text;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "t" || it.key() == "node" || it.key() == "ev") continue;
      if (kind == "fault" && it.key() == "what") {
        text += (text.empty() ? "" : " ") + value_text(it.value());
        continue;
      }
      text += (text.empty() ? "" : " ") + it.key() + "=" + value_text(it.value());
    }
    char head[128];
    std::snprintf(head, sizeof head, "  %16s  %-14s %-30s ", seconds(j.value("t", int64_t{0})).c_str(),
                  node_name(j.value("node", nlohmann::ordered_json()), node_names).c_str(), kind.c_str());
    out << head << text << "\n";
  }
  if (over > 0) out << "  ... " << over << " more event(s) (--timeline-max raises the limit)\n";
  if (!hidden.empty()) {
    out << "  not shown (--all shows them):";
    bool first = true;
    for (const auto& [k, n] : hidden) {
      out << (first ? " " : ", ") << n << " " << k;
      first = false;
    }
    out << "\n";
  }
  return events;
}

}  // namespace cli
