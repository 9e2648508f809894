// CRC-32C (Castagnoli), the checksum Kafka puts on record batches. Simulated code uses it
// to detect torn writes and latent corruption on read.
#pragma once

#include <cstdint>
#include <string_view>

namespace sim {
uint32_t crc32c(std::string_view data, uint32_t crc = 0);
}
