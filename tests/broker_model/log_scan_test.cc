// Scanning a log's record values without building Records (decode_values, LogSegment::scan,
// PartitionLog::scan_values; the end-of-run dump uses them): the same records, offsets and
// validation as reading and decoding, across segment rolls, retention and truncation, with
// the log's tail taken from its in-memory tail cache or (after a reopen) all from the disk,
// and an incomplete scan wherever a read would meet a torn or corrupt batch.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "broker_model/storage/byte_order.h"
#include "broker_model/storage/partition_log.h"
#include "broker_model/storage/record_batch.h"
#include "sim/crc32c.h"
#include "sim/prng.h"
#include "storage_test_util.h"

namespace broker_model::storage {
namespace {

using testing::kTp;
using testing::read_everything;
using testing::run_on_node;
using testing::small_segments;

using OffsetValues = std::vector<std::pair<Offset, std::string>>;

// A batch mixing what a record can be: keyed and null-keyed, padded and not, empty and
// shorter-than-a-record-id values.
RecordBatch mixed_batch(int n, int seed) {
  std::vector<Record> records;
  for (int i = 0; i < n; ++i) {
    Record r;
    r.timestamp_ms = 1'000 + seed + i;
    if ((i + seed) % 3 != 0) r.key = "key-" + std::to_string(i);
    r.value = std::string(static_cast<size_t>((i * 7 + seed) % 23), static_cast<char>('a' + (i + seed) % 26));
    if ((i + seed) % 2 == 0) r.value_padding = 1'000;
    records.push_back(std::move(r));
  }
  return RecordBatch::of(std::move(records));
}

OffsetValues values_of(const std::vector<RecordBatch>& batches) {
  OffsetValues out;
  for (const RecordBatch& b : batches)
    for (size_t i = 0; i < b.records.size(); ++i) out.emplace_back(b.base_offset + static_cast<int64_t>(i), b.records[i].value);
  return out;
}

struct Scanned {
  LogScanResult result;
  OffsetValues values;
};

Scanned scan(PartitionLog& log) {
  Scanned s;
  s.result = log.scan_values([&](Offset base, const std::vector<std::string_view>& values) {
    for (size_t i = 0; i < values.size(); ++i) s.values.emplace_back(base + static_cast<int64_t>(i), std::string(values[i]));
  });
  return s;
}

void expect_scan_equals_reads(PartitionLog& log, const std::string& where) {
  Scanned s = scan(log);
  EXPECT_TRUE(s.result.complete) << where << ": " << (s.result.why_not ? s.result.why_not : "");
  EXPECT_EQ(s.values, values_of(read_everything(log))) << where;
}

// The same log opened again (a restarted broker): its tail cache starts empty, so a scan
// reads every batch from the disk.
std::unique_ptr<PartitionLog> reopen(sim::NodeContext& ctx, std::unique_ptr<PartitionLog> log) {
  LogConfig config = log->config();
  EXPECT_EQ(log->close(), ErrorCode::kNone);
  log.reset();
  auto again = std::make_unique<PartitionLog>(ctx, kTp, config);
  EXPECT_EQ(again->open(), ErrorCode::kNone);
  return again;
}

// Appends `n` mixed leader batches; rolls segments often with small_segments().
void append_mixed(PartitionLog& log, int n, int seed = 0) {
  for (int i = 0; i < n; ++i)
    ASSERT_EQ(log.append_as_leader(mixed_batch(1 + (i + seed) % 5, i + seed), LeaderEpoch(1)).error, ErrorCode::kNone);
}

TEST(DecodeValues, SameValuesAsDecode) {
  for (int seed = 0; seed < 20; ++seed) {
    RecordBatch b = mixed_batch(1 + seed % 7, seed);
    b.base_offset = Offset(100 + seed);
    std::string bytes = b.encode() + "trailing bytes are ignored";
    DecodeResult d = decode(bytes);
    ASSERT_EQ(d.failure, DecodeFailure::kNone);
    BatchHeader h;
    std::vector<std::string_view> values{"stale"};
    ASSERT_EQ(decode_values(bytes, h, values), DecodeFailure::kNone);
    EXPECT_EQ(h.base_offset, d.batch.base_offset);
    EXPECT_EQ(h.size_bytes, d.size_bytes);
    EXPECT_EQ(h.next_offset(), d.batch.next_offset());
    ASSERT_EQ(values.size(), d.batch.records.size());
    for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(values[i], d.batch.records[i].value) << seed << "/" << i;
  }
}

// Every prefix (torn tail), every flipped byte and malformed records under a valid CRC: the
// same failure as decode(), and no values.
TEST(DecodeValues, RejectsWhatDecodeRejects) {
  std::string good = mixed_batch(4, 1).encode();
  auto same = [](const std::string& bytes, const std::string& what) {
    BatchHeader h;
    std::vector<std::string_view> values{"stale"};
    DecodeFailure f = decode_values(bytes, h, values);
    EXPECT_EQ(f, decode(bytes).failure) << what;
    if (f != DecodeFailure::kNone) {
      EXPECT_TRUE(values.empty()) << what;
    }
  };
  for (size_t n = 0; n < good.size(); ++n) same(good.substr(0, n), "prefix " + std::to_string(n));
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    same(bad, "byte " + std::to_string(i));
  }
  auto recrc = [](std::string& s) { store_le<uint32_t>(s, kBatchCrcAt, sim::crc32c(std::string_view(s).substr(21))); };
  for (size_t i = 21; i < good.size(); ++i) {  // every covered byte changed, CRC fixed: bad records or not
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] + 1);
    recrc(bad);
    same(bad, "re-checksummed byte " + std::to_string(i));
  }
  std::string huge_count = good;
  store_le<int32_t>(huge_count, 57, 0x7fffffff);
  store_le<int32_t>(huge_count, 23, 0x7ffffffe);
  recrc(huge_count);
  same(huge_count, "a garbage record count allocates nothing");
  sim::Prng prng(7);
  for (int i = 0; i < 500; ++i) {
    std::string junk(static_cast<size_t>(prng.int_in_range(0, 300)), '\0');
    for (char& c : junk) c = static_cast<char>(prng.next_u64());
    if (i % 2 == 0 && junk.size() >= 17) junk.replace(0, 17, good.substr(0, 17));
    same(junk, "junk " + std::to_string(i));
  }
}

