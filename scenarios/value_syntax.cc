#include "scenarios/value_syntax.h"

#include "faults/fault_catalogue.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

namespace scenarios {

std::optional<size_t> invalid_utf8_at(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  for (size_t i = 0; i < n;) {
    unsigned c = p[i];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > n) return i;
    uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::nullopt;
}

namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

struct Unit {
  std::string_view name;
  int64_t factor;
};

constexpr std::array kDurationUnits = {
    Unit{"ns", 1}, Unit{"us", 1'000}, Unit{"ms", 1'000'000}, Unit{"s", 1'000'000'000},
    Unit{"m", 60'000'000'000},
};
constexpr std::array kSizeUnits = {
    Unit{"B", 1},           Unit{"KiB", 1 << 10},     Unit{"MiB", 1 << 20}, Unit{"GiB", 1 << 30},
    Unit{"KB", 1'000},      Unit{"MB", 1'000'000},    Unit{"GB", 1'000'000'000},
};
// Bandwidth units in bits, so that "bit" units and byte units share one table.
constexpr std::array kBandwidthUnitsInBits = {
    Unit{"bit", 1},
    Unit{"kbit", 1'000},
    Unit{"Mbit", 1'000'000},
    Unit{"Gbit", 1'000'000'000},
    Unit{"B", 8},
    Unit{"KB", 8'000},
    Unit{"MB", 8'000'000},
    Unit{"GB", 8'000'000'000},
    Unit{"KiB", int64_t{8} << 10},
    Unit{"MiB", int64_t{8} << 20},
    Unit{"GiB", int64_t{8} << 30},
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string quoted(std::string_view text) {
  constexpr size_t kShownMax = 60;
  std::string s(text.substr(0, kShownMax));
  if (text.size() > kShownMax) s += "...";
  return "'" + s + "'";
}

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_blank(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !is_blank(text[i])) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

// "250ms" -> (250, "ms"); the number is the leading digits, the unit the rest.
struct NumberAndUnit {
  std::string_view number;
  std::string_view unit;
};
NumberAndUnit split_number(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && is_digit(text[i])) ++i;
  return {text.substr(0, i), text.substr(i)};
}

template <size_t N>
std::string unit_names(const std::array<Unit, N>& units) {
  std::string out;
  for (const Unit& u : units) {
    if (!out.empty()) out += ", ";
    out += u.name;
  }
  return out;
}

template <size_t N>
const Unit* find_unit(const std::array<Unit, N>& units, std::string_view name) {
  for (const Unit& u : units) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

// Parses "INTEGER UNIT" against a unit table; `what` is "a duration", "a size", ...
template <size_t N>
Parsed<int64_t> parse_with_units(std::string_view text, const std::array<Unit, N>& units,
                                 std::string_view what, std::string_view example) {
  const std::string expected = "expected " + std::string(what) + " like " + std::string(example) +
                               " (an integer and a unit: " + unit_names(units) + ")";
  if (!text.empty() && text[0] == '-') return Parsed<int64_t>::fail(expected + ", got the negative " + quoted(text));
  auto [number, unit] = split_number(text);
  if (number.empty()) return Parsed<int64_t>::fail(expected + ", got " + quoted(text));
  if (unit.empty()) {
    return Parsed<int64_t>::fail(std::string(what) + " needs a unit: " + expected + ", got the bare number " +
                                 quoted(text));
  }
  const Unit* u = find_unit(units, unit);
  if (u == nullptr) {
    return Parsed<int64_t>::fail(expected + ", got " + quoted(text) + " (unknown unit " + quoted(unit) + ")");
  }
  std::optional<int64_t> n = parse_integer(number);
  if (!n || *n > kInt64Max / u->factor) return Parsed<int64_t>::fail(expected + ", got " + quoted(text) + ", which is too large");
  return Parsed<int64_t>::ok(*n * u->factor);
}

// A latency parameter: a duration, with the parameter's name in the message.
Parsed<sim::Duration> latency_parameter(std::string_view word, std::string_view name) {
  Parsed<sim::Duration> d = parse_duration(word);
  if (!d.value) d.error = "latency " + std::string(name) + ": " + d.error;
  return d;
}

}  // namespace

std::optional<int64_t> parse_integer(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_decimal(std::string_view text) {
  if (text.empty() || text[0] == '+') return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

Parsed<sim::Duration> parse_duration(std::string_view text) {
  Parsed<int64_t> ns = parse_with_units(text, kDurationUnits, "a duration", "250ms or 2s");
  if (!ns.value) return Parsed<sim::Duration>::fail(std::move(ns.error));
  return Parsed<sim::Duration>::ok(sim::nanoseconds(*ns.value));
}

Parsed<int64_t> parse_size(std::string_view text) {
  return parse_with_units(text, kSizeUnits, "a size", "1KiB or 512B");
}

Parsed<double> parse_rate(std::string_view text) {
  const std::string expected = "expected a rate like 1000/s (an integer per second '/s' or per minute '/m')";
  auto [number, unit] = split_number(text);
  if (number.empty()) return Parsed<double>::fail(expected + ", got " + quoted(text));
  if (unit.empty()) return Parsed<double>::fail("a rate needs a unit: " + expected + ", got the bare number " + quoted(text));
  double per = 0;
  if (unit == "/s") {
    per = 1.0;
  } else if (unit == "/m") {
    per = 60.0;
  } else {
    return Parsed<double>::fail(expected + ", got " + quoted(text));
  }
  std::optional<int64_t> n = parse_integer(number);
  double rate = n ? static_cast<double>(*n) / per : kRatePerSecondMax * 2;
  if (rate <= 0 || rate > kRatePerSecondMax) {
    return Parsed<double>::fail("expected a rate above 0 and at most 10000000/s, got " + quoted(text));
  }
  return Parsed<double>::ok(rate);
}

Parsed<int64_t> parse_bandwidth(std::string_view text) {
  const std::string expected = "expected a bandwidth like 10Gbit/s or 500MB/s (an integer and a unit: " +
                               unit_names(kBandwidthUnitsInBits) + ", then /s)";
  if (text.size() < 2 || text.substr(text.size() - 2) != "/s") {
    return Parsed<int64_t>::fail(expected + ", got " + quoted(text));
  }
  Parsed<int64_t> bits = parse_with_units(text.substr(0, text.size() - 2), kBandwidthUnitsInBits, "a bandwidth",
                                          "10Gbit/s or 500MB/s");
  if (!bits.value) return Parsed<int64_t>::fail(expected + ", got " + quoted(text));
  int64_t bytes = *bits.value / 8;
  if (bytes < 1 || bytes > kBandwidthBytesPerSecondMax) {
    return Parsed<int64_t>::fail("expected a bandwidth from 1B/s to 1024GiB/s, got " + quoted(text));
  }
  return Parsed<int64_t>::ok(bytes);
}

Parsed<LatencySpec> parse_latency(std::string_view text) {
  const std::string expected =
      "expected a latency 'constant D', 'uniform MIN MAX', 'normal MEAN STDDEV' or 'exponential MEAN' "
      "(durations like 100us)";
  std::vector<std::string_view> w = split_words(text);
  if (w.empty()) return Parsed<LatencySpec>::fail(expected + ", got " + quoted(text));
  struct Form {
    std::string_view word;
    LatencySpec::Kind kind;
    size_t parameters;
    std::string_view first, second;
  };
  constexpr std::array kForms = {
      Form{"constant", LatencySpec::Kind::kConstant, 1, "value", ""},
      Form{"uniform", LatencySpec::Kind::kUniform, 2, "MIN", "MAX"},
      Form{"normal", LatencySpec::Kind::kNormal, 2, "MEAN", "STDDEV"},
      Form{"exponential", LatencySpec::Kind::kExponential, 1, "MEAN", ""},
  };
  const Form* form = nullptr;
  for (const Form& f : kForms) {
    if (f.word == w[0]) form = &f;
  }
  if (form == nullptr) {
    std::string hint = parse_duration(w[0]).value && w.size() == 1 ? " (for a fixed latency write 'constant " +
                                                                       std::string(w[0]) + "')"
                                                                 : "";
    return Parsed<LatencySpec>::fail(expected + ", got " + quoted(text) + hint);
  }
  if (w.size() != form->parameters + 1) {
    return Parsed<LatencySpec>::fail(expected + "; '" + std::string(form->word) + "' takes " +
                                     std::to_string(form->parameters) + " duration(s), got " + quoted(text));
  }
  LatencySpec spec;
  spec.kind = form->kind;
  Parsed<sim::Duration> a = latency_parameter(w[1], form->first);
  if (!a.value) return Parsed<LatencySpec>::fail(a.error);
  spec.a = *a.value;
  spec.b = sim::Duration::zero();
  if (form->parameters == 2) {
    Parsed<sim::Duration> b = latency_parameter(w[2], form->second);
    if (!b.value) return Parsed<LatencySpec>::fail(b.error);
    spec.b = *b.value;
    if (spec.kind == LatencySpec::Kind::kUniform && spec.b < spec.a) {
      return Parsed<LatencySpec>::fail("expected 'uniform MIN MAX' with MIN <= MAX, got " + quoted(text));
    }
  }
  return Parsed<LatencySpec>::ok(spec);
}

Parsed<KeySpec> parse_keys(std::string_view text) {
  const std::string expected = "expected keys 'none', 'uniform N', 'fixed N' or 'zipf N [EXPONENT]'";
  std::vector<std::string_view> w = split_words(text);
  KeySpec keys;
  if (w.size() == 1 && w[0] == "none") return Parsed<KeySpec>::ok(keys);
  if (w.empty()) return Parsed<KeySpec>::fail(expected + ", got " + quoted(text));
  if (w[0] == "uniform") {
    keys.kind = KeySpec::Kind::kUniform;
  } else if (w[0] == "fixed") {
    keys.kind = KeySpec::Kind::kFixedSet;
  } else if (w[0] == "zipf") {
    keys.kind = KeySpec::Kind::kZipf;
  } else {
    return Parsed<KeySpec>::fail(expected + ", got " + quoted(text));
  }
  size_t words_max = keys.kind == KeySpec::Kind::kZipf ? 3 : 2;
  if (w.size() < 2 || w.size() > words_max) return Parsed<KeySpec>::fail(expected + ", got " + quoted(text));
  std::optional<int64_t> n = parse_integer(w[1]);
  if (!n || *n < 1 || *n > kKeysCountMax) {
    return Parsed<KeySpec>::fail("expected a key count N from 1 to 100000000, got " + quoted(w[1]));
  }
  keys.count = static_cast<int>(*n);
  if (w.size() == 3) {
    std::optional<double> e = parse_decimal(w[2]);
    if (!e || *e <= 0 || *e > kZipfExponentMax) {
      return Parsed<KeySpec>::fail("expected a zipf EXPONENT above 0 and at most 10, got " + quoted(w[2]));
    }
    keys.zipf_exponent = *e;
  }
  return Parsed<KeySpec>::ok(keys);
}

Parsed<CountExpectation> parse_count_expectation(std::string_view text) {
  const std::string expected = "expected a count (an integer >= 0, meaning ==) or a comparison 'OP N' with OP one "
                               "of ==, >, >=, <, <= (like '> 0')";
  size_t i = 0;
  while (i < text.size() && is_blank(text[i])) ++i;
  constexpr std::array<std::pair<std::string_view, CountExpectation::Op>, 5> kOps = {{
      {"==", CountExpectation::Op::kEq},
      {">=", CountExpectation::Op::kGe},
      {"<=", CountExpectation::Op::kLe},
      {">", CountExpectation::Op::kGt},
      {"<", CountExpectation::Op::kLt},
  }};
  CountExpectation e;
  bool found = false;
  for (const auto& [spelling, op] : kOps) {
    if (text.substr(i, spelling.size()) == spelling) {
      e.op = op;
      i += spelling.size();
      found = true;
      break;
    }
  }
  if (!found) return Parsed<CountExpectation>::fail(expected + ", got " + quoted(text));
  while (i < text.size() && is_blank(text[i])) ++i;
  size_t end = text.size();
  while (end > i && is_blank(text[end - 1])) --end;
  std::optional<int64_t> n = parse_integer(text.substr(i, end - i));
  if (!n) return Parsed<CountExpectation>::fail(expected + ", got " + quoted(text));
  if (*n < 0) return Parsed<CountExpectation>::fail("expected a count N >= 0 (counts are never negative), got " + quoted(text));
  e.value = *n;
  if (e.op == CountExpectation::Op::kLt && e.value == 0) {
    return Parsed<CountExpectation>::fail("expected a comparison that can hold; " + quoted(text) +
                                          " never does (counts are never negative)");
  }
  return Parsed<CountExpectation>::ok(e);
}

std::string FaultTarget::str() const {
  switch (kind) {
    case Kind::kBroker: return "broker " + std::to_string(index);
    case Kind::kController: return "controller " + std::to_string(index);
    case Kind::kLeaderOf: return "leader of " + topic + "/" + std::to_string(partition);
    case Kind::kActiveController: return "active controller";
    case Kind::kRandomBroker: return "random broker";
    case Kind::kZone: return "zone " + topic;
    case Kind::kCoordinatorOf: return "coordinator of group " + topic;
    case Kind::kTxnCoordinatorOf: return "transaction coordinator of " + topic;
    case Kind::kAllBrokers: return "all brokers";
    case Kind::kAllControllers: return "all controllers";
    case Kind::kProducer: return "producer " + std::to_string(index);
    case Kind::kConsumer: return "consumer " + std::to_string(index);
    case Kind::kMemberOf: return "member " + std::to_string(index) + " of group " + topic;
    case Kind::kKinesisWorker: return "worker " + std::to_string(index);
    case Kind::kPipelineNode: return "pipeline " + topic;
    case Kind::kFollowersOf: return "followers of " + topic + "/" + std::to_string(partition);
    case Kind::kIsrOf: return "isr of " + topic + "/" + std::to_string(partition);
    case Kind::kBusiestLeader: return "busiest leader";
  }
  return "?";
}

namespace {
// Consumer-group targets: "consumer N", "member N of group G".
std::optional<FaultTarget> parse_group_fault_target(const std::vector<std::string_view>& w) {
  FaultTarget t;
  if (w.size() == 2 && w[0] == "pipeline") {
    t.kind = FaultTarget::Kind::kPipelineNode;
    t.topic = std::string(w[1]);
    return t;
  }
  if (w.size() == 2 && w[0] == "worker") {
    std::optional<int64_t> n = parse_integer(w[1]);
    if (!n || *n < 0) return std::nullopt;
    t.kind = FaultTarget::Kind::kKinesisWorker;
    t.index = *n;
    return t;
  }
  if (w.size() == 2 && w[0] == "consumer") {
    std::optional<int64_t> n = parse_integer(w[1]);
    if (!n || *n < 0) return std::nullopt;
    t.kind = FaultTarget::Kind::kConsumer;
    t.index = *n;
    return t;
  }
  if (w.size() == 5 && w[0] == "member" && w[2] == "of" && w[3] == "group") {
    std::optional<int64_t> n = parse_integer(w[1]);
    if (!n || *n < 0) return std::nullopt;
    t.kind = FaultTarget::Kind::kMemberOf;
    t.index = *n;
    t.topic = std::string(w[4]);
    return t;
  }
  return std::nullopt;
}
}  // namespace

Parsed<FaultTarget> parse_fault_target(std::string_view text) {
  const std::string expected = "expected a target 'broker N', 'controller N', 'leader of TOPIC/PARTITION', "
                               "'active controller', 'random broker', 'zone Z', 'coordinator of group G', 'transaction coordinator of ID', "
                               "'all brokers', 'all controllers', 'producer N', 'consumer N', 'member N of group G', 'worker N', 'pipeline NODE', "
                               "'followers of TOPIC/PARTITION', 'isr of TOPIC/PARTITION' or 'busiest leader'";
  std::vector<std::string_view> w = split_words(text);
  FaultTarget t;
  auto bad = [&](std::string why = "") {
    return Parsed<FaultTarget>::fail(expected + ", got " + quoted(text) + why);
  };
  if (w.size() == 2 && (w[0] == "broker" || w[0] == "controller" || w[0] == "producer")) {
    t.kind = w[0] == "broker"       ? FaultTarget::Kind::kBroker
             : w[0] == "controller" ? FaultTarget::Kind::kController
                                    : FaultTarget::Kind::kProducer;
    std::optional<int64_t> n = parse_integer(w[1]);
    if (!n || *n < 0) return bad(" (N is a node number from 0)");
    t.index = *n;
    return Parsed<FaultTarget>::ok(t);
  }
  if (w.size() == 2 && w[0] == "active" && w[1] == "controller") {
    t.kind = FaultTarget::Kind::kActiveController;
    return Parsed<FaultTarget>::ok(t);
  }
  if (w.size() == 2 && w[0] == "random" && w[1] == "broker") {
    t.kind = FaultTarget::Kind::kRandomBroker;
    return Parsed<FaultTarget>::ok(t);
  }
  if (w.size() == 2 && w[0] == "zone") {
    t.kind = FaultTarget::Kind::kZone;
    t.topic = std::string(w[1]);
    return Parsed<FaultTarget>::ok(t);
  }
  if (w.size() == 4 && w[0] == "transaction" && w[1] == "coordinator" && w[2] == "of") {
    t.kind = FaultTarget::Kind::kTxnCoordinatorOf;
    t.topic = std::string(w[3]);
    return Parsed<FaultTarget>::ok(t);
  }
  if (w.size() == 4 && w[0] == "coordinator" && w[1] == "of" && w[2] == "group") {
    t.kind = FaultTarget::Kind::kCoordinatorOf;
    t.topic = std::string(w[3]);
    return Parsed<FaultTarget>::ok(t);
  }
  if (w.size() == 2 && w[0] == "all" && (w[1] == "brokers" || w[1] == "controllers")) {
    t.kind = w[1] == "brokers" ? FaultTarget::Kind::kAllBrokers : FaultTarget::Kind::kAllControllers;
    return Parsed<FaultTarget>::ok(t);
  }
  if (w.size() == 2 && w[0] == "busiest" && w[1] == "leader") {
    t.kind = FaultTarget::Kind::kBusiestLeader;
    return Parsed<FaultTarget>::ok(t);
  }
  if (w.size() == 3 && (w[0] == "leader" || w[0] == "followers" || w[0] == "isr") && w[1] == "of") {
    size_t slash = w[2].rfind('/');
    if (slash == std::string_view::npos || slash == 0) return bad(" (write the partition as TOPIC/PARTITION)");
    std::optional<int64_t> p = parse_integer(w[2].substr(slash + 1));
    if (!p || *p < 0) return bad(" (PARTITION is a partition number from 0)");
    t.kind = w[0] == "leader"      ? FaultTarget::Kind::kLeaderOf
             : w[0] == "followers" ? FaultTarget::Kind::kFollowersOf
                                   : FaultTarget::Kind::kIsrOf;
    t.topic = std::string(w[2].substr(0, slash));
    t.partition = *p;
    return Parsed<FaultTarget>::ok(t);
  }
  if (std::optional<FaultTarget> g = parse_group_fault_target(w)) return Parsed<FaultTarget>::ok(*g);
  return bad();
}

Parsed<sim::Duration> parse_signed_duration(std::string_view text) {
  bool negative = !text.empty() && text[0] == '-';
  Parsed<sim::Duration> d = parse_duration(negative ? text.substr(1) : text);
  if (!d.value || !negative) return d;
  return Parsed<sim::Duration>::ok(sim::Duration::zero() - *d.value);
}

std::optional<FaultSpec::Kind> parse_fault_kind(std::string_view text) { return faults::fault_kind_from_name(text); }

const char* fault_kind_name(FaultSpec::Kind kind) { return faults::to_string(kind); }

}  // namespace scenarios
