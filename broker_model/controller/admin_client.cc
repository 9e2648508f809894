#include "broker_model/controller/admin_client.h"

namespace broker_model {

std::optional<CreateTopicsResponse> create_topics(ControllerChannel& channel, std::vector<CreatableTopic> topics) {
  CreateTopicsRequest req{std::move(topics)};
  uint32_t bytes = create_topics_request_bytes(req);
  return channel.call<CreateTopicsResponse>(kCreateTopicsRpc, bytes, std::move(req));
}

}  // namespace broker_model
