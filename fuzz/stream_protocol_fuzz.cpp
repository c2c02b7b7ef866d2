// libFuzzer: the answers of Firehose PutRecordBatch / Kinesis PutRecords and their error bodies
// (outside bytes). Invariants: never crash; an accepted answer has one entry per record sent and
// as many failures as non-empty error codes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/assert.hpp"
#include "core/aws/stream_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const ferry::StreamKind kind =
      (data[0] & 1) != 0 ? ferry::StreamKind::kinesis : ferry::StreamKind::firehose;
  const size_t records = data[0] >> 1;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto answer = ferry::parse_put_answer(kind, body, records);
  if (answer) {
    FERRY_ASSERT(answer->errors.size() == records);
    size_t failed = 0;
    for (const auto& code : answer->errors) failed += code.empty() ? 0 : 1;
    FERRY_ASSERT(failed == answer->failed);
  }
  const ferry::ServiceError error = ferry::parse_service_error(body);
  FERRY_ASSERT(error.code.find('#') == std::string::npos);
  (void)ferry::is_retryable_stream_error(400, error.code);
  return 0;
}
