// Symbol: an interned string. Equal strings share one stored copy for the life of the
// process, so a Symbol is one pointer: copying it copies a word and two Symbols are equal
// exactly when their pointers are. Names that a run passes around by the hundred thousand
// (topic names in every TopicPartition, message types in every envelope) were short strings
// copied and compared byte by byte at each hop (~8% of the instructions of a run).
//
// Determinism: the pointer is never what orders or hashes a Symbol. Ordering compares the
// text (as std::string does), so a std::map keyed by Symbols iterates in the same order in
// every run, whatever order the process interned the names in.
//
// The table only grows (names are few: topics, message types); it is per process and not
// locked, as the simulator runs on one thread and sweep workers are forked processes.
#pragma once

#include <compare>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

namespace sim {

namespace detail {
// The empty name, statically initialized so that a default Symbol costs no guard check.
inline constinit const std::string kEmptySymbolText{};
}  // namespace detail

class Symbol {
 public:
  Symbol() : text_(&detail::kEmptySymbolText) {}
  // Implicit: a name given as text becomes its symbol (a table lookup; keep Symbols where a
  // path runs often instead of converting there).
  Symbol(std::string_view text) : text_(intern(text)) {}  // NOLINT(google-explicit-constructor)
  Symbol(const std::string& text) : Symbol(std::string_view(text)) {}  // NOLINT(google-explicit-constructor)
  Symbol(const char* text) : Symbol(std::string_view(text)) {}  // NOLINT(google-explicit-constructor)

  const std::string& str() const { return *text_; }
  std::string_view view() const { return *text_; }
  // Reads as the string it names, for code written against std::string.
  operator const std::string&() const { return *text_; }  // NOLINT(google-explicit-constructor)
  operator std::string_view() const { return *text_; }    // NOLINT(google-explicit-constructor)

  const char* data() const { return text_->data(); }
  const char* c_str() const { return text_->c_str(); }
  size_t size() const { return text_->size(); }
  bool empty() const { return text_->empty(); }

  friend bool operator==(Symbol a, Symbol b) { return a.text_ == b.text_; }
  friend std::strong_ordering operator<=>(Symbol a, Symbol b) {
    if (a.text_ == b.text_) return std::strong_ordering::equal;
    return a.text_->compare(*b.text_) <=> 0;
  }
  // Against text, without interning it.
  friend bool operator==(Symbol a, std::string_view b) { return a.view() == b; }
  friend bool operator==(Symbol a, const std::string& b) { return a.view() == b; }
  friend bool operator==(Symbol a, const char* b) { return a.view() == b; }
  friend std::strong_ordering operator<=>(Symbol a, std::string_view b) { return a.view().compare(b) <=> 0; }

  friend std::ostream& operator<<(std::ostream& os, Symbol s) { return os << s.str(); }

  // How many distinct names the process has interned (for tests and diagnostics).
  static size_t interned_count();

 private:
  static const std::string* intern(std::string_view text);

  const std::string* text_;
};

// A name with text after it ("Fetch" + ".response").
inline std::string operator+(const Symbol& a, std::string_view b) {
  std::string s = a.str();
  s += b;
  return s;
}

}  // namespace sim
