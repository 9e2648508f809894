// ChunkedBytes against std::string: the same random writes, appends, resizes and copies,
// sized so that they cross chunk boundaries, must leave the same bytes.
#include <gtest/gtest.h>

#include <string>

#include "sim/chunked_bytes.h"
#include "sim/prng.h"

namespace sim {
namespace {

constexpr size_t kChunk = ChunkedBytes::kChunkBytes;

std::string pattern(Prng& prng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>('a' + prng.below(26));
  return s;
}

TEST(ChunkedBytes, ActsAsAStringAcrossChunkBoundaries) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    Prng prng(seed);
    ChunkedBytes bytes;
    std::string ref;
    for (int step = 0; step < 200; ++step) {
      switch (prng.below(6)) {
        case 0: case 1: {  // append, sometimes larger than a chunk
          std::string d = pattern(prng, prng.chance(0.1) ? kChunk + prng.below(kChunk) : prng.below(5000));
          bytes.append(d);
          ref.append(d);
          break;
        }
        case 2: {  // overwrite or write past the end (a gap reads as zeros)
          size_t at = prng.below(ref.size() + 3000);
          std::string d = pattern(prng, prng.below(3000));
          bytes.write(at, d);
          if (ref.size() < at + d.size()) ref.resize(at + d.size(), '\0');
          ref.replace(at, d.size(), d);
          break;
        }
        case 3: {  // shrink, or grow with zeros
          size_t n = prng.chance(0.7) ? prng.below(ref.size() + 1) : ref.size() + prng.below(kChunk);
          bytes.resize(n);
          ref.resize(n, '\0');
          break;
        }
        case 4: {  // a copy of a prefix
          size_t n = prng.below(ref.size() + 1);
          ChunkedBytes prefix;
          prefix.assign_prefix_of(bytes, n);
          ASSERT_EQ(prefix.str(), ref.substr(0, n)) << "seed " << seed << " step " << step;
          bytes = prefix;  // copy assignment
          ref.resize(n);
          break;
        }
        default: {  // flip one byte in place
          if (ref.empty()) break;
          size_t at = prng.below(ref.size());
          bytes[at] ^= 0x20;
          ref[at] ^= 0x20;
          break;
        }
      }
      ASSERT_EQ(bytes.size(), ref.size()) << "seed " << seed << " step " << step;
      size_t from = prng.below(ref.size() + 10);
      size_t len = prng.below(2 * kChunk);
      ASSERT_EQ(bytes.substr(from, len), from < ref.size() ? ref.substr(from, len) : std::string())
          << "seed " << seed << " step " << step;
      std::string scratch;
      ASSERT_EQ(bytes.view(from, len, scratch), from < ref.size() ? std::string_view(ref).substr(from, len) : "")
          << "seed " << seed << " step " << step;
    }
    EXPECT_EQ(bytes.str(), ref) << "seed " << seed;
  }
}

TEST(ChunkedBytes, ASmallFileStaysSmallAndMovesLeaveNothingBehind) {
  ChunkedBytes a;
  a.append("abc");
  EXPECT_EQ(a.str(), "abc");
  ChunkedBytes b = std::move(a);
  EXPECT_EQ(b.str(), "abc");
  b.resize(0);
  EXPECT_TRUE(b.empty());
  b.append("xyz");
  EXPECT_EQ(b.substr(1, 100), "yz");
  EXPECT_EQ(b.substr(3, 1), "");
}

TEST(ChunkedBytes, AViewWithinAChunkPointsIntoItAndOneAcrossChunksIsCopied) {
  ChunkedBytes bytes;
  bytes.append(std::string(kChunk + 100, 'x'));
  std::string scratch;
  std::string_view inside = bytes.view(10, 50, scratch);
  EXPECT_EQ(inside, std::string(50, 'x'));
  EXPECT_TRUE(scratch.empty()) << "no copy for a range inside one chunk";
  bytes[20] = 'y';
  EXPECT_EQ(inside[10], 'y') << "the view is of the image itself";
  std::string_view across = bytes.view(kChunk - 5, 10, scratch);
  EXPECT_EQ(across, std::string(10, 'x'));
  EXPECT_EQ(across.data(), scratch.data()) << "a range across two chunks is copied";
}

}  // namespace
}  // namespace sim
