// compression.type: Kafka's codecs (record batch attributes bits 0-2: none 0, gzip 1,
// snappy 2, lz4 3, zstd 4), each modelled by a size ratio and a CPU cost per byte. eddy does
// not compress bytes (its payloads are sizes, not data): a compressed batch carries its
// records as they are and says it is compressed, and what a compressed batch costs is
// charged where Kafka pays it:
// - on the network, in max.message.bytes and fetch sizes: the batch's logical size is its
//   header plus `size_ratio` of its records (RecordBatch::logical_size_in_bytes);
// - in time: the producer compresses each new batch, a leader decompresses a compressed batch
//   to validate it, and recompresses it when the topic's compression.type differs from the
//   producer's (Kafka's LogValidator); consumers' decompression is not charged.
// The simulated disk stores records without their payload padding whatever the codec (see
// record_batch.h), so the ratio does not show in segment sizes. The producer fills batch.size
// and buffer.memory with uncompressed bytes (Kafka estimates the compressed size as it
// appends, so its compressed batches hold more records).
//
// The figures: lzbench on the Silesia corpus, Core i9-9900K at 5 GHz (the benchmark table of
// facebook/zstd's README, v1.4.5): zstd 1.4.5 -1 ratio 2.884, 500 MB/s compression, 1660 MB/s
// decompression; zlib 1.2.11 -1 2.743, 90, 400; lz4 1.9.2 2.101, 740, 4530; snappy 1.1.8
// 2.073, 560, 1790. size_ratio is 1/ratio, the costs 1e3/(MB/s) ns per byte. Kafka's defaults
// (gzip level 6, zstd level 3) compress a little more and a little slower than level 1; data
// less redundant than Silesia's compresses less.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace broker_model::storage {

enum class Compression : int8_t { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };

struct Codec {
  Compression id;
  const char* name;               // Kafka's: "none", "gzip", "snappy", "lz4", "zstd"
  double size_ratio;              // compressed bytes per uncompressed byte
  double compress_ns_per_byte;    // CPU time to compress one uncompressed byte
  double decompress_ns_per_byte;  // CPU time to decompress to one uncompressed byte
};

const Codec& codec(Compression c);
// "none" or "uncompressed" (the topic's spelling), "gzip", "snappy", "lz4", "zstd".
std::optional<Compression> parse_compression(std::string_view name);
// The codec of a batch's attributes (bits 0-2).
inline Compression compression_of(int16_t attributes) { return static_cast<Compression>(attributes & 0x7); }
inline int16_t with_compression(int16_t attributes, Compression c) {
  return static_cast<int16_t>((attributes & ~0x7) | static_cast<int16_t>(c));
}

}  // namespace broker_model::storage
