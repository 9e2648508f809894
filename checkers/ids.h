// The system under test's ids that a history names (broker_model/types.h: offsets, epochs,
// broker ids, partitions), brought into namespace checkers. They are all the checkers know of
// broker_model: value types, nothing that runs.
#pragma once

#include "broker_model/types.h"

namespace checkers {

using broker_model::BrokerId;
using broker_model::kNoBroker;
using broker_model::kNoLeaderEpoch;
using broker_model::kNoProducerId;
using broker_model::LeaderEpoch;
using broker_model::Offset;
using broker_model::ProducerId;
using broker_model::TopicPartition;

}  // namespace checkers
