// Key tables of agent.json and the unknown-key warnings (see config_keys.hpp).
// The accepted lists follow the Kinesis Agent 2.0.x configuration reference.
#include "agent/config/config_keys.hpp"

#include <algorithm>
#include <array>

#include "agent/config/config_values.hpp"
#include "core/did_you_mean.hpp"
#include "core/text.hpp"

namespace ferry::config {
namespace {

constexpr auto kRootKnown = std::to_array<std::string_view>({
    "cloudwatch.emitMetrics",
    "cloudwatch.endpoint",
    "cloudwatch.namespace",
    "cloudwatch.tagInstance",
    "cloudwatch.metricsBufferTimeMillis",
    "cloudwatch.metricsQueueSize",
    "metrics.listen",
    "metrics.unhealthyAfterSeconds",
    "log.format",
    "log.statusReportingPeriodSeconds",
    "log.file",
    "log.maxFileSize",
    "log.maxBackupIndex",
    "checkpointFile",
    "checkpointTimeToLiveDays",
    "shutdownTimeoutMillis",
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
    "sts.endpoint",
    "kinesis.endpoint",
    "kinesis.region",
    "firehose.endpoint",
    "maxSendingThreads",
    "maxSendingThreadsPerCore",
    "connectionTimeoutMillis",
    "connectionTTLMillis",
    "socketTimeoutMillis",
    "useTcpKeepAlive",
    "userAgentOverride",
    "userAgent",
});

using Type = NoopKey::Type;
constexpr auto kRootNoop = std::to_array<NoopKey>({
    {"log.emitMetrics", Type::boolean,
     "the status line (log.statusReportingPeriodSeconds) logs the flows' counters"},
    {"log.emitInternalMetrics", Type::boolean,
     "the status line and /metrics (metrics.listen) show ferry's internal counters"},
    {"sendingThreadsKeepAliveMillis", Type::uint, "a JVM thread pool setting"},
    {"sendingThreadsMaxQueueSize", Type::uint, "a JVM thread pool setting"},
    {"maxConnections", Type::uint,
     "each sending thread keeps its own connection (maxSendingThreads bounds them)"},
    {"useHttpGzip", Type::boolean, "AWS answers are small; ferry sends records uncompressed"},
    {"checkpoints.queryTimeoutSeconds", Type::uint,
     "the Java agent's SQLite checkpoint; ferry's checkpoint is a file written atomically"},
    {"checkpoints.connectionTimeoutSeconds", Type::uint,
     "the Java agent's SQLite checkpoint; ferry's checkpoint is a file written atomically"},
});

// deliveryStream, kinesisStream and the data-changing keys are handled by the flow parser.
constexpr auto kFlowKnown = std::to_array<std::string_view>({
    "name",
    "filePattern",
    "initialPosition",
    "maxBufferAgeMillis",
    "maxRecordBytes",
    "s3",
    "directory",
    "redact",
    "deliveryStream",
    "kinesisStream",
    "partitionKeyOption",
    "aggregatedRecordSizeBytes",
    "maxBufferSizeBytes",
    "maxBufferSizeRecords",
    "retryInitialBackoffMillis",
    "retryMaxBackoffMillis",
    "skipHeaderLines",
    "multiLineStartPattern",
    "fileFooterPattern",
    "dataProcessingOptions",
    "truncatedRecordTerminator",
    "minTimeBetweenFilePollsMillis",
    "statPollMillis",
    "maxOpenFiles",
    "followSymlinks",
});

// The Java agent's queues between its reader, publisher and retry threads; ferry's stages are
// joined by fixed bounded queues, and inotify replaces the file tracker's refresh timer.
constexpr auto kFlowNoop = std::to_array<NoopKey>({
    {"publishQueueCapacity", Type::uint, "a Java agent queue size; ferry's queues are fixed"},
    {"waitOnFullPublishQueueMillis", Type::uint, "a Java agent queue timing"},
    {"waitOnEmptyPublishQueueMillis", Type::uint, "a Java agent queue timing"},
    {"waitOnFullRetryQueueMillis", Type::uint, "a Java agent queue timing"},
    {"maxTimeBetweenFileTrackerRefreshMillis", Type::uint,
     "ferry learns of file changes from inotify (minTimeBetweenFilePollsMillis sets the "
     "safety-net rescan)"},
});

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
constexpr std::array<std::string_view, 6> kDirectoryKnown = {
    "path", "keyPrefix", "compressionLevel", "maxObjectBytes", "maxObjectAgeMillis", "fileMode"};
constexpr std::array<std::string_view, 8> kRedactKnown = {
    "consentField",    "fields", "replacement", "flagField",
    "redactedAtField", "mode",   "keyFile",     "patterns"};

bool contains(std::span<const std::string_view> keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

}  // namespace

const KeyTable kRootKeys{kRootKnown, {}, kRootNoop};
const KeyTable kFlowKeys{kFlowKnown, {}, kFlowNoop};
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

Status KeyChecker::unhandled(std::string_view key, element value) {
  const auto noop = std::find_if(table_.noop.begin(), table_.noop.end(),
                                 [key](const NoopKey& entry) { return entry.name == key; });
  if (noop == table_.noop.end()) {
    unhandled(key);
    return Ok{};
  }
  const std::string where = key_path(path_, key);
  if (noop->type == NoopKey::Type::boolean) {
    const Result<bool> read = read_bool(value, where);
    if (!read.ok()) return read.error();
  } else if (noop->type == NoopKey::Type::string) {
    const Result<std::string> read = read_string(value, where);
    if (!read.ok()) return read.error();
  } else {
    const Result<uint64_t> read = read_uint(value, where, 0, kNoMaximum);
    if (!read.ok()) return read.error();
  }
  (notes_ != nullptr ? *notes_ : warnings_)
      .push_back(cat("config: ", where, ": has no effect in ferry: ", noop->why));
  return Ok{};
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
