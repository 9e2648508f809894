// The disk: what a crash keeps, torn and corrupt data caught by checksums, faults.
#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "sim/crc32c.h"
#include "sim/world/world.h"

namespace sim {
namespace {

// A checksummed record log, as simulated code would write it: [u32 len][u32 crc][bytes].
std::string frame(const std::string& payload) {
  std::string out(8, '\0');
  uint32_t len = static_cast<uint32_t>(payload.size());
  uint32_t crc = crc32c(payload);
  std::memcpy(out.data(), &len, 4);
  std::memcpy(out.data() + 4, &crc, 4);
  return out + payload;
}

// Returns the records whose checksums hold, stopping at the first that does not.
std::vector<std::string> valid_records(const std::string& log, bool* stopped_on_bad = nullptr) {
  std::vector<std::string> out;
  size_t at = 0;
  if (stopped_on_bad) *stopped_on_bad = false;
  while (at + 8 <= log.size()) {
    uint32_t len, crc;
    std::memcpy(&len, log.data() + at, 4);
    std::memcpy(&crc, log.data() + at + 4, 4);
    if (at + 8 + len > log.size() || crc32c(std::string_view(log.data() + at + 8, len)) != crc) {
      if (stopped_on_bad) *stopped_on_bad = true;
      break;
    }
    out.push_back(log.substr(at + 8, len));
    at += 8 + len;
  }
  if (at < log.size() && stopped_on_bad) *stopped_on_bad = true;
  return out;
}

struct DiskRun {
  std::vector<std::string> after_crash;
  bool bad_tail = false;
  std::string image;
};

// Writes `synced` records with fsync, then `unsynced` records without, crashes, and reads
// back on restart.
DiskRun write_crash_read(CrashMode mode, int synced, int unsynced, uint64_t seed, uint32_t record_bytes = 600) {
  WorldConfig c;
  c.seed = seed;
  World w(c);
  NodeOptions no;
  no.disk.crash_mode = mode;
  DiskRun out;
  NodeId n = w.add_node("n", [&](NodeContext& ctx) {
    if (ctx.incarnation() == 1) {
      for (int i = 0; i < synced + unsynced; ++i) {
        ctx.files().append("log", frame(std::string(record_bytes, static_cast<char>('a' + i % 26)) + std::to_string(i)));
        if (i < synced) {
          ASSERT_EQ(ctx.files().fsync("log"), IoStatus::kOk);
        }
      }
      ctx.receive();
    } else {
      out.image = ctx.files().read_all("log").data;
      out.after_crash = valid_records(out.image, &out.bad_tail);
    }
  }, no);
  w.start(n);
  w.at(Instant::epoch() + seconds(1), [&] { w.restart(n); });
  w.run();
  return out;
}

TEST(Disk, CrashLosesExactlyTheUnsyncedWrites) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    DiskRun r = write_crash_read(CrashMode::kLoseUnsynced, 5, 3, seed);
    EXPECT_EQ(r.after_crash.size(), 5u) << "seed " << seed;
    EXPECT_FALSE(r.bad_tail);
  }
}

TEST(Disk, KeepPrefixKeepsAPrefixOfThePendingWrites) {
  std::set<size_t> kept_counts;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    DiskRun r = write_crash_read(CrashMode::kKeepPrefix, 5, 3, seed);
    EXPECT_GE(r.after_crash.size(), 5u);
    EXPECT_LE(r.after_crash.size(), 8u);
    EXPECT_FALSE(r.bad_tail) << "a prefix of whole writes is never torn";
    for (size_t i = 0; i < r.after_crash.size(); ++i)
      EXPECT_EQ(r.after_crash[i].back(), static_cast<char>('0' + i)) << "records keep their order";
    kept_counts.insert(r.after_crash.size());
  }
  EXPECT_GT(kept_counts.size(), 2u) << "the prefix length depends on the seed";
}

TEST(Disk, TornTailIsCaughtByChecksums) {
  int torn_seen = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    DiskRun r = write_crash_read(CrashMode::kTornLastSector, 5, 3, seed, 1500);
    EXPECT_GE(r.after_crash.size(), 5u) << "synced records always survive";
    if (r.bad_tail) ++torn_seen;
  }
  EXPECT_GT(torn_seen, 5) << "torn tails happen and are detected";
}

TEST(Disk, LatentCorruptionIsDetectedByChecksumOnRead) {
  World w(WorldConfig{});
  std::vector<std::string> records;
  bool bad = false;
  NodeId n = w.add_node("n", [&](NodeContext& ctx) {
    if (ctx.incarnation() == 1) {
      for (int i = 0; i < 4; ++i) ctx.files().append("log", frame("record-" + std::to_string(i)));
      ctx.files().fsync("log");
      ctx.receive();
    } else {
      records = valid_records(ctx.files().read_all("log").data, &bad);
    }
  });
  w.start(n);
  w.at(Instant::epoch() + milliseconds(100), [&] {
    // Flip a bit inside the third record's payload (each frame: 8 + 8 bytes).
    ASSERT_TRUE(w.node(n).disk().corrupt("log", 2 * 16 + 8 + 3).has_value());
    w.restart(n);
  });
  w.run();
  EXPECT_TRUE(bad);
  EXPECT_EQ(records, (std::vector<std::string>{"record-0", "record-1"}));
}

