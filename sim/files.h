// The files of a node, as a process sees them: what simulated code may do with its disk.
// Operations block the calling thread for the simulated time they take; a dead process's
// thread unwinds out of them (FiberUnwind). What survives a crash, and the faults a disk can
// suffer, belong to the world (sim/world/disk.h), not to this interface.
//
// The zero-copy read view is part of the contract: a process that keeps in its own memory a
// copy of bytes it wrote (a broker keeps the tail of its logs) may serve reads from that copy
// when `serve_cached_read` says a read now would return the same bytes at no simulated cost,
// and may view a file's page-cache image in place (`page_cache`) while `changes()` stays the
// same. Every engine's files must keep these promises.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/chunked_bytes.h"

namespace sim {

enum class IoStatus : uint8_t { kOk, kIoError, kNoSpace, kNotFound };
const char* to_string(IoStatus s);

struct ReadResult {
  IoStatus status = IoStatus::kOk;
  std::string data;
};

class Files {
 public:
  // Blocking operations (from a thread of the owning process).
  // `device_bytes`: what the write stands for on the device, when the data leaves bytes out
  // (a record's padding, sim's stand-in for a payload it does not materialize): the disk
  // charges its bandwidth for those, not for data.size().
  virtual IoStatus write(const std::string& file, int64_t offset, std::string_view data, int64_t device_bytes) = 0;
  IoStatus write(const std::string& file, int64_t offset, std::string_view data) {
    return write(file, offset, data, static_cast<int64_t>(data.size()));
  }
  virtual IoStatus append(const std::string& file, std::string_view data) = 0;
  virtual ReadResult read(const std::string& file, int64_t offset, int64_t length) = 0;
  virtual ReadResult read_all(const std::string& file) = 0;
  virtual IoStatus fsync(const std::string& file) = 0;
  virtual IoStatus truncate(const std::string& file, int64_t size) = 0;

  // Metadata (immediate, durable).
  virtual bool exists(const std::string& file) const = 0;
  virtual std::optional<int64_t> size(const std::string& file) const = 0;
  virtual std::vector<std::string> list(std::string_view prefix = {}) const = 0;
  virtual IoStatus remove(const std::string& file) = 0;
  virtual IoStatus rename(const std::string& from, const std::string& to) = 0;
  virtual int64_t used_bytes() const = 0;
  // Bytes written to `file` and not yet durable.
  virtual int64_t unsynced_bytes(const std::string& file) const = 0;

  // --- the read view (see the header comment) ----------------------------------------
  // Whether a read costs no simulated time.
  virtual bool reads_free() const = 0;
  // Changes whenever the page cache is replaced behind the writers' backs (a crash, latent
  // corruption): a copy taken under one generation reads the same as the disk while the
  // generation stays the same.
  virtual uint64_t generation() const = 0;
  // Called instead of read() when serving such a copy: true when a read now would return the
  // copy taken at `generation` at no simulated cost; like a read, unwinds a dead process.
  virtual bool serve_cached_read(uint64_t generation) = 0;
  // Only when reads_free(): the file's page-cache image itself (nullptr: no such file), to be
  // viewed in place (ChunkedBytes::view) instead of copied. Valid while changes() stays the
  // same; a reader that does not block in between can rely on that. Unwinds a dead process.
  virtual const ChunkedBytes* page_cache(const std::string& file) = 0;
  // Counts the changes that can move or free a page-cache image: writes, truncations,
  // removals, renames, crashes, corruption.
  virtual uint64_t changes() const = 0;

 protected:
  Files() = default;
  ~Files() = default;
};

}  // namespace sim
