// Checkers: read the History after a run and count violations of what Kafka promises.
// They live outside the model and never look inside a broker: only at what clients saw,
// what the final reads returned and what replicas held at the end (README.md).
//
// A violation names the record, partition and offset, and tells the story of events that
// led to it (produced, acknowledged by whom, leader changes and truncations afterwards).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checkers/history.h"

namespace checkers {

struct Violation {
  std::string summary;             // one line: what, where
  std::vector<std::string> story;  // the events that led to it, in time order
  uint64_t record_id = 0;          // the record it is about (lost_writes), 0 when none
};

struct CheckResult {
  std::string check;  // "lost_writes", "duplicates", "inconsistent_offsets", "order_violations"
  int64_t count = 0;
  std::vector<Violation> examples;  // the first few (kMaxExamples)
  std::string note;                 // e.g. how many acknowledged records were verified
};

inline constexpr size_t kMaxExamples = 5;

// Counts a violation and keeps it among the examples while there is room.
void add_example(CheckResult& r, Violation v);

// Acknowledged (ok) produces whose record is absent from the final read of its partition.
CheckResult check_lost_writes(const History& h);
// A record found at two or more offsets in the final read.
CheckResult check_duplicates(const History& h);
// An acknowledged record at another offset than acknowledged, two records acknowledged at
// one offset, or two replicas holding different records at one offset below the high watermark.
CheckResult check_inconsistent_offsets(const History& h);
// A consumer seeing a partition's offsets go backwards, or skipping offsets that the final
// log holds below the high watermark.
CheckResult check_order(const History& h);

// Workload outcomes (the liveness probes are not counted).
struct OutcomeCounts {
  int64_t attempted = 0, acknowledged = 0, failed = 0, unknown = 0, consumed = 0;
};
OutcomeCounts count_outcomes(const History& h);

}  // namespace checkers
