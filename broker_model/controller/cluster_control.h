// ClusterControl: the active controller's view of broker membership (Kafka's
// ClusterControlManager with its BrokerHeartbeatManager). Decides registrations (a broker
// epoch per registration: the offset of its record), heartbeats (unfence a broker once it
// has caught up with the metadata log up to its own registration) and session expiry
// (fence a broker that has not heartbeated for broker.session.timeout.ms). It holds only
// session times; everything else it reads from the image it is given.
//
// Controlled shutdown (KIP-631; Kafka's BrokerHeartbeatManager.calculateNextBrokerState and
// ReplicationControlManager.processBrokerHeartbeat): an active broker whose heartbeat says
// wantShutDown while it leads partitions enters CONTROLLED_SHUTDOWN — a
// BrokerRegistrationChangeRecord that makes it inactive, so the partition changes written in
// the same batch take it out of every ISR and elect other leaders. Its shutdown is granted
// (shouldShutDown, and it is fenced) once it leads nothing and every active broker has
// applied the metadata log past the batch that put it in controlled shutdown (Kafka's
// controlledShutdownOffset <= lowestActiveOffset): the new leaders know they lead before the
// old one goes. A broker that leads nothing, or is fenced, is let go at once.
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
  // `next_offset`: the offset a batch written for this heartbeat will get.
  ControllerResult<BrokerHeartbeatResponse> heartbeat(const MetadataImage& image, const BrokerHeartbeatRequest& req,
                                                      Offset next_offset, sim::Instant now);
  // FenceBrokerRecords for active brokers whose session expired.
  MetadataBatch fence_expired(const MetadataImage& image, sim::Instant now);
  // The heartbeat's offline log directories (KIP-858) not yet in the image, as records.
  void offline_log_dirs(const MetadataImage& image, const BrokerRegistration& b, const BrokerHeartbeatRequest& req,
                        MetadataBatch& records) const;
  // A newly active controller gives every registered broker a fresh session.
  void reset_sessions(const MetadataImage& image, sim::Instant now);

 private:
  bool session_alive(BrokerId id, sim::Instant now) const;
  // The lowest metadata end offset an active broker (unfenced, not shutting down) last
  // reported; Offset max when there is none.
  Offset lowest_active_offset(const MetadataImage& image) const;
  // Where `id` stands in a controlled shutdown: granted now (records: its fence), or not yet.
  bool controlled_shutdown_done(const MetadataImage& image, const BrokerRegistration& b) const;

  ClusterControlConfig config_;
  std::map<BrokerId, sim::Instant> last_contact_;  // local clock of the controller
  std::map<BrokerId, Offset> metadata_end_;        // from each broker's last heartbeat
  // The batch that put a broker in controlled shutdown (Kafka's controlledShutdownOffset).
  std::map<BrokerId, Offset> controlled_shutdown_offset_;
};

}  // namespace broker_model