TEST(LogScan, SameRecordsAsReadingAcrossSegmentRolls) {
  run_on_node([](sim::NodeContext& ctx) {
    PartitionLog log(ctx, kTp, small_segments(1'000));
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    expect_scan_equals_reads(log, "empty log");
    append_mixed(log, 60);
    ASSERT_GE(log.segment_base_offsets().size(), 5u);
    expect_scan_equals_reads(log, "rolled log");
    // Follower appends keep the leader's offsets.
    RecordBatch f = mixed_batch(3, 9);
    f.base_offset = log.log_end_offset();
    f.partition_leader_epoch = LeaderEpoch(2);
    ASSERT_EQ(log.append_as_follower(f).error, ErrorCode::kNone);
    expect_scan_equals_reads(log, "after a follower append");
    // Retention moves the log start to a later segment.
    RetentionResult r = log.delete_old_segments(1'000'000'000);
    ASSERT_EQ(r.error, ErrorCode::kNone);
    ASSERT_GT(log.log_start_offset(), Offset(0));
    expect_scan_equals_reads(log, "after retention");
    // Truncation to the middle of a segment, then more appends.
    ASSERT_EQ(log.truncate_to(log.log_end_offset() - 20), ErrorCode::kNone);
    expect_scan_equals_reads(log, "after truncation");
    append_mixed(log, 10, 3);
    expect_scan_equals_reads(log, "after appends past the truncation");
    ASSERT_EQ(log.truncate_fully_and_start_at(Offset(5'000)), ErrorCode::kNone);
    append_mixed(log, 7, 5);
    expect_scan_equals_reads(log, "after a full truncation");
  });
}

TEST(LogScan, SameRecordsFromTheDiskAlone) {
  run_on_node([](sim::NodeContext& ctx) {
    auto log = std::make_unique<PartitionLog>(ctx, kTp, small_segments(1'000));
    ASSERT_EQ(log->open(), ErrorCode::kNone);
    append_mixed(*log, 60);
    OffsetValues before = values_of(read_everything(*log));
    log = reopen(ctx, std::move(log));
    expect_scan_equals_reads(*log, "reopened");
    EXPECT_EQ(scan(*log).values, before);
    append_mixed(*log, 5, 2);  // a short tail in memory again, starting mid-segment
    expect_scan_equals_reads(*log, "reopened, then appended");
    ASSERT_EQ(log->delete_old_segments(1'000'000'000).error, ErrorCode::kNone);
    expect_scan_equals_reads(*log, "reopened, then retention");
  });
}

// A log longer than the tail cache (512 KiB): the disk is scanned up to the cached tail,
// which starts inside a segment, and the tail is taken from memory.
TEST(LogScan, LogLongerThanTheTailCache) {
  run_on_node([](sim::NodeContext& ctx) {
    PartitionLog log(ctx, kTp, small_segments(64 << 10));
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    for (int i = 0; i < 400; ++i) {
      RecordBatch b = testing::make_batch("long" + std::to_string(i), 4, 200 + static_cast<size_t>(i % 7) * 90);
      ASSERT_EQ(log.append_as_leader(b, LeaderEpoch(1)).error, ErrorCode::kNone);
    }
    ASSERT_GT(log.size_bytes(), kTailCacheBytesMax + (128 << 10));
    expect_scan_equals_reads(log, "long log");
    for (int i = 0; i < 37; ++i) append_mixed(log, 1, i);  // the tail moves to another place in a segment
    expect_scan_equals_reads(log, "long log, more appends");
    // Bytes changed behind the log's back (only a test can: the log is the only writer of
    // its files, and corruption or a crash changes the disk generation): in the cached tail,
    // the scan serves the cached batches, as a read starting there does...
    OffsetValues written = values_of(read_everything(log));
    const LogSegment& active = log.active_segment();
    ASSERT_EQ(ctx.files().write(active.data_file(), active.size_bytes() - 40, std::string(40, '\0')), sim::IoStatus::kOk);
    Scanned cached = scan(log);
    EXPECT_TRUE(cached.result.complete);
    EXPECT_EQ(cached.values, written);
    LogReadResult last = log.read(log.log_end_offset() - 1, 1);
    EXPECT_EQ(last.error, ErrorCode::kNone);
    ASSERT_EQ(last.batches.size(), 1u);
    EXPECT_EQ(last.batches[0].records.back().value, written.back().second);
    // ...before it, both see them: the scan stops, and reads fail there.
    std::vector<Offset> bases = log.segment_base_offsets();
    ASSERT_GE(bases.size(), 3u);
    ASSERT_EQ(ctx.files().write(segment_file_name(log.dir(), bases[1], kLogFileSuffix), 100, std::string(40, '\0')),
              sim::IoStatus::kOk);
    Scanned s = scan(log);
    EXPECT_FALSE(s.result.complete);
    EXPECT_STREQ(s.result.why_not, "crc-mismatch");
    EXPECT_EQ(s.values.size(), static_cast<size_t>(bases[1].value()));
    EXPECT_EQ(log.read(bases[1], 1).error, ErrorCode::kCorruptMessage);
  });
}

// A write behind the log's back (as a torn write leaves the page cache) cuts the active
// segment mid-batch: the scan stops there incomplete, having visited only batches that reads
// return, and a read of the damaged batch fails.
TEST(LogScan, TornTailStopsTheScanWhereReadsFail) {
  run_on_node([](sim::NodeContext& ctx) {
    auto opened = std::make_unique<PartitionLog>(ctx, kTp, small_segments(1'000));
    ASSERT_EQ(opened->open(), ErrorCode::kNone);
    append_mixed(*opened, 30);
    std::unique_ptr<PartitionLog> reopened = reopen(ctx, std::move(opened));
    PartitionLog& log = *reopened;
    OffsetValues all = values_of(read_everything(log));
    const LogSegment& active = log.active_segment();
    ASSERT_GT(active.size_bytes(), 2 * kRecordBatchOverheadBytes);
    std::string file = active.data_file();
    // Zero the last 40 bytes of the active segment.
    ASSERT_EQ(ctx.files().write(file, active.size_bytes() - 40, std::string(40, '\0')), sim::IoStatus::kOk);
    Scanned s = scan(log);
    EXPECT_FALSE(s.result.complete);
    ASSERT_NE(s.result.why_not, nullptr);
    EXPECT_STREQ(s.result.why_not, "crc-mismatch");
    ASSERT_LT(s.values.size(), all.size());
    EXPECT_EQ(s.values, OffsetValues(all.begin(), all.begin() + static_cast<ptrdiff_t>(s.values.size())));
    Offset first_missing = s.values.empty() ? log.log_start_offset() : s.values.back().first + 1;
    EXPECT_EQ(log.read(first_missing, 1 << 20).error, ErrorCode::kCorruptMessage);
    ASSERT_GT(first_missing, Offset(0));
    EXPECT_EQ(log.read(first_missing - 1, 1).error, ErrorCode::kNone);
  });
}

// A flipped bit in a middle segment (latent corruption): the scan stops at that batch.
TEST(LogScan, CorruptBatchInAnEarlierSegment) {
  run_on_node([](sim::NodeContext& ctx) {
    PartitionLog log(ctx, kTp, small_segments(1'000));
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    append_mixed(log, 40);
    ASSERT_EQ(log.flush(), ErrorCode::kNone);
    std::vector<Offset> bases = log.segment_base_offsets();
    ASSERT_GE(bases.size(), 4u);
    OffsetValues all = values_of(read_everything(log));
    ASSERT_TRUE(testing::world_disk(ctx).corrupt(segment_file_name(log.dir(), bases[2], kLogFileSuffix), 70).has_value());
    Scanned s = scan(log);
    EXPECT_FALSE(s.result.complete);
    // Everything before the damaged segment's first batch was visited, nothing after it.
    ASSERT_EQ(s.values.size(), static_cast<size_t>(bases[2].value()));
    EXPECT_EQ(s.values, OffsetValues(all.begin(), all.begin() + bases[2].value()));
    EXPECT_EQ(log.read(bases[2], 1).error, ErrorCode::kCorruptMessage);
  });
}

// A base offset flipped outside the CRC (as Kafka's layout allows) decodes fine but breaks
// the offsets' sequence: not what the log wrote, so the scan is incomplete.
TEST(LogScan, OffsetGapIsIncomplete) {
  run_on_node([](sim::NodeContext& ctx) {
    auto log = std::make_unique<PartitionLog>(ctx, kTp, small_segments(100'000));
    ASSERT_EQ(log->open(), ErrorCode::kNone);
    append_mixed(*log, 5);
    log = reopen(ctx, std::move(log));
    int64_t second_batch = log->read(Offset(0), 1).bytes;
    std::string file = segment_file_name(log->dir(), Offset(0), kLogFileSuffix);
    std::string offset(8, '\0');
    store_le<int64_t>(offset, 0, 77);
    ASSERT_EQ(ctx.files().write(file, second_batch, offset), sim::IoStatus::kOk);
    Scanned s = scan(*log);
    EXPECT_FALSE(s.result.complete);
    EXPECT_STREQ(s.result.why_not, "offset-gap");
  });
}

// Where reads would cost simulated time the scan declines before touching anything.
TEST(LogScan, DeclinesWhenReadsCostTime) {
  run_on_node([](sim::NodeContext& ctx) {
    PartitionLog log(ctx, kTp, small_segments(1'000));
    ASSERT_EQ(log.open(), ErrorCode::kNone);
    append_mixed(log, 10);
    testing::world_disk(ctx).model().read_latency = sim::microseconds(5);
    sim::Instant before = ctx.now();
    Scanned s = scan(log);
    EXPECT_FALSE(s.result.complete);
    EXPECT_STREQ(s.result.why_not, "reads-cost-time");
    EXPECT_TRUE(s.values.empty());
    EXPECT_EQ(ctx.now(), before);
    testing::world_disk(ctx).model().read_latency = sim::Duration::zero();
    expect_scan_equals_reads(log, "reads free again");
  });
}

}  // namespace
}  // namespace broker_model::storage
