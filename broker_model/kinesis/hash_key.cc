#include "broker_model/kinesis/hash_key.h"

#include <algorithm>

#include "broker_model/kinesis/md5.h"

namespace broker_model::kinesis {

std::string HashKey::str() const {
  if (value == 0) return "0";
  std::string s;
  for (Uint128 v = value; v != 0; v /= 10) s.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
  std::reverse(s.begin(), s.end());
  return s;
}

HashKey hash_key_of_partition_key(std::string_view partition_key) {
  HashKey k;
  for (uint8_t b : md5(partition_key)) k.value = (k.value << 8) | b;
  return k;
}

std::optional<HashKey> parse_hash_key(std::string_view decimal) {
  if (decimal.empty() || decimal.size() > 39) return std::nullopt;
  HashKey k;
  const Uint128 max = ~Uint128{0};
  for (char c : decimal) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<Uint128>(c - '0');
    if (k.value > (max - d) / 10) return std::nullopt;
    k.value = k.value * 10 + d;
  }
  return k;
}

}  // namespace broker_model::kinesis
