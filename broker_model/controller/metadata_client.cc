#include "broker_model/controller/metadata_client.h"

#include "sim/check.h"
#include "broker_model/fault_sites.h"
#include "sim/fault_point.h"

namespace broker_model {

MetadataClient::MetadataClient(sim::NodeContext& ctx, ControllerChannel& channel, MetadataClientConfig config)
    : ctx_(ctx), channel_(channel), config_(config) {}

void MetadataClient::start() {
  ctx_.spawn("metadata-fetch", [this] { fetch_loop(); });
}

void MetadataClient::add_listener(Listener listener) {
  EDDY_CHECK(listeners_.size() < kMaxListeners);
  listeners_.push_back(std::move(listener));
}

void MetadataClient::fetch_loop() {
  for (;;) {
    MetadataFetchRequest req{config_.broker_id, applied_end_, config_.metadata_fetch_max_entries};
    auto resp = channel_.call<MetadataFetchResponse>(kMetadataFetchRpc, kMetadataFetchRequestBytes, req);
    bool more = false;
    if (resp && resp->error == ErrorCode::kNone) {
      bool progressed = apply(resp->entries);
      more = progressed && applied_end_ < resp->high_watermark;
    }
    if (!more) ctx_.sleep_for(sim::milliseconds(config_.metadata_fetch_interval_ms));
    if (EDDY_FAULT_POINT("controller.metadata_fetch_delayed"))
      ctx_.sleep_for(fault_delay(ctx_, sim::milliseconds(10), sim::milliseconds(500)));
  }
}

bool MetadataClient::apply(const std::vector<LogEntry>& entries) {
  bool progressed = false;
  for (const LogEntry& e : entries) {
    if (e.offset < applied_end_) continue;  // already have it (a duplicate or late response)
    if (e.offset != applied_end_) break;     // a gap: fetch again from the end
    for (const MetadataRecord& r : e.batch) {
      image_.apply(r);
      for (const Listener& l : listeners_) l(e.offset, r, image_);
    }
    applied_end_ = e.offset + 1;
    ++version_;
    progressed = true;
  }
  if (progressed) {
    ctx_.trace("metadata.applied", {{"applied_end", applied_end_.value()}});
    changed_.notify_all();
  }
  return progressed;
}

bool MetadataClient::wait_for_offset(Offset end, sim::Duration timeout_local) {
  sim::Instant deadline = ctx_.sim_deadline(timeout_local);
  while (applied_end_ < end)
    if (!changed_.wait_until(deadline)) return applied_end_ >= end;
  return true;
}

bool MetadataClient::wait_for_change(uint64_t seen, sim::Duration timeout_local) {
  sim::Instant deadline = ctx_.sim_deadline(timeout_local);
  while (version_ == seen)
    if (!changed_.wait_until(deadline)) return version_ != seen;
  return true;
}

}  // namespace broker_model
