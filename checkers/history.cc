#include "checkers/history.h"

namespace checkers {

std::string format_record_id(uint64_t id) {
  return "p" + std::to_string(id >> 40) + "#" + std::to_string(id & ((uint64_t{1} << 40) - 1));
}

const char* to_string(OpOutcome o) {
  switch (o) {
    case OpOutcome::kPending: return "pending";
    case OpOutcome::kOk: return "ok";
    case OpOutcome::kFailed: return "failed";
    case OpOutcome::kUnknown: return "unknown";
  }
  return "?";
}

const char* to_string(TxnResult r) {
  switch (r) {
    case TxnResult::kCommitted: return "committed";
    case TxnResult::kAborted: return "aborted";
    case TxnResult::kUnknown: return "unknown";
  }
  return "?";
}

}  // namespace checkers
