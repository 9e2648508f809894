// ProducerIdControl: the active controller's side of AllocateProducerIds (Kafka's
// ProducerIdControlManager, KIP-730). Brokers hand out producer ids for InitProducerId from
// blocks the controller allocates; every allocation is a ProducerIdsRecord in the metadata
// log, and the next block starts where the image says the last one ended. So ids stay unique
// across brokers, broker restarts and controller failover: a block is only used once its
// record is committed (the reply waits for the commit), and a new active controller starts
// from the committed image.
#pragma once

#include "broker_model/controller/controller_messages.h"
#include "broker_model/controller/controller_result.h"
#include "broker_model/controller/metadata_image.h"

namespace broker_model {

class ProducerIdControl {
 public:
  // Kafka's ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE.
  static constexpr int32_t kBlockSize = 1'000;

  // Only a registered broker, at its current epoch, gets a block (else STALE_BROKER_EPOCH or
  // BROKER_ID_NOT_REGISTERED, as Kafka's checkBrokerEpoch).
  static ControllerResult<AllocateProducerIdsResponse> allocate(const MetadataImage& image,
                                                               const AllocateProducerIdsRequest& req);
};

}  // namespace broker_model
