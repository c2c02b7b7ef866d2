#include "core/batch/compressor.hpp"

#include <gtest/gtest.h>
#include <zstd.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ferry {
namespace {

// About `bytes` of JSON Lines: repeated keys, words, ids and digits, as log records are.
std::string records(size_t bytes) {
  static constexpr std::array<std::string_view, 12> kWords = {
      "alpha", "bravo", "charlie", "delta",  "echo", "foxtrot",
      "golf",  "hotel", "india",   "juliet", "kilo", "lima"};
  uint64_t state = 42;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  std::string out;
  for (uint64_t id = 1; out.size() < bytes; ++id) {
    out += R"({"id":)" + std::to_string(id) + R"(,"user":")" + std::string(kWords[next() % 12]) +
           std::to_string(next() % 1000) + R"(","ts":")" + std::to_string(1691176258 + id) +
           R"(","notes":")";
    for (int w = 0; w < 20; ++w) {
      out += kWords[next() % 12];
      out += ' ';
    }
    out += "\"}\n";
  }
  return out;
}

std::string decompressed(std::string_view frame) {
  const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  EXPECT_NE(size, ZSTD_CONTENTSIZE_ERROR);
  EXPECT_NE(size, ZSTD_CONTENTSIZE_UNKNOWN);
  std::string out(size, '\0');
  const size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
  EXPECT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
  out.resize(n);
  return out;
}

TEST(Compressor, ShortMatchTableIsSmallerOnlyForTheDoubleFastLevels) {
  EXPECT_EQ(ZstdFrameCompressor::frame_chain_log(3), ZstdFrameCompressor::kFrameChainLog);
  EXPECT_EQ(ZstdFrameCompressor::frame_chain_log(4), ZstdFrameCompressor::kFrameChainLog);
  // fast (chain log unused) and greedy and above (it bounds the match search): zstd's own.
  EXPECT_EQ(ZstdFrameCompressor::frame_chain_log(1), 0u);
  EXPECT_EQ(ZstdFrameCompressor::frame_chain_log(2), 0u);
  EXPECT_EQ(ZstdFrameCompressor::frame_chain_log(-5), 0u);
  EXPECT_EQ(ZstdFrameCompressor::frame_chain_log(5), 0u);
  EXPECT_EQ(ZstdFrameCompressor::frame_chain_log(19), 0u);
}

TEST(Compressor, FramesRoundTripAndStayWithinOnePercentOfZstdsOwnLevel) {
  const std::string batch = records(2 << 20);
  for (const int level : {1, 2, 3, 4, 9}) {
    SCOPED_TRACE(level);
    ZstdFrameCompressor compressor(level);
    std::string frames;
    compressor.compress_frame(batch, frames);
    const size_t first = frames.size();
    compressor.compress_frame(batch.substr(0, 1000), frames);  // the context is reused
    EXPECT_EQ(decompressed(std::string_view(frames).substr(0, first)), batch);
    EXPECT_EQ(decompressed(std::string_view(frames).substr(first)), batch.substr(0, 1000));

    std::string reference(ZSTD_compressBound(batch.size()), '\0');
    const size_t reference_size =
        ZSTD_compress(reference.data(), reference.size(), batch.data(), batch.size(), level);
    ASSERT_FALSE(ZSTD_isError(reference_size));
    // ferry's frame also holds a checksum (4 bytes); zstd's one-shot default has none.
    EXPECT_LE(static_cast<double>(first), 1.01 * static_cast<double>(reference_size + 4));
  }
}

}  // namespace
}  // namespace ferry
