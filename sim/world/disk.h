// A node's disk: named files, each with a durable image and pending (unsynced) writes.
// Reads see the page cache (durable + pending). fsync makes pending writes durable. A
// crash keeps only what the crash model allows: nothing pending, a seeded prefix of the
// pending writes, or that prefix plus a torn sector. Faults: fsync errors (the pending
// writes are then silently dropped from what will reach the platter, as Linux does), latent
// corruption of durable bytes, a full disk, a slow disk. File creation, removal and rename
// are durable at once (a simplification; the data inside is not).
//
// Operations take simulated time: the device's part (bytes at the bandwidth, which operations
// under way at once share fairly; an fsync's I/O at `iops`), then the operation's latency,
// which does not keep others off the device; called from the threads of the node's process.
// Writes are write-through: a write holds its writer for the bytes it stands for (the real
// payload, `device_bytes`) at the disk's bandwidth, as the page cache's write-back throttling
// does once a disk is saturated, with no dirty allowance; an fsync then costs its barrier
// (fsync_latency plus one I/O at `iops`), its bytes having been charged when written.
// Processes see a disk only as sim::Files; the crash and fault controls are the world's.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/chunked_bytes.h"
#include "sim/files.h"
#include "sim/prng.h"
#include "sim/time.h"

namespace sim {

class Trace;
class Engine;

enum class CrashMode : uint8_t {
  kLoseUnsynced,     // every pending write is lost
  kKeepPrefix,       // a seeded prefix of the pending writes survives
  kTornLastSector,   // a seeded prefix survives and the next write is torn mid-way
};
const char* to_string(CrashMode m);

struct DiskModel {
  Duration write_latency = microseconds(20);
  // Reads are served from the page cache (the model keeps every file cached), so by default
  // they cost no simulated time; set this to model a cold cache.
  Duration read_latency = Duration::zero();
  Duration fsync_latency = milliseconds(1);
  int64_t bandwidth_bytes_per_s = 500'000'000;  // 0: unlimited
  // I/O operations per second the device sustains (0: unlimited). Writes are merged into
  // large sequential I/Os by the page cache and charged by their bytes; an fsync is at
  // least one I/O of its own (a flush barrier), so it also takes 1/iops of the disk's time.
  int64_t iops = 0;
  uint32_t sector_bytes = 512;
  int64_t capacity_bytes = int64_t{64} << 30;
  CrashMode crash_mode = CrashMode::kLoseUnsynced;
  // The OS writes dirty pages back on its own after this long (Linux dirty_expire_centisecs
  // = 30 s), fsync or not; Duration::max() never does. Bounds what a crash can lose.
  Duration writeback_after = seconds(30);
};

// Fault knobs; the defaults are "no fault".
struct DiskFaults {
  double fsync_error_probability = 0.0;
  uint32_t fail_next_fsyncs = 0;
  bool full = false;            // every write that grows usage fails with kNoSpace
  int64_t slowdown_factor = 1;  // latencies multiplied by this
};

// A log directory's own device inside a node's disk (JBOD, Kafka's `log.dirs` with one disk
// per directory; KIP-112): the files whose path starts with `prefix` live on it, with its own
// capacity, its own usage and its own faults, so one directory can fill or fail while the
// others go on. Simplified: the volumes share the node's bandwidth, latencies and crash model.
struct DiskVolume {
  std::string prefix;  // "data1/"
  int64_t capacity_bytes = 0;
  DiskFaults faults;   // full, fsync errors (slowdown_factor is the node's)
  int64_t used_bytes = 0;
};

class Disk final : public Files {
 public:
  Disk(Engine& engine, Trace& trace, int node, Prng prng, DiskModel model = {});
  // Not copyable: the lookup cache points into its own file map.
  Disk(const Disk&) = delete;
  Disk& operator=(const Disk&) = delete;

  // --- Files (sim/files.h): what the node's process sees --------------------------
  using Files::write;
  IoStatus write(const std::string& file, int64_t offset, std::string_view data, int64_t device_bytes) override;
  IoStatus append(const std::string& file, std::string_view data) override;
  ReadResult read(const std::string& file, int64_t offset, int64_t length) override;
  ReadResult read_all(const std::string& file) override;
  IoStatus fsync(const std::string& file) override;
  IoStatus truncate(const std::string& file, int64_t size) override;
  bool exists(const std::string& file) const override;
  std::optional<int64_t> size(const std::string& file) const override;
  std::vector<std::string> list(std::string_view prefix = {}) const override;
  IoStatus remove(const std::string& file) override;
  IoStatus rename(const std::string& from, const std::string& to) override;
  int64_t used_bytes() const override { return used_bytes_; }
  int64_t unsynced_bytes(const std::string& file) const override;
  bool reads_free() const override { return model_.read_latency == Duration::zero(); }
  uint64_t generation() const override { return generation_; }
  bool serve_cached_read(uint64_t generation) override;
  const ChunkedBytes* page_cache(const std::string& file) override;
  uint64_t changes() const override { return changes_; }

  // World side: volumes (one per log directory; none: the whole disk is one).
  static constexpr size_t kMaxVolumes = 64;
  size_t add_volume(std::string prefix, int64_t capacity_bytes);
  size_t volume_count() const { return volumes_.size(); }
  DiskVolume& volume(size_t i);
  const DiskVolume& volume(size_t i) const;

