// The client side of a fetch session (KIP-227; Kafka's FetchSessionHandler), one per broker a
// client fetches from: followers' ReplicaFetcher, Consumer and GroupConsumer. It remembers what
// the leader's session holds, turns the fetch a client wants into a full or an incremental
// request, and moves the session on from each answer (or its absence).
//
// At most one request per handler may be in flight: build() assumes the previous request's
// answer, or its failure, has been handled.
#pragma once

#include <vector>

#include "broker_model/protocol/messages.h"

namespace broker_model {

class FetchSessionHandler {
 public:
  // The list to fill with the fetch state of every partition the client wants from this
  // broker now (emptied here; its buffer is reused from fetch to fetch), then build().
  std::vector<FetchPartition>& next() {
    next_.clear();
    return next_;
  }
  // Fills `req`'s session fields, partitions and forgotten list for a fetch of next(). A full
  // fetch names them all; an incremental one only those new to the session or whose state
  // changed, and forgets those the client no longer wants.
  void build(FetchRequest& req);

  // The answer to the last request built. False when it is a session error
  // (FETCH_SESSION_ID_NOT_FOUND, INVALID_FETCH_SESSION_EPOCH): it carries no partitions and
  // the next request is a full fetch. Otherwise the partitions it lists are the news: in an
  // incremental answer, an absent partition has nothing new.
  bool handle_response(const FetchResponse& resp);
  // The last request got no answer (timed out, the connection or the broker went away): the
  // leader may or may not have moved the session on, so the next request closes it and
  // starts a new one with a full fetch.
  void handle_failure();

  int32_t session_id() const { return session_id_; }
  int32_t next_epoch() const { return next_epoch_; }

 private:
  int32_t session_id_ = kInvalidFetchSessionId;
  int32_t next_epoch_ = kInitialFetchSessionEpoch;
  int32_t sent_epoch_ = kInitialFetchSessionEpoch;
  // What the leader's session holds once it has the last request: sorted by partition.
  std::vector<FetchPartition> session_;
  std::vector<FetchPartition> next_;
};

}  // namespace broker_model
