// Trace: structured events (simulated time, node, kind, key/value fields). Every event is
// folded into a running hash; when a sink is set, it is also written as one JSON line.
// The run's fingerprint is that hash combined with one last draw of the root PRNG, so two
// runs agree only if they did the same things in the same order with the same randomness.
#pragma once

#include <bit>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>

#include "sim/time.h"
#include "sim/trace_event.h"

namespace sim {

class Trace {
 public:
  static constexpr int kWorldNode = -1;

  // `sink` receives JSON lines; nullptr hashes only (the fast path).
  void set_sink(std::ostream* sink) { sink_ = sink; }
  bool has_sink() const { return sink_ != nullptr; }
  void flush() {
    if (sink_ != nullptr) sink_->flush();
  }

  // Inline: at a call site the fields are known, so the loop below unrolls and the key
  // words and value kinds fold away (out of line, building and walking the field array cost
  // as much as the hashing). An event kind that is a literal has its words precomputed too.
  [[gnu::always_inline]] void record(Instant t, int node, TraceKey kind, std::initializer_list<TraceField> fields) {
    ++events_;
    mix(static_cast<uint64_t>(t.ns()));
    mix(static_cast<uint64_t>(static_cast<int64_t>(node)));
    mix(kind);
#pragma GCC unroll 8
    for (const auto& f : fields) {
      mix(f.key);
      switch (f.value.kind()) {
        case TraceValue::Kind::kString: mix(f.value.as_string()); break;
        case TraceValue::Kind::kInt: mix(static_cast<uint64_t>(f.value.as_int())); break;
        case TraceValue::Kind::kUInt:
        case TraceValue::Kind::kBool: mix(f.value.as_uint() ^ 0x5bd1e995ULL); break;
      }
    }
    if (sink_ != nullptr) [[unlikely]] write_json(t, node, kind.str(), fields);
  }

  uint64_t hash() const { return hash_; }
  uint64_t events() const { return events_; }

 private:
  void mix(uint64_t word) { hash_ = (hash_ ^ word) * 0x100000001b3ULL; hash_ ^= hash_ >> 29; }
  void mix(std::string_view s);
  // A key's words: the same as mixing its string.
  void mix(const TraceKey& k) {
    if (k.word_count() == 0) {
      mix(k.str());
      return;
    }
    for (uint8_t i = 0; i < k.word_count(); ++i) mix(k.word(i));
  }
  void write_json(Instant t, int node, std::string_view kind, std::initializer_list<TraceField> fields);

  std::ostream* sink_ = nullptr;
  uint64_t hash_ = 0xcbf29ce484222325ULL;
  uint64_t events_ = 0;
  std::string line_;
};

void append_json_string(std::string& out, std::string_view s);

}  // namespace sim
