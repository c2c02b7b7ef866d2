// CloudWatch PutMetricData over the query protocol: datapoints into form-encoded request bodies
// within the API's limits, and the <ErrorResponse> of a failed call. Pure; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/aws/statistic_set.hpp"

namespace ferry {

// PutMetricData limits (CloudWatch API reference).
inline constexpr size_t kCloudWatchMaxDatumsPerCall = 1000;
inline constexpr size_t kCloudWatchMaxCallBytes = 1'000'000;  // the 1 MB HTTP POST payload
inline constexpr size_t kCloudWatchMaxDimensions = 30;
inline constexpr size_t kCloudWatchMaxNameBytes = 255;  // metric and dimension names and values
// The values CloudWatch takes: finite, within ±2^360; magnitudes below 10^-130 it truncates to 0.
inline constexpr double kCloudWatchMaxValue = 0x1p360;
inline constexpr double kCloudWatchMinMagnitude = 1e-130;

enum class MetricUnit { count, bytes, milliseconds, none };
std::string_view metric_unit_name(MetricUnit unit);  // "Count", "Bytes", "Milliseconds", "None"

struct MetricDimension {
  std::string name;
  std::string value;
};

// One datapoint, sent as StatisticValues (SampleCount, Sum, Minimum, Maximum), as the Java agent
// sends every datapoint: the samples of one metric and dimensions in one period.
struct MetricDatum {
  std::string name;
  std::vector<MetricDimension> dimensions;  // at most kCloudWatchMaxDimensions are sent
  StatisticSet statistics;                  // at least one sample
  MetricUnit unit = MetricUnit::count;
  int64_t timestamp_unix_ms = 0;
};

// One PutMetricData call: its body and how many datapoints (from the front of what is left)
// it carries.
struct PutMetricDataCall {
  std::string body;
  size_t datums = 0;
};

struct PutMetricDataLimits {
  size_t max_datums = kCloudWatchMaxDatumsPerCall;
  size_t max_bytes = kCloudWatchMaxCallBytes;
};

// The calls that send `datums` in order under `namespace_name`, each within `limits`. Names and
// values longer than kCloudWatchMaxNameBytes are cut (at a UTF-8 character boundary), empty
// dimension names or values and dimensions beyond the 30th are left out, and a statistic that is
// not a value CloudWatch takes is sent as the nearest one: NaN as 0, beyond ±2^360 as ±2^360
// (the API would reject the whole call).
std::vector<PutMetricDataCall> put_metric_data_calls(std::string_view namespace_name,
                                                     std::span<const MetricDatum> datums,
                                                     PutMetricDataLimits limits = {});

// "" when `namespace_name` is one CloudWatch accepts, else what is wrong: 1..255 printable ASCII
// characters, not starting with ':' or "AWS/" (the namespaces of AWS services).
std::string check_cloudwatch_namespace(std::string_view namespace_name);

struct CloudWatchError {
  std::string code;  // "Throttling", "AccessDenied", "InvalidParameterValue", ...
  std::string message;
};

// Code and Message of an <ErrorResponse><Error> (or a bare <Error>) document; nullopt otherwise.
std::optional<CloudWatchError> parse_cloudwatch_error(std::string_view xml);

// What to do with the datapoints of a call that got an answer other than 2xx.
enum class PutMetricDataFailure {
  retry_later,          // throttling, 5xx: keep them, back off
  refresh_credentials,  // ExpiredToken: keep them, fetch new credentials, retry next period
  keep,                 // refused (AccessDenied, a bad signature...): keep them, retry next period
  drop,                 // the request itself is invalid: sending it again cannot work
};
PutMetricDataFailure classify_put_metric_data_failure(long http_status, std::string_view code);

}  // namespace ferry
