// Parses a flow's "s3" or "directory" block (see config_sections.hpp): where objects go and how
// they are named, compressed and closed. Both blocks share the object keys.
#include <array>

#include "agent/config/config_keys.hpp"
#include "agent/config/config_rules.hpp"
#include "agent/config/config_sections.hpp"
#include "core/file_mode.hpp"
#include "core/text.hpp"

namespace ferry::config {
namespace {
// S3 allows at most 10,000 parts in one multipart upload.
constexpr uint64_t kMaxPartsPerObject = 10000;
}  // namespace

namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kMinPartSize = 5 * kMiB;         // S3 multipart minimum
constexpr uint64_t kMaxPartSize = 5ull << 30;       // S3 multipart maximum
constexpr uint64_t kMaxS3ObjectBytes = 5ull << 40;  // S3 object maximum
constexpr uint64_t kMinObjectAgeMillis = 1000;
constexpr uint64_t kMaxObjectAgeMillis = 86400000;  // one day

constexpr std::array<std::string_view, 2> kEncryptions = {"AES256", "aws:kms"};
constexpr std::array<std::string_view, 8> kStorageClasses = {
    "STANDARD",           "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
    "REDUCED_REDUNDANCY", "GLACIER",     "GLACIER_IR", "DEEP_ARCHIVE"};
constexpr std::array<std::string_view, 2> kContentEncodings = {"none", "zstd"};
constexpr std::array<std::string_view, 2> kChecksums = {"CRC32C", "NONE"};

// A header value ferry sends as given: printable ASCII, no leading or trailing space.
std::string check_header_value(std::string_view value) {
  if (value.empty()) return "must not be empty";
  for (const char c : value)
    if (c < 0x20 || c > 0x7e) return "must be printable ASCII (it is sent as an HTTP header)";
  if (value.front() == ' ' || value.back() == ' ') return "must not start or end with a space";
  return {};
}

// The request keys of an "s3" block (encryption, storage class, content headers, checksums);
// false if `key` is not one of them.
Result<bool> parse_s3_request_key(std::string_view key, element value, const std::string& where,
                                  S3ObjectOptions& request) {
  std::size_t choice = 0;
  if (key == "serverSideEncryption") {
    FERRY_CONFIG_TRY(choice, read_choice(value, where, kEncryptions));
    request.server_side_encryption = std::string(kEncryptions[choice]);
  } else if (key == "kmsKeyId") {
    FERRY_CONFIG_TRY(request.kms_key_id, read_string(value, where));
    const std::string problem = check_header_value(request.kms_key_id);
    if (!problem.empty()) return config_error(where, problem);
  } else if (key == "bucketKeyEnabled") {
    bool enabled = false;
    FERRY_CONFIG_TRY(enabled, read_bool(value, where));
    request.bucket_key_enabled = enabled;
  } else if (key == "storageClass") {
    FERRY_CONFIG_TRY(choice, read_choice(value, where, kStorageClasses));
    request.storage_class = std::string(kStorageClasses[choice]);
  } else if (key == "contentType") {
    FERRY_CONFIG_TRY(request.content_type, read_string(value, where));
    std::string problem = check_header_value(request.content_type);
    if (problem.empty() && request.content_type.find('/') == std::string::npos)
      problem = cat("must be a media type such as \"application/x-ndjson\", got ",
                    quote_value(request.content_type));
    if (!problem.empty()) return config_error(where, problem);
  } else if (key == "contentEncoding") {
    FERRY_CONFIG_TRY(choice, read_choice(value, where, kContentEncodings));
    request.content_encoding = choice == 0 ? std::string() : std::string(kContentEncodings[choice]);
  } else if (key == "checksumAlgorithm") {
    FERRY_CONFIG_TRY(choice, read_choice(value, where, kChecksums));
    request.checksum_crc32c = choice == 0;
  } else if (key == "contentMd5") {
    FERRY_CONFIG_TRY(request.content_md5, read_bool(value, where));
  } else {
    return false;
  }
  return true;
}

// kmsKeyId and bucketKeyEnabled only mean something with SSE-KMS: elsewhere they are mistakes.
Status check_s3_request(const S3ObjectOptions& request, std::string_view path) {
  if (request.server_side_encryption == "aws:kms") return Ok{};
  const char* needs = "needs \"serverSideEncryption\": \"aws:kms\"";
  if (!request.kms_key_id.empty()) return config_error(key_path(path, "kmsKeyId"), needs);
  if (request.bucket_key_enabled) return config_error(key_path(path, "bucketKeyEnabled"), needs);
  return Ok{};
}

}  // namespace

