// Channel<T>: a bounded FIFO between fibers of one process. Values are moved in and out;
// receive blocks (optionally with a deadline). A full channel rejects try_send, so a
// producer that outruns its consumer is visible instead of eating memory.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <utility>

#include "sim/check.h"
#include "sim/wait_queue.h"

namespace sim {

template <class T>
class Channel {
 public:
  explicit Channel(size_t capacity, const char* what = "channel")
      : capacity_(capacity), receivers_(what), senders_(what) {
    EDDY_CHECK(capacity > 0);
  }

  size_t size() const { return items_.size(); }
  size_t capacity() const { return capacity_; }
  bool empty() const { return items_.empty(); }
  bool closed() const { return closed_; }

  // Non-blocking; false when full or closed (the value is dropped).
  bool try_send(T value) {
    if (closed_ || items_.size() >= capacity_) return false;
    items_.push_back(std::move(value));
    receivers_.notify_one();
    return true;
  }

  // Blocks while full. False if the channel was closed.
  bool send(T value) {
    while (!closed_ && items_.size() >= capacity_) senders_.wait();
    return try_send(std::move(value));
  }

  // Blocks until a value arrives or the deadline passes (nullopt), or the channel closes.
  std::optional<T> receive_until(Instant deadline) {
    while (items_.empty()) {
      if (closed_) return std::nullopt;
      if (!receivers_.wait_until(deadline) && items_.empty()) return std::nullopt;
    }
    T v = std::move(items_.front());
    items_.pop_front();
    senders_.notify_one();
    return v;
  }
  std::optional<T> receive() { return receive_until(Instant::max()); }
  std::optional<T> try_receive() {
    if (items_.empty()) return std::nullopt;
    T v = std::move(items_.front());
    items_.pop_front();
    senders_.notify_one();
    return v;
  }

  void close() {
    closed_ = true;
    receivers_.notify_all();
    senders_.notify_all();
  }

 private:
  size_t capacity_;
  bool closed_ = false;
  std::deque<T> items_;
  WaitQueue receivers_;
  WaitQueue senders_;
};

}  // namespace sim
