// The small languages inside scenario values: durations ("250ms"), sizes ("1KiB"), rates
// ("1000/s"), bandwidths ("10Gbit/s"), latency distributions ("uniform 100us 500us"), key
// distributions ("zipf 1000 1.2"), count expectations ("> 0") and fault targets ("broker 1").
// Pure functions on text: each returns the value or says what was expected.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "scenarios/scenario_spec.h"
#include "sim/time.h"

namespace scenarios {

template <typename T>
struct Parsed {
  std::optional<T> value;
  std::string error;  // set when value is empty: what was expected, and what was found

  static Parsed ok(T v) { return Parsed{std::move(v), {}}; }
  static Parsed fail(std::string e) { return Parsed{std::nullopt, std::move(e)}; }
};

// The offset of the first byte that is not part of well-formed UTF-8 (overlong forms,
// surrogates and code points above U+10FFFF included), or nullopt when all of `text` is.
std::optional<size_t> invalid_utf8_at(std::string_view text);

// Limits on values (ranges checked by the parsers themselves).
inline constexpr int64_t kKeysCountMax = 100'000'000;
inline constexpr double kZipfExponentMax = 10.0;
inline constexpr double kRatePerSecondMax = 10'000'000.0;
inline constexpr int64_t kBandwidthBytesPerSecondMax = int64_t{1} << 40;  // 1 TiB/s

// INTEGER UNIT, UNIT one of ns, us, ms, s, m. Never negative.
Parsed<sim::Duration> parse_duration(std::string_view text);
// INTEGER UNIT, UNIT one of B, KiB, MiB, GiB, KB, MB, GB. In bytes.
Parsed<int64_t> parse_size(std::string_view text);
// INTEGER/s or INTEGER/m (per minute). In messages per second.
Parsed<double> parse_rate(std::string_view text);
// INTEGER UNIT/s, UNIT one of bit, kbit, Mbit, Gbit, B, KB, MB, GB, KiB, MiB, GiB. In bytes per
// second (at least 1).
Parsed<int64_t> parse_bandwidth(std::string_view text);
// "constant D" | "uniform MIN MAX" | "normal MEAN STDDEV" | "exponential MEAN".
Parsed<LatencySpec> parse_latency(std::string_view text);
// "none" | "uniform N" | "fixed N" | "zipf N [EXPONENT]".
Parsed<KeySpec> parse_keys(std::string_view text);
// "OP N", OP one of == > >= < <=, N a count (>= 0); an expectation that can never hold
// ("< 0") is an error.
Parsed<CountExpectation> parse_count_expectation(std::string_view text);

struct FaultTarget {
  enum class Kind {
    kBroker, kController, kLeaderOf, kActiveController, kRandomBroker,
    kZone,           // "zone Z": every broker and controller in rack Z
    kCoordinatorOf,  // "coordinator of group G": resolved through the lab's group hook
    kAllBrokers, kAllControllers,
    kProducer,       // "producer N": the workload's Nth producer instance (a client node)
    kConsumer,       // "consumer N": consumer node N (numbered across all consumer entries)
    kMemberOf,       // "member N of group G": the N-th member of group G
    kKinesisWorker,  // "worker N": the N-th KCL worker of the scenario's kinesis consumers
    kPipelineNode,   // "pipeline NAME": a node of the pipeline (mqtt-broker, sqs, function-0, connect-task-0, docstore, ...)
    kFollowersOf,    // "followers of TOPIC/PARTITION": its replicas other than the leader, now
    kIsrOf,          // "isr of TOPIC/PARTITION": its in-sync replicas (leader included), now
    kBusiestLeader,  // "busiest leader": the broker leading the most partitions, now
    kTxnCoordinatorOf,  // "transaction coordinator of ID": the leader of transactional.id ID's
                        // __transaction_state partition, now
  };
  Kind kind = Kind::kBroker;
  int64_t index = 0;      // kBroker, kController, kProducer, kConsumer, kMemberOf
  std::string topic;      // kLeaderOf, kFollowersOf, kIsrOf; kZone: the zone; kCoordinatorOf, kMemberOf: the group
  int64_t partition = 0;  // kLeaderOf, kFollowersOf, kIsrOf
  // The canonical spelling ("broker 1", "leader of orders/0").
  std::string str() const;
};
// "broker N" | "controller N" | "leader of TOPIC/PARTITION" | "active controller" |
// "random broker" | "zone Z" | "coordinator of group G" | "transaction coordinator of ID" | "all brokers" | "all controllers" |
// "consumer N" | "member N of group G" | "followers of TOPIC/PARTITION" | "isr of TOPIC/PARTITION" |
// "busiest leader" (words separated by blanks). Ranges are the caller's to check.
Parsed<FaultTarget> parse_fault_target(std::string_view text);

// A duration with an optional leading '-' ("-5s").
Parsed<sim::Duration> parse_signed_duration(std::string_view text);

// Fault kinds as written in YAML ("crash", "kill-all"): faults/fault_catalogue.h.
std::optional<FaultSpec::Kind> parse_fault_kind(std::string_view text);
const char* fault_kind_name(FaultSpec::Kind kind);

// Decimal integer with an optional leading '-', nothing else; nullopt on overflow or junk.
std::optional<int64_t> parse_integer(std::string_view text);
// Decimal number ("0.25", "1e-3", "2"); nullopt on junk, infinities and NaN.
std::optional<double> parse_decimal(std::string_view text);

}  // namespace scenarios