Status parse_destination(element value, std::string_view path, bool s3, Flow& flow,
                         ParseContext& context) {
  object fields;
  FERRY_CONFIG_TRY(fields, read_object(value, path));

  KeyChecker keys(s3 ? kS3Keys : kDirectoryKeys, std::string(path), context.warnings);
  const std::string_view target_key = s3 ? "bucket" : "path";
  ObjectOptions options;
  S3Destination bucket;
  DirectoryDestination directory;
  bool has_target = false;
  bool has_max_object_bytes = false;
  for (simdjson::dom::key_value_pair field : fields) {
    const std::string_view key = field.key;
    const std::string where = key_path(path, key);
    if (key == target_key) {
      std::string target;
      FERRY_CONFIG_TRY(target, read_string(field.value, where));
      if (!s3) target = resolve_path(target, context.base_directory);
      const std::string problem = target.empty() ? std::string("must not be empty")
                                  : s3           ? check_bucket_name(target)
                                                 : check_absolute_path(target);
      if (!problem.empty()) return config_error(where, problem);
      (s3 ? bucket.bucket : directory.path) = std::move(target);
      has_target = true;
    } else if (key == "keyPrefix") {
      FERRY_CONFIG_TRY(options.key_prefix, read_string(field.value, where));
      const std::string problem = check_key_prefix(options.key_prefix);
      if (!problem.empty()) return config_error(where, problem);
    } else if (key == "compressionLevel") {
      uint64_t level = 0;
      FERRY_CONFIG_TRY(level, read_uint(field.value, where, 1, 19));
      options.compression_level = static_cast<int>(level);
    } else if (s3 && key == "partSizeBytes") {
      FERRY_CONFIG_TRY(bucket.part_size_bytes,
                       read_uint(field.value, where, kMinPartSize, kMaxPartSize));
    } else if (key == "maxObjectBytes") {
      FERRY_CONFIG_TRY(options.max_object_bytes,
                       read_uint(field.value, where, kMiB, s3 ? kMaxS3ObjectBytes : kNoMaximum));
      has_max_object_bytes = true;
    } else if (!s3 && key == "fileMode") {
      std::string text;
      FERRY_CONFIG_TRY(text, read_string(field.value, where));
      Result<unsigned> mode = parse_file_mode(text);
      if (!mode.ok()) return config_error(where, mode.error().message);
      directory.file_mode = mode.value();
    } else if (key == "maxObjectAgeMillis") {
      FERRY_CONFIG_TRY(options.max_object_age_millis,
                       read_uint(field.value, where, kMinObjectAgeMillis, kMaxObjectAgeMillis));
    } else {
      bool handled = false;
      if (s3)
        FERRY_CONFIG_TRY(handled, parse_s3_request_key(key, field.value, where, bucket.request));
      if (!handled) keys.unhandled(key);
    }
  }
  if (s3) {
    if (auto status = check_s3_request(bucket.request, path); !status) return status;
  }

  if (!has_target) return keys.missing(target_key);
  if (s3 && options.max_object_bytes < bucket.part_size_bytes) {
    // An object holds at least one part.
    if (has_max_object_bytes) {
      return config_error(key_path(path, "maxObjectBytes"),
                          cat("must be at least partSizeBytes (", bucket.part_size_bytes, "), got ",
                              options.max_object_bytes));
    }
    return config_error(key_path(path, "partSizeBytes"),
                        cat("must not exceed maxObjectBytes (", options.max_object_bytes,
                            ", the default), got ", bucket.part_size_bytes));
  }
  if (s3 && options.max_object_bytes > kMaxPartsPerObject * bucket.part_size_bytes) {
    return config_error(
        key_path(path, "maxObjectBytes"),
        cat("must be at most ", kMaxPartsPerObject, " parts of partSizeBytes (",
            kMaxPartsPerObject * bucket.part_size_bytes, "), got ", options.max_object_bytes));
  }
  flow.object = std::move(options);
  if (s3) {
    flow.destination = std::move(bucket);
  } else {
    flow.destination = std::move(directory);
  }
  return Ok{};
}

}  // namespace ferry::config
