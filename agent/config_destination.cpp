// Parses a flow's "s3" or "directory" block (see config_sections.hpp): where objects go and how
// they are named, compressed and closed. Both blocks share the object keys.
#include "agent/config_keys.hpp"
#include "agent/config_rules.hpp"
#include "agent/config_sections.hpp"
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
    } else if (key == "maxObjectAgeMillis") {
      FERRY_CONFIG_TRY(options.max_object_age_millis,
                       read_uint(field.value, where, kMinObjectAgeMillis, kMaxObjectAgeMillis));
    } else {
      keys.unhandled(key);
    }
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
