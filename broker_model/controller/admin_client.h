// Admin helpers for a client fiber on any node (Kafka's Admin API, the parts the controller
// serves). Blocking: call them from a fiber of the node that owns the ControllerChannel.
#pragma once

#include <optional>
#include <vector>

#include "broker_model/controller/controller_channel.h"

namespace broker_model {

// CreateTopics through the active controller; nullopt when no controller answered (the
// outcome is then unknown: the topics may or may not exist).
std::optional<CreateTopicsResponse> create_topics(ControllerChannel& channel, std::vector<CreatableTopic> topics);

}  // namespace broker_model
