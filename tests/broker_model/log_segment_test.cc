// One segment on the simulated disk: appends, the sparse index, reads from any offset,
// truncation and recovery.
#include <gtest/gtest.h>

#include "broker_model/storage/log_segment.h"
#include "storage_test_util.h"

namespace broker_model::storage {
namespace {

using testing::make_batch;
using testing::run_on_node;

constexpr int32_t kIndexInterval = 500;
constexpr int32_t kIndexBytesMax = 1 << 20;

// Appends `n` batches of 2 records (about 160 bytes each) starting at `base`.
std::vector<RecordBatch> fill(LogSegment& s, Offset base, int n, int64_t timestamp_ms = 1'000) {
  std::vector<RecordBatch> out;
  Offset next = base;
  for (int i = 0; i < n; ++i) {
    RecordBatch b = make_batch("b" + std::to_string(i), 2, 30 + (i % 3) * 10, timestamp_ms + i);
    b.base_offset = next;
    EXPECT_EQ(s.append(b), ErrorCode::kNone);
    next = b.next_offset();
    out.push_back(b);
  }
  return out;
}

TEST(LogSegment, FileNamesAreTwentyDigitBaseOffsets) {
  EXPECT_EQ(segment_file_name("t-0/", Offset(42), kLogFileSuffix), "t-0/00000000000000000042.log");
  EXPECT_EQ(segment_file_name("", Offset(0), kIndexFileSuffix), "00000000000000000000.index");
  EXPECT_EQ(parse_segment_file_name("00000000000000000042.log", kLogFileSuffix), Offset(42));
  EXPECT_FALSE(parse_segment_file_name("00000000000000000042.index", kLogFileSuffix));
  EXPECT_FALSE(parse_segment_file_name("0000000000000000042.log", kLogFileSuffix));
  EXPECT_FALSE(parse_segment_file_name("0000000000000000004x.log", kLogFileSuffix));
  EXPECT_FALSE(parse_segment_file_name("99999999999999999999.log", kLogFileSuffix));
}

TEST(LogSegment, SparseIndexHasAnEntryAfterEveryIntervalBytes) {
  run_on_node([](sim::NodeContext& ctx) {
    LogSegment s(ctx.files(), "t-0/", Offset(100), kIndexInterval, kIndexBytesMax);
    ASSERT_EQ(s.create(), ErrorCode::kNone);
    std::vector<RecordBatch> batches = fill(s, Offset(100), 30);
    EXPECT_EQ(s.next_offset(), Offset(160));
    // Recompute Kafka's rule independently: an entry (last offset, position) for a batch
    // appended when more than the interval was written since the previous entry.
    std::vector<OffsetPosition> expected;
    int64_t since = 0;
    int64_t position = 0;
    for (const RecordBatch& b : batches) {
      if (since > kIndexInterval) {
        expected.push_back({b.last_offset(), static_cast<int32_t>(position)});
        since = 0;
      }
      since += b.size_in_bytes();
      position += b.size_in_bytes();
    }
    EXPECT_EQ(s.size_bytes(), position);
    EXPECT_GE(expected.size(), 5u);
    EXPECT_EQ(s.index().entries(), expected);
    EXPECT_EQ(ctx.files().read_all(s.index_file()).data, OffsetIndex::encode(expected, Offset(100)));
    EXPECT_EQ(s.index().lookup(Offset(100)), (OffsetPosition{Offset(100), 0}));
    EXPECT_EQ(s.index().lookup(expected[2].offset), expected[2]);
    EXPECT_EQ(s.index().lookup(expected[2].offset + 1), expected[2]);
  });
}

TEST(LogSegment, ReadFromAnyOffsetStartsAtTheBatchHoldingIt) {
  run_on_node([](sim::NodeContext& ctx) {
    LogSegment s(ctx.files(), "t-0/", Offset(0), kIndexInterval, kIndexBytesMax);
    ASSERT_EQ(s.create(), ErrorCode::kNone);
    std::vector<RecordBatch> batches = fill(s, Offset(0), 20);
    for (const RecordBatch& b : batches) {
      for (Offset o = b.base_offset; o <= b.last_offset(); o = o + 1) {
        SegmentReadResult r = s.read(o, 1, s.next_offset(), true);
        ASSERT_EQ(r.error, ErrorCode::kNone);
        ASSERT_EQ(r.batches.size(), 1u) << "min one batch even when larger than max_bytes";
        EXPECT_EQ(r.batches[0].base_offset, b.base_offset) << o.value();
        EXPECT_EQ(r.batches[0].records, b.records);
      }
    }
    // max_bytes: whole batches only.
    int64_t three = batches[5].size_in_bytes() + batches[6].size_in_bytes() + batches[7].size_in_bytes();
    SegmentReadResult r = s.read(batches[5].base_offset, three + 10, s.next_offset(), true);
    EXPECT_EQ(r.batches.size(), 3u);
    EXPECT_EQ(r.bytes, three);
    EXPECT_TRUE(s.read(batches[5].base_offset, 10, s.next_offset(), false).batches.empty());
    // max_offset (exclusive): stops before the batch that reaches it.
    r = s.read(Offset(0), 1 << 20, batches[4].last_offset(), true);
    EXPECT_EQ(r.batches.size(), 4u);
    EXPECT_TRUE(s.read(s.next_offset(), 1 << 20, Offset(1'000), true).batches.empty());
  });
}

TEST(LogSegment, TruncateToMidBatchDropsThatBatchWhole) {
  run_on_node([](sim::NodeContext& ctx) {
    LogSegment s(ctx.files(), "t-0/", Offset(0), kIndexInterval, kIndexBytesMax);
    ASSERT_EQ(s.create(), ErrorCode::kNone);
    std::vector<RecordBatch> batches = fill(s, Offset(0), 20);
    size_t entries_before = s.index().entries().size();
    Offset cut = batches[12].base_offset + 1;  // inside batch 12
    ASSERT_EQ(s.truncate_to(cut), ErrorCode::kNone);
    EXPECT_EQ(s.next_offset(), batches[12].base_offset);
    int64_t kept = 0;
    for (int i = 0; i < 12; ++i) kept += batches[static_cast<size_t>(i)].size_in_bytes();
    EXPECT_EQ(s.size_bytes(), kept);
    EXPECT_EQ(ctx.files().size(s.data_file()), kept);
    EXPECT_EQ(s.max_timestamp_ms(), batches[11].max_timestamp);
    EXPECT_LT(s.index().entries().size(), entries_before);
    for (const OffsetPosition& e : s.index().entries()) EXPECT_LT(e.offset, s.next_offset());
    // Appending continues at the new end.
    RecordBatch b = make_batch("after");
    b.base_offset = s.next_offset();
    EXPECT_EQ(s.append(b), ErrorCode::kNone);
    SegmentReadResult r = s.read(b.base_offset, 1 << 20, s.next_offset(), true);
    ASSERT_EQ(r.batches.size(), 1u);
    EXPECT_EQ(r.batches[0].records, b.records);
    ASSERT_EQ(s.truncate_to(Offset(0)), ErrorCode::kNone);
    EXPECT_TRUE(s.empty());
    EXPECT_TRUE(s.index().entries().empty());
  });
}

TEST(LogSegment, RecoverRebuildsTheIndexFromTheDataFile) {
  run_on_node([](sim::NodeContext& ctx) {
    LogSegment s(ctx.files(), "t-0/", Offset(7), kIndexInterval, kIndexBytesMax);
    ASSERT_EQ(s.create(), ErrorCode::kNone);
    fill(s, Offset(7), 25);
    std::vector<OffsetPosition> entries = s.index().entries();
    // A stale, garbled index file.
    ctx.files().truncate(s.index_file(), 0);
    ctx.files().write(s.index_file(), 0, "garbage!garbage!");
    LogSegment again(ctx.files(), "t-0/", Offset(7), kIndexInterval, kIndexBytesMax);
    SegmentRecoverResult r = again.recover();
    EXPECT_EQ(r.error, ErrorCode::kNone);
    EXPECT_EQ(r.truncated_bytes, 0);
    EXPECT_EQ(again.next_offset(), s.next_offset());
    EXPECT_EQ(again.size_bytes(), s.size_bytes());
    EXPECT_EQ(again.max_timestamp_ms(), s.max_timestamp_ms());
    EXPECT_EQ(again.index().entries(), entries);
    EXPECT_EQ(ctx.files().read_all(again.index_file()).data, OffsetIndex::encode(entries, Offset(7)));
  });
}

TEST(LogSegment, RecoverCutsAGarbageTailAndReportsTheBytes) {
  run_on_node([](sim::NodeContext& ctx) {
    LogSegment s(ctx.files(), "t-0/", Offset(0), kIndexInterval, kIndexBytesMax);
    ASSERT_EQ(s.create(), ErrorCode::kNone);
    fill(s, Offset(0), 10);
    int64_t good = s.size_bytes();
    RecordBatch next = make_batch("half-written");
    next.base_offset = s.next_offset();
    std::string half = next.encode().substr(0, 70);
    ctx.files().write(s.data_file(), good, half);
    LogSegment again(ctx.files(), "t-0/", Offset(0), kIndexInterval, kIndexBytesMax);
    SegmentRecoverResult r = again.recover();
    EXPECT_EQ(r.error, ErrorCode::kNone);
    EXPECT_EQ(r.truncated_bytes, 70);
    EXPECT_STREQ(r.reason, "truncated");
    EXPECT_EQ(again.size_bytes(), good);
    EXPECT_EQ(ctx.files().size(again.data_file()), good);
    EXPECT_EQ(ctx.files().unsynced_bytes(again.data_file()), 0) << "recovery fsyncs what it found";
  });
}

TEST(LogSegment, RecoverStopsAtAnOffsetGap) {
  run_on_node([](sim::NodeContext& ctx) {
    LogSegment s(ctx.files(), "t-0/", Offset(0), kIndexInterval, kIndexBytesMax);
    ASSERT_EQ(s.create(), ErrorCode::kNone);
    std::vector<RecordBatch> batches = fill(s, Offset(0), 6);
    // A CRC-valid batch whose offsets skip ahead (its base offset is outside the CRC).
    RecordBatch stray = make_batch("stray");
    stray.base_offset = s.next_offset() + 5;
    ctx.files().write(s.data_file(), s.size_bytes(), stray.encode());
    LogSegment again(ctx.files(), "t-0/", Offset(0), kIndexInterval, kIndexBytesMax);
    SegmentRecoverResult r = again.recover();
    EXPECT_STREQ(r.reason, "offset-gap");
    EXPECT_EQ(r.truncated_bytes, stray.size_in_bytes());
    EXPECT_EQ(again.next_offset(), batches.back().next_offset());
  });
}

}  // namespace
}  // namespace broker_model::storage
