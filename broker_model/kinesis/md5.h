// MD5 (RFC 1321), written out here: Kinesis maps a record's partition key to a shard by the
// MD5 of the key as a 128-bit integer ("Kinesis Data Streams uses MD5 hash function to map
// partition keys to 128-bit integer values", AWS Kinesis Data Streams API Reference,
// PutRecord). eddy has no crypto library among its dependencies, and the simulation needs
// only the digest, so a small implementation with the RFC's test vectors
// (tests/broker_model/kinesis_test.cc) is cheaper than a new dependency.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace broker_model::kinesis {

std::array<uint8_t, 16> md5(std::string_view data);
std::string md5_hex(std::string_view data);

}  // namespace broker_model::kinesis
