#include "sim/world/trace.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace sim {

void Trace::mix(std::string_view s) {
  uint64_t word = 0;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::memcpy(&word, s.data() + i, 8);
    mix(word);
  }
  // The last 0-7 bytes, little-endian, above the length: byte k of the tail lands at bit
  // 8 * (k + 1) (at most 56), so one load replaces the byte loop this hash was defined with.
  // Fixed-size loads (4, 2, 1 bytes as the count needs): a variable-length memcpy is a call.
  uint64_t tail = 0;
  size_t rest = s.size() - i;
  const char* p = s.data() + i;
  unsigned shift = 0;
  if (rest & 4) {
    uint32_t x;
    std::memcpy(&x, p, 4);
    tail = x;
    p += 4;
    shift = 32;
  }
  if (rest & 2) {
    uint16_t x;
    std::memcpy(&x, p, 2);
    tail |= static_cast<uint64_t>(x) << shift;
    p += 2;
    shift += 16;
  }
  if (rest & 1) tail |= static_cast<uint64_t>(static_cast<unsigned char>(*p)) << shift;
  mix(static_cast<uint64_t>(s.size()) ^ (tail << 8));
}

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

void Trace::write_json(Instant t, int node, std::string_view kind, std::initializer_list<TraceField> fields) {
  line_.clear();
  char buf[64];
  std::snprintf(buf, sizeof buf, "{\"t\":%" PRId64 ",\"node\":%d,\"ev\":", t.ns(), node);
  line_ += buf;
  append_json_string(line_, kind);
  for (const auto& f : fields) {
    line_.push_back(',');
    append_json_string(line_, f.key.str());
    line_.push_back(':');
    switch (f.value.kind()) {
      case TraceValue::Kind::kString: append_json_string(line_, f.value.as_string()); break;
      case TraceValue::Kind::kInt: line_ += std::to_string(f.value.as_int()); break;
      case TraceValue::Kind::kUInt: line_ += std::to_string(f.value.as_uint()); break;
      case TraceValue::Kind::kBool: line_ += f.value.as_uint() ? "true" : "false"; break;
    }
  }
  line_ += "}\n";
  sink_->write(line_.data(), static_cast<std::streamsize>(line_.size()));
}

}  // namespace sim
