// Fetch sessions (KIP-227): the client's handler (what a request names, how the session moves
// on from an answer or its absence), the leader's bounded cache (ids, eviction), and a leader's
// ReplicaManager answering full and incremental fetches, leaving out partitions with nothing new
// and answering unknown sessions and stale epochs with the session errors.
#include <gtest/gtest.h>

#include "broker_model/broker/fetch_session_cache.h"
#include "broker_model/broker/replica_manager.h"
#include "broker_model/clients/fetch_session_handler.h"
#include "broker_model/controller/metadata_records.h"
#include "storage_test_util.h"

namespace broker_model {
namespace {

const TopicPartition kA{"t", 0};
const TopicPartition kB{"t", 1};
const TopicPartition kC{"t", 2};

FetchPartition at(const TopicPartition& tp, int64_t offset) { return FetchPartition{tp, Offset(offset), LeaderEpoch(0)}; }

std::vector<TopicPartition> tps(const std::vector<FetchPartition>& ps) {
  std::vector<TopicPartition> out;
  for (const auto& p : ps) out.push_back(p.tp);
  return out;
}

// `h`'s request for a fetch of `wanted`, in `req`.
void build(FetchSessionHandler& h, FetchRequest& req, std::vector<FetchPartition> wanted) {
  h.next() = std::move(wanted);
  h.build(req);
}

FetchResponse answer(int32_t session_id, ErrorCode error = ErrorCode::kNone) {
  FetchResponse r;
  r.session_id = session_id;
  r.error = error;
  return r;
}

TEST(FetchSessionHandler, FullFetchThenOnlyWhatChangedAndWhatLeft) {
  FetchSessionHandler h;
  FetchRequest req;
  build(h, req, {at(kB, 5), at(kA, 0)});  // any order: requests list partitions sorted
  EXPECT_EQ(req.session_id, kInvalidFetchSessionId);
  EXPECT_EQ(req.session_epoch, kInitialFetchSessionEpoch);
  EXPECT_EQ(tps(req.partitions), (std::vector<TopicPartition>{kA, kB}));
  ASSERT_TRUE(h.handle_response(answer(42)));
  EXPECT_EQ(h.session_id(), 42);
  EXPECT_EQ(h.next_epoch(), 1);

  // A moved, B unchanged, C new.
  build(h, req, {at(kA, 3), at(kB, 5), at(kC, 0)});
  EXPECT_EQ(req.session_id, 42);
  EXPECT_EQ(req.session_epoch, 1);
  EXPECT_EQ(tps(req.partitions), (std::vector<TopicPartition>{kA, kC}));
  EXPECT_EQ(req.partitions[0].fetch_offset, Offset(3));
  EXPECT_TRUE(req.forgotten.empty());
  ASSERT_TRUE(h.handle_response(answer(42)));
  EXPECT_EQ(h.next_epoch(), 2);

  // B no longer wanted; nothing else changed.
  build(h, req, {at(kA, 3), at(kC, 0)});
  EXPECT_EQ(req.session_epoch, 2);
  EXPECT_TRUE(req.partitions.empty());
  EXPECT_EQ(req.forgotten, (std::vector<TopicPartition>{kB}));
}

TEST(FetchSessionHandler, SessionErrorsAndFailuresStartOverWithAFullFetch) {
  FetchSessionHandler h;
  FetchRequest req;
  build(h, req, {at(kA, 0)});
  ASSERT_TRUE(h.handle_response(answer(7)));

  // A stale epoch: close this session and ask for a new one.
  build(h, req, {at(kA, 1)});
  EXPECT_FALSE(h.handle_response(answer(0, ErrorCode::kInvalidFetchSessionEpoch)));
  build(h, req, {at(kA, 1)});
  EXPECT_EQ(req.session_id, 7);
  EXPECT_EQ(req.session_epoch, kInitialFetchSessionEpoch);
  EXPECT_EQ(tps(req.partitions), (std::vector<TopicPartition>{kA}));
  ASSERT_TRUE(h.handle_response(answer(8)));

  // No answer at all: the leader may have moved the session on; close it, new one.
  build(h, req, {at(kA, 2)});
  h.handle_failure();
  build(h, req, {at(kA, 2)});
  EXPECT_EQ(req.session_id, 8);
  EXPECT_EQ(req.session_epoch, kInitialFetchSessionEpoch);
  ASSERT_TRUE(h.handle_response(answer(9)));

  // The leader has no such session (evicted, restarted): no session to close.
  build(h, req, {at(kA, 3)});
  EXPECT_FALSE(h.handle_response(answer(0, ErrorCode::kFetchSessionIdNotFound)));
  build(h, req, {at(kA, 3)});
  EXPECT_EQ(req.session_id, kInvalidFetchSessionId);
  EXPECT_EQ(req.session_epoch, kInitialFetchSessionEpoch);

  // The leader had no room: keep asking with full fetches.
  ASSERT_TRUE(h.handle_response(answer(kInvalidFetchSessionId)));
  build(h, req, {at(kA, 4)});
  EXPECT_TRUE(req.full());
  EXPECT_EQ(req.session_epoch, kInitialFetchSessionEpoch);
}

FetchResponse full_answer(const std::vector<FetchPartition>& ps) {
  FetchResponse r;
  for (const auto& p : ps) {
    FetchPartitionResponse e;
    e.tp = p.tp;
    r.partitions.push_back(std::move(e));
  }
  return r;
}

TEST(FetchSessionCache, BoundedFollowersOutrankConsumersAndStaleSessionsGo) {
  FetchSessionCache cache(2, sim::Prng(1));
  sim::Instant t0 = sim::Instant::epoch();
  std::vector<FetchPartition> one{at(kA, 0)}, two{at(kA, 0), at(kB, 0)};
  auto consumer = cache.create(false, t0, one, full_answer(one));
  auto follower = cache.create(true, t0, two, full_answer(two));
  ASSERT_NE(consumer, nullptr);
  ASSERT_NE(follower, nullptr);
  EXPECT_NE(consumer->id, kInvalidFetchSessionId);
  EXPECT_NE(consumer->id, follower->id);
  EXPECT_EQ(cache.find(consumer->id), consumer);

  // Full: another consumer finds no room; a follower evicts the consumer's session.
  EXPECT_EQ(cache.create(false, t0 + sim::seconds(1), one, full_answer(one)), nullptr);
  auto follower2 = cache.create(true, t0 + sim::seconds(1), one, full_answer(one));
  ASSERT_NE(follower2, nullptr);
  EXPECT_EQ(cache.find(consumer->id), nullptr);
  EXPECT_EQ(cache.evictions(), 1u);

  // Followers' sessions unused for the eviction time may go to anyone.
  EXPECT_EQ(cache.create(false, t0 + sim::seconds(100), one, full_answer(one)), nullptr);
  follower2->last_used = t0 + sim::seconds(100);
  auto late = cache.create(false, t0 + sim::seconds(121), one, full_answer(one));
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(cache.find(follower->id), nullptr) << "the least recently used stale session goes first";
  EXPECT_NE(cache.find(follower2->id), nullptr);
  EXPECT_EQ(cache.size(), 2u);

  FetchSessionCache none(0, sim::Prng(1));
  EXPECT_EQ(none.create(true, t0, one, full_answer(one)), nullptr) << "no slots: sessions are off";

  // Ids come from the seeded stream: the same seed gives the same ids.
  FetchSessionCache again(2, sim::Prng(1));
  EXPECT_EQ(again.create(false, t0, one, full_answer(one))->id, consumer->id);
}

TEST(FetchSessionCache, UpdateAddsChangesAndForgetsInPartitionOrder) {
  FetchSession s;
  s.partitions = {at(kB, 1)};
  s.sent = {SessionPartitionSent{Offset(1), Offset(0)}};
  s.update({at(kA, 0), at(kB, 2), at(kC, 0)}, {});
  EXPECT_EQ(tps(s.partitions), (std::vector<TopicPartition>{kA, kB, kC}));
  EXPECT_EQ(s.partitions[1].fetch_offset, Offset(2));
  ASSERT_EQ(s.sent.size(), 3u);
  EXPECT_EQ(s.sent[1].high_watermark, Offset(1)) << "what was sent for B stays with B";
  EXPECT_EQ(s.sent[0].high_watermark, Offset(-1)) << "nothing sent yet for a new partition";
  s.update({}, {kA, kC});
  EXPECT_EQ(tps(s.partitions), (std::vector<TopicPartition>{kB}));
  EXPECT_EQ(s.sent.size(), 1u);
  // A request that does not list its partitions in order is taken all the same.
  s.update({at(kC, 4), at(kA, 1), at(kB, 3)}, {});
  EXPECT_EQ(tps(s.partitions), (std::vector<TopicPartition>{kA, kB, kC}));
  EXPECT_EQ(s.partitions[1].fetch_offset, Offset(3));
  EXPECT_EQ(s.partitions[2].fetch_offset, Offset(4));
  EXPECT_EQ(s.sent[1].high_watermark, Offset(1));
}

TEST(FetchSessionCache, ASessionCreatedFromAnUnsortedFullFetchKeepsItsPartitionsSorted) {
  FetchSessionCache cache(1, sim::Prng(3));
  std::vector<FetchPartition> asked{at(kC, 0), at(kA, 0)};
  FetchResponse resp = full_answer(asked);
  resp.partitions[0].high_watermark = Offset(7);  // C's
  auto s = cache.create(false, sim::Instant::epoch(), asked, resp);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(tps(s->partitions), (std::vector<TopicPartition>{kA, kC}));
  EXPECT_EQ(s->sent[1].high_watermark, Offset(7)) << "what was sent stays with its partition";
}

// A leader (broker 0) of t-0 and t-1, replicas 0, 1, 2, asked by follower 1.
MetadataImage two_partitions_led_by_broker_0() {
  MetadataImage img;
  std::vector<BrokerId> replicas{BrokerId(0), BrokerId(1), BrokerId(2)};
  for (int b = 0; b <= 2; ++b) {
    img.apply(RegisterBrokerRecord{BrokerId(b), BrokerEpoch(1), 1, "", sim::NodeId{static_cast<uint32_t>(b)}});
    img.apply(UnfenceBrokerRecord{BrokerId(b), BrokerEpoch(1)});
  }
  img.apply(TopicRecord{"t", 2, {}});
  for (const auto& tp : {kA, kB}) img.apply(PartitionRecord{tp, replicas, replicas, BrokerId(0), LeaderEpoch(0), PartitionEpoch(0)});
  return img;
}

FetchRequest follower_request(BrokerId replica, int32_t id, int32_t epoch, std::vector<FetchPartition> ps) {
  FetchRequest r;
  r.replica_id = replica;
  r.max_wait_ms = 0;
  r.session_id = id;
  r.session_epoch = epoch;
  r.partitions = std::move(ps);
  return r;
}

// What the leader reported of its sessions (broker_events.h).
struct SessionCounts {
  int64_t created = 0;
  int64_t id_not_found = 0;
  int64_t invalid_epoch = 0;
  int64_t partitions_omitted = 0;
};

void watch_sessions(sim::EventBus& bus, SessionCounts& n) {
  bus.subscribe<FetchSessionCreated>([&n](const sim::EventOrigin&, const FetchSessionCreated&) { ++n.created; });
  bus.subscribe<FetchSessionRefused>([&n](const sim::EventOrigin&, const FetchSessionRefused& e) {
    ++(e.error == ErrorCode::kFetchSessionIdNotFound ? n.id_not_found : n.invalid_epoch);
  });
  bus.subscribe<IncrementalFetchAnswered>(
      [&n](const sim::EventOrigin&, const IncrementalFetchAnswered& e) { n.partitions_omitted += e.partitions_omitted; });
}

TEST(FetchSessionLeader, IncrementalAnswersCarryOnlyPartitionsWithNews) {
  SessionCounts st;
  storage::testing::run_on_node([](sim::NodeContext& ctx) {
    auto& rpc = ctx.make<RpcEndpoint>(ctx);
    BrokerConfig config;
    config.id = BrokerId(0);
    ReplicaManager rm(rpc, config, [](const IsrProposal&, auto) {});
    rm.apply_metadata(two_partitions_led_by_broker_0());
    const BrokerId f1(1), f2(2);

    FetchResponse full = rm.handle_fetch(follower_request(f1, 0, 0, {at(kA, 0), at(kB, 0)}));
    ASSERT_EQ(full.error, ErrorCode::kNone);
    ASSERT_NE(full.session_id, kInvalidFetchSessionId);
    EXPECT_EQ(full.partitions.size(), 2u) << "a full answer lists every partition";
    int32_t id = full.session_id;

    // Nothing new anywhere: an empty answer.
    FetchResponse r = rm.handle_fetch(follower_request(f1, id, 1, {}));
    ASSERT_EQ(r.error, ErrorCode::kNone);
    EXPECT_EQ(r.session_id, id);
    EXPECT_TRUE(r.partitions.empty());

    // Records on t-0: only t-0, read from the fetch offset the session remembers.
    ProduceRequest produce;
    produce.acks = kAcksLeader;
    produce.partitions.push_back(ProducePartitionData{kA, storage::testing::make_batch("a", 3)});
    ASSERT_EQ(rm.handle_produce(produce).partitions.at(0).error, ErrorCode::kNone);
    r = rm.handle_fetch(follower_request(f1, id, 2, {}));
    ASSERT_EQ(r.partitions.size(), 1u);
    EXPECT_EQ(r.partitions[0].tp, kA);
    ASSERT_EQ(r.partitions[0].batches.size(), 1u);
    EXPECT_EQ(r.partitions[0].batches[0].base_offset, Offset(0));

    // Follower 1 moves to 3; the high watermark waits for follower 2: nothing new to say.
    r = rm.handle_fetch(follower_request(f1, id, 3, {at(kA, 3)}));
    EXPECT_TRUE(r.partitions.empty());
    // Follower 2 catches up (no session); the high watermark moves to 3: t-0 is news again.
    ASSERT_EQ(rm.handle_fetch(follower_request(f2, 0, -1, {at(kA, 3)})).session_id, kInvalidFetchSessionId);
    r = rm.handle_fetch(follower_request(f1, id, 4, {}));
    ASSERT_EQ(r.partitions.size(), 1u);
    EXPECT_EQ(r.partitions[0].tp, kA);
    EXPECT_EQ(r.partitions[0].high_watermark, Offset(3));
    EXPECT_TRUE(r.partitions[0].batches.empty());
    r = rm.handle_fetch(follower_request(f1, id, 5, {}));
    EXPECT_TRUE(r.partitions.empty()) << "the new high watermark was sent once";

    // A stale epoch and an unknown id are answered with the session errors, no partitions.
    r = rm.handle_fetch(follower_request(f1, id, 5, {}));
    EXPECT_EQ(r.error, ErrorCode::kInvalidFetchSessionEpoch);
    EXPECT_TRUE(r.partitions.empty());
    r = rm.handle_fetch(follower_request(f1, id + 1, 1, {}));
    EXPECT_EQ(r.error, ErrorCode::kFetchSessionIdNotFound);

    // Forgetting t-0 leaves only t-1 in the session: t-0's new records are not read.
    ASSERT_EQ(rm.handle_produce(produce).partitions.at(0).error, ErrorCode::kNone);
    FetchRequest forget = follower_request(f1, id, 6, {});
    forget.forgotten = {kA};
    r = rm.handle_fetch(forget);
    EXPECT_TRUE(r.partitions.empty()) << "t-0 is no longer asked for";
    // A closing full fetch ends the session.
    r = rm.handle_fetch(follower_request(f1, id, kFinalFetchSessionEpoch, {at(kB, 0)}));
    EXPECT_EQ(r.session_id, kInvalidFetchSessionId);
    EXPECT_EQ(r.partitions.size(), 1u);
    EXPECT_EQ(rm.handle_fetch(follower_request(f1, id, 7, {})).error, ErrorCode::kFetchSessionIdNotFound);
  }, 1, {}, [&st](sim::World& w) { watch_sessions(w.events(), st); });
  EXPECT_EQ(st.created, 1);
  EXPECT_EQ(st.id_not_found, 2);
  EXPECT_EQ(st.invalid_epoch, 1);
  EXPECT_GT(st.partitions_omitted, 0);
}

}  // namespace
}  // namespace broker_model