TEST(Disk, FsyncErrorDropsThePendingWritesLikeLinux) {
  World w(WorldConfig{});
  std::vector<IoStatus> results;
  std::string before_crash, after_crash;
  NodeId n = w.add_node("n", [&](NodeContext& ctx) {
    if (ctx.incarnation() == 1) {
      ctx.files().append("f", "AAAA");
      results.push_back(ctx.files().fsync("f"));
      ctx.files().append("f", "BBBB");
      w.node(ctx.id()).disk().faults().fail_next_fsyncs = 1;
      results.push_back(ctx.files().fsync("f"));  // fails: BBBB never reaches the platter
      results.push_back(ctx.files().fsync("f"));  // succeeds, but there is nothing left to sync
      before_crash = ctx.files().read_all("f").data;
      ctx.receive();
    } else {
      after_crash = ctx.files().read_all("f").data;
    }
  });
  w.start(n);
  w.at(Instant::epoch() + seconds(1), [&] { w.restart(n); });
  w.run();
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0], IoStatus::kOk);
  EXPECT_EQ(results[1], IoStatus::kIoError);
  EXPECT_EQ(results[2], IoStatus::kOk);
  EXPECT_EQ(before_crash, "AAAABBBB");  // readable from the page cache...
  EXPECT_EQ(after_crash, "AAAA");       // ...but gone after the crash
}

TEST(Disk, FullDiskRejectsGrowth) {
  World w(WorldConfig{});
  std::vector<IoStatus> results;
  NodeOptions no;
  no.disk.capacity_bytes = 10;
  NodeId n = w.add_node("n", [&](NodeContext& ctx) {
    results.push_back(ctx.files().append("f", "12345678"));
    results.push_back(ctx.files().append("f", "abc"));       // would need 11 bytes
    results.push_back(ctx.files().write("f", 0, "overwri"));  // overwriting needs no space
    w.node(ctx.id()).disk().faults().full = true;
    results.push_back(ctx.files().append("g", "x"));
  }, no);
  w.start(n);
  w.run();
  EXPECT_EQ(results, (std::vector<IoStatus>{IoStatus::kOk, IoStatus::kNoSpace, IoStatus::kOk, IoStatus::kNoSpace}));
}

// JBOD: a log directory's volume has its own capacity and faults; the others go on.
TEST(Disk, VolumesFillAndFailIndependently) {
  World w(WorldConfig{});
  std::vector<IoStatus> results;
  NodeOptions no;
  no.disk.capacity_bytes = 100;
  NodeId n = w.add_node("n", [&](NodeContext& ctx) {
    results.push_back(ctx.files().append("d0/a", "12345678"));    // 8 of d0's 10
    results.push_back(ctx.files().append("d0/a", "abc"));         // would need 11 on d0
    results.push_back(ctx.files().append("d1/a", "12345678abc"));  // d1 has room
    results.push_back(ctx.files().append("root", std::string(50, 'r')));  // outside every volume
    w.node(ctx.id()).disk().volume(1).faults.full = true;
    results.push_back(ctx.files().append("d1/b", "x"));  // d1 full
    results.push_back(ctx.files().append("d0/b", "x"));  // d0 still takes 2 more
  }, no);
  Disk& disk = w.node(n).disk();
  EXPECT_EQ(disk.add_volume("d0/", 10), 0u);
  EXPECT_EQ(disk.add_volume("d1/", 20), 1u);
  w.start(n);
  w.run();
  EXPECT_EQ(results, (std::vector<IoStatus>{IoStatus::kOk, IoStatus::kNoSpace, IoStatus::kOk, IoStatus::kOk,
                                            IoStatus::kNoSpace, IoStatus::kOk}));
  EXPECT_EQ(disk.volume(0).used_bytes, 9);
  EXPECT_EQ(disk.volume(1).used_bytes, 11);
  EXPECT_EQ(disk.used_bytes(), 70);
}

