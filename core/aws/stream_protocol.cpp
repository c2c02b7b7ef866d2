// Firehose / Kinesis JSON bodies (see stream_protocol.hpp). simdjson DOM for answers.
#include "core/aws/stream_protocol.hpp"

#include <simdjson.h>

#include <algorithm>

#include "core/crypto.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

std::string_view string_or_empty(simdjson::dom::element value) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return {};
  return text;
}

std::string_view member_string(simdjson::dom::object object, std::string_view name) {
  simdjson::dom::element value;
  if (object.at_key(name).get(value) != simdjson::SUCCESS) return {};
  return string_or_empty(value);
}

}  // namespace

std::string_view stream_service(StreamKind kind) {
  return kind == StreamKind::firehose ? "firehose" : "kinesis";
}

std::string_view stream_target(StreamKind kind) {
  return kind == StreamKind::firehose ? "Firehose_20150804.PutRecordBatch"
                                      : "Kinesis_20131202.PutRecords";
}

std::string_view stream_operation(StreamKind kind) {
  return kind == StreamKind::firehose ? "PutRecordBatch" : "PutRecords";
}

std::string encode_put_request(StreamKind kind, std::string_view stream,
                               std::span<const StreamRecord> records) {
  size_t size = 64 + stream.size();
  for (const StreamRecord& record : records)
    size += record.data.size() * 4 / 3 + record.partition_key.size() + 40;
  std::string body;
  body.reserve(size);
  body.append(kind == StreamKind::firehose ? "{\"DeliveryStreamName\":" : "{\"StreamName\":");
  append_json_string(body, stream);
  body.append(",\"Records\":[");
  for (size_t i = 0; i < records.size(); ++i) {
    if (i > 0) body.push_back(',');
    body.append("{\"Data\":\"");
    body.append(base64(byte_span(std::string_view(records[i].data))));
    body.push_back('"');
    if (kind == StreamKind::kinesis) {
      body.append(",\"PartitionKey\":");
      append_json_string(body, records[i].partition_key);
    }
    body.push_back('}');
  }
  body.append("]}");
  return body;
}

Result<PutAnswer> parse_put_answer(StreamKind kind, std::string_view body, size_t records) {
  const std::string_view operation = stream_operation(kind);
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(simdjson::padded_string(body)).get(root) != simdjson::SUCCESS)
    return make_error(cat(operation, " answer is not a JSON object"));
  const std::string_view count_key =
      kind == StreamKind::firehose ? "FailedPutCount" : "FailedRecordCount";
  const std::string_view entries_key =
      kind == StreamKind::firehose ? "RequestResponses" : "Records";
  uint64_t failed_count = 0;
  simdjson::dom::array entries;
  if (root.at_key(count_key).get(failed_count) != simdjson::SUCCESS)
    return make_error(cat(operation, " answer lacks ", count_key));
  if (root.at_key(entries_key).get(entries) != simdjson::SUCCESS)
    return make_error(cat(operation, " answer lacks ", entries_key));
  if (entries.size() != records)
    return make_error(
        cat(operation, " answer lists ", entries.size(), " records for ", records, " sent"));
  PutAnswer answer;
  answer.errors.reserve(records);
  for (simdjson::dom::element entry : entries) {
    simdjson::dom::object fields;
    if (entry.get(fields) != simdjson::SUCCESS)
      return make_error(cat(operation, " answer has a record entry that is not an object"));
    std::string code(member_string(fields, "ErrorCode"));
    if (!code.empty()) {
      if (answer.failed++ == 0)
        answer.first_error = cat(code, ": ", member_string(fields, "ErrorMessage"));
    }
    answer.errors.push_back(std::move(code));
  }
  if (answer.failed != failed_count)
    return make_error(
        cat(operation, " answer says ", failed_count, " failed but lists ", answer.failed));
  return answer;
}

ServiceError parse_service_error(std::string_view body) {
  ServiceError error;
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(simdjson::padded_string(body)).get(root) != simdjson::SUCCESS) {
    error.message = std::string(body.substr(0, 200));
    return error;
  }
  std::string_view type = member_string(root, "__type");
  if (const size_t hash = type.rfind('#'); hash != std::string_view::npos)
    type.remove_prefix(hash + 1);
  if (const size_t colon = type.find(':'); colon != std::string_view::npos)
    type = type.substr(0, colon);
  error.code = std::string(type);
  std::string_view message = member_string(root, "message");
  if (message.empty()) message = member_string(root, "Message");
  error.message = std::string(message.substr(0, 500));
  return error;
}

bool is_retryable_stream_error(int http_status, std::string_view code) {
  if (http_status == 0 || http_status >= 500 || http_status == 429) return true;
  return code == "ThrottlingException" || code == "ProvisionedThroughputExceededException" ||
         code == "LimitExceededException" || code == "ServiceUnavailableException" ||
         code == "InternalFailure" || code == "KMSThrottlingException" ||
         code == "RequestExpired" || code == "RequestTimeTooSkewed";
}

std::string check_stream_name(StreamKind kind, std::string_view name) {
  const size_t max = kind == StreamKind::firehose ? 64 : 128;
  if (name.empty() || name.size() > max)
    return cat("must be 1 to ", max, " characters, got ", name.size());
  const bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
  if (!allowed) return "may hold only letters, digits, '_', '.' and '-'";
  return {};
}

}  // namespace ferry
