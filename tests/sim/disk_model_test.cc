// sim::Disk against a reference model: the straightforward representation it replaced (a
// durable image and a page-cache image per file, and every pending write with its own copy
// of the bytes). Disk keeps one image per file while the file is only appended to; whatever
// the representation, every result, every trace record and every PRNG draw must be the same.
// Both are driven by one seeded random sequence of operations and compared after each step.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/world/disk.h"
#include "sim/native/kernel.h"
#include "sim/prng.h"
#include "sim/world/trace.h"

namespace sim {
namespace {

// The old sim::Disk algorithm, without simulated time costs: callers pass the instant the
// real Disk acts at.
class ReferenceDisk {
 public:
  ReferenceDisk(Trace& trace, Prng prng, DiskModel model) : trace_(trace), prng_(prng), model_(model) {}

  DiskModel& model() { return model_; }
  DiskFaults& faults() { return faults_; }
  uint64_t draw() { return prng_.next_u64(); }
  int64_t used_bytes() const { return used_bytes_; }

  IoStatus write(Instant now, const std::string& file, int64_t offset, const std::string& data) {
    auto it = files_.find(file);
    int64_t old_size = it == files_.end() ? 0 : static_cast<int64_t>(it->second.current.size());
    int64_t growth = std::max<int64_t>(0, offset + static_cast<int64_t>(data.size()) - old_size);
    if (growth > 0 && (faults_.full || used_bytes_ + growth > model_.capacity_bytes)) {
      trace_.record(now, 0, "disk.write", {{"file", file}, {"bytes", data.size()}, {"status", "ENOSPC"}});
      return IoStatus::kNoSpace;
    }
    File& f = files_[file];
    write_back_expired(now, f);
    Op op{false, offset, data, now};
    apply(f.current, op);
    f.pending.push_back(std::move(op));
    used_bytes_ += growth;
    trace_.record(now, 0, "disk.write", {{"file", file}, {"offset", offset}, {"bytes", data.size()}});
    return IoStatus::kOk;
  }

  IoStatus fsync(Instant now, const std::string& file) {
    auto it = files_.find(file);
    if (it == files_.end()) return IoStatus::kNotFound;
    File& g = it->second;
    bool fail = false;
    if (faults_.fail_next_fsyncs > 0) {
      --faults_.fail_next_fsyncs;
      fail = true;
    } else if (faults_.fsync_error_probability > 0.0) {
      fail = prng_.chance(faults_.fsync_error_probability);
    }
    if (fail) {
      trace_.record(now, 0, "disk.fsync", {{"file", file}, {"status", "EIO"}, {"dropped_ops", g.pending.size()}});
      g.pending.clear();
      return IoStatus::kIoError;
    }
    for (const auto& op : g.pending) apply(g.durable, op);
    g.pending.clear();
    trace_.record(now, 0, "disk.fsync", {{"file", file}, {"status", "ok"}});
    return IoStatus::kOk;
  }

  IoStatus truncate(Instant now, const std::string& file, int64_t new_size) {
    auto it = files_.find(file);
    if (it == files_.end()) return IoStatus::kNotFound;
    write_back_expired(now, it->second);
    Op op{true, new_size, {}, now};
    apply(it->second.current, op);
    it->second.pending.push_back(std::move(op));
    recount_usage();
    trace_.record(now, 0, "disk.truncate", {{"file", file}, {"size", new_size}});
    return IoStatus::kOk;
  }

  IoStatus remove(Instant now, const std::string& file) {
    if (files_.erase(file) == 0) return IoStatus::kNotFound;
    recount_usage();
    trace_.record(now, 0, "disk.remove", {{"file", file}});
    return IoStatus::kOk;
  }

  IoStatus rename(Instant now, const std::string& from, const std::string& to) {
    auto it = files_.find(from);
    if (it == files_.end()) return IoStatus::kNotFound;
    File f = std::move(it->second);
    files_.erase(it);
    files_[to] = std::move(f);
    recount_usage();
    trace_.record(now, 0, "disk.rename", {{"from", from}, {"to", to}});
    return IoStatus::kOk;
  }

