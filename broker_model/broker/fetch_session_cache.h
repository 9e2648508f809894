// The leader side of fetch sessions (KIP-227; Kafka's FetchSessionCache): the sessions this
// broker holds for its followers and consumers, in process memory (a restart forgets them
// all, and their clients' next incremental fetches get FETCH_SESSION_ID_NOT_FOUND).
//
// Bounded by max.incremental.fetch.session.cache.slots. When it is full, a new session may
// evict the least recently used session unused for the eviction time (any client may), or,
// if it is a follower's, the consumer session with the fewest partitions and then the least
// recently used; otherwise it is not created and its client keeps sending full fetches.
// Session ids come from the broker's random stream, so a run is reproducible from its seed.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "broker_model/protocol/messages.h"
#include "sim/prng.h"
#include "sim/time.h"

namespace broker_model {

// What a session last sent a client about a partition, to tell whether it has news.
struct SessionPartitionSent {
  Offset high_watermark{-1};
  Offset log_start_offset{-1};
};

struct FetchSession {
  int32_t id = kInvalidFetchSessionId;
  bool privileged = false;  // a follower's
  int32_t epoch = 1;        // the epoch its next incremental request must carry
  sim::Instant last_used;
  // The fetch state last asked for, sorted by partition, and beside it what was last sent.
  std::vector<FetchPartition> partitions;
  std::vector<SessionPartitionSent> sent;

  // An incremental request's changes: `changed` added or updated, `forgotten` removed.
  void update(const std::vector<FetchPartition>& changed, const std::vector<TopicPartition>& forgotten);
};

// Kafka keeps a session at least this long before another client's may evict it
// (MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS, not configurable there).
inline constexpr sim::Duration kFetchSessionEvictionTime = sim::milliseconds(120'000);

class FetchSessionCache {
 public:
  FetchSessionCache(int32_t slots, sim::Prng prng) : slots_(slots), prng_(prng) {}

  // The session by that id, or nullptr. Shared: a fetch keeps using its session while it
  // waits, even if a newer request closes it meanwhile.
  std::shared_ptr<FetchSession> find(int32_t id) const;
  void remove(int32_t id);
  // A new session for a full fetch of `partitions` (sorted) answered with `resp` (the same
  // partitions, in order), or nullptr when there is no room for it.
  std::shared_ptr<FetchSession> create(bool privileged, sim::Instant now, const std::vector<FetchPartition>& partitions,
                                       const FetchResponse& resp);

  size_t size() const { return sessions_.size(); }
  uint64_t evictions() const { return evictions_; }

 private:
  // Frees a slot for a new session, if the eviction rules allow; true if there is room.
  bool make_room(bool privileged, sim::Instant now);

  int32_t slots_;
  sim::Prng prng_;
  std::map<int32_t, std::shared_ptr<FetchSession>> sessions_;  // by id
  uint64_t evictions_ = 0;
};

}  // namespace broker_model
