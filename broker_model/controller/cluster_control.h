// ClusterControl: the active controller's view of broker membership (Kafka's
// ClusterControlManager with its BrokerHeartbeatManager). Decides registrations (a broker
// epoch per registration: the offset of its record), heartbeats (unfence a broker once it
// has caught up with the metadata log up to its own registration) and session expiry
// (fence a broker that has not heartbeated for broker.session.timeout.ms). It holds only
// session times; everything else it reads from the image it is given.
#pragma once

#include <map>

#include "broker_model/controller/controller_messages.h"
#include "broker_model/controller/controller_result.h"
#include "broker_model/controller/metadata_image.h"
#include "sim/time.h"

namespace broker_model {

struct ClusterControlConfig {
  int64_t broker_session_timeout_ms = 9'000;  // broker.session.timeout.ms
};

class ClusterControl {
 public:
  // Most brokers fenced by one expiry pass.
  static constexpr size_t kMaxFencesPerPass = 64;

  explicit ClusterControl(ClusterControlConfig config) : config_(config) {}

  // `next_offset` is the offset the records will get: it becomes the broker epoch.
  ControllerResult<BrokerRegistrationResponse> register_broker(const MetadataImage& image,
                                                               const BrokerRegistrationRequest& req,
                                                               Offset next_offset, sim::Instant now);
  ControllerResult<BrokerHeartbeatResponse> heartbeat(const MetadataImage& image, const BrokerHeartbeatRequest& req,
                                                      sim::Instant now);
  // FenceBrokerRecords for active brokers whose session expired.
  MetadataBatch fence_expired(const MetadataImage& image, sim::Instant now);
  // A newly active controller gives every registered broker a fresh session.
  void reset_sessions(const MetadataImage& image, sim::Instant now);

 private:
  bool session_alive(BrokerId id, sim::Instant now) const;

  ClusterControlConfig config_;
  std::map<BrokerId, sim::Instant> last_contact_;  // local clock of the controller
};

}  // namespace broker_model
