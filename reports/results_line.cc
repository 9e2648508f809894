#include "reports/results_line.h"

#include <cstdint>
#include <cstdio>

#include "sim/crc32c.h"

namespace reports {

namespace {
constexpr std::string_view kSealHead = ",\"crc32c\":\"";
constexpr size_t kHexDigits = 8;
constexpr size_t kSealBytes = kSealHead.size() + kHexDigits + 2;  // + `"}`

std::string hex8(uint32_t v) {
  char buf[kHexDigits + 1];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}
}  // namespace

std::string seal_line(std::string_view json_object) {
  std::string_view body = json_object.substr(0, json_object.size() - (json_object.empty() ? 0 : 1));  // without '}'
  std::string out(body);
  out += kSealHead;
  out += hex8(sim::crc32c(body));
  out += "\"}";
  return out;
}

LineSeal check_line(std::string_view line) {
  if (line.size() < kSealBytes + 1 || line.substr(line.size() - 2) != "\"}") return LineSeal::kUnsealed;
  size_t head = line.size() - kSealBytes;
  if (line.substr(head, kSealHead.size()) != kSealHead) return LineSeal::kUnsealed;
  std::string_view body = line.substr(0, head);
  std::string_view digits = line.substr(head + kSealHead.size(), kHexDigits);
  return digits == hex8(sim::crc32c(body)) ? LineSeal::kIntact : LineSeal::kDamaged;
}

}  // namespace reports
