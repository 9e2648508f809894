#include "broker_model/storage/compression.h"

namespace broker_model::storage {

namespace {
// See compression.h for where the figures come from.
constexpr Codec kCodecs[] = {
    {Compression::kNone, "none", 1.0, 0.0, 0.0},
    {Compression::kGzip, "gzip", 1.0 / 2.743, 1e3 / 90, 1e3 / 400},
    {Compression::kSnappy, "snappy", 1.0 / 2.073, 1e3 / 560, 1e3 / 1790},
    {Compression::kLz4, "lz4", 1.0 / 2.101, 1e3 / 740, 1e3 / 4530},
    {Compression::kZstd, "zstd", 1.0 / 2.884, 1e3 / 500, 1e3 / 1660},
};
}  // namespace

const Codec& codec(Compression c) {
  for (const Codec& k : kCodecs)
    if (k.id == c) return k;
  return kCodecs[0];
}

std::optional<Compression> parse_compression(std::string_view name) {
  if (name == "uncompressed") return Compression::kNone;
  for (const Codec& k : kCodecs)
    if (name == k.name) return k.id;
  return std::nullopt;
}

}  // namespace broker_model::storage