// A volume's usage counts what writes stand for (a record's padding), follows removals,
// truncations and renames across volumes, and survives a crash's recount.
TEST(Disk, VolumeUsageCountsPaddingAndFollowsFiles) {
  World w(WorldConfig{});
  NodeId n = w.add_node("n", [&](NodeContext& ctx) {
    Disk& disk = w.node(ctx.id()).disk();
    ASSERT_EQ(ctx.files().write("d0/log", 0, "0123456789", 1'000), IoStatus::kOk);  // 10 bytes standing for 1,000
    EXPECT_EQ(disk.volume(0).used_bytes, 1'000);
    EXPECT_EQ(ctx.files().write("d0/log", 10, "x", 2'000), IoStatus::kNoSpace);  // over d0's 2,000
    ASSERT_EQ(ctx.files().truncate("d0/log", 5), IoStatus::kOk);  // half the data: half the padding
    EXPECT_EQ(disk.volume(0).used_bytes, 500);
    ASSERT_EQ(ctx.files().rename("d0/log", "d1/log"), IoStatus::kOk);
    EXPECT_EQ(disk.volume(0).used_bytes, 0);
    EXPECT_EQ(disk.volume(1).used_bytes, 500);
    ASSERT_EQ(ctx.files().fsync("d1/log"), IoStatus::kOk);
  });
  w.node(n).disk().add_volume("d0/", 2'000);
  w.node(n).disk().add_volume("d1/", 2'000);
  w.start(n);
  w.run();
  w.node(n).disk().crash();  // recounts usage from the files
  EXPECT_EQ(w.node(n).disk().volume(1).used_bytes, 500);
  EXPECT_EQ(w.node(n).disk().used_bytes(), 500);
}

TEST(Disk, SlowDiskTakesLongerAndOperationsQueue) {
  auto time_of_fsync = [](int64_t slowdown) {
    World w(WorldConfig{});
    NodeOptions no;
    no.disk.fsync_latency = milliseconds(2);
    no.disk.write_latency = microseconds(10);
    no.disk.bandwidth_bytes_per_s = 0;
    int64_t took = 0;
    NodeId n = w.add_node("n", [&](NodeContext& ctx) {
      w.node(ctx.id()).disk().faults().slowdown_factor = slowdown;
      Instant t0 = ctx.true_now();
      ctx.files().append("f", "x");
      ctx.files().fsync("f");
      took = (ctx.true_now() - t0).ns();
    }, no);
    w.start(n);
    w.run();
    return took;
  };
  EXPECT_EQ(time_of_fsync(1), 2'010'000);
  EXPECT_EQ(time_of_fsync(10), 20'100'000);
}

// Issue 22: the disk was charged for the few bytes a message materializes (its id), not its
// payload, so a 100 MB/s disk sustained 1 GB/s. A write says what it stands for on the device.
TEST(Disk, AWriteIsChargedForTheBytesItStandsFor) {
  World w(WorldConfig{});
  NodeOptions no;
  no.disk.bandwidth_bytes_per_s = 100'000'000;  // 100 MB/s
  no.disk.write_latency = Duration::zero();
  no.disk.fsync_latency = milliseconds(1);
  no.disk.iops = 1'000;  // an fsync is one more I/O: 1 ms
  std::vector<int64_t> took;
  NodeId n = w.add_node("n", [&](NodeContext& ctx) {
    Instant t0 = ctx.true_now();
    ctx.files().write("log", 0, "id-of-a-1MB-record", 1'000'000);  // 18 bytes kept, 1 MB charged
    took.push_back((ctx.true_now() - t0).ns());
    t0 = ctx.true_now();
    ctx.files().append("log", std::string(1'000, 'x'));  // no padding: its own size
    took.push_back((ctx.true_now() - t0).ns());
    t0 = ctx.true_now();
    ctx.files().fsync("log");  // the bytes were charged when written: the barrier only
    took.push_back((ctx.true_now() - t0).ns());
  }, no);
  w.start(n);
  w.run();
  EXPECT_EQ(took, (std::vector<int64_t>{milliseconds(10).ns(), microseconds(10).ns(), milliseconds(2).ns()}));
  EXPECT_EQ(w.node(n).disk().durable_image("log").size(), 1'018u);
}

// The native engine's CPU queue: requests wait for a free core (NodeContext::charge_cpu).
TEST(Cpu, RequestsQueueForTheNodesCores) {
  WorldConfig c;
  c.cpu_flops = 1e9;               // a flop is a nanosecond
  c.cpu_flops_per_request = 1e6;   // 1 ms per request
  c.cpu_flops_per_byte = 1.0;      // and 1 ns per byte
  World w(c);
  NodeOptions no;
  no.cores = 2;
  std::vector<int64_t> done_at;
  NodeId n = w.add_node("n", [&](NodeContext& ctx) {
    for (int i = 0; i < 3; ++i)
      ctx.spawn("worker", [&ctx, &done_at] {
        ctx.charge_cpu(1'000'000);  // 1 ms + 1 ms
        done_at.push_back(ctx.true_now().ns());
      });
    ctx.sleep_for(seconds(1));
  }, no);
  w.start(n);
  w.run(Instant::epoch() + seconds(2));
  // Two cores: two requests end at 2 ms, the third waited for a core and ends at 4 ms.
  EXPECT_EQ(done_at, (std::vector<int64_t>{milliseconds(2).ns(), milliseconds(2).ns(), milliseconds(4).ns()}));
}

}  // namespace
}  // namespace sim
