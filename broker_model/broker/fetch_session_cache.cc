#include "broker_model/broker/fetch_session_cache.h"

#include <algorithm>
#include <tuple>

#include "sim/check.h"

namespace broker_model {

void FetchSession::update(const std::vector<FetchPartition>& changed, const std::vector<TopicPartition>& forgotten) {
  // Mostly the changed partitions are already in the session and nothing is forgotten: one
  // walk of the two sorted lists updates them in place. (Requests list partitions sorted; one
  // that does not is searched partition by partition.)
  bool sorted = std::is_sorted(changed.begin(), changed.end(), by_partition);
  size_t at = 0;
  for (const FetchPartition& c : changed) {
    if (!sorted) at = 0;
    while (at < partitions.size() && partitions[at].tp < c.tp) ++at;
    if (at < partitions.size() && partitions[at].tp == c.tp) {
      partitions[at] = c;
    } else {
      partitions.insert(partitions.begin() + static_cast<std::ptrdiff_t>(at), c);
      sent.insert(sent.begin() + static_cast<std::ptrdiff_t>(at), SessionPartitionSent{});  // nothing sent yet
    }
    ++at;
  }
  for (const TopicPartition& tp : forgotten) {
    auto it = std::lower_bound(partitions.begin(), partitions.end(), tp,
                               [](const FetchPartition& p, const TopicPartition& t) { return p.tp < t; });
    if (it == partitions.end() || it->tp != tp) continue;
    sent.erase(sent.begin() + (it - partitions.begin()));
    partitions.erase(it);
  }
}

std::shared_ptr<FetchSession> FetchSessionCache::find(int32_t id) const {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second;
}

void FetchSessionCache::remove(int32_t id) { sessions_.erase(id); }

bool FetchSessionCache::make_room(bool privileged, sim::Instant now) {
  if (slots_ <= 0) return false;
  if (sessions_.size() < static_cast<size_t>(slots_)) return true;
  // Any client may evict a session unused for the eviction time; a follower may also evict a
  // consumer's. Among candidates: fewest partitions, then least recently used, then lowest id.
  auto victim = sessions_.end();
  auto key = [](const FetchSession& s) { return std::make_tuple(s.partitions.size(), s.last_used, s.id); };
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    const FetchSession& s = *it->second;
    bool stale = now - s.last_used >= kFetchSessionEvictionTime;
    if (!stale && !(privileged && !s.privileged)) continue;
    if (victim == sessions_.end() || key(s) < key(*victim->second)) victim = it;
  }
  if (victim == sessions_.end()) return false;
  sessions_.erase(victim);
  ++evictions_;
  return true;
}

std::shared_ptr<FetchSession> FetchSessionCache::create(bool privileged, sim::Instant now,
                                                        const std::vector<FetchPartition>& partitions,
                                                        const FetchResponse& resp) {
  if (!make_room(privileged, now)) return nullptr;
  EDDY_CHECK(resp.partitions.size() == partitions.size());
  // A fresh positive id not in use (ids are 31 random bits: a few draws at most).
  int32_t id = kInvalidFetchSessionId;
  for (int tries = 0; tries < 64 && id == kInvalidFetchSessionId; ++tries) {
    auto candidate = static_cast<int32_t>(prng_.below(INT32_MAX)) + 1;
    if (sessions_.count(candidate) == 0) id = candidate;
  }
  if (id == kInvalidFetchSessionId) return nullptr;
  auto s = std::make_shared<FetchSession>();
  s->id = id;
  s->privileged = privileged;
  s->epoch = 1;
  s->last_used = now;
  // The session keeps its partitions sorted (a full fetch from our clients already is); what
  // was sent for each stays beside it.
  std::vector<size_t> order(partitions.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (!std::is_sorted(partitions.begin(), partitions.end(), by_partition))
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return partitions[a].tp < partitions[b].tp; });
  s->partitions.reserve(order.size());
  s->sent.reserve(order.size());
  for (size_t i : order) {
    s->partitions.push_back(partitions[i]);
    s->sent.push_back({resp.partitions[i].high_watermark, resp.partitions[i].log_start_offset});
  }
  sessions_.emplace(id, s);
  return s;
}

}  // namespace broker_model
