// MetadataClient: a broker's copy of the cluster metadata (Kafka's broker-side metadata
// loader). A fiber fetches committed metadata-log entries from the active controller
// (MetadataFetch from the end of what it has applied, again at once while there is more,
// else every metadata_fetch_interval_ms), applies them in order to its MetadataImage and
// tells the broker: listeners are called for every applied record, and fibers can wait for
// an offset or for any change (version counter + wait queue). It starts from offset 0 in
// every process incarnation, like a broker without a metadata snapshot.
#pragma once

#include <functional>
#include <vector>

#include "broker_model/controller/controller_channel.h"
#include "broker_model/controller/metadata_image.h"
#include "sim/wait_queue.h"

namespace broker_model {

struct MetadataClientConfig {
  BrokerId broker_id;
  int64_t metadata_fetch_interval_ms = 50;
  uint32_t metadata_fetch_max_entries = 256;
};

class MetadataClient {
 public:
  // Called on the fetch fiber after `record` (in the batch at `offset`) is applied; must not block.
  using Listener = std::function<void(Offset offset, const MetadataRecord& record, const MetadataImage& image)>;
  static constexpr size_t kMaxListeners = 16;

  MetadataClient(sim::NodeContext& ctx, ControllerChannel& channel, MetadataClientConfig config);
  MetadataClient(const MetadataClient&) = delete;
  MetadataClient& operator=(const MetadataClient&) = delete;

  void start();
  void add_listener(Listener listener);

  const MetadataImage& image() const { return image_; }
  // The metadata log is applied below this offset.
  Offset applied_end_offset() const { return applied_end_; }
  // Bumped by every applied batch.
  uint64_t version() const { return version_; }
  // Block until applied_end_offset() >= `end` (true) or the timeout (false).
  bool wait_for_offset(Offset end, sim::Duration timeout_local);
  // Block until version() != `seen` (true) or the timeout (false).
  bool wait_for_change(uint64_t seen, sim::Duration timeout_local);

 private:
  void fetch_loop();
  // Applies the entries that continue the log; false if none did.
  bool apply(const std::vector<LogEntry>& entries);

  sim::NodeContext& ctx_;
  ControllerChannel& channel_;
  MetadataClientConfig config_;
  MetadataImage image_;
  Offset applied_end_{0};
  uint64_t version_ = 0;
  std::vector<Listener> listeners_;
  sim::WaitQueue changed_{"metadata applied"};
};

}  // namespace broker_model
