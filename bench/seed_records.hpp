// Deterministic seed-shaped JSON records (~400 bytes) for the micro benchmarks.
// Mirrors tools/gen_records.py's `seed` kind: varied ids, names, dates and a word-salad notes
// field.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::bench {

// splitmix64: small, fast and the same on every platform, so runs are comparable.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }

 private:
  uint64_t state_;
};

enum class Consent { mixed, consenting, non_consenting };

// Records of the `seed` shape, without the trailing newline. In `mixed`, every other record
// consents; the others carry false / null / "true" or no consent field at all.
class SeedRecords {
 public:
  explicit SeedRecords(uint64_t seed = 1) : rng_(seed) {
    static constexpr std::array<std::string_view, 40> kWords = {
        "lorem",     "ipsum",    "dolor",    "sit",       "amet",     "consectetur", "adipiscing",
        "elit",      "sed",      "eiusmod",  "tempor",    "labore",   "magna",       "aliqua",
        "veniam",    "nostrud",  "ullamco",  "laboris",   "aliquip",  "commodo",     "consequat",
        "irure",     "velit",    "cillum",   "fugiat",    "pariatur", "excepteur",   "occaecat",
        "cupidatat", "proident", "culpa",    "officia",   "deserunt", "mollit",      "laborum",
        "patient",   "visit",    "referral", "follow-up", "billing"};
    while (pool_.size() < (1u << 20)) {
      pool_ += kWords[rng_.below(kWords.size())];
      pool_ += ' ';
    }
  }

  // Appends one record (no newline) to `out`.
  void append(Consent consent, std::string& out) {
    static constexpr std::array<std::string_view, 12> kFirst = {
        "Alice", "Bob",   "Carol", "Dave",     "Erin",       "Frank",
        "Grace", "Heidi", "Ivan",  "Zo\u00eb", "Andr\u00e9", "Bj\u00f6rn"};
    static constexpr std::array<std::string_view, 12> kLast = {
        "Smith", "Johnson",        "Williams", "Brown",  "Garcia",      "Miller",
        "Davis", "Hern\u00e1ndez", "Lopez",    "O'Neil", "M\u00fcller", "Taylor"};
    static constexpr std::array<std::string_view, 4> kNonConsent = {
        R"(,"data_share_consent":false)", R"(,"data_share_consent":null)", "",
        R"(,"data_share_consent":"true")"};
    static constexpr std::array<char, 4> kGender = {'F', 'M', 'X', 'U'};

    const uint64_t r = rng_.next();
    const bool consents =
        consent == Consent::consenting || (consent == Consent::mixed && (id_ & 1) == 0);
    const int year = consents ? 1940 + static_cast<int>(r % 40) : 1980 + static_cast<int>(r % 30);
    const uint64_t sec = (r >> 18) % 86400;
    const std::string_view consent_kv =
        consents ? std::string_view(R"(,"data_share_consent":true)") : kNonConsent[(r >> 7) % 4];
    char head[384];
    const int n = std::snprintf(
        head, sizeof head,
        R"({"id":%llu,"name":"%.*s %.*s","dob":"%04d-%02d-%02d","gender":"%c",)"
        R"("ssn_no":"%03llu-%02llu-%04llu"%.*s,"evnt_time":"2023-08-%02dT%02llu:%02llu:%02llu.%03lluZ","notes":")",
        static_cast<unsigned long long>(id_), static_cast<int>(kFirst[(r >> 8) % 12].size()),
        kFirst[(r >> 8) % 12].data(), static_cast<int>(kLast[(r >> 12) % 12].size()),
        kLast[(r >> 12) % 12].data(), year, 1 + static_cast<int>((r >> 9) % 12),
        1 + static_cast<int>((r >> 13) % 28), kGender[(r >> 20) % 4],
        static_cast<unsigned long long>((id_ / 1000000) % 1000),
        static_cast<unsigned long long>((id_ / 10000) % 100),
        static_cast<unsigned long long>(id_ % 10000), static_cast<int>(consent_kv.size()),
        consent_kv.data(), 1 + static_cast<int>((r >> 22) % 28),
        static_cast<unsigned long long>(sec / 3600), static_cast<unsigned long long>(sec / 60 % 60),
        static_cast<unsigned long long>(sec % 60), static_cast<unsigned long long>(id_ % 1000));
    out.append(head, static_cast<size_t>(n));
    const size_t notes = static_cast<size_t>(n) + 3 < 400 ? 400 - 3 - static_cast<size_t>(n) : 16;
    out.append(pool_, rng_.below(pool_.size() - notes), notes);
    out += "\"}";
    ++id_;
  }

  // `count` records, one string each.
  std::vector<std::string> records(size_t count, Consent consent) {
    std::vector<std::string> v(count);
    for (auto& s : v) append(consent, s);
    return v;
  }

  // NDJSON of at least `bytes` bytes, ending with a newline.
  std::string ndjson(size_t bytes, Consent consent = Consent::mixed) {
    std::string s;
    s.reserve(bytes + 512);
    while (s.size() < bytes) {
      append(consent, s);
      s += '\n';
    }
    return s;
  }

 private:
  Rng rng_;
  uint64_t id_ = 1;
  std::string pool_;
};

}  // namespace ferry::bench
