// ProducerIdManager: how a broker hands out producer ids for InitProducerId (Kafka's
// RPCProducerIdManager, KIP-730). It holds one block of ids from the controller
// (AllocateProducerIds, recorded in the metadata log as a ProducerIdsRecord) and asks for
// the next block when it runs out. The block lives in memory only: a restarted broker asks
// for a fresh one, so an id is never handed out twice, even across restarts and controller
// failover. Callers block while a block is fetched; a fiber mutex lets only one fetch run.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "broker_model/controller/controller_messages.h"
#include "sim/mutex.h"
#include "broker_model/types.h"

namespace broker_model {

class ProducerIdManager {
 public:
  // Sends AllocateProducerIds to the active controller and waits; nullopt when no controller
  // answered. The broker id and epoch come from the broker's registration.
  using AllocateFn = std::function<std::optional<AllocateProducerIdsResponse>()>;

  explicit ProducerIdManager(AllocateFn allocate) : allocate_(std::move(allocate)) {}

  // The next unused producer id, or an error: COORDINATOR_LOAD_IN_PROGRESS while no block
  // could be had (the client retries, as with Kafka), or the controller's error.
  struct Result {
    ErrorCode error = ErrorCode::kNone;
    ProducerId id = kNoProducerId;
  };
  Result generate();

  int64_t blocks_fetched() const { return blocks_fetched_; }

 private:
  AllocateFn allocate_;
  sim::Mutex mutex_{"producer id block"};
  int64_t next_ = -1;  // next id to hand out in the current block
  int64_t end_ = -1;   // first id after the current block
  int64_t blocks_fetched_ = 0;
};

}  // namespace broker_model
