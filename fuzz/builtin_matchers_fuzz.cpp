// libFuzzer target: the hand-written built-in matchers against Hyperscan running the built-ins'
// documented expressions (tests/support/builtin_reference.hpp) on arbitrary bytes: the same
// union of matches for each built-in and for all four together.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/assert.hpp"
#include "tests/support/builtin_reference.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ferry;
  static std::vector<testing::Reference> references = [] {
    std::vector<testing::Reference> built;
    for (const BuiltinPattern& builtin : builtin_patterns()) built.emplace_back(builtin);
    return built;
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<MatchSpan> all;
  for (size_t b = 0; b < references.size(); ++b) {
    const std::vector<MatchSpan> expected = references[b].find(text);
    FERRY_ASSERT(testing::show(testing::hand(text, builtin_patterns()[b].bit)) ==
                 testing::show(expected));
    all.insert(all.end(), expected.begin(), expected.end());
  }
  FERRY_ASSERT(testing::show(testing::hand(text, kUsSsn | kEmail | kCreditCard | kPhoneE164)) ==
               testing::show(testing::merged(all)));
  return 0;
}
