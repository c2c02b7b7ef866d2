// Micro benchmark: SHA-256 of an 8 MiB part (what each UploadPart hashes) and SigV4 header
// signing of one UploadPart request (core/crypto.hpp, core/aws/sigv4.hpp).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "bench/seed_records.hpp"
#include "core/crypto.hpp"
#include "core/aws/sigv4.hpp"

namespace {

constexpr size_t kPartBytes = 8 << 20;  // the default partSizeBytes

void BM_Sha256Part8MiB(benchmark::State& state) {
  std::string part(kPartBytes, '\0');
  ferry::bench::Rng rng(4);
  for (size_t i = 0; i < part.size(); ++i) part[i] = static_cast<char>(rng.next());
  for (auto _ : state) {
    benchmark::DoNotOptimize(ferry::sha256(part));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * part.size()));
}
BENCHMARK(BM_Sha256Part8MiB)->Unit(benchmark::kMillisecond);

void BM_SigV4SignUploadPart(benchmark::State& state) {
  ferry::SignableRequest request;
  request.method = "PUT";
  request.path = ferry::uri_encode_path(
      "/retention/events/dt=2024-05-01/ip-10-0-0-1/20240501T130000Z-3f9a1c2e-000042.ndjson.zst");
  request.query =
      "partNumber=7&uploadId=VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA";
  request.headers = {{"host", "127.0.0.1:4568"}, {"content-type", "application/octet-stream"}};
  request.payload_sha256_hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const ferry::SigningParams params = ferry::s3_signing_params(
      {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""}, "us-east-1", now);
  for (auto _ : state) {
    ferry::SigningResult result = ferry::sign_with_headers(request, params);
    benchmark::DoNotOptimize(result.authorization.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SigV4SignUploadPart);

}  // namespace
