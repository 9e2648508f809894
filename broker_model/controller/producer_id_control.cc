#include "broker_model/controller/producer_id_control.h"

namespace broker_model {

ControllerResult<AllocateProducerIdsResponse> ProducerIdControl::allocate(const MetadataImage& image,
                                                                          const AllocateProducerIdsRequest& req) {
  ControllerResult<AllocateProducerIdsResponse> result;
  const BrokerRegistration* b = image.broker(req.broker_id);
  if (b == nullptr) {
    result.response.error = ErrorCode::kBrokerIdNotRegistered;
    return result;
  }
  if (b->epoch != req.broker_epoch) {
    result.response.error = ErrorCode::kStaleBrokerEpoch;
    return result;
  }
  int64_t start = image.next_producer_id();
  result.records.push_back(ProducerIdsRecord{req.broker_id, req.broker_epoch, start + kBlockSize});
  result.response.producer_id_start = start;
  result.response.producer_id_len = kBlockSize;
  return result;
}

}  // namespace broker_model
