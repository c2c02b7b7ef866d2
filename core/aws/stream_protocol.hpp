// The two stream APIs' wire format (AWS JSON 1.1): Firehose PutRecordBatch and Kinesis
// PutRecords requests, their answers (which records failed, and why), and the error body of a
// call that failed as a whole. Pure; answers are outside bytes (fuzz/stream_protocol_fuzz.cpp).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/aws/stream_calls.hpp"

namespace ferry {

enum class StreamKind { firehose, kinesis };

std::string_view stream_service(StreamKind kind);    // SigV4 service: "firehose" | "kinesis"
std::string_view stream_target(StreamKind kind);     // X-Amz-Target of the put call
std::string_view stream_operation(StreamKind kind);  // "PutRecordBatch" | "PutRecords"
inline constexpr std::string_view kAwsJsonContentType = "application/x-amz-json-1.1";

// {"DeliveryStreamName": ..., "Records": [{"Data": "<base64>"}, ...]} for Firehose,
// {"StreamName": ..., "Records": [{"Data": ..., "PartitionKey": ...}, ...]} for Kinesis.
std::string encode_put_request(StreamKind kind, std::string_view stream,
                               std::span<const StreamRecord> records);

// Per record of the call, in order: empty if the service took it, else its ErrorCode.
struct PutAnswer {
  std::vector<std::string> errors;
  size_t failed = 0;
  std::string first_error;  // "<ErrorCode>: <ErrorMessage>" of the first failed record
};
// The answer to a call of `records` records; an error if it is not one (a record count that
// differs, a FailedPutCount / FailedRecordCount that does not match the entries).
Result<PutAnswer> parse_put_answer(StreamKind kind, std::string_view body, size_t records);

// A call that failed as a whole: "__type" (without its "namespace#" prefix) and "message".
struct ServiceError {
  std::string code;
  std::string message;
};
ServiceError parse_service_error(std::string_view body);

// Whether a call that failed with this status and code may work later (throttling, service
// trouble, expired credentials are handled apart); anything else is a mistake to report.
bool is_retryable_stream_error(int http_status, std::string_view code);

// Per-record error codes worth sending the record again for (every code the services document
// for a record is: throttling and internal failures).
inline bool is_retryable_record_error(std::string_view) {
  return true;
}

// Stream names the services accept: 1..64 (Firehose) or 1..128 (Kinesis) of [A-Za-z0-9_.-].
// Empty if `name` is fine, else what is wrong.
std::string check_stream_name(StreamKind kind, std::string_view name);

}  // namespace ferry
