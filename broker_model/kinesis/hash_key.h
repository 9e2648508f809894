// The 128-bit hash-key space of a Kinesis stream: a record's hash key is the MD5 of its
// partition key read as an unsigned big-endian 128-bit integer, or the ExplicitHashKey the
// producer gave (a decimal string from 0 to 2^128 - 1), and the shard whose
// [StartingHashKey, EndingHashKey] holds it takes the record (AWS Kinesis Data Streams API
// Reference, PutRecord: ExplicitHashKey, PartitionKey; HashKeyRange).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace broker_model::kinesis {

__extension__ typedef unsigned __int128 Uint128;

struct HashKey {
  Uint128 value = 0;
  auto operator<=>(const HashKey&) const = default;
  static HashKey max() { return HashKey{~Uint128{0}}; }
  std::string str() const;  // decimal, as Kinesis writes hash keys
};

HashKey hash_key_of_partition_key(std::string_view partition_key);
// A decimal string from 0 to 2^128 - 1, else nullopt.
std::optional<HashKey> parse_hash_key(std::string_view decimal);

}  // namespace broker_model::kinesis
