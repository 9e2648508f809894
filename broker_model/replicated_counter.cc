#include "broker_model/replicated_counter.h"

#include <cstring>
#include <string>

#include "sim/crc32c.h"

namespace broker_model {

namespace {

const std::string kLogFile = "counter.log";

struct GossipMessage {
  std::vector<uint64_t> counters;
};

std::string encode_record(uint32_t slot, uint64_t value) {
  std::string rec(kCounterRecordBytes, '\0');
  std::memcpy(rec.data(), &value, 8);
  std::memcpy(rec.data() + 8, &slot, 4);
  uint32_t crc = sim::crc32c(std::string_view(rec.data(), 12));
  std::memcpy(rec.data() + 12, &crc, 4);
  return rec;
}

class CounterNode {
 public:
  CounterNode(sim::NodeContext& ctx, const CounterConfig& config, CounterObservations& obs)
      : ctx_(ctx), config_(config), obs_(obs), counters_(config.nodes, 0) {}

  void run() {
    recover();
    publish();
    ctx_.spawn("incrementer", [this] { increment_loop(); });
    ctx_.spawn("gossiper", [this] { gossip_loop(); });
    for (;;) {
      auto msg = ctx_.receive();
      if (!msg) continue;
      if (const auto* g = sim::payload_cast<GossipMessage>(&msg->payload)) merge(g->counters);
    }
  }

 private:
  uint32_t self() const { return ctx_.id().value; }

  // Reads the log, keeps the longest prefix of records whose checksums hold, and cuts the
  // file there so later appends do not sit behind garbage.
  void recover() {
    sim::Files& disk = ctx_.files();
    if (!disk.exists(kLogFile)) return;
    sim::ReadResult r = disk.read_all(kLogFile);
    size_t good = 0;
    while (good + kCounterRecordBytes <= r.data.size()) {
      const char* p = r.data.data() + good;
      uint32_t crc;
      std::memcpy(&crc, p + 12, 4);
      if (sim::crc32c(std::string_view(p, 12)) != crc) break;
      uint64_t value;
      uint32_t slot;
      std::memcpy(&value, p, 8);
      std::memcpy(&slot, p + 8, 4);
      if (slot < counters_.size() && value > counters_[slot]) counters_[slot] = value;
      good += kCounterRecordBytes;
    }
    if (good < r.data.size()) {
      obs_.recovered_torn_records += (r.data.size() - good + kCounterRecordBytes - 1) / kCounterRecordBytes;
      ctx_.trace("counter.truncate", {{"from", r.data.size()}, {"to", good}});
      disk.truncate(kLogFile, static_cast<int64_t>(good));
      disk.fsync(kLogFile);
    }
    ctx_.trace("counter.recovered", {{"value", counters_[self()]}});
  }

  void increment_loop() {
    uint32_t since_sync = 0;
    while (ctx_.now() < config_.stop_incrementing_at) {
      ctx_.sleep_for(config_.increment_every);
      uint64_t value = ++counters_[self()];
      publish();
      if (ctx_.files().append(kLogFile, encode_record(self(), value)) != sim::IoStatus::kOk) continue;
      if (++since_sync >= config_.fsync_every) {
        since_sync = 0;
        if (ctx_.files().fsync(kLogFile) == sim::IoStatus::kOk) {
          // The outside world learns of durability only here: this value was acknowledged.
          if (value > obs_.acknowledged[self()]) obs_.acknowledged[self()] = value;
          ctx_.trace("counter.ack", {{"value", value}});
        }
      }
    }
  }

  void gossip_loop() {
    for (;;) {
      ctx_.sleep_for(config_.gossip_every);
      uint32_t peer = static_cast<uint32_t>(ctx_.prng().below(config_.nodes - 1));
      if (peer >= self()) ++peer;
      GossipMessage m{counters_};
      ctx_.send_datagram(sim::NodeId{peer}, "gossip", static_cast<uint32_t>(16 + 8 * m.counters.size()), std::move(m));
    }
  }

  void merge(const std::vector<uint64_t>& other) {
    for (size_t i = 0; i < counters_.size() && i < other.size(); ++i)
      if (other[i] > counters_[i]) counters_[i] = other[i];
    publish();
  }

  void publish() { obs_.views[self()] = counters_; }

  sim::NodeContext& ctx_;
  CounterConfig config_;
  CounterObservations& obs_;
  std::vector<uint64_t> counters_;
};

}  // namespace

sim::BootFn make_counter_node(const CounterConfig& config, CounterObservations& obs) {
  obs.acknowledged.assign(config.nodes, 0);
  obs.views.assign(config.nodes, {});
  return [config, &obs](sim::NodeContext& ctx) {
    CounterNode& node = ctx.make<CounterNode>(ctx, config, obs);
    node.run();
  };
}

}  // namespace broker_model
