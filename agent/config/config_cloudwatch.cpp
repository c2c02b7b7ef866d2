// Parsing of the cloudwatch.* keys (see config_cloudwatch.hpp).
#include "agent/config/config_cloudwatch.hpp"

#include <variant>

#include "core/aws/aws_endpoint.hpp"
#include "core/aws/cloudwatch_request.hpp"

namespace ferry::config {

bool is_cloudwatch_key(std::string_view key) {
  return key == "cloudwatch.emitMetrics" || key == "cloudwatch.endpoint" ||
         key == "cloudwatch.namespace" || key == "cloudwatch.tagInstance" ||
         key == "cloudwatch.metricsBufferTimeMillis" || key == "cloudwatch.metricsQueueSize";
}

Status parse_cloudwatch_key(std::string_view key, element value, std::string_view path,
                            CloudWatchKeys& keys) {
  CloudWatchOptions& options = keys.options;
  if (key == "cloudwatch.emitMetrics") {
    bool emit = false;
    FERRY_CONFIG_TRY(emit, read_bool(value, path));
    keys.emit_metrics = emit;
  } else if (key == "cloudwatch.endpoint") {
    FERRY_CONFIG_TRY(options.endpoint, read_string(value, path));
    // Empty means the AWS endpoint, as in the Kinesis Agent.
    if (!options.endpoint.empty()) {
      const auto endpoint = resolve_aws_endpoint(options.endpoint, "monitoring", "", "us-east-1");
      if (!endpoint.ok()) return config_error(path, endpoint.error().message);
    }
  } else if (key == "cloudwatch.namespace") {
    FERRY_CONFIG_TRY(options.namespace_name, read_string(value, path));
    const std::string problem = check_cloudwatch_namespace(options.namespace_name);
    if (!problem.empty()) return config_error(path, problem);
  } else if (key == "cloudwatch.tagInstance") {
    FERRY_CONFIG_TRY(options.tag_instance, read_bool(value, path));
  } else if (key == "cloudwatch.metricsBufferTimeMillis") {
    FERRY_CONFIG_TRY(options.buffer_time_millis, read_uint(value, path, 1000, 86'400'000));
  } else {
    FERRY_CONFIG_TRY(options.queue_size, read_uint(value, path, 1, 10'000'000));
  }
  return Ok{};
}

CloudWatchOptions resolve_cloudwatch(const CloudWatchKeys& keys, const std::vector<Flow>& flows) {
  CloudWatchOptions options = keys.options;
  if (keys.emit_metrics) {
    options.emit_metrics = *keys.emit_metrics;
  } else {
    options.emit_metrics = false;
    for (const Flow& flow : flows)
      if (std::holds_alternative<StreamDestination>(flow.destination)) options.emit_metrics = true;
  }
  return options;
}

}  // namespace ferry::config
