// PutMetricData bodies and error answers (see cloudwatch_request.hpp).
#include "core/aws/cloudwatch_request.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/aws/s3_xml.hpp"
#include "core/aws/sigv4.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

constexpr std::string_view kBodyStart = "Action=PutMetricData&Version=2010-08-01&Namespace=";

// At most `limit` bytes of `text`, never ending inside a UTF-8 sequence.
std::string_view cut_utf8(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

std::string encoded_name(std::string_view text) {
  return uri_encode(cut_utf8(text, kCloudWatchMaxNameBytes), false);
}

// The nearest value CloudWatch takes (kCloudWatchMaxValue, kCloudWatchMinMagnitude).
double cloudwatch_value(double value) {
  if (std::isnan(value)) return 0;
  value = std::clamp(value, -kCloudWatchMaxValue, kCloudWatchMaxValue);
  return std::fabs(value) < kCloudWatchMinMagnitude ? 0 : value;
}

// Integers print exactly ("1048576", never "1.048576e+06"); other values in the shortest form
// that reads back the same ("2.3485425827738332e+108"), form-encoded: a bare '+' reads as a space.
std::string format_value(double value) {
  value = cloudwatch_value(value);
  constexpr double kExactIntegers = 9007199254740992.0;  // 2^53
  if (value == std::trunc(value) && std::fabs(value) < kExactIntegers)
    return cat(static_cast<int64_t>(value));
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return uri_encode(std::string_view(buffer.data(), result.ptr), false);
}

// ISO 8601 in UTC with milliseconds: 2026-11-24T08:50:56.123Z.
std::string format_timestamp(int64_t unix_ms) {
  if (unix_ms < 0) unix_ms = 0;
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds(unix_ms)};
  const sys_days day = floor<days>(time);
  const year_month_day date(day);
  const hh_mm_ss clock(floor<milliseconds>(time - day));
  char text[40];
  std::snprintf(
      text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
      static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
      static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return text;
}

// The parameters of one datum as member `index` of MetricData, each starting with '&'.
std::string datum_parameters(const MetricDatum& datum, size_t index) {
  const std::string member = cat("&MetricData.member.", index, ".");
  std::string out = cat(member, "MetricName=", encoded_name(datum.name));
  size_t dimension = 0;
  for (const MetricDimension& d : datum.dimensions) {
    if (dimension == kCloudWatchMaxDimensions) break;
    if (d.name.empty() || d.value.empty()) continue;
    ++dimension;
    const std::string prefix = cat(member, "Dimensions.member.", dimension, ".");
    out.append(cat(prefix, "Name=", encoded_name(d.name), prefix, "Value=", encoded_name(d.value)));
  }
  // SampleCount must be positive; a set without samples is a bug of the caller, sent as one 0.
  const StatisticSet& s = datum.statistics;
  const std::string statistic = cat(member, "StatisticValues.");
  out.append(cat(statistic, "SampleCount=",
                 format_value(static_cast<double>(std::max<uint64_t>(1, s.sample_count)))));
  out.append(cat(statistic, "Sum=", format_value(s.sum)));
  out.append(cat(statistic, "Minimum=", format_value(s.minimum)));
  out.append(cat(statistic, "Maximum=", format_value(s.maximum)));
  out.append(cat(member, "Unit=", metric_unit_name(datum.unit)));
  out.append(
      cat(member, "Timestamp=", uri_encode(format_timestamp(datum.timestamp_unix_ms), false)));
  return out;
}

bool one_of(std::string_view code, std::initializer_list<std::string_view> codes) {
  for (std::string_view c : codes)
    if (code == c) return true;
  return false;
}

}  // namespace

std::string_view metric_unit_name(MetricUnit unit) {
  switch (unit) {
    case MetricUnit::count: return "Count";
    case MetricUnit::bytes: return "Bytes";
    case MetricUnit::milliseconds: return "Milliseconds";
    case MetricUnit::none: return "None";
  }
  return "None";
}

std::vector<PutMetricDataCall> put_metric_data_calls(std::string_view namespace_name,
                                                     std::span<const MetricDatum> datums,
                                                     PutMetricDataLimits limits) {
  const size_t max_datums = std::max<size_t>(1, limits.max_datums);
  const std::string start = cat(kBodyStart, encoded_name(namespace_name));
  std::vector<PutMetricDataCall> calls;
  PutMetricDataCall call{start, 0};
  for (const MetricDatum& datum : datums) {
    std::string parameters = datum_parameters(datum, call.datums + 1);
    const bool full =
        call.datums == max_datums || call.body.size() + parameters.size() > limits.max_bytes;
    if (full && call.datums > 0) {
      calls.push_back(std::move(call));
      call = PutMetricDataCall{start, 0};
      parameters = datum_parameters(datum, 1);
    }
    // A lone datum is a few kilobytes at most: it always fits a call of the API's size.
    call.body.append(parameters);
    ++call.datums;
  }
  if (call.datums > 0) calls.push_back(std::move(call));
  return calls;
}

std::string check_cloudwatch_namespace(std::string_view namespace_name) {
  if (namespace_name.empty() || namespace_name.size() > kCloudWatchMaxNameBytes)
    return cat("must be 1 to ", kCloudWatchMaxNameBytes, " characters, got ",
               namespace_name.size());
  for (const char c : namespace_name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7E)
      return "must be printable ASCII characters (CloudWatch refuses others)";
  }
  if (namespace_name.front() == ':') return "must not start with ':'";
  if (namespace_name.starts_with("AWS/"))
    return "must not start with \"AWS/\": those namespaces are reserved for AWS services";
  return "";
}

std::optional<CloudWatchError> parse_cloudwatch_error(std::string_view xml) {
  const std::string_view root = xml_root_element(xml);
  if (root != "ErrorResponse" && root != "Error") return std::nullopt;
  std::optional<std::string> code = xml_element_text(xml, "Code");
  if (!code) return std::nullopt;
  return CloudWatchError{std::move(*code), xml_element_text(xml, "Message").value_or("")};
}

PutMetricDataFailure classify_put_metric_data_failure(long http_status, std::string_view code) {
  if (http_status >= 500 || http_status == 429 ||
      one_of(code, {"Throttling", "ThrottlingException", "RequestLimitExceeded",
                    "TooManyRequestsException", "ServiceUnavailable", "InternalFailure",
                    "InternalServiceError"}))
    return PutMetricDataFailure::retry_later;
  if (one_of(code, {"ExpiredToken", "ExpiredTokenException"}))
    return PutMetricDataFailure::refresh_credentials;
  if (http_status == 413 ||
      one_of(code, {"InvalidParameterValue", "InvalidParameterCombination", "MissingParameter",
                    "InvalidParameter", "ValidationError", "MalformedQueryString",
                    "InvalidQueryParameter", "InvalidFormat"}))
    return PutMetricDataFailure::drop;
  return PutMetricDataFailure::keep;
}

}  // namespace ferry
