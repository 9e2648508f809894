// ChunkedBytes: a growable byte string stored in fixed-size chunks, for the simulated disk's
// file images. A std::string that grows by appends moves its bytes to a buffer twice as
// large each time it fills: a log file of tens of megabytes is copied whole over and over,
// and every copy lands in freshly mapped memory the kernel must zero first (measured: the
// disk images' growth was half of a default run's ~93,000 first-touch page faults, at ~4 us
// each on this VM). Here bytes never move once written: the first chunk grows like a string
// up to kChunkBytes (small files stay small, and a growing file copies at most one chunk's
// worth), later chunks are allocated full size, so a file costs its size in pages.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/check.h"

namespace sim {

class ChunkedBytes {
 public:
  static constexpr size_t kChunkBytes = size_t{64} << 10;

  ChunkedBytes() = default;
  ChunkedBytes(ChunkedBytes&&) noexcept = default;
  ChunkedBytes& operator=(ChunkedBytes&&) noexcept = default;
  ChunkedBytes(const ChunkedBytes& other) { *this = other; }
  ChunkedBytes& operator=(const ChunkedBytes& other) {
    if (this != &other) assign_prefix_of(other, other.size());
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Grows (with zeros) or shrinks to n bytes; shrinking frees whole chunks past the end.
  void resize(size_t n) {
    if (n > size_) {
      reserve(n);
      zero(size_, n - size_);
    } else {
      chunks_.resize(chunks_for(n));
      if (chunks_.empty()) first_capacity_ = 0;
    }
    size_ = n;
  }

  void append(std::string_view data) { write(size_, data); }

  // Writes data at offset, growing the file (zeros in any gap) when it ends past size().
  void write(size_t offset, std::string_view data) {
    size_t end = offset + data.size();
    if (end > size_) {
      reserve(end);
      if (offset > size_) zero(size_, offset - size_);
      size_ = end;
    }
    const char* from = data.data();
    for_each_piece(offset, data.size(), [&](char* piece, size_t n) {
      std::memcpy(piece, from, n);
      from += n;
    });
  }

  // Copies [offset, offset + length) (clipped to the end) into a string.
  std::string substr(size_t offset, size_t length) const {
    std::string out;
    if (offset >= size_) return out;
    length = std::min(length, size_ - offset);
    out.reserve(length);  // appended piece by piece: resize() would zero-fill it first
    for_each_piece(offset, length, [&](const char* piece, size_t n) { out.append(piece, n); });
    return out;
  }
  std::string str() const { return substr(0, size_); }

  // [offset, offset + length) (clipped to the end) without a copy when it lies within one
  // chunk; otherwise copied into `scratch`. Valid until this image or `scratch` changes.
  std::string_view view(size_t offset, size_t length, std::string& scratch) const {
    if (offset >= size_) return {};
    length = std::min(length, size_ - offset);
    size_t in_chunk = offset % kChunkBytes;
    if (in_chunk + length <= kChunkBytes) return {chunks_[offset / kChunkBytes].get() + in_chunk, length};
    scratch = substr(offset, length);
    return scratch;
  }

  char& operator[](size_t i) { return chunks_[i / kChunkBytes][i % kChunkBytes]; }
  char operator[](size_t i) const { return chunks_[i / kChunkBytes][i % kChunkBytes]; }

  // This file becomes the first n bytes of other.
  void assign_prefix_of(const ChunkedBytes& other, size_t n) {
    EDDY_CHECK(n <= other.size_ && &other != this);
    chunks_.clear();
    first_capacity_ = 0;
    size_ = 0;
    reserve(n);
    other.for_each_piece(0, n, [&](const char* piece, size_t k) { append({piece, k}); });
  }

 private:
  static size_t chunks_for(size_t n) { return (n + kChunkBytes - 1) / kChunkBytes; }

  // Room for n bytes: the first chunk grows geometrically (moving its bytes, as a string
  // would, but never past kChunkBytes); every later chunk is allocated whole, once.
  void reserve(size_t n) {
    if (n <= first_capacity_ || (chunks_.size() > 1 && n <= chunks_.size() * kChunkBytes)) return;
    if (chunks_.size() <= 1) {
      size_t want = std::min(kChunkBytes, std::max({n, 2 * first_capacity_, size_t{64}}));
      if (want > first_capacity_) {
        std::unique_ptr<char[]> grown(new char[want]);
        if (!chunks_.empty()) std::memcpy(grown.get(), chunks_[0].get(), std::min(size_, first_capacity_));
        if (chunks_.empty()) chunks_.push_back(std::move(grown));
        else chunks_[0] = std::move(grown);
        first_capacity_ = want;
      }
      if (n <= first_capacity_) return;
    }
    while (chunks_.size() * kChunkBytes < n) chunks_.emplace_back(new char[kChunkBytes]);
  }

  void zero(size_t offset, size_t length) {
    for_each_piece(offset, length, [](char* piece, size_t n) { std::memset(piece, 0, n); });
  }

  // Calls fn(piece, n) for the pieces of [offset, offset + length) (allocated, inside size_
  // or about to be) that lie in one chunk each, in order.
  template <typename Fn>
  void for_each_piece(size_t offset, size_t length, Fn&& fn) const {
    while (length > 0) {
      size_t in_chunk = offset % kChunkBytes;
      size_t n = std::min(length, kChunkBytes - in_chunk);
      fn(chunks_[offset / kChunkBytes].get() + in_chunk, n);
      offset += n;
      length -= n;
    }
  }

  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t first_capacity_ = 0;  // bytes allocated for chunks_[0] while it is the only chunk
  size_t size_ = 0;
};

}  // namespace sim