  // World side: faults and crashes.
  void crash();
  // Flips one bit of the durable image at `offset` (or a seeded offset); the page cache
  // view is refreshed from it, as after a cache eviction. Returns the offset flipped.
  std::optional<int64_t> corrupt(const std::string& file, std::optional<int64_t> offset = std::nullopt);
  DiskFaults& faults() { return faults_; }
  DiskModel& model() { return model_; }
  // Durable image of a file, for checkers and tests (no simulated cost).
  std::string durable_image(const std::string& file) const;
  uint64_t draw() { return prng_.next_u64(); }  // for the fingerprint

 private:
  // One pending (unsynced) operation, oldest first in File::pending.
  // 40 bytes: a busy disk holds tens of thousands of them (every write of the last
  // writeback_after), nearly all in prefix mode, where they carry no bytes; with the bytes
  // held inline as a std::string an op was 72.
  struct PendingOp {
    int64_t offset = 0;  // write offset, or new size for truncate
    int64_t length = 0;  // bytes written (0 for a truncate)
    Instant written;
    std::unique_ptr<std::string> data;  // the bytes written: general representation only (see File)
    bool truncate = false;
  };
  static_assert(sizeof(void*) != 8 || sizeof(PendingOp) <= 40, "PendingOp grew: see the note above it");
  // A file has two representations; which one is in use is invisible from outside.
  //
  // Prefix (`prefix`, the common case: logs only ever append): the platter holds exactly
  // current[0, durable_size). Every pending op starts where the previous one ended, the
  // first at durable_size, so current = platter + pending ops in order, and an op's bytes
  // are current[offset, offset + length): ops keep no copy and `durable` stays empty.
  // Write-back and fsync only move durable_size forward. A truncate to the current size is
  // such an op too (offset = that size, length 0): wherever a crash cuts the sequence, it
  // finds the file at exactly that size and changes nothing.
  //
  // General: `durable` is the platter's own image and every write op carries its data.
  // Used after anything that breaks the prefix shape: an overwrite, a write leaving a hole,
  // a truncate that changes the size, an fsync error that drops pending pages (they stay in
  // `current` but will never reach the platter). Unless `dropped`, current == durable with
  // the pending ops applied, so once nothing is pending the two images are equal and the
  // file goes back to prefix mode (to_prefix_if_synced).
  struct File {
    ChunkedBytes current;  // the page cache: what reads see
    std::deque<PendingOp> pending;
    bool prefix = true;
    int64_t durable_size = 0;  // prefix mode: the platter's size
    ChunkedBytes durable;      // general mode: the platter's image
    bool dropped = false;      // general mode: an fsync error dropped pending writes
    // Bytes the file stands for beyond its data (writes whose device_bytes exceed their data:
    // a record's padding), counted in the disk's usage; scaled with the file on a truncation.
    int64_t padding = 0;

    int64_t platter_size() const { return prefix ? durable_size : static_cast<int64_t>(durable.size()); }
  };
  static void apply(ChunkedBytes& image, const PendingOp& op);
  static void to_general(File& f);
  static void to_prefix_if_synced(File& f);
  static int64_t pending_bytes(const File& f);
  // What the file takes on the device: its data and the padding it stands for.
  static int64_t footprint(const File& f) { return static_cast<int64_t>(f.current.size()) + f.padding; }
  // Padding kept when a file of `before` data bytes now holds `after`.
  static int64_t scaled_padding(int64_t padding, int64_t before, int64_t after);
  // Blocks the caller for `latency` after the device has done its part: `bytes` at the disk's
  // bandwidth plus `device_time`, behind what it was already doing.
  void charge(Duration latency, int64_t bytes, const char* what, Duration device_time = Duration::zero());
  size_t tear(const std::string& file, int64_t offset, char* bytes, size_t length);
  void write_back_expired(File& f);
  void recount_usage();
  // The volume a file lives on (nullptr: none, the disk's own space).
  DiskVolume* volume_of(std::string_view file);
  // Usage moves by `delta` bytes for a file: the disk's and its volume's.
  void add_usage(std::string_view file, int64_t delta);

  Engine& engine_;
  Trace& trace_;
  int node_;
  Prng prng_;
  DiskModel model_;
  DiskFaults faults_;
  // When each operation now on the device ends (bounded by the node's threads: each waits for
  // its own); they share its bandwidth (charge()).
  std::vector<Instant> in_flight_until_;
  int64_t used_bytes_ = 0;
  std::vector<DiskVolume> volumes_;
  uint64_t generation_ = 0;
  uint64_t changes_ = 0;
  using Files = std::map<std::string, File, std::less<>>;
  // files_.find(file) through a small cache of files found before, one slot per hash of the
  // path: a broker's appends go round its partitions' segments and indexes, whose paths share
  // long prefixes that each level of the map compares (a one-entry cache missed on nearly
  // every append). Emplacing keeps map iterators valid; every erase clears the cache.
  static constexpr size_t kFileCacheSlots = 64;
  static size_t file_cache_slot(std::string_view file);
  Files::iterator find_file(std::string_view file);
  Files::const_iterator find_file(std::string_view file) const;
  void forget_cached_files() { file_cache_.fill(files_.end()); }
  Files files_;
  std::array<Files::iterator, kFileCacheSlots> file_cache_;
};

}  // namespace sim
