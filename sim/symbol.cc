#include "sim/symbol.h"

#include <deque>
#include <map>

namespace sim {

namespace {

struct SymbolTable {
  std::deque<std::string> texts;  // a deque: growing it never moves a stored string
  std::map<std::string_view, const std::string*, std::less<>> index;  // views into `texts`
};

SymbolTable& table() {
  static SymbolTable* t = new SymbolTable;  // never destroyed: Symbols in static objects outlive main
  return *t;
}

}  // namespace

const std::string* Symbol::intern(std::string_view text) {
  if (text.empty()) return &detail::kEmptySymbolText;
  SymbolTable& t = table();
  auto it = t.index.find(text);
  if (it != t.index.end()) return it->second;
  const std::string& stored = t.texts.emplace_back(text);
  t.index.emplace(std::string_view(stored), &stored);
  return &stored;
}

size_t Symbol::interned_count() { return table().texts.size() + 1; }  // + the empty name

}  // namespace sim
