// Micro benchmark: Redactor::process on ~400-byte seed records (mixed, all consenting, none
// consenting) with the seed rule, and the no-rules pass-through. Reports bytes/s and records/s.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/seed_records.hpp"
#include "core/redaction_rule.hpp"
#include "core/redactor.hpp"

namespace {

constexpr size_t kRecords = 8192;  // ~3 MiB: more than L2, like a worker's stream of batches

std::vector<ferry::RedactionRule> seed_rules() {
  ferry::RedactionRule rule;
  rule.consent_field = "data_share_consent";
  rule.fields = {"dob", "ssn_no"};
  rule.flag_field = "data_redacted";
  return {rule};
}

void run(benchmark::State& state, std::vector<ferry::RedactionRule> rules,
         ferry::bench::Consent consent) {
  const std::vector<std::string> records = ferry::bench::SeedRecords(2).records(kRecords, consent);
  ferry::Redactor redactor(std::move(rules));
  std::string out;
  out.reserve(2 << 20);
  size_t i = 0;
  int64_t bytes = 0;
  int64_t redacted = 0;
  for (auto _ : state) {
    const std::string& record = records[i];
    const ferry::RedactOutcome outcome =
        redactor.process(record, ferry::RecordOrigin{"/var/log/app/events.log", 4096 * i}, out);
    redacted += outcome == ferry::RedactOutcome::redacted ? 1 : 0;
    bytes += static_cast<int64_t>(record.size()) + 1;  // the newline the record had in its file
    if (out.size() > (1 << 20)) out.clear();           // like a batch's NDJSON buffer
    if (++i == records.size()) i = 0;
  }
  benchmark::DoNotOptimize(out.data());
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["redacted%"] =
      state.iterations() == 0
          ? 0.0
          : 100.0 * static_cast<double>(redacted) / static_cast<double>(state.iterations());
}

void BM_RedactMixed(benchmark::State& state) {
  run(state, seed_rules(), ferry::bench::Consent::mixed);
}
void BM_RedactAllConsenting(benchmark::State& state) {
  run(state, seed_rules(), ferry::bench::Consent::consenting);
}
void BM_RedactNoneConsenting(benchmark::State& state) {
  run(state, seed_rules(), ferry::bench::Consent::non_consenting);
}
void BM_RedactNoRulesPassThrough(benchmark::State& state) {
  run(state, {}, ferry::bench::Consent::mixed);
}
BENCHMARK(BM_RedactMixed);
BENCHMARK(BM_RedactAllConsenting);
BENCHMARK(BM_RedactNoneConsenting);
BENCHMARK(BM_RedactNoRulesPassThrough);

}  // namespace
