// The metadata log and the quorum-state file on the simulated disk: entries survive a
// restart exactly; a crash that tears the last write (or keeps part of the unsynced ones)
// leaves a tail that recovery detects by CRC and cuts; corruption in the middle cuts the
// log there; the quorum state is replaced atomically.
#include <gtest/gtest.h>

#include "broker_model/controller/metadata_record_codec.h"
#include "broker_model/controller/quorum_state.h"
#include "broker_model/controller/raft_log.h"
#include "sim/world/world.h"

namespace broker_model {
namespace {

MetadataBatch batch(int i) {
  return {TopicRecord{"topic-" + std::to_string(i), i + 1, {{"k", std::string(static_cast<size_t>(i) * 40, 'v')}}}};
}

struct Boots {
  std::vector<std::vector<LogEntry>> recovered;  // per incarnation
};

// Incarnation 1 appends `synced` entries and fsyncs, then `unsynced` more without fsync.
sim::BootFn log_writer(Boots& boots, int synced, int unsynced) {
  return [&boots, synced, unsynced](sim::NodeContext& ctx) {
    RaftLog& log = ctx.make<RaftLog>(ctx);
    EXPECT_EQ(log.recover(), sim::IoStatus::kOk);
    std::vector<LogEntry> got;
    for (Offset o{0}; o < log.log_end_offset(); o = o + 1) got.push_back(log.entry(o));
    boots.recovered.push_back(got);
    if (ctx.incarnation() != 1) return;
    for (int i = 0; i < synced; ++i) log.append(Term(1 + i / 3), batch(i));
    EXPECT_EQ(log.flush(), sim::IoStatus::kOk);
    EXPECT_EQ(log.durable_end_offset(), Offset(synced));
    for (int i = synced; i < synced + unsynced; ++i) {
      log.append(Term(9), batch(i));
      // Written but not fsynced: what a crash mid-flush leaves.
      std::string bytes = encode_log_entry(log.entry(Offset(i)));
      ctx.files().append(RaftLog::kFileName, bytes);
    }
  };
}

std::vector<LogEntry> run_crash(sim::CrashMode mode, uint64_t seed, int synced, int unsynced) {
  sim::WorldConfig wc;
  wc.seed = seed;
  sim::World w(wc);
  Boots boots;
  sim::NodeOptions no;
  no.disk.crash_mode = mode;
  sim::NodeId n = w.add_node("c0", log_writer(boots, synced, unsynced), no);
  w.start(n);
  w.run(sim::Instant::epoch() + sim::seconds(1));
  w.crash(n);
  w.start(n);
  w.run(sim::Instant::epoch() + sim::seconds(2));
  EXPECT_EQ(boots.recovered.size(), 2u);
  // Whatever recovery kept must decode cleanly from the file now.
  DecodedLog d = decode_raft_log(w.node(n).disk().durable_image(RaftLog::kFileName));
  EXPECT_EQ(d.stop_reason, "") << "recovery left a bad tail";
  EXPECT_EQ(d.entries, boots.recovered.back());
  return boots.recovered.back();
}

TEST(RaftLog, SyncedEntriesSurviveACrashUnsyncedOnesDoNot) {
  std::vector<LogEntry> got = run_crash(sim::CrashMode::kLoseUnsynced, 1, 7, 3);
  ASSERT_EQ(got.size(), 7u);
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(got[static_cast<size_t>(i)].offset, Offset(i));
    EXPECT_EQ(got[static_cast<size_t>(i)].batch, batch(i));
  }
}

TEST(RaftLog, TornTailIsDetectedAndCutOnRecovery) {
  int torn_seen = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    std::vector<LogEntry> got = run_crash(sim::CrashMode::kTornLastSector, seed, 5, 4);
    ASSERT_GE(got.size(), 5u);  // the synced prefix always survives
    ASSERT_LE(got.size(), 9u);
    if (got.size() < 9u) ++torn_seen;
    for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].batch, batch(static_cast<int>(i)));
  }
  EXPECT_GT(torn_seen, 0);
}

TEST(RaftLog, CorruptionInTheMiddleCutsTheLogThere) {
  std::string file;
  std::vector<int64_t> ends;
  for (int i = 0; i < 5; ++i) {
    file += encode_log_entry(LogEntry{Term(1), Offset(i), batch(i)});
    ends.push_back(static_cast<int64_t>(file.size()));
  }
  EXPECT_EQ(decode_raft_log(file).entries.size(), 5u);
  std::string bad = file;
  bad[static_cast<size_t>(ends[1] + 20)] ^= 0x10;  // inside entry 2
  DecodedLog d = decode_raft_log(bad);
  EXPECT_EQ(d.entries.size(), 2u);
  EXPECT_EQ(d.valid_bytes, ends[1]);
  EXPECT_EQ(d.stop_reason, "crc mismatch");
  // Entries out of order are rejected too (a log never skips an offset).
  std::string skipped = encode_log_entry(LogEntry{Term(1), Offset(0), batch(0)}) +
                        encode_log_entry(LogEntry{Term(1), Offset(2), batch(1)});
  EXPECT_EQ(decode_raft_log(skipped).entries.size(), 1u);
}

TEST(RaftLog, QuorumStateIsReplacedAtomically) {
  sim::World w(sim::WorldConfig{});
  std::vector<std::optional<ElectionState>> loads;
  sim::NodeId n = w.add_node("c0", [&loads](sim::NodeContext& ctx) {
    QuorumStateStore& store = ctx.make<QuorumStateStore>(ctx);
    loads.push_back(store.load());
    if (ctx.incarnation() == 1) {
      EXPECT_EQ(store.save(ElectionState{Term(4), sim::NodeId{2}}), sim::IoStatus::kOk);
      // A save that dies before its rename leaves only the temporary file.
      ctx.files().write(QuorumStateStore::kTempFileName, 0, "garbage");
    }
  });
  w.start(n);
  w.run(sim::Instant::epoch() + sim::seconds(1));
  w.restart(n);
  w.run(sim::Instant::epoch() + sim::seconds(2));
  ASSERT_EQ(loads.size(), 2u);
  EXPECT_EQ(loads[0], ElectionState{});
  EXPECT_EQ(loads[1], (ElectionState{Term(4), sim::NodeId{2}}));
  EXPECT_FALSE(w.node(n).disk().exists(QuorumStateStore::kTempFileName));
  w.node(n).disk().corrupt(QuorumStateStore::kFileName, 3);
  w.restart(n);
  w.run(sim::Instant::epoch() + sim::seconds(3));
  EXPECT_FALSE(loads.back().has_value()) << "a corrupt quorum state must not load";
}

}  // namespace
}  // namespace broker_model
