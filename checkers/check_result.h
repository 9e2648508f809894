// A check's verdict: how many violations, the first few with their stories, and a note. Apart
// from checkers.h so that the History's online checks (replica_invariants.h) can build one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

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

}  // namespace checkers
