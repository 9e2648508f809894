// Where a partition log reports that its log directory failed (an I/O error on write, fsync,
// read or open: EIO, ENOSPC), as Kafka's LogDirFailureChannel does. The broker listening on it
// stops serving every replica in the directory and, when no log directory is left online,
// halts: Kafka's ReplicaManager.handleLogDirFailure ("Shutdown broker because all log dirs in
// ... have failed", then Exit.halt). A broker has one channel per log directory (log.dirs).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace broker_model::storage {

class LogDirFailureChannel {
 public:
  using Handler = std::function<void(std::string_view log, std::string_view during)>;
  explicit LogDirFailureChannel(Handler on_failure) : on_failure_(std::move(on_failure)) {}

  // A log of the directory went offline while `during` ("append", "flush", "roll", ...).
  void failed(std::string_view log, std::string_view during) {
    if (failed_) return;  // the directory is offline once; the first failure says why
    failed_ = true;
    on_failure_(log, during);
  }
  bool has_failed() const { return failed_; }

 private:
  Handler on_failure_;
  bool failed_ = false;
};

}  // namespace broker_model::storage
