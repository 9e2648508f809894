// Interned names: one stored copy per text, compared by identity, ordered by text.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sim/symbol.h"
#include "sim/world/trace.h"

namespace sim {
namespace {

TEST(Symbol, EqualTextsAreOneSymbol) {
  std::string built = "sym";
  built += "bol-test-topic";
  Symbol a("symbol-test-topic");
  Symbol b(built);
  Symbol c(std::string_view(built).substr(0, 6));
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.data(), b.data());  // the same stored copy
  EXPECT_NE(a, c);
  EXPECT_EQ(c, "symbol");
  EXPECT_EQ(a.str(), built);
  EXPECT_EQ(a.size(), built.size());
}

TEST(Symbol, TheDefaultIsTheEmptyName) {
  Symbol none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none, Symbol(""));
  EXPECT_EQ(none, Symbol(std::string()));
  EXPECT_EQ(none.str(), "");
}

TEST(Symbol, InterningTheSameTextAgainAddsNothing) {
  Symbol first("symbol-test-counted");
  size_t count = Symbol::interned_count();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Symbol(std::string("symbol-test-") + "counted"), first);
  EXPECT_EQ(Symbol::interned_count(), count);
  Symbol other("symbol-test-counted-2");
  EXPECT_EQ(Symbol::interned_count(), count + 1);
}

// Determinism: a map keyed by Symbols iterates in text order, whatever order the names were
// interned in (pointer order would follow the table's allocation history).
TEST(Symbol, OrderIsTextOrderNotInterningOrder) {
  std::vector<std::string> texts = {"symbol-order-zeta", "symbol-order-alpha", "symbol-order-mid",
                                    "symbol-order-al", "symbol-order-alpha2"};
  std::map<Symbol, int> by_symbol;
  std::map<std::string, int> by_string;
  for (size_t i = 0; i < texts.size(); ++i) {
    by_symbol.emplace(Symbol(texts[i]), static_cast<int>(i));
    by_string.emplace(texts[i], static_cast<int>(i));
  }
  ASSERT_EQ(by_symbol.size(), by_string.size());
  auto s = by_string.begin();
  for (const auto& [sym, i] : by_symbol) {
    EXPECT_EQ(sym.str(), s->first);
    EXPECT_EQ(i, s->second);
    ++s;
  }
  EXPECT_LT(Symbol("symbol-order-a"), Symbol("symbol-order-b"));
  EXPECT_GT(Symbol("symbol-order-b"), Symbol("symbol-order-ab"));
  EXPECT_EQ(Symbol("symbol-order-b") <=> Symbol("symbol-order-b"), std::strong_ordering::equal);
}

TEST(Symbol, ReadsAsItsText) {
  Symbol s("Fetch");
  const std::string& ref = s;
  std::string_view view = s;
  EXPECT_EQ(ref, "Fetch");
  EXPECT_EQ(view, "Fetch");
  EXPECT_EQ(s + ".response", "Fetch.response");
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "Fetch");
}

// A Symbol in a trace field hashes as its text does.
TEST(Symbol, TracesAsItsText) {
  Trace by_symbol;
  Trace by_text;
  by_symbol.record(Instant::epoch(), 1, "net.send", {{"type", Symbol("Fetch.response")}});
  by_text.record(Instant::epoch(), 1, "net.send", {{"type", std::string("Fetch.response")}});
  EXPECT_EQ(by_symbol.hash(), by_text.hash());
}

}  // namespace
}  // namespace sim
