// Little-endian fixed-width integers in byte strings, independent of the host's order.
// The storage formats (record batches, offset index) are built from these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace broker_model::storage {

template <class T>
void put_le(std::string& out, T value) {
  static_assert(std::is_integral_v<T>);
  auto bits = static_cast<std::make_unsigned_t<T>>(value);
  for (size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

// Overwrites sizeof(T) bytes at `pos` (which must exist).
template <class T>
void store_le(std::string& out, size_t pos, T value) {
  static_assert(std::is_integral_v<T>);
  auto bits = static_cast<std::make_unsigned_t<T>>(value);
  for (size_t i = 0; i < sizeof(T); ++i) out[pos + i] = static_cast<char>((bits >> (8 * i)) & 0xff);
}

// Reads sizeof(T) bytes at `pos`; the caller has checked that they exist.
template <class T>
T get_le(std::string_view in, size_t pos) {
  static_assert(std::is_integral_v<T>);
  std::make_unsigned_t<T> bits = 0;
  for (size_t i = 0; i < sizeof(T); ++i)
    bits |= static_cast<std::make_unsigned_t<T>>(static_cast<uint8_t>(in[pos + i])) << (8 * i);
  return static_cast<T>(bits);
}

}  // namespace broker_model::storage
