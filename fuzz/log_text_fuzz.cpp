// libFuzzer target for what reaches a log line (core/observe/secret_scrubber, core/observe/log_text): any bytes
// (file names, S3 error messages) come out as bounded, valid UTF-8 with no control character,
// and the scrubber never grows a line by more than its masks. log.file's Kinesis Agent layout
// (core/observe/kinesis_agent_log) stays one line whatever its host, thread and logger names hold.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/observe/kinesis_agent_log.hpp"
#include "core/observe/log_text.hpp"
#include "core/observe/secret_scrubber.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view message(reinterpret_cast<const char*>(data), size);
  const std::string scrubbed = ferry::scrub_secrets(message);
  // A mask ("<redacted>", 10 bytes) replaces a value of at least one byte after a key and
  // separator of at least 6: at most 9 bytes more per 7 bytes of input.
  if (scrubbed.size() > message.size() + 9 * (message.size() / 7 + 1)) std::abort();
  const size_t max_bytes = 256;
  const std::string line = ferry::inert_log_text(scrubbed, max_bytes);
  if (!simdjson::validate_utf8(line.data(), line.size())) std::abort();
  for (const char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) std::abort();
  }
  // The head's budget, one escape past it, the cut marker and the tail's bytes escaped.
  if (line.size() > max_bytes + 8 + 40 + 8 * (max_bytes / 8)) std::abort();
  const std::string_view host = message.substr(0, size / 3);
  const std::string_view thread = message.substr(size / 3, size / 3);
  const std::string file_line = ferry::kinesis_agent_log_line(
      ferry::LogTime{}, host, ferry::log::Source{thread, message}, ferry::log::Level::info, line);
  if (file_line.find('\n') != file_line.size() - 1 || file_line.find('\r') != std::string::npos)
    std::abort();
  return 0;
}
