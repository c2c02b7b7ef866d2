// zstd frame compression with a reused context (ZSTD_compress2 per batch).
#include "core/batch/compressor.hpp"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getCParams (in every zstd since 1.0)
#include <zstd.h>

#include "core/assert.hpp"

namespace ferry {

void ZstdFrameCompressor::FreeContext::operator()(ZSTD_CCtx_s* ctx) const {
  ZSTD_freeCCtx(ctx);
}

ZstdFrameCompressor::ZstdFrameCompressor(int level) : ctx_(ZSTD_createCCtx()) {
  FERRY_ASSERT(ctx_ != nullptr);
  FERRY_ASSERT(!ZSTD_isError(ZSTD_CCtx_setParameter(ctx_.get(), ZSTD_c_compressionLevel, level)));
  const unsigned chain_log = frame_chain_log(level);
  if (chain_log != 0)
    FERRY_ASSERT(!ZSTD_isError(
        ZSTD_CCtx_setParameter(ctx_.get(), ZSTD_c_chainLog, static_cast<int>(chain_log))));
  // A per-frame checksum lets `zstd -d` and any reader detect a damaged object.
  FERRY_ASSERT(!ZSTD_isError(ZSTD_CCtx_setParameter(ctx_.get(), ZSTD_c_checksumFlag, 1)));
}

ZstdFrameCompressor::~ZstdFrameCompressor() = default;

unsigned ZstdFrameCompressor::frame_chain_log(int level) {
  // zstd's tables give a level the same parameters for every input above 256 KiB. For the
  // double-fast levels (3 and 4), whose chain log sizes the table of short matches (2^16 and
  // 2^18 entries of 4 bytes), a frame of one batch (a few MiB) gains less from the larger table
  // than it loses to cache misses: at 2^12 entries (16 KiB) level 3 compressed 1-14% faster on
  // seed, Wickr and random-filler records, frames 0.2% and 2.3% smaller and 0.35% larger
  // (docs/benchmarks.md). The other strategies keep zstd's own: fast ignores the chain log, and
  // for greedy and above it is how far matches are searched.
  const ZSTD_compressionParameters params = ZSTD_getCParams(level, ZSTD_CONTENTSIZE_UNKNOWN, 0);
  return params.strategy == ZSTD_dfast && params.chainLog > kFrameChainLog ? kFrameChainLog : 0;
}

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
