// Little-endian, bounds-checked encoding helpers for the controller's records and files.
// ByteReader never reads past its input: a short or malformed input sets !ok() and every
// later read returns zeros, so decoders check ok() once at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace broker_model {

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}

  template <class T>
  void put(T value) {
    static_assert(std::is_integral_v<T>);
    auto bits = static_cast<std::make_unsigned_t<T>>(value);
    for (size_t i = 0; i < sizeof(T); ++i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  }
  void put_bool(bool b) { put<uint8_t>(b ? 1 : 0); }
  void put_string(std::string_view s) {
    put<uint32_t>(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }

 private:
  std::string& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  template <class T>
  T get() {
    static_assert(std::is_integral_v<T>);
    if (!ok_ || in_.size() - pos_ < sizeof(T)) return fail<T>();
    std::make_unsigned_t<T> bits = 0;
    for (size_t i = 0; i < sizeof(T); ++i)
      bits |= static_cast<std::make_unsigned_t<T>>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
    pos_ += sizeof(T);
    return static_cast<T>(bits);
  }
  bool get_bool() {
    uint8_t v = get<uint8_t>();
    if (v > 1) ok_ = false;
    return v == 1;
  }
  std::string get_string(size_t max_bytes) {
    uint32_t n = get<uint32_t>();
    if (!ok_ || n > max_bytes || in_.size() - pos_ < n) return fail<std::string>();
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  // A count of items that follow, each at least `min_item_bytes` long; bounded by `max`.
  uint32_t get_count(uint32_t max, size_t min_item_bytes) {
    uint32_t n = get<uint32_t>();
    if (!ok_ || n > max || static_cast<uint64_t>(n) * min_item_bytes > in_.size() - pos_) return fail<uint32_t>();
    return n;
  }

  bool ok() const { return ok_; }
  bool done() const { return ok_ && pos_ == in_.size(); }
  size_t position() const { return pos_; }
  void set_failed() { ok_ = false; }

 private:
  template <class T>
  T fail() {
    ok_ = false;
    return T{};
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace broker_model
