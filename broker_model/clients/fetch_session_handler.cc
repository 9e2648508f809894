#include "broker_model/clients/fetch_session_handler.h"

#include <algorithm>

namespace broker_model {

void FetchSessionHandler::build(FetchRequest& req) {
  std::vector<FetchPartition>& wanted = next_;
  if (!std::is_sorted(wanted.begin(), wanted.end(), by_partition)) std::sort(wanted.begin(), wanted.end(), by_partition);
  req.session_id = session_id_;
  req.session_epoch = next_epoch_;
  sent_epoch_ = next_epoch_;
  req.partitions.clear();
  req.forgotten.clear();
  if (req.full()) {
    req.partitions = wanted;
  } else {
    req.partitions.reserve(wanted.size());  // one allocation, not one per doubling
    // Both lists are sorted: one merge finds what is new, changed and gone.
    auto have = session_.begin();
    for (const FetchPartition& w : wanted) {
      while (have != session_.end() && have->tp < w.tp) req.forgotten.push_back((have++)->tp);
      if (have != session_.end() && have->tp == w.tp) {
        if (!(*have == w)) req.partitions.push_back(w);
        ++have;
      } else {
        req.partitions.push_back(w);
      }
    }
    for (; have != session_.end(); ++have) req.forgotten.push_back(have->tp);
  }
  session_.swap(wanted);  // the old list's buffer serves the next fetch
}

bool FetchSessionHandler::handle_response(const FetchResponse& resp) {
  if (resp.error != ErrorCode::kNone) {
    // Not found: the leader has no such session (evicted, or it restarted): start afresh.
    // Any other error: close ours and start a new one.
    if (resp.error == ErrorCode::kFetchSessionIdNotFound) session_id_ = kInvalidFetchSessionId;
    next_epoch_ = kInitialFetchSessionEpoch;
    return false;
  }
  if (sent_epoch_ == kInitialFetchSessionEpoch || sent_epoch_ == kFinalFetchSessionEpoch) {
    // A full fetch: the answer names the session created for it, or none (the leader's cache
    // is full, or sessions are off there), and then the next fetch asks again.
    session_id_ = resp.session_id;
    next_epoch_ = session_id_ == kInvalidFetchSessionId ? kInitialFetchSessionEpoch : 1;
  } else {
    next_epoch_ = next_fetch_session_epoch(sent_epoch_);
  }
  return true;
}

void FetchSessionHandler::handle_failure() { next_epoch_ = kInitialFetchSessionEpoch; }

}  // namespace broker_model
