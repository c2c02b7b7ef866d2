// Key tables of agent.json and the unknown-key warnings (see config_keys.hpp).
// The accepted lists follow the Kinesis Agent 2.0.x configuration reference.
#include "agent/config_keys.hpp"

#include <algorithm>
#include <array>

#include "agent/config_values.hpp"
#include "agent/did_you_mean.hpp"
#include "core/text.hpp"

namespace ferry::config {
namespace {

constexpr std::array<std::string_view, 19> kRootKnown = {"metrics.listen",
                                                         "metrics.unhealthyAfterSeconds",
                                                         "log.format",
                                                         "log.statusReportingPeriodSeconds",
                                                         "checkpointFile",
                                                         "s3.endpoint",
                                                         "s3.region",
                                                         "s3.forcePathStyle",
                                                         "s3.caBundle",
                                                         "s3.maxAttempts",
                                                         "s3.initialBackoffMillis",
                                                         "s3.maxBackoffMillis",
                                                         "log.level",
                                                         "flows",
                                                         "awsAccessKeyId",
                                                         "awsSecretAccessKey",
                                                         "assumeRoleARN",
                                                         "assumeRoleExternalId",
                                                         "sts.endpoint"};
constexpr std::array<std::string_view, 24> kRootAccepted = {"checkpointTimeToLiveDays",
                                                            "cloudwatch.emitMetrics",
                                                            "cloudwatch.endpoint",
                                                            "cloudwatch.namespace",
                                                            "cloudwatch.tagInstance",
                                                            "cloudwatch.metricsBufferTimeMillis",
                                                            "cloudwatch.metricsQueueSize",
                                                            "kinesis.endpoint",
                                                            "kinesis.region",
                                                            "firehose.endpoint",
                                                            "shutdownTimeoutMillis",
                                                            "log.emitMetrics",
                                                            "log.emitInternalMetrics",
                                                            "maxSendingThreads",
                                                            "maxSendingThreadsPerCore",
                                                            "sendingThreadsKeepAliveMillis",
                                                            "sendingThreadsMaxQueueSize",
                                                            "maxConnections",
                                                            "connectionTimeoutMillis",
                                                            "connectionTTLMillis",
                                                            "socketTimeoutMillis",
                                                            "useTcpKeepAlive",
                                                            "useHttpGzip",
                                                            "userAgentOverride"};

// deliveryStream, kinesisStream and the data-changing keys are handled by the flow parser.
constexpr std::array<std::string_view, 17> kFlowKnown = {"name",
                                                         "filePattern",
                                                         "initialPosition",
                                                         "maxBufferAgeMillis",
                                                         "maxRecordBytes",
                                                         "s3",
                                                         "directory",
                                                         "redact",
                                                         "deliveryStream",
                                                         "kinesisStream",
                                                         "skipHeaderLines",
                                                         "multiLineStartPattern",
                                                         "dataProcessingOptions",
                                                         "truncatedRecordTerminator",
                                                         "minTimeBetweenFilePollsMillis",
                                                         "statPollMillis",
                                                         "maxOpenFiles"};
constexpr std::array<std::string_view, 12> kFlowAccepted = {
    "partitionKeyOption",
    "aggregatedRecordSizeBytes",
    "maxBufferSizeBytes",
    "maxBufferSizeRecords",
    "maxTimeBetweenFileTrackerRefreshMillis",
    "publishQueueCapacity",
    "retryInitialBackoffMillis",
    "retryMaxBackoffMillis",
    "waitOnFullPublishQueueMillis",
    "waitOnEmptyPublishQueueMillis",
    "waitOnFullRetryQueueMillis",
    "fileFooterPattern"};

constexpr std::array<std::string_view, 14> kS3Known = {"bucket",
                                                       "keyPrefix",
                                                       "compressionLevel",
                                                       "partSizeBytes",
                                                       "maxObjectBytes",
                                                       "maxObjectAgeMillis",
                                                       "serverSideEncryption",
                                                       "kmsKeyId",
                                                       "bucketKeyEnabled",
                                                       "storageClass",
                                                       "contentType",
                                                       "contentEncoding",
                                                       "checksumAlgorithm",
                                                       "contentMd5"};
constexpr std::array<std::string_view, 5> kDirectoryKnown = {
    "path", "keyPrefix", "compressionLevel", "maxObjectBytes", "maxObjectAgeMillis"};
constexpr std::array<std::string_view, 8> kRedactKnown = {
    "consentField",    "fields", "replacement", "flagField",
    "redactedAtField", "mode",   "keyFile",     "patterns"};

bool contains(std::span<const std::string_view> keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

}  // namespace

const KeyTable kRootKeys{kRootKnown, kRootAccepted};
const KeyTable kFlowKeys{kFlowKnown, kFlowAccepted};
const KeyTable kS3Keys{kS3Known, {}};
const KeyTable kDirectoryKeys{kDirectoryKnown, {}};
const KeyTable kRedactKeys{kRedactKnown, {}};

void KeyChecker::ignored(std::string_view key) {
  warnings_.push_back(
      cat("config: ", key_path(path_, key), ": accepted but not implemented yet; ignored"));
}

void KeyChecker::unhandled(std::string_view key) {
  if (contains(table_.accepted, key)) {
    ignored(key);
    return;
  }
  const std::string where = key_path(path_, key);
  std::string_view meant = closest_match(key, table_.known);
  if (meant.empty()) meant = closest_match(key, table_.accepted);
  if (meant.empty()) {
    warnings_.push_back(cat("config: ", where, ": unknown key; ignored"));
    return;
  }
  warnings_.push_back(cat("config: ", where, ": unknown key (did you mean ", meant, "?)"));
  misspellings_.emplace_back(std::string(key), meant);
}

Error KeyChecker::missing(std::string_view key) const {
  for (const auto& [found, meant] : misspellings_) {
    if (meant == key) {
      return config_error(key_path(path_, key),
                          cat("required key missing (found ", key_path(path_, found),
                              "; did you mean ", key, "?)"));
    }
  }
  return config_error(key_path(path_, key), "required key missing");
}

}  // namespace ferry::config
