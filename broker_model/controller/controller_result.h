// What a controller operation decides: the records to write (one atomic batch, possibly
// empty) and the response to send once they are committed. Like Kafka's ControllerResult.
#pragma once

#include "broker_model/controller/metadata_records.h"

namespace broker_model {

template <class Response>
struct ControllerResult {
  MetadataBatch records;
  Response response;
};

}  // namespace broker_model
