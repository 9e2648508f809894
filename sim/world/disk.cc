#include "sim/world/disk.h"

#include <cstring>
#include <string_view>

#include "sim/check.h"
#include "sim/world/engine.h"
#include "sim/world/trace.h"

namespace sim {

const char* to_string(CrashMode m) {
  switch (m) {
    case CrashMode::kLoseUnsynced: return "lose-unsynced";
    case CrashMode::kKeepPrefix: return "keep-prefix";
    case CrashMode::kTornLastSector: return "torn-last-sector";
  }
  return "?";
}

Disk::Disk(Engine& engine, Trace& trace, int node, Prng prng, DiskModel model)
    : engine_(engine), trace_(trace), node_(node), prng_(prng), model_(model) {
  forget_cached_files();
}

void Disk::apply(ChunkedBytes& image, const PendingOp& op) {
  if (op.truncate) {
    image.resize(static_cast<size_t>(op.offset));
    return;
  }
  EDDY_CHECK(op.data != nullptr);  // general mode: every write op carries its bytes
  image.write(static_cast<size_t>(op.offset), *op.data);  // zero-fills a gap past the end
}

// Gives the file the general representation: the platter as its own image, and every
// pending write its own bytes, both taken from the page cache (valid in prefix mode only:
// there the platter is current's prefix and each op's bytes are still where it wrote them).
void Disk::to_general(File& f) {
  if (!f.prefix) return;
  f.durable.assign_prefix_of(f.current, static_cast<size_t>(f.durable_size));
  for (PendingOp& op : f.pending)
    if (!op.truncate)
      op.data = std::make_unique<std::string>(
          f.current.substr(static_cast<size_t>(op.offset), static_cast<size_t>(op.length)));
  f.prefix = false;
  f.dropped = false;
}

// Back to one image once nothing is pending and no fsync error dropped pages: then the
// platter equals the page cache (current == durable with no ops applied).
void Disk::to_prefix_if_synced(File& f) {
  if (f.prefix || f.dropped || !f.pending.empty()) return;
  f.durable_size = static_cast<int64_t>(f.durable.size());
  f.durable = ChunkedBytes();  // release the second image
  f.prefix = true;
}

int64_t Disk::pending_bytes(const File& f) {
  // Prefix mode: the ops tile current from durable_size to the end.
  if (f.prefix) return static_cast<int64_t>(f.current.size()) - f.durable_size;
  int64_t n = 0;
  for (const PendingOp& op : f.pending) n += op.length;
  return n;
}

void Disk::charge(Duration latency, int64_t bytes, const char* what, Duration device_time) {
  // The device's time (the bytes at its bandwidth, an fsync's I/O) is taken one operation after
  // another; the latency (a write's syscall, an fsync's barrier) is the caller's wait on top,
  // which does not keep others off the device. An engine with a disk model (SimGrid's S4U
  // disk, shared by concurrent I/O) charges the bytes itself.
  const int64_t slow = faults_.slowdown_factor;
  bool read = std::string_view(what) == "disk read";
  if (bytes > 0 && engine_.disk_io(bytes * slow, !read, what)) {
    Duration cost = (latency + device_time) * slow;
    if (cost > Duration::zero()) engine_.sleep_until(engine_.now() + cost, what);
    return;
  }
  // Concurrent operations share the device fairly, as SimGrid's disks do: an operation gets
  // the bandwidth divided among those still under way when it starts (this one included),
  // frozen for its length (the network's NICs do the same: sim/world/network.h). A small
  // follower append is not queued behind a large leader append.
  const Instant now = engine_.now();
  std::erase_if(in_flight_until_, [now](Instant end) { return end <= now; });
  const auto sharing = static_cast<int64_t>(in_flight_until_.size()) + 1;
  Duration on_device = device_time * sharing;
  if (model_.bandwidth_bytes_per_s > 0 && bytes > 0)
    on_device += transfer_time(bytes, std::max<int64_t>(model_.bandwidth_bytes_per_s / sharing, 1));
  const Instant done = now + on_device * slow;
  if (done > now) in_flight_until_.push_back(done);
  engine_.sleep_until(done + latency * slow, what);
}

void Disk::write_back_expired(File& f) {
  if (model_.writeback_after == Duration::max() || f.pending.empty()) return;
  Instant cutoff = engine_.now() - model_.writeback_after;
  while (!f.pending.empty() && f.pending.front().written <= cutoff) {
    const PendingOp& op = f.pending.front();
    if (f.prefix) {
      f.durable_size = op.offset + op.length;  // the op's end: its bytes are on the platter now
    } else {
      apply(f.durable, op);
    }
    f.pending.pop_front();
  }
  to_prefix_if_synced(f);
}

void Disk::recount_usage() {
  used_bytes_ = 0;
  for (DiskVolume& v : volumes_) v.used_bytes = 0;
  for (const auto& [name, f] : files_) add_usage(name, footprint(f));
}

int64_t Disk::scaled_padding(int64_t padding, int64_t before, int64_t after) {
  if (padding == 0 || before <= 0 || after <= 0) return 0;
  if (after >= before) return padding;
  // padding * after / before without overflow (padding and sizes stay far below 2^62).
  return static_cast<int64_t>(static_cast<__int128>(padding) * after / before);
}

size_t Disk::add_volume(std::string prefix, int64_t capacity_bytes) {
  EDDY_CHECK_MSG(volumes_.size() < kMaxVolumes, "too many volumes on one disk");
  EDDY_CHECK_MSG(!prefix.empty() && prefix.back() == '/', "a volume's prefix is a directory ending in '/'");
  for (const DiskVolume& v : volumes_)
    EDDY_CHECK_MSG(!v.prefix.starts_with(prefix) && !prefix.starts_with(v.prefix), "volumes may not nest");
  volumes_.push_back(DiskVolume{std::move(prefix), capacity_bytes, {}, 0});
  recount_usage();
  return volumes_.size() - 1;
}

DiskVolume& Disk::volume(size_t i) {
  EDDY_CHECK(i < volumes_.size());
  return volumes_[i];
}

const DiskVolume& Disk::volume(size_t i) const {
  EDDY_CHECK(i < volumes_.size());
  return volumes_[i];
}

DiskVolume* Disk::volume_of(std::string_view file) {
  for (DiskVolume& v : volumes_)
    if (file.starts_with(v.prefix)) return &v;
  return nullptr;
}

void Disk::add_usage(std::string_view file, int64_t delta) {
  used_bytes_ += delta;
  if (volumes_.empty()) return;
  if (DiskVolume* v = volume_of(file)) v->used_bytes += delta;
}

IoStatus Disk::write(const std::string& file, int64_t offset, std::string_view data, int64_t device_bytes) {
  EDDY_CHECK(offset >= 0);
  auto it = find_file(file);
  int64_t old_size = it == files_.end() ? 0 : static_cast<int64_t>(it->second.current.size());
  // The device holds what the write stands for: its data past the file's end, and padding.
  const int64_t padding = std::max<int64_t>(0, device_bytes - static_cast<int64_t>(data.size()));
  int64_t growth = std::max<int64_t>(0, offset + static_cast<int64_t>(data.size()) - old_size) + padding;
  DiskVolume* vol = volumes_.empty() ? nullptr : volume_of(file);
  bool volume_full = vol != nullptr && (vol->faults.full || vol->used_bytes + growth > vol->capacity_bytes);
  if (growth > 0 && (faults_.full || used_bytes_ + growth > model_.capacity_bytes || volume_full)) {
    trace_.record(engine_.now(), node_, "disk.write", {{"file", file}, {"bytes", data.size()}, {"status", "ENOSPC"}});
    charge(model_.write_latency, 0, "disk write");
    return IoStatus::kNoSpace;
  }
  ++changes_;
  if (it == files_.end()) it = files_.emplace(file, File{}).first;  // one lookup per write, not two
  File& f = it->second;
  write_back_expired(f);
  int64_t length = static_cast<int64_t>(data.size());
  if (f.prefix && offset == static_cast<int64_t>(f.current.size())) {
    // Right after the previous op (or the platter's end): the file stays a prefix and the
    // op keeps no copy of its bytes.
    f.current.append(data);
    f.pending.push_back(PendingOp{offset, length, engine_.now(), nullptr, false});
  } else {
    to_general(f);
    PendingOp op{offset, length, engine_.now(), std::make_unique<std::string>(data), false};
    apply(f.current, op);
    f.pending.push_back(std::move(op));
  }
  f.padding += padding;
  used_bytes_ += growth;
  if (vol != nullptr) vol->used_bytes += growth;
  trace_.record(engine_.now(), node_, "disk.write", {{"file", file}, {"offset", offset}, {"bytes", data.size()}});
  charge(model_.write_latency, std::max<int64_t>(device_bytes, 0), "disk write");
  return IoStatus::kOk;
}

IoStatus Disk::append(const std::string& file, std::string_view data) {
  auto s = size(file);
  return write(file, s.value_or(0), data);
}

ReadResult Disk::read(const std::string& file, int64_t offset, int64_t length) {
  auto it = find_file(file);
  if (it == files_.end()) {
    if (model_.read_latency > Duration::zero()) charge(model_.read_latency, 0, "disk read");
    return {IoStatus::kNotFound, {}};
  }
  ReadResult r;
  if (model_.read_latency > Duration::zero()) {
    charge(model_.read_latency, length, "disk read");
    it = find_file(file);  // the file may have changed while this fiber waited
    if (it == files_.end()) return {IoStatus::kNotFound, {}};
  } else {
    engine_.check_alive();  // a page-cache hit: no simulated time, but a dead process reads nothing
  }
  const ChunkedBytes& cur = it->second.current;
  if (offset < static_cast<int64_t>(cur.size()))
    r.data = cur.substr(static_cast<size_t>(offset), static_cast<size_t>(length));
  return r;
}

const ChunkedBytes* Disk::page_cache(const std::string& file) {
  EDDY_CHECK_MSG(reads_free(), "page_cache is for reads that cost no simulated time");
  auto it = find_file(file);
  if (it == files_.end()) return nullptr;
  engine_.check_alive();  // as read(): a page-cache hit, but a dead process reads nothing
  return &it->second.current;
}

bool Disk::serve_cached_read(uint64_t generation) {
  if (!reads_free() || generation != generation_) return false;
  engine_.check_alive();
  return true;
}

ReadResult Disk::read_all(const std::string& file) { return read(file, 0, size(file).value_or(0)); }

IoStatus Disk::fsync(const std::string& file) {
  auto it = find_file(file);
  if (it == files_.end()) return IoStatus::kNotFound;
  File& f = it->second;
  // The bytes were charged when written (write-through); the barrier is one more I/O.
  Duration io = model_.iops > 0 && !f.pending.empty() ? nanoseconds(1'000'000'000 / model_.iops) : Duration::zero();
  charge(model_.fsync_latency, 0, "fsync", io);
  // Re-find: the file may have been removed while this fiber waited.
  it = find_file(file);
  if (it == files_.end()) return IoStatus::kNotFound;
  File& g = it->second;
  bool fail = false;
  DiskVolume* vol = volumes_.empty() ? nullptr : volume_of(file);
  // The volume's own faults first (its device), then the node's.
  for (DiskFaults* faults : {vol != nullptr ? &vol->faults : nullptr, &faults_}) {
    if (faults == nullptr || fail) continue;
    if (faults->fail_next_fsyncs > 0) {
      --faults->fail_next_fsyncs;
      fail = true;
    } else if (faults->fsync_error_probability > 0.0) {
      fail = prng_.chance(faults->fsync_error_probability);
    }
  }
  if (fail) {
    // Like Linux after a writeback error: the dirty pages are marked clean, so the data
    // stays readable until a crash but will never reach the platter.
    trace_.record(engine_.now(), node_, "disk.fsync", {{"file", file}, {"status", "EIO"}, {"dropped_ops", g.pending.size()}});
    bool dropped = !g.pending.empty();
    g.pending.clear();
    if (dropped) {
      // current now holds bytes the platter will never get: the platter needs its own image.
      to_general(g);
      g.dropped = true;
    }
    return IoStatus::kIoError;
  }
  // Only what is pending reaches the platter: pages dropped by an earlier fsync error stay
  // in the page cache (current) but are never written.
  if (g.prefix) {
    g.durable_size = static_cast<int64_t>(g.current.size());
  } else {
    for (const auto& op : g.pending) apply(g.durable, op);
  }
  g.pending.clear();
  to_prefix_if_synced(g);
  trace_.record(engine_.now(), node_, "disk.fsync", {{"file", file}, {"status", "ok"}});
  return IoStatus::kOk;
}

IoStatus Disk::truncate(const std::string& file, int64_t new_size) {
  auto it = find_file(file);
  if (it == files_.end()) return IoStatus::kNotFound;
  File& f = it->second;
  ++changes_;
  write_back_expired(f);
  add_usage(file, -footprint(f));
  const auto size_before = static_cast<int64_t>(f.current.size());
  if (f.prefix && new_size == static_cast<int64_t>(f.current.size())) {
    // Changes nothing wherever a crash cuts the pending ops (see File): stays a prefix.
    f.pending.push_back(PendingOp{new_size, 0, engine_.now(), nullptr, true});
  } else {
    to_general(f);
    PendingOp op{new_size, 0, engine_.now(), nullptr, true};
    apply(f.current, op);
    f.pending.push_back(std::move(op));
  }
  f.padding = scaled_padding(f.padding, size_before, static_cast<int64_t>(f.current.size()));
  add_usage(file, footprint(f));
  trace_.record(engine_.now(), node_, "disk.truncate", {{"file", file}, {"size", new_size}});
  charge(model_.write_latency, 0, "disk truncate");
  return IoStatus::kOk;
}

bool Disk::exists(const std::string& file) const { return find_file(file) != files_.end(); }

std::optional<int64_t> Disk::size(const std::string& file) const {
  auto it = find_file(file);
  if (it == files_.end()) return std::nullopt;
  return static_cast<int64_t>(it->second.current.size());
}

std::vector<std::string> Disk::list(std::string_view prefix) const {
  // The names with this prefix are consecutive in the map: start at the first, stop after the
  // last (a broker opening each of its thousands of partitions lists its own directory).
  std::vector<std::string> out;
  for (auto it = files_.lower_bound(prefix); it != files_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
    out.push_back(it->first);
  return out;
}

size_t Disk::file_cache_slot(std::string_view file) {
  // Only picks a slot (a hit is confirmed by comparing the path), so any mix will do.
  uint64_t h = file.size();
  size_t i = 0;
  for (; i + 8 <= file.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, file.data() + i, 8);
    h = (h ^ word) * 0x9e3779b97f4a7c15ULL;
  }
  for (; i < file.size(); ++i) h = (h ^ static_cast<unsigned char>(file[i])) * 0x9e3779b97f4a7c15ULL;
  return static_cast<size_t>(h >> 58) % kFileCacheSlots;
}

Disk::Files::iterator Disk::find_file(std::string_view file) {
  Files::iterator& cached = file_cache_[file_cache_slot(file)];
  if (cached != files_.end() && cached->first == file) return cached;
  auto it = files_.find(file);
  if (it != files_.end()) cached = it;
  return it;
}

Disk::Files::const_iterator Disk::find_file(std::string_view file) const {
  // The cache is not part of the disk's state: a const lookup may move it.
  return const_cast<Disk*>(this)->find_file(file);
}

IoStatus Disk::remove(const std::string& file) {
  ++changes_;
  forget_cached_files();
  auto it = files_.find(file);
  if (it == files_.end()) return IoStatus::kNotFound;
  add_usage(file, -footprint(it->second));
  files_.erase(it);
  trace_.record(engine_.now(), node_, "disk.remove", {{"file", file}});
  return IoStatus::kOk;
}

IoStatus Disk::rename(const std::string& from, const std::string& to) {
  auto it = find_file(from);
  if (it == files_.end()) return IoStatus::kNotFound;
  File f = std::move(it->second);
  ++changes_;
  forget_cached_files();
  files_.erase(it);
  const int64_t moved = footprint(f);
  File& replaced = files_[to];  // an existing `to` is replaced: its bytes are no longer used
  add_usage(to, -footprint(replaced));
  replaced = std::move(f);
  if (!volumes_.empty()) {  // a rename across volumes moves the bytes from one to the other
    add_usage(from, -moved);
    add_usage(to, moved);
  }
  trace_.record(engine_.now(), node_, "disk.rename", {{"from", from}, {"to", to}});
  return IoStatus::kOk;
}

int64_t Disk::unsynced_bytes(const std::string& file) const {
  auto it = find_file(file);
  if (it == files_.end()) return 0;
  return pending_bytes(it->second);
}

// A write a crash interrupts reaches the platter partly: whole sectors up to a seeded point,
// then one sector of garbage, written over `bytes` (the write's `length` bytes at `offset`).
// Returns how many of its bytes survive.
size_t Disk::tear(const std::string& file, int64_t offset, char* bytes, size_t length) {
  size_t sector = model_.sector_bytes;
  size_t sectors = (length + sector - 1) / sector;
  size_t whole = static_cast<size_t>(prng_.below(sectors));
  size_t torn_len = std::min(length, (whole + 1) * sector);
  for (size_t i = whole * sector; i < torn_len; ++i) bytes[i] = static_cast<char>(prng_.next_u64());
  trace_.record(engine_.now(), node_, "disk.torn", {{"file", file}, {"offset", offset + static_cast<int64_t>(whole * sector)}});
  return torn_len;
}

void Disk::crash() {
  ++generation_;
  ++changes_;
  for (auto& [name, f] : files_) {
    write_back_expired(f);
    const auto size_before = static_cast<int64_t>(f.current.size());
    size_t pending = f.pending.size();
    size_t kept = 0;
    if (pending > 0 && model_.crash_mode != CrashMode::kLoseUnsynced) kept = static_cast<size_t>(prng_.below(pending + 1));
    // The write after the kept ones may reach the platter partly (see tear()).
    bool torn = model_.crash_mode == CrashMode::kTornLastSector && kept < pending && !f.pending[kept].truncate &&
                f.pending[kept].length > 0;
    if (f.prefix) {
      // What survives is the platter plus the first `kept` ops, maybe plus a torn start of
      // the next one: always a prefix of current (torn garbage written over it in place).
      int64_t survives = kept > 0 ? f.pending[kept - 1].offset + f.pending[kept - 1].length : f.durable_size;
      if (torn) {
        const PendingOp& op = f.pending[kept];  // starts at `survives`; its bytes are in current
        std::string bytes = f.current.substr(static_cast<size_t>(op.offset), static_cast<size_t>(op.length));
        size_t reached = tear(name, op.offset, bytes.data(), bytes.size());
        f.current.write(static_cast<size_t>(op.offset), std::string_view(bytes.data(), reached));
        survives = op.offset + static_cast<int64_t>(reached);
      }
      f.current.resize(static_cast<size_t>(survives));
      f.durable_size = survives;
    } else {
      ChunkedBytes image = std::move(f.durable);
      for (size_t i = 0; i < kept; ++i) apply(image, f.pending[i]);
      if (torn) {
        const PendingOp& op = f.pending[kept];
        EDDY_CHECK(op.data != nullptr);  // general mode: every write op carries its bytes
        std::string bytes = *op.data;
        bytes.resize(tear(name, op.offset, bytes.data(), bytes.size()));
        image.write(static_cast<size_t>(op.offset), bytes);
      }
      f.current = std::move(image);
      f.durable = ChunkedBytes();
      f.durable_size = static_cast<int64_t>(f.current.size());
      f.prefix = true;  // the page cache is the platter again
      f.dropped = false;
    }
    f.pending.clear();
    f.padding = scaled_padding(f.padding, size_before, static_cast<int64_t>(f.current.size()));
    trace_.record(engine_.now(), node_, "disk.crash",
                  {{"file", name}, {"pending_ops", pending}, {"kept_ops", kept}, {"mode", to_string(model_.crash_mode)}});
  }
  recount_usage();
  in_flight_until_.clear();
}

std::optional<int64_t> Disk::corrupt(const std::string& file, std::optional<int64_t> offset) {
  auto it = find_file(file);
  if (it == files_.end() || it->second.platter_size() == 0) return std::nullopt;
  File& f = it->second;
  int64_t platter = f.platter_size();
  int64_t at = offset.value_or(static_cast<int64_t>(prng_.below(static_cast<uint64_t>(platter))));
  if (at < 0 || at >= platter) return std::nullopt;
  char bit = static_cast<char>(1u << prng_.below(8));
  ++generation_;
  ++changes_;
  // The page cache is re-derived from the corrupted platter, keeping pending writes on top.
  if (f.prefix) {
    // The pending ops all lie past the platter's end: that is current with the bit flipped.
    f.current[static_cast<size_t>(at)] ^= bit;
  } else {
    f.durable[static_cast<size_t>(at)] ^= bit;
    add_usage(file, -static_cast<int64_t>(f.current.size()));  // re-derived: pages an fsync error dropped go
    f.current = f.durable;
    for (const auto& op : f.pending) apply(f.current, op);
    add_usage(file, static_cast<int64_t>(f.current.size()));
    f.dropped = false;  // pages dropped by an fsync error are gone from the cache too
    to_prefix_if_synced(f);
  }
  trace_.record(engine_.now(), node_, "disk.corrupt", {{"file", file}, {"offset", at}});
  return at;
}

std::string Disk::durable_image(const std::string& file) const {
  auto it = find_file(file);
  if (it == files_.end()) return std::string();
  const File& f = it->second;
  return f.prefix ? f.current.substr(0, static_cast<size_t>(f.durable_size)) : f.durable.str();
}

}  // namespace sim
