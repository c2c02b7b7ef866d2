// Micro benchmark: Redactor::process on ~400-byte seed records (mixed, all consenting, none
// consenting) with the seed rule (mixed also through the DOM), the no-rules pass-through, and on
// Wickr-shaped records every built-in pattern on every string / nested paths in hmac mode. Reports
// bytes/s and records/s.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "bench/seed_records.hpp"
#include "core/redact/redaction_rule.hpp"
#include "core/redact/redactor.hpp"

namespace {

constexpr size_t kRecords = 8192;  // ~3 MiB: more than L2, like a worker's stream of batches

std::vector<ferry::RedactionRule> seed_rules() {
  ferry::RedactionRule rule;
  rule.consent_field = "data_share_consent";
  rule.fields = {"dob", "ssn_no"};
  rule.flag_field = "data_redacted";
  return {rule};
}

// Redactor::process over `records` in a loop, as a worker would; reports bytes/s, records/s
// and the share of records redacted.
void run_records(benchmark::State& state, std::vector<ferry::RedactionRule> rules,
                 const std::vector<std::string>& records, bool fast_path = true);

void run_seed(benchmark::State& state, std::vector<ferry::RedactionRule> rules,
              ferry::bench::Consent consent, bool fast_path = true) {
  run_records(state, std::move(rules), ferry::bench::SeedRecords(2).records(kRecords, consent),
              fast_path);
}

void BM_RedactMixed(benchmark::State& state) {
  run_seed(state, seed_rules(), ferry::bench::Consent::mixed);
}
// The same records with every record through simdjson's DOM (the members fast path off).
void BM_RedactMixedThroughTheDom(benchmark::State& state) {
  run_seed(state, seed_rules(), ferry::bench::Consent::mixed, false);
}

void BM_RedactAllConsenting(benchmark::State& state) {
  run_seed(state, seed_rules(), ferry::bench::Consent::consenting);
}
void BM_RedactNoneConsenting(benchmark::State& state) {
  run_seed(state, seed_rules(), ferry::bench::Consent::non_consenting);
}
void BM_RedactNoRulesPassThrough(benchmark::State& state) {
  run_seed(state, {}, ferry::bench::Consent::mixed);
}
// Wickr-shaped records (the fields of the compliance bot's messages), one in eight with a
// secret of some built-in pattern in its message.
std::vector<std::string> wickr_records() {
  std::mt19937 rng(3);
  static const char* kSecrets[] = {"123-45-6789", "bob.smith@example.com", "4111 1111 1111 1111",
                                   "+14155552671"};
  static const char* kWords[] = {"quarterly", "numbers", "attached", "see",     "the", "next",
                                 "message",   "status",  "page",     "meeting", "at",  "noon"};
  std::vector<std::string> records;
  for (size_t i = 0; i < kRecords; ++i) {
    std::string message;
    for (int w = 0, n = 4 + static_cast<int>(rng() % 12); w < n; ++w) {
      message += std::string(w ? " " : "") + kWords[rng() % 12];
    }
    if (rng() % 8 == 0) message += std::string(" ") + kSecrets[rng() % 4];
    const std::string id = std::to_string(rng()) + std::to_string(rng());
    std::string record = "{";
    if (i % 5 == 2) {
      record +=
          R"("file":{"filename":"q3-report.pdf","guid":"AD20D048-9B60-4F32-A691-2D4BE4152E58",)"
          R"("localfilename":"/tmp/compliance_1234567890_bot/compliance/attachments/attachment_)" +
          id +
          R"(_q3-report.pdf","uploadedbyuser":"bob@example.com","uploadedtimestamp":"8/4/23 7:11 PM"},)";
    } else if (i % 5 == 3) {
      record += R"("edit":{"originalmessageid":")" + id + R"(","text":")" + message +
                R"(","type":"text"},)";
    } else {
      record += R"("message":")" + message + R"(",)";
    }
    record +=
        R"("message_id":")" + id +
        R"(","msg_ts":"1691176258.901277","msgtype":1000,)"
        R"("receiver":"alice@example.com","sender":"bob@example.com","sender_type":"normal",)"
        R"("time":"8/4/23 7:10 PM","time_iso":"2023-08-04 19:10:58.901","ttl":"9/3/23 7:10 PM",)"
        R"("vgroupid":"7ad65d17b945d7672190ecab6902fdd06eff162b91adfcda23df3b2ff95875e8"})";
    records.push_back(std::move(record));
  }
  return records;
}

void run_records(benchmark::State& state, std::vector<ferry::RedactionRule> rules,
                 const std::vector<std::string>& records, bool fast_path) {
  ferry::Redactor redactor(std::move(rules));
  redactor.set_fast_path(fast_path);
  std::string out;
  out.reserve(2 << 20);
  size_t i = 0;
  int64_t bytes = 0, redacted = 0;
  for (auto _ : state) {
    const std::string& record = records[i];
    redacted += redactor.process(record, ferry::RecordOrigin{"/var/log/app/records.log", 0}, out) ==
                        ferry::RedactOutcome::redacted
                    ? 1
                    : 0;
    bytes += static_cast<int64_t>(record.size()) + 1;
    if (out.size() > (1 << 20)) out.clear();
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

void BM_RedactWickrAllBuiltinPatternsEveryString(benchmark::State& state) {
  ferry::RedactionRule rule;
  rule.patterns = {"us_ssn", "email", "credit_card", "phone_e164"};
  rule.every_string = true;
  run_records(state, {rule}, wickr_records());
}
void BM_RedactWickrNestedPathsHmacAndRemove(benchmark::State& state) {
  ferry::RedactionRule content;
  content.fields = {"message", "edit.text", "file.localfilename"};
  content.flag_field = "data_redacted";
  ferry::RedactionRule people;
  people.fields = {"sender", "receiver", "file.uploadedbyuser"};
  people.mode = ferry::RedactMode::hmac;
  people.hmac_key = "0123456789abcdef0123456789abcdef";
  ferry::RedactionRule drop;
  drop.fields = {"file.guid"};
  drop.mode = ferry::RedactMode::remove;
  run_records(state, {content, people, drop}, wickr_records());
}
void BM_RedactWickrValidateAndCopy(benchmark::State& state) {
  ferry::RedactionRule rule;  // a field no record has: the cost of validation and the copy
  rule.fields = {"absent"};
  run_records(state, {rule}, wickr_records());
}
BENCHMARK(BM_RedactWickrAllBuiltinPatternsEveryString);
BENCHMARK(BM_RedactWickrNestedPathsHmacAndRemove);
BENCHMARK(BM_RedactWickrValidateAndCopy);
BENCHMARK(BM_RedactMixed);
BENCHMARK(BM_RedactMixedThroughTheDom);
BENCHMARK(BM_RedactAllConsenting);
BENCHMARK(BM_RedactNoneConsenting);
BENCHMARK(BM_RedactNoRulesPassThrough);

}  // namespace
