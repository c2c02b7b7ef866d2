// zstd frame compression with a reused context (ZSTD_compress2 per batch).
#include "core/batch/compressor.hpp"

#include <zstd.h>

#include "core/assert.hpp"

namespace ferry {

void ZstdFrameCompressor::FreeContext::operator()(ZSTD_CCtx_s* ctx) const {
  ZSTD_freeCCtx(ctx);
}

ZstdFrameCompressor::ZstdFrameCompressor(int level) : ctx_(ZSTD_createCCtx()) {
  FERRY_ASSERT(ctx_ != nullptr);
  FERRY_ASSERT(!ZSTD_isError(ZSTD_CCtx_setParameter(ctx_.get(), ZSTD_c_compressionLevel, level)));
  // A per-frame checksum lets `zstd -d` and any reader detect a damaged object.
  FERRY_ASSERT(!ZSTD_isError(ZSTD_CCtx_setParameter(ctx_.get(), ZSTD_c_checksumFlag, 1)));
}

ZstdFrameCompressor::~ZstdFrameCompressor() = default;

void ZstdFrameCompressor::compress_frame(std::string_view input, std::string& out) {
  const size_t bound = ZSTD_compressBound(input.size());
  if (scratch_size_ < bound) {
    scratch_ = std::make_unique_for_overwrite<char[]>(bound);
    scratch_size_ = bound;
  }
  const size_t written =
      ZSTD_compress2(ctx_.get(), scratch_.get(), bound, input.data(), input.size());
  // compressBound guarantees room, so an error here is a broken invariant, not bad input.
  FERRY_ASSERT(!ZSTD_isError(written));
  out.append(scratch_.get(), written);
}

}  // namespace ferry
