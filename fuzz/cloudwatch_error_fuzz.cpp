// libFuzzer target for core/aws/cloudwatch_request's error reader: CloudWatch's answers are outside
// bytes. Parsing must return without crashing or reading out of range, never return text longer
// than the answer, and classifying whatever code it found must be total.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/aws/cloudwatch_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  const auto error = ferry::parse_cloudwatch_error(xml);
  if (!error) return 0;
  // Each is decoded text of the answer (they may overlap: a <Code> inside the <Message>).
  if (error->code.size() > size || error->message.size() > size) std::abort();
  for (const long status : {400L, 403L, 500L})
    (void)ferry::classify_put_metric_data_failure(status, error->code);
  return 0;
}
