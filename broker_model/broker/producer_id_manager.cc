#include "broker_model/broker/producer_id_manager.h"

#include "sim/check.h"

namespace broker_model {

ProducerIdManager::Result ProducerIdManager::generate() {
  sim::MutexLock lock(mutex_);
  if (next_ >= end_) {
    std::optional<AllocateProducerIdsResponse> r = allocate_();
    if (!r) return Result{ErrorCode::kCoordinatorLoadInProgress, kNoProducerId};
    if (r->error != ErrorCode::kNone) {
      // NOT_CONTROLLER / REQUEST_TIMED_OUT: the client retries later, as Kafka's
      // CoordinatorLoadInProgressException makes it.
      bool retriable = r->error == ErrorCode::kNotController || r->error == ErrorCode::kRequestTimedOut ||
                       r->error == ErrorCode::kStaleBrokerEpoch || r->error == ErrorCode::kBrokerIdNotRegistered;
      return Result{retriable ? ErrorCode::kCoordinatorLoadInProgress : r->error, kNoProducerId};
    }
    EDDY_CHECK_MSG(r->producer_id_start >= 0 && r->producer_id_len > 0, "controller gave an empty producer id block");
    EDDY_CHECK_MSG(r->producer_id_start >= end_, "controller gave a producer id block that is not new");
    next_ = r->producer_id_start;
    end_ = r->producer_id_start + r->producer_id_len;
    ++blocks_fetched_;
  }
  return Result{ErrorCode::kNone, ProducerId(next_++)};
}

}  // namespace broker_model
