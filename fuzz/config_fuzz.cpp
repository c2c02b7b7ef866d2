// Fuzz target for agent/config/config: arbitrary bytes as agent.json must give a Config or an Error,
// never a crash, a hang or a sanitizer report. Seeds: fuzz/corpus/config/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/config/config.hpp"
#include "core/json/json_comments.hpp"
#include "core/json/json_syntax.hpp"
#include "core/assert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ferry::Result<ferry::config::Parsed> parsed = ferry::config::parse(text);
  if (parsed.ok()) {
    // What parse accepts, the rest of the agent relies on.
    FERRY_ASSERT(!parsed->config.flows.empty());
    for (const ferry::config::Flow& flow : parsed->config.flows) {
      FERRY_ASSERT(!flow.name.empty());
      FERRY_ASSERT(!flow.file_pattern.empty() && flow.file_pattern.front() == '/');
      FERRY_ASSERT(flow.object.compression_level >= 1 && flow.object.compression_level <= 19);
    }
  } else {
    FERRY_ASSERT(parsed.error().message.starts_with("config: "));
  }
  // Comment stripping never changes the length, and the syntax locator stays in bounds.
  const ferry::Result<std::string> stripped = ferry::config::strip_json_comments(text);
  if (stripped.ok()) {
    FERRY_ASSERT(stripped->size() == text.size());
    const std::size_t offset = ferry::config::first_json_syntax_error(*stripped);
    FERRY_ASSERT(offset == std::string_view::npos || offset <= stripped->size());
  }
  return 0;
}
