// The seal of a results.jsonl line (format version 2, cli/README.md): every line is a JSON
// object whose last member is "crc32c", the CRC-32C of every byte of the line before the comma
// that precedes it. A line cut short (a killed sweep), two lines spliced into one (a write
// that failed half-way on a full disk, followed by one that succeeded once space came back)
// or a changed byte fail the check, so readers (`--resume`, `merge`, the aggregate) drop the
// line instead of reading garbage or refusing the whole file.
#pragma once

#include <string>
#include <string_view>

namespace reports {

// `{"a":1}` -> `{"a":1,"crc32c":"xxxxxxxx"}`. `json_object` is a one-line JSON object ("{...}").
std::string seal_line(std::string_view json_object);

enum class LineSeal {
  kIntact,    // sealed and the checksum matches
  kUnsealed,  // no seal (format version 1 wrote none)
  kDamaged,   // a seal whose checksum does not match
};
LineSeal check_line(std::string_view line);

}  // namespace reports
