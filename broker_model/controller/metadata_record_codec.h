// The byte form of metadata records and batches, as they sit in the Raft log on disk and
// as their size is charged on the network. One tag byte per record, then its fields
// (little-endian integers, length-prefixed strings and lists). Decoding is bounds-checked
// and returns nullopt on anything malformed, so a corrupt log entry is rejected, never
// half-applied.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "broker_model/controller/byte_codec.h"
#include "broker_model/controller/metadata_records.h"

namespace broker_model {

// Limits on what a decoder accepts (and what the controller ever writes).
inline constexpr uint32_t kMaxRecordsPerBatch = 65'536;
inline constexpr uint32_t kMaxReplicasPerPartition = 64;
inline constexpr uint32_t kMaxTopicConfigs = 256;
inline constexpr size_t kMaxMetadataStringBytes = 4'096;

void encode_record(const MetadataRecord& r, std::string& out);
std::string encode_batch(const MetadataBatch& batch);

std::optional<MetadataRecord> decode_record(ByteReader& in);
std::optional<MetadataBatch> decode_batch(std::string_view bytes);

}  // namespace broker_model
