#include "scenarios/scenario_spec.h"

namespace scenarios {

bool CountExpectation::holds(int64_t n) const {
  switch (op) {
    case Op::kEq: return n == value;
    case Op::kGt: return n > value;
    case Op::kGe: return n >= value;
    case Op::kLt: return n < value;
    case Op::kLe: return n <= value;
  }
  return false;
}

std::string CountExpectation::str() const {
  const char* spelling = "==";
  switch (op) {
    case Op::kEq: spelling = "=="; break;
    case Op::kGt: spelling = ">"; break;
    case Op::kGe: spelling = ">="; break;
    case Op::kLt: spelling = "<"; break;
    case Op::kLe: spelling = "<="; break;
  }
  return std::string(spelling) + " " + std::to_string(value);
}

}  // namespace scenarios
