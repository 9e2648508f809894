// The fields of a structured trace event, as simulated code writes them
// (`ctx.trace("fetch.reply", {{"partition", tp}, {"bytes", n}})`): a key and an integer,
// boolean or string value. The world's Trace (sim/world/trace.h) hashes them into the run's
// fingerprint and may write them as JSON lines.
#pragma once

#include <bit>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "sim/symbol.h"
#include "sim/time.h"

namespace sim {

class TraceValue {
 public:
  enum class Kind : uint8_t { kInt, kUInt, kBool, kString };
  TraceValue(int v) : kind_(Kind::kInt), i_(v) {}
  TraceValue(long v) : kind_(Kind::kInt), i_(v) {}
  TraceValue(long long v) : kind_(Kind::kInt), i_(v) {}
  TraceValue(unsigned v) : kind_(Kind::kUInt), u_(v) {}
  TraceValue(unsigned long v) : kind_(Kind::kUInt), u_(v) {}
  TraceValue(unsigned long long v) : kind_(Kind::kUInt), u_(v) {}
  TraceValue(bool v) : kind_(Kind::kBool), u_(v ? 1 : 0) {}
  TraceValue(std::string_view v) : kind_(Kind::kString), s_(v) {}
  TraceValue(const char* v) : kind_(Kind::kString), s_(v) {}
  TraceValue(const std::string& v) : kind_(Kind::kString), s_(v) {}
  TraceValue(Symbol v) : kind_(Kind::kString), s_(v.view()) {}
  TraceValue(Duration d) : kind_(Kind::kInt), i_(d.ns()) {}
  TraceValue(Instant t) : kind_(Kind::kInt), i_(t.ns()) {}

  Kind kind() const { return kind_; }
  int64_t as_int() const { return i_; }
  uint64_t as_uint() const { return u_; }
  std::string_view as_string() const { return s_; }

 private:
  Kind kind_;
  union {
    int64_t i_;
    uint64_t u_;
  };
  std::string_view s_;
};

// A field's key, with the words the trace hash mixes for it worked out at compile time when
// the key is a string literal (every key in the code is): the same words Trace::mix(string)
// computes at run time, so the hash is the same either way.
class TraceKey {
 public:
  template <size_t N>
  consteval TraceKey(const char (&literal)[N]) : s_(literal, N - 1) {  // NOLINT(google-explicit-constructor)
    if (N - 1 > 15) return;  // longer keys are mixed at run time
    size_t i = 0;
    if (N - 1 >= 8) {
      words_[count_++] = load(literal, 0, 8);
      i = 8;
    }
    words_[count_++] = static_cast<uint64_t>(N - 1) ^ (load(literal, i, N - 1 - i) << 8);
  }
  // Keys built at run time. (No const char* form: it would be preferred over the literal one.)
  TraceKey(std::string_view s) : s_(s) {}  // NOLINT(google-explicit-constructor)
  TraceKey(const std::string& s) : s_(s) {}  // NOLINT(google-explicit-constructor)

  std::string_view str() const { return s_; }
  // The precomputed words (none: mix the string at run time).
  uint8_t word_count() const { return count_; }
  uint64_t word(size_t i) const { return words_[i]; }

 private:
  // `n` bytes from `at`, little-endian, as memcpy into a uint64_t loads them on x86-64.
  static_assert(std::endian::native == std::endian::little, "TraceKey assumes Trace::mix's little-endian loads");
  static consteval uint64_t load(const char* p, size_t at, size_t n) {
    uint64_t w = 0;
    for (size_t k = 0; k < n; ++k) w |= static_cast<uint64_t>(static_cast<unsigned char>(p[at + k])) << (8 * k);
    return w;
  }
  std::string_view s_;
  uint64_t words_[2] = {0, 0};
  uint8_t count_ = 0;
};

struct TraceField {
  TraceKey key;
  TraceValue value;
};

}  // namespace sim
