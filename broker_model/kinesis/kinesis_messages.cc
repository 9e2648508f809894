#include "broker_model/kinesis/kinesis_messages.h"

namespace broker_model::kinesis {

const char* to_string(IteratorType t) {
  switch (t) {
    case IteratorType::kTrimHorizon: return "TRIM_HORIZON";
    case IteratorType::kLatest: return "LATEST";
    case IteratorType::kAtSequenceNumber: return "AT_SEQUENCE_NUMBER";
    case IteratorType::kAfterSequenceNumber: return "AFTER_SEQUENCE_NUMBER";
    case IteratorType::kAtTimestamp: return "AT_TIMESTAMP";
  }
  return "?";
}

std::optional<IteratorType> iterator_type_from_name(std::string_view name) {
  for (IteratorType t : {IteratorType::kTrimHorizon, IteratorType::kLatest, IteratorType::kAtSequenceNumber,
                         IteratorType::kAfterSequenceNumber, IteratorType::kAtTimestamp})
    if (name == to_string(t)) return t;
  return std::nullopt;
}

}  // namespace broker_model::kinesis