  void crash(Instant now) {
    for (auto& [name, f] : files_) {
      write_back_expired(now, f);
      size_t pending = f.pending.size();
      size_t kept = 0;
      std::string image = f.durable;
      if (pending > 0 && model_.crash_mode != CrashMode::kLoseUnsynced) {
        kept = static_cast<size_t>(prng_.below(pending + 1));
        for (size_t i = 0; i < kept; ++i) apply(image, f.pending[i]);
        if (model_.crash_mode == CrashMode::kTornLastSector && kept < pending && !f.pending[kept].truncate &&
            !f.pending[kept].data.empty()) {
          Op torn = f.pending[kept];
          size_t sector = model_.sector_bytes;
          size_t sectors = (torn.data.size() + sector - 1) / sector;
          size_t whole = static_cast<size_t>(prng_.below(sectors));
          size_t torn_len = std::min(torn.data.size(), (whole + 1) * sector);
          torn.data.resize(torn_len);
          for (size_t i = whole * sector; i < torn_len; ++i) torn.data[i] = static_cast<char>(prng_.next_u64());
          apply(image, torn);
          trace_.record(now, 0, "disk.torn", {{"file", name}, {"offset", torn.offset + static_cast<int64_t>(whole * sector)}});
        }
      }
      trace_.record(now, 0, "disk.crash",
                    {{"file", name}, {"pending_ops", pending}, {"kept_ops", kept}, {"mode", to_string(model_.crash_mode)}});
      f.durable = image;
      f.current = std::move(image);
      f.pending.clear();
    }
    recount_usage();
  }

  std::optional<int64_t> corrupt(Instant now, const std::string& file, std::optional<int64_t> offset) {
    auto it = files_.find(file);
    if (it == files_.end() || it->second.durable.empty()) return std::nullopt;
    File& f = it->second;
    int64_t at = offset.value_or(static_cast<int64_t>(prng_.below(f.durable.size())));
    if (at < 0 || at >= static_cast<int64_t>(f.durable.size())) return std::nullopt;
    f.durable[static_cast<size_t>(at)] ^= static_cast<char>(1u << prng_.below(8));
    f.current = f.durable;
    for (const auto& op : f.pending) apply(f.current, op);
    recount_usage();  // the page cache re-derived: pages an fsync error dropped are gone
    trace_.record(now, 0, "disk.corrupt", {{"file", file}, {"offset", at}});
    return at;
  }

  std::optional<int64_t> size(const std::string& file) const {
    auto it = files_.find(file);
    if (it == files_.end()) return std::nullopt;
    return static_cast<int64_t>(it->second.current.size());
  }
  std::string current(const std::string& file) const {
    auto it = files_.find(file);
    return it == files_.end() ? std::string() : it->second.current;
  }
  std::string durable_image(const std::string& file) const {
    auto it = files_.find(file);
    return it == files_.end() ? std::string() : it->second.durable;
  }
  int64_t unsynced_bytes(const std::string& file) const {
    auto it = files_.find(file);
    if (it == files_.end()) return 0;
    int64_t n = 0;
    for (const auto& op : it->second.pending) n += static_cast<int64_t>(op.data.size());
    return n;
  }
  std::vector<std::string> list() const {
    std::vector<std::string> out;
    for (const auto& [name, f] : files_) out.push_back(name);
    return out;
  }

 private:
  struct Op {
    bool truncate = false;
    int64_t offset = 0;
    std::string data;
    Instant written;
  };
  struct File {
    std::string durable;
    std::string current;
    std::deque<Op> pending;
  };

  // (The old code appended in one copy when op.offset >= size; the result is the same.)
  static void apply(std::string& image, const Op& op) {
    if (op.truncate) {
      image.resize(static_cast<size_t>(op.offset));
      return;
    }
    size_t at = static_cast<size_t>(op.offset);
    size_t end = at + op.data.size();
    if (image.size() < end) image.resize(end, '\0');
    op.data.copy(image.data() + at, op.data.size());
  }
  void write_back_expired(Instant now, File& f) {
    if (model_.writeback_after == Duration::max()) return;
    Instant cutoff = now - model_.writeback_after;
    while (!f.pending.empty() && f.pending.front().written <= cutoff) {
      apply(f.durable, f.pending.front());
      f.pending.pop_front();
    }
  }
  void recount_usage() {
    used_bytes_ = 0;
    for (const auto& [name, f] : files_) used_bytes_ += static_cast<int64_t>(f.current.size());
  }

