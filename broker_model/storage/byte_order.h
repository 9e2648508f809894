// Little-endian fixed-width integers in byte strings, independent of the host's order.
// The storage formats (record batches, offset index) are built from these.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace broker_model::storage {

// The value's bytes, least significant first.
template <class T>
void le_bytes(char (&bytes)[sizeof(T)], T value) {
  static_assert(std::is_integral_v<T>);
  auto bits = static_cast<std::make_unsigned_t<T>>(value);
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(bytes, &bits, sizeof(T));  // one store instead of a byte loop (encoding is hot)
  } else {
    for (size_t i = 0; i < sizeof(T); ++i) bytes[i] = static_cast<char>((bits >> (8 * i)) & 0xff);
  }
}

template <class T>
void put_le(std::string& out, T value) {
  char bytes[sizeof(T)];
  le_bytes(bytes, value);
  out.append(bytes, sizeof(T));
}

// Writes integers and bytes one after another into a buffer sized beforehand (the encoders
// know their output size): no capacity check or growth per field.
class ByteWriter {
 public:
  explicit ByteWriter(char* at) : at_(at) {}
  template <class T>
  void put(T value) {
    char bytes[sizeof(T)];
    le_bytes(bytes, value);
    std::memcpy(at_, bytes, sizeof(T));
    at_ += sizeof(T);
  }
  void put_bytes(std::string_view bytes) {
    std::memcpy(at_, bytes.data(), bytes.size());
    at_ += bytes.size();
  }
  char* position() const { return at_; }

 private:
  char* at_;
};

// Overwrites sizeof(T) bytes at `pos` (which must exist).
template <class T>
void store_le(std::string& out, size_t pos, T value) {
  char bytes[sizeof(T)];
  le_bytes(bytes, value);
  std::memcpy(out.data() + pos, bytes, sizeof(T));
}

// Reads sizeof(T) bytes at `pos`; the caller has checked that they exist.
template <class T>
T get_le(std::string_view in, size_t pos) {
  static_assert(std::is_integral_v<T>);
  std::make_unsigned_t<T> bits = 0;
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(&bits, in.data() + pos, sizeof(T));
  } else {
    for (size_t i = 0; i < sizeof(T); ++i)
      bits |= static_cast<std::make_unsigned_t<T>>(static_cast<uint8_t>(in[pos + i])) << (8 * i);
  }
  return static_cast<T>(bits);
}

}  // namespace broker_model::storage
