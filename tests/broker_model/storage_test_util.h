// Helpers for the storage tests: run code in a node's fiber of a fresh World, crash and
// reboot it, and build recognisable record batches.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "broker_model/storage/partition_log.h"
#include "broker_model/storage/record_batch.h"
#include "sim/world/world.h"

namespace broker_model::storage::testing {

using Body = std::function<void(sim::NodeContext&)>;

// The world's side of a node's disk (durable images, corruption, the model), for tests that
// reach past what the process itself may see.
inline sim::Disk& world_disk(sim::NodeContext& ctx) { return sim::World::current()->node(ctx.id()).disk(); }

inline sim::NodeOptions disk_options(sim::CrashMode mode = sim::CrashMode::kLoseUnsynced) {
  sim::NodeOptions o;
  o.disk.crash_mode = mode;
  return o;
}

// Runs `body` as the boot function of one node and runs the world to quiescence.
// `watch` (if any) subscribes observers to the world's event bus before the run.
inline void run_on_node(const Body& body, uint64_t seed = 1, sim::NodeOptions options = {},
                        const std::function<void(sim::World&)>& watch = {}) {
  sim::WorldConfig c;
  c.seed = seed;
  sim::World w(c);
  if (watch) watch(w);
  bool finished = false;
  sim::NodeId n = w.add_node("n", [&](sim::NodeContext& ctx) {
    body(ctx);
    finished = true;
  }, options);
  w.start(n);
  sim::RunOutcome out = w.run();
  EXPECT_TRUE(out.ok()) << out.message;
  EXPECT_TRUE(finished) << "the node's body did not run to its end";
}

// Incarnation 1 runs `before` (then idles); at `crash_at` the node loses power (the disk's
// crash mode applies); incarnation 2 runs `after`. `before` may still be running at the
// crash: that is how a test cuts a stream of appends at a seeded moment.
// `at_crash` runs on the world side just before the power cut (to corrupt the disk, say).
inline void run_crash_restart(const Body& before, const Body& after, uint64_t seed, sim::NodeOptions options,
                              sim::Duration crash_at = sim::seconds(100),
                              const std::function<void(sim::Disk&)>& at_crash = {},
                              uint64_t* fingerprint = nullptr) {
  sim::WorldConfig c;
  c.seed = seed;
  // These tests check the log's own flush policy: no background writeback by the OS.
  options.disk.writeback_after = sim::Duration::max();
  sim::World w(c);
  bool after_finished = false;
  sim::NodeId n = w.add_node("n", [&](sim::NodeContext& ctx) {
    if (ctx.incarnation() == 1) {
      before(ctx);
      ctx.receive();  // idle until the crash
    } else {
      after(ctx);
      after_finished = true;
    }
  }, options);
  w.start(n);
  w.at(sim::Instant::epoch() + crash_at, [&] {
    if (at_crash) at_crash(w.node(n).disk());
    w.restart(n);
  });
  sim::RunOutcome out = w.run();
  EXPECT_TRUE(out.ok()) << out.message;
  EXPECT_TRUE(after_finished) << "the restarted node's body did not run to its end";
  if (fingerprint != nullptr) *fingerprint = w.fingerprint();
}

// `count` records whose values name the batch ("<tag>/<i>") padded to `value_bytes`.
inline RecordBatch make_batch(const std::string& tag, int count = 3, size_t value_bytes = 40,
                              int64_t timestamp_ms = 1'000) {
  std::vector<Record> records;
  for (int i = 0; i < count; ++i) {
    std::string value = tag + "/" + std::to_string(i);
    if (value.size() < value_bytes) value.resize(value_bytes, '.');
    records.push_back(Record{timestamp_ms + i, "key-" + std::to_string(i), value});
  }
  return RecordBatch::of(std::move(records));
}

// Every batch from log start to log end.
inline std::vector<RecordBatch> read_everything(PartitionLog& log) {
  std::vector<RecordBatch> out;
  Offset at = log.log_start_offset();
  while (at < log.log_end_offset()) {
    LogReadResult r = log.read(at, 1 << 20);
    EXPECT_EQ(r.error, ErrorCode::kNone);
    if (r.error != ErrorCode::kNone || r.batches.empty()) break;
    for (RecordBatch& b : r.batches) {
      at = b.next_offset();
      out.push_back(std::move(b));
    }
  }
  return out;
}

inline LogConfig small_segments(int32_t segment_bytes = 1'000) {
  LogConfig c;
  c.segment_bytes = segment_bytes;
  c.index_interval_bytes = 256;
  return c;
}

inline const TopicPartition kTp{"orders", 3};

}  // namespace broker_model::storage::testing
