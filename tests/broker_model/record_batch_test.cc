// Record batches: encode/decode round trip, the CRC catching flipped bits, and decode
// rejecting short, oversized, wrong-magic and garbage input without crashing.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "broker_model/storage/byte_order.h"
#include "broker_model/storage/record_batch.h"
#include "broker_model/types.h"
#include "sim/crc32c.h"
#include "sim/prng.h"

namespace broker_model::storage {
namespace {

RecordBatch sample_batch() {
  RecordBatch b = RecordBatch::of({
      Record{1'700'000'000'000, "user-1", "first value"},
      Record{1'699'999'999'990, std::nullopt, "null key, earlier timestamp"},
      Record{1'700'000'000'123, std::string(), std::string()},  // empty key and value
  });
  b.base_offset = Offset(4'242);
  b.partition_leader_epoch = LeaderEpoch(7);
  b.producer_id = ProducerId(99);
  b.producer_epoch = 3;
  b.base_sequence = 17;
  return b;
}

TEST(RecordBatch, RoundTripKeepsEveryField) {
  RecordBatch b = sample_batch();
  std::string bytes = b.encode();
  ASSERT_EQ(static_cast<int64_t>(bytes.size()), b.size_in_bytes());
  DecodeResult d = decode(bytes);
  ASSERT_EQ(d.error, ErrorCode::kNone) << to_string(d.failure);
  EXPECT_EQ(d.size_bytes, b.size_in_bytes());
  const RecordBatch& r = d.batch;
  EXPECT_EQ(r.base_offset, Offset(4'242));
  EXPECT_EQ(r.last_offset(), Offset(4'244));
  EXPECT_EQ(r.partition_leader_epoch, LeaderEpoch(7));
  EXPECT_EQ(r.magic, kMagicV2);
  EXPECT_EQ(r.crc, b.compute_crc());
  EXPECT_EQ(r.last_offset_delta, 2);
  EXPECT_EQ(r.base_timestamp, 1'700'000'000'000);
  EXPECT_EQ(r.max_timestamp, 1'700'000'000'123);
  EXPECT_EQ(r.producer_id, ProducerId(99));
  EXPECT_EQ(r.producer_epoch, 3);
  EXPECT_EQ(r.base_sequence, 17);
  EXPECT_EQ(r.records, b.records);
  EXPECT_FALSE(r.records[1].key.has_value());
  EXPECT_TRUE(r.records[2].key.has_value());
  EXPECT_EQ(r.encode(), bytes);
}

TEST(RecordBatch, LayoutFollowsKafkasV2FieldOrder) {
  RecordBatch b = sample_batch();
  std::string bytes = b.encode();
  EXPECT_EQ(get_le<int64_t>(bytes, 0), 4'242);                                   // base_offset
  EXPECT_EQ(get_le<int32_t>(bytes, 8), b.size_in_bytes() - kLogOverheadBytes);   // batch_length
  EXPECT_EQ(get_le<int32_t>(bytes, 12), 7);                                      // partition_leader_epoch
  EXPECT_EQ(get_le<int8_t>(bytes, 16), 2);                                       // magic
  EXPECT_EQ(get_le<uint32_t>(bytes, 17), sim::crc32c(std::string_view(bytes).substr(21)));
  EXPECT_EQ(get_le<int32_t>(bytes, 57), 3);                                      // records_count
  HeaderResult h = peek_header(bytes);
  ASSERT_EQ(h.failure, DecodeFailure::kNone);
  EXPECT_EQ(h.header.base_offset, Offset(4'242));
  EXPECT_EQ(h.header.last_offset(), Offset(4'244));
  EXPECT_EQ(h.header.size_bytes, b.size_in_bytes());
  EXPECT_EQ(h.header.max_timestamp, 1'700'000'000'123);
}

TEST(RecordBatch, CrcCatchesEveryFlippedBitItCovers) {
  std::string good = sample_batch().encode();
  // From the crc field to the end: the crc itself and every byte it covers.
  for (size_t i = 17; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      DecodeResult d = decode(bad);
      EXPECT_EQ(d.error, ErrorCode::kCorruptMessage) << "byte " << i << " bit " << bit;
      EXPECT_EQ(d.failure, DecodeFailure::kCrcMismatch) << "byte " << i << " bit " << bit;
    }
  }
}

TEST(RecordBatch, BaseOffsetAndLeaderEpochAreOutsideTheCrcLikeKafka) {
  std::string bytes = sample_batch().encode();
  bytes[0] = static_cast<char>(bytes[0] ^ 1);   // base offset 4242 -> 4243
  bytes[12] = static_cast<char>(bytes[12] ^ 2);  // epoch 7 -> 5
  DecodeResult d = decode(bytes);
  ASSERT_EQ(d.error, ErrorCode::kNone);
  EXPECT_EQ(d.batch.base_offset, Offset(4'243));
  EXPECT_EQ(d.batch.partition_leader_epoch, LeaderEpoch(5));
}

TEST(RecordBatch, ShortInputIsAnErrorNotACrash) {
  std::string good = sample_batch().encode();
  for (size_t n = 0; n < good.size(); ++n) {
    DecodeResult d = decode(std::string_view(good).substr(0, n));
    EXPECT_EQ(d.error, ErrorCode::kCorruptMessage) << n;
    EXPECT_EQ(d.failure, DecodeFailure::kTruncated) << n;
  }
  // Bytes after the batch are not part of it.
  DecodeResult d = decode(good + "trailing");
  EXPECT_EQ(d.error, ErrorCode::kNone);
  EXPECT_EQ(d.size_bytes, static_cast<int64_t>(good.size()));
}

TEST(RecordBatch, BadLengthAndBadMagicAreRejected) {
  std::string good = sample_batch().encode();
  std::string small = good;
  store_le<int32_t>(small, 8, 10);
  EXPECT_EQ(decode(small).failure, DecodeFailure::kBadLength);
  std::string huge = good;
  store_le<int32_t>(huge, 8, std::numeric_limits<int32_t>::max());
  EXPECT_EQ(decode(huge).failure, DecodeFailure::kBadLength);
  std::string negative = good;
  store_le<int32_t>(negative, 8, -5);
  EXPECT_EQ(decode(negative).failure, DecodeFailure::kBadLength);
  std::string longer = good;
  store_le<int32_t>(longer, 8, get_le<int32_t>(good, 8) + 100);
  EXPECT_EQ(decode(longer).failure, DecodeFailure::kTruncated);
  std::string magic1 = good;
  magic1[16] = 1;
  EXPECT_EQ(decode(magic1).failure, DecodeFailure::kBadMagic);
  EXPECT_EQ(decode(magic1).error, ErrorCode::kCorruptMessage);
}

// A batch whose CRC holds but whose records do not parse: written by a buggy writer.
TEST(RecordBatch, ValidCrcOverMalformedRecordsIsRejected) {
  std::string bytes = sample_batch().encode();
  auto recrc = [](std::string& s) { store_le<uint32_t>(s, 17, sim::crc32c(std::string_view(s).substr(21))); };
  std::string wrong_count = bytes;
  store_le<int32_t>(wrong_count, 57, 2);
  recrc(wrong_count);
  EXPECT_EQ(decode(wrong_count).failure, DecodeFailure::kBadRecords);
  std::string key_too_long = bytes;
  store_le<int32_t>(key_too_long, 61 + 17, 1'000);  // first record's key length
  recrc(key_too_long);
  EXPECT_EQ(decode(key_too_long).failure, DecodeFailure::kBadRecords);
  RecordBatch empty = RecordBatch::of({});
  EXPECT_EQ(decode(empty.encode()).failure, DecodeFailure::kBadRecords) << "a batch holds at least one record";
}

TEST(RecordBatch, RandomGarbageNeverDecodes) {
  sim::Prng prng(42);
  std::string good = sample_batch().encode();
  for (int i = 0; i < 2'000; ++i) {
    std::string junk(static_cast<size_t>(prng.int_in_range(0, 400)), '\0');
    for (char& c : junk) c = static_cast<char>(prng.next_u64());
    if (i % 2 == 0 && junk.size() >= 17) junk.replace(0, 17, good.substr(0, 17));  // plausible header start
    EXPECT_EQ(decode(junk).error, ErrorCode::kCorruptMessage);
  }
}

// encode() reuses the bytes of an earlier encoding of the same records under the same
// header (a follower appending the leader's batch). Whatever changed since (a header field,
// the records themselves), the bytes must equal those of a batch encoded from scratch.
TEST(RecordBatch, ARememberedEncodingIsUsedOnlyWhenNothingChanged) {
  auto fresh = [](const RecordBatch& b) {
    RecordBatch copy = b;
    copy.records = SharedRecords(std::vector<Record>(b.records.begin(), b.records.end()));  // unshared: nothing remembered
    return copy.encode();
  };
  RecordBatch leader = sample_batch();
  std::string first = leader.encode();
  RecordBatch follower = leader;  // shares the records and their remembered encoding
  EXPECT_EQ(follower.encode(), first);
  EXPECT_EQ(follower.encode(), fresh(follower));
  // Header fields inside and outside the CRC.
  auto changed = [&](auto change) {
    RecordBatch b = leader;
    change(b);
    std::string bytes = b.encode();
    EXPECT_NE(bytes, first);
    EXPECT_EQ(bytes, fresh(b));
    EXPECT_EQ(decode(bytes).error, ErrorCode::kNone);
  };
  changed([](RecordBatch& b) { b.base_offset = Offset(5'000); });
  changed([](RecordBatch& b) { b.partition_leader_epoch = LeaderEpoch(8); });
  changed([](RecordBatch& b) { b.producer_epoch = 4; });
  changed([](RecordBatch& b) { b.base_sequence = 18; });
  changed([](RecordBatch& b) { b.max_timestamp += 1; });
  // Records changed in place (held by this batch alone): the remembered bytes are forgotten.
  RecordBatch own = sample_batch();
  own.encode();
  own.records.mutate()[0].value = "other value";  // as long as "first value": same size, same header
  std::string after = own.encode();
  EXPECT_EQ(after, fresh(own));
  EXPECT_EQ(decode(after).batch.records[0].value, "other value");
  // And the leader's batch still encodes as it did.
  EXPECT_EQ(leader.encode(), first);
}

// encode_view() gives encode()'s bytes without a copy: a view of the encoding kept with the
// records, or of the caller's scratch string when there are no records to keep it with.
TEST(RecordBatch, EncodeViewIsTheKeptEncoding) {
  RecordBatch b = sample_batch();
  std::string scratch;
  std::string_view view = b.encode_view(scratch);
  ASSERT_NE(b.records.encoding(), nullptr);
  EXPECT_EQ(view.data(), b.records.encoding()->data()) << "a view of the kept bytes, not a copy";
  EXPECT_TRUE(scratch.empty());
  EXPECT_EQ(std::string(view), b.encode());
  RecordBatch empty = RecordBatch::of({});
  std::string empty_scratch;
  std::string_view empty_view = empty.encode_view(empty_scratch);
  EXPECT_EQ(empty_view.data(), empty_scratch.data()) << "no records to keep it with: the scratch string holds it";
  EXPECT_EQ(std::string(empty_view), empty.encode());
  EXPECT_EQ(static_cast<int64_t>(empty_view.size()), kRecordBatchOverheadBytes);
}

TEST(SharedRecords, CopiesShareUntilOneIsChanged) {
  RecordBatch a = sample_batch();
  RecordBatch b = a;  // a copy shares the records: no per-record copy
  EXPECT_EQ(&a.records.front(), &b.records.front());
  b.records.mutate()[0].value = "changed";  // copy on write: `a` keeps its records
  EXPECT_NE(&a.records.front(), &b.records.front());
  EXPECT_NE(a.records[0].value, "changed");
  EXPECT_EQ(b.records[0].value, "changed");
  EXPECT_FALSE(a.records == b.records);
  RecordBatch c = a;
  c.records.push_back(Record{1, std::nullopt, "more"});
  EXPECT_EQ(c.records.size(), a.records.size() + 1);
  EXPECT_EQ(decode(a.encode()).batch.records, a.records) << "equal by content, not only by sharing";
  // Sizes are measured once per set of records and forgotten when a writer changes them.
  RecordBatch d = a;
  int64_t size_before = d.size_in_bytes();
  EXPECT_EQ(size_before, static_cast<int64_t>(d.encode().size()));
  d.records.mutate()[0].value += "0123456789";
  EXPECT_EQ(d.size_in_bytes(), size_before + 10);
  EXPECT_EQ(d.size_in_bytes(), static_cast<int64_t>(d.encode().size()));
  EXPECT_EQ(a.size_in_bytes(), size_before) << "the shared original keeps its size";
  d.records.mutate()[0].value_padding = 1000;
  EXPECT_EQ(d.logical_size_in_bytes(), d.size_in_bytes() + 1000);
  EXPECT_EQ(d.size_in_bytes(), static_cast<int64_t>(d.encode().size())) << "padding adds its length field";
  SharedRecords empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.size(), 0u);
  empty.push_back(Record{2, "k", "v"});  // an empty one gets its own vector on first write
  EXPECT_EQ(empty.size(), 1u);
}

TEST(Types, TopicPartitionOrdersByTopicThenPartition) {
  // The hand-written operator<=> must give the member-wise order (maps of partitions iterate
  // in it): prefixes, bytes above 0x7f and partitions all compared as the defaulted form would.
  std::vector<TopicPartition> tps = {{"b", 1}, {"a", 2}, {"ab", 0}, {"a", 10}, {"\xff", 0}, {"", 3}, {"a\x80", 1}, {"b", 0}};
  for (const auto& x : tps)
    for (const auto& y : tps) {
      auto want = std::tie(x.topic, x.partition) <=> std::tie(y.topic, y.partition);
      EXPECT_EQ(x <=> y, want) << x.str() << " vs " << y.str();
      EXPECT_EQ(x == y, want == 0);
    }
}

TEST(Types, StrongTypesCompareAndPrint) {
  EXPECT_EQ(Offset(5) + 3, Offset(8));
  EXPECT_EQ(Offset(8) - Offset(5), 3);
  EXPECT_LT(Offset(1), Offset(2));
  EXPECT_EQ(LeaderEpoch(4).str(), "4");
  TopicPartition a{"orders", 3};
  TopicPartition b{"orders", 10};
  TopicPartition c{"payments", 0};
  EXPECT_EQ(a.str(), "orders-3");
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(a, (TopicPartition{"orders", 3}));
}

}  // namespace
}  // namespace broker_model::storage

namespace broker_model::storage {
namespace {

// The last copy of a set of records releases their storage without destroying them one by
// one only when every key and value was inline when they were measured. Records with keys or
// values on the heap, or changed after they were measured (in place by their only owner, or
// in a copy of their own), are destroyed as usual: in the sanitizer build a wrong shortcut
// shows as a leak.
TEST(SharedRecords, TheLastCopyFreesEveryRecordWhateverItHolds) {
  const std::string long_text(200, 'x');
  for (bool long_key : {false, true}) {
    for (bool long_value : {false, true}) {
      for (bool mutate_after_measuring : {false, true}) {
        SharedRecords records(std::vector<Record>{
            Record{1, std::string("k"), "v"},
            Record{2, long_key ? std::optional<std::string>(long_text) : std::nullopt, long_value ? long_text : "w"}});
        EXPECT_GT(records.records_bytes(), 0);  // measured while it has one owner
        SharedRecords copy = records;
        if (mutate_after_measuring) {
          // Shared: the writer gets a copy of its own, and the measured set stays as it was.
          records.mutate().push_back(Record{3, long_text, long_text});
          EXPECT_EQ(copy.size(), 2u);
          // Its only owner now: changed in place after it was measured.
          copy.mutate().push_back(Record{4, long_text, long_text});
          EXPECT_EQ(copy.size(), 3u);
        }
      }
    }
  }
}

}  // namespace
}  // namespace broker_model::storage
