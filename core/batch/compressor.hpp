// ZstdFrameCompressor: turns one batch of NDJSON into one independent zstd frame.
// One per worker thread; frames concatenate into a valid .zst object.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

struct ZSTD_CCtx_s;

namespace ferry {

class ZstdFrameCompressor {
 public:
  explicit ZstdFrameCompressor(int level);
  ~ZstdFrameCompressor();
  ZstdFrameCompressor(const ZstdFrameCompressor&) = delete;
  ZstdFrameCompressor& operator=(const ZstdFrameCompressor&) = delete;

  // Appends one complete frame (content size and checksum recorded) holding `input` to `out`.
  void compress_frame(std::string_view input, std::string& out);

  // The chain log ferry sets for `level` in place of zstd's own, or 0 when it keeps zstd's.
  static unsigned frame_chain_log(int level);
  static constexpr unsigned kFrameChainLog = 12;

 private:
  struct FreeContext {
    void operator()(ZSTD_CCtx_s* ctx) const;
  };
  std::unique_ptr<ZSTD_CCtx_s, FreeContext> ctx_;
  // Room for the largest frame of a batch, never zero-filled (growing `out` by the bound would
  // write ~1 byte per input byte for a frame ~15 times smaller); the frame is copied from it.
  std::unique_ptr<char[]> scratch_;
  size_t scratch_size_ = 0;
};

}  // namespace ferry