  Trace& trace_;
  Prng prng_;
  DiskModel model_;
  DiskFaults faults_;
  int64_t used_bytes_ = 0;
  std::map<std::string, File> files_;
};

uint64_t seed_count(uint64_t fallback) {
  const char* env = std::getenv("EDDY_SEEDS");
  if (env == nullptr) return fallback;
  uint64_t n = std::strtoull(env, nullptr, 10);
  return n > 0 ? n : fallback;
}

struct Stats {
  int steps = 0;
  int crashes_keeping = 0;  // crashes in keep-prefix / torn mode with pending ops
  int fsync_errors = 0;
  int corruptions = 0;
};

// One seeded run: `steps` random operations on both disks, compared after each; stops at the
// first difference.
void run_seed(uint64_t seed, int steps, Stats& stats) {
  Prng ops(seed);  // drives the test; the disks draw from their own equal streams
  DiskModel model;
  const Duration writebacks[] = {seconds(30), Duration::max(), milliseconds(1), microseconds(100)};
  model.writeback_after = writebacks[ops.below(4)];
  model.sector_bytes = ops.chance(0.5) ? 512 : 64;
  if (ops.chance(0.3)) model.capacity_bytes = 6000;
  Kernel kernel;
  Trace trace, ref_trace;
  Prng disk_prng = Prng(seed).fork("disk");
  Disk disk(kernel, trace, 0, disk_prng, model);
  ReferenceDisk ref(ref_trace, disk_prng, model);
  const std::vector<std::string> names = {"a", "b", "c"};

  kernel.spawn("driver", [&] {
    for (int step = 0; step < steps && !::testing::Test::HasFailure(); ++step) {
      ++stats.steps;
      const std::string& file = names[ops.below(names.size())];
      int64_t size = ref.size(file).value_or(0);
      auto bytes = [&](int64_t max) {
        std::string s(static_cast<size_t>(ops.below(static_cast<uint64_t>(max) + 1)), '\0');
        for (char& c : s) c = static_cast<char>('a' + ops.below(26));
        return s;
      };
      std::string what;
      uint64_t roll = ops.below(100);
      if (roll < 35) {
        what = "append";
        std::string data = bytes(ops.chance(0.2) ? 1300 : 200);
        IoStatus want = ref.write(kernel.now(), file, size, data);
        EXPECT_EQ(disk.append(file, data), want);
      } else if (roll < 45) {
        what = "write";
        int64_t offset = static_cast<int64_t>(ops.below(static_cast<uint64_t>(size) + 100));
        std::string data = bytes(300);
        IoStatus want = ref.write(kernel.now(), file, offset, data);
        EXPECT_EQ(disk.write(file, offset, data), want);
      } else if (roll < 52) {
        what = "truncate";
        int64_t to = ops.chance(0.4) ? size : static_cast<int64_t>(ops.below(static_cast<uint64_t>(size) + 50));
        IoStatus want = ref.truncate(kernel.now(), file, to);
        EXPECT_EQ(disk.truncate(file, to), want);
      } else if (roll < 67) {
        what = "fsync";
        if (ops.chance(0.1)) {
          disk.faults().fail_next_fsyncs = 1;
          ref.faults().fail_next_fsyncs = 1;
        }
        IoStatus got = disk.fsync(file);
        EXPECT_EQ(got, ref.fsync(kernel.now(), file));
        if (got == IoStatus::kIoError) ++stats.fsync_errors;
      } else if (roll < 77) {
        what = "sleep";
        const Duration pauses[] = {microseconds(50), milliseconds(2), seconds(31)};
        this_fiber::sleep_for(pauses[ops.below(3)]);
      } else if (roll < 83) {
        what = "crash";
        CrashMode mode = static_cast<CrashMode>(ops.below(3));
        disk.model().crash_mode = mode;
        ref.model().crash_mode = mode;
        if (mode != CrashMode::kLoseUnsynced && disk.unsynced_bytes(file) > 0) ++stats.crashes_keeping;
        ref.crash(kernel.now());
        disk.crash();
      } else if (roll < 87) {
        what = "corrupt";
        std::optional<int64_t> at;
        if (ops.chance(0.5)) at = static_cast<int64_t>(ops.below(static_cast<uint64_t>(size) + 10)) - 5;
        auto want = ref.corrupt(kernel.now(), file, at);
        EXPECT_EQ(disk.corrupt(file, at), want);
        if (want) ++stats.corruptions;
      } else if (roll < 90) {
        what = "remove";
        EXPECT_EQ(disk.remove(file), ref.remove(kernel.now(), file));
      } else if (roll < 93) {
        what = "rename";
        const std::string& to = names[ops.below(names.size())];
        EXPECT_EQ(disk.rename(file, to), ref.rename(kernel.now(), file, to));
      } else {
        what = "faults";
        double p = ops.chance(0.5) ? 0.0 : 0.3;
        bool full = ops.chance(0.1);
        disk.faults().fsync_error_probability = p;
        ref.faults().fsync_error_probability = p;
        disk.faults().full = full;
        ref.faults().full = full;
      }

      // Everything observable agrees, including the PRNG streams and the traces.
      std::string where = "seed " + std::to_string(seed) + " step " + std::to_string(step) + " (" + what + ")";
      EXPECT_EQ(disk.list(), ref.list()) << where;
      for (const std::string& f : names) {
        EXPECT_EQ(disk.size(f), ref.size(f)) << where << " file " << f;
        EXPECT_EQ(disk.unsynced_bytes(f), ref.unsynced_bytes(f)) << where << " file " << f;
        EXPECT_EQ(disk.durable_image(f), ref.durable_image(f)) << where << " file " << f;
        if (disk.exists(f)) {
          std::string current = ref.current(f);
          EXPECT_EQ(disk.read_all(f).data, current) << where << " file " << f;
          // A view of a range reads the same bytes as a copy of it.
          int64_t from = static_cast<int64_t>(ops.below(current.size() + 2));
          int64_t length = static_cast<int64_t>(ops.below(current.size() + 2));
          std::string scratch;
          const ChunkedBytes* image = disk.page_cache(f);
          ASSERT_NE(image, nullptr) << where;
          std::string_view view = image->view(static_cast<size_t>(from), static_cast<size_t>(length), scratch);
          EXPECT_EQ(view, static_cast<size_t>(from) < current.size()
                              ? std::string_view(current).substr(static_cast<size_t>(from), static_cast<size_t>(length))
                              : std::string_view())
              << where << " file " << f << " view at " << from;
        } else {
          EXPECT_EQ(disk.page_cache(f), nullptr) << where;
        }
      }
      EXPECT_EQ(disk.used_bytes(), ref.used_bytes()) << where;
      EXPECT_EQ(disk.draw(), ref.draw()) << where << ": the PRNG streams diverged";
      EXPECT_EQ(trace.events(), ref_trace.events()) << where;
      EXPECT_EQ(trace.hash(), ref_trace.hash()) << where << ": the trace records differ";
    }
  });
  RunOutcome out = kernel.run();
  EXPECT_TRUE(out.ok()) << out.message;
}

TEST(DiskModel, BehavesExactlyLikeTheTwoImageReference) {
  Stats stats;
  uint64_t seeds = seed_count(1000);
  for (uint64_t seed = 1; seed <= seeds && !::testing::Test::HasFailure(); ++seed) run_seed(seed, 200, stats);
  // The sequences reach the interesting paths, so the comparison means something.

  EXPECT_GT(stats.crashes_keeping, 100);
  EXPECT_GT(stats.fsync_errors, 100);
  EXPECT_GT(stats.corruptions, 100);
}

}  // namespace
}  // namespace sim
