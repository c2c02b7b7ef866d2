// Parses one element of "flows" (see config_sections.hpp): the flow's own keys, the Kinesis
// Agent keys that would change data if ignored, and the choice of exactly one destination.
#include <array>

#include "agent/config_keys.hpp"
#include "agent/config_rules.hpp"
#include "agent/config_sections.hpp"
#include "core/text.hpp"

namespace ferry::config {
namespace {

constexpr std::array<std::string_view, 2> kInitialPositions = {"START_OF_FILE", "END_OF_FILE"};

constexpr uint64_t kMaxRecordBytes = 64ull << 20;

}  // namespace

Result<Flow> parse_flow(element value, std::size_t index, ParseContext& context) {
  const std::string path = index_path("flows", index);
  object fields;
  FERRY_CONFIG_TRY(fields, read_object(value, path));

  Flow flow;
  flow.name = cat("flow", index + 1);
  KeyChecker keys(kFlowKeys, path, context.warnings);
  bool has_file_pattern = false;
  std::string_view destination;  // "s3" or "directory" once seen
  std::string_view stream;       // "deliveryStream" or "kinesisStream" once seen
  for (simdjson::dom::key_value_pair field : fields) {
    const std::string_view key = field.key;
    const std::string where = key_path(path, key);
    if (key == "name") {
      FERRY_CONFIG_TRY(flow.name, read_string(field.value, where));
      const std::string problem = check_flow_name(flow.name);
      if (!problem.empty()) return config_error(where, problem);
    } else if (key == "filePattern") {
      std::string pattern;
      FERRY_CONFIG_TRY(pattern, read_string(field.value, where));
      flow.file_pattern = resolve_path(pattern, context.base_directory);
      const std::string problem = check_file_pattern(flow.file_pattern);
      if (!problem.empty()) return config_error(where, problem);
      has_file_pattern = true;
    } else if (key == "initialPosition") {
      std::size_t choice = 0;
      FERRY_CONFIG_TRY(choice, read_choice(field.value, where, kInitialPositions));
      flow.initial_position =
          choice == 0 ? InitialPosition::start_of_file : InitialPosition::end_of_file;
    } else if (key == "maxBufferAgeMillis") {
      FERRY_CONFIG_TRY(flow.max_buffer_age_millis, read_uint(field.value, where, 1000, 900000));
    } else if (key == "maxRecordBytes") {
      FERRY_CONFIG_TRY(flow.max_record_bytes, read_uint(field.value, where, 1, kMaxRecordBytes));
    } else if (key == "s3" || key == "directory") {
      if (!destination.empty()) {
        return config_error(path, cat("a flow has exactly one destination, found both \"",
                                      destination, "\" and \"", key, "\"; remove one"));
      }
      destination = key == "s3" ? "s3" : "directory";
      const Status parsed = parse_destination(field.value, where, key == "s3", flow, context);
      if (!parsed.ok()) return parsed.error();
    } else if (key == "redact") {
      FERRY_CONFIG_TRY(flow.redact, parse_redact_rules(field.value, where, context));
    } else if (key == "deliveryStream" || key == "kinesisStream") {
      // The Kinesis Agent prefers Firehose when both are given.
      if (stream.empty() || key == "deliveryStream") {
        stream = key == "deliveryStream" ? "deliveryStream" : "kinesisStream";
      }
    } else if (key == "skipHeaderLines") {
      uint64_t lines = 0;
      FERRY_CONFIG_TRY(lines, read_uint(field.value, where, 0, kNoMaximum));
      if (lines > 0) {
        return config_error(where,
                            "not supported yet: ferry would ship the header lines this asks to "
                            "skip; remove the key or set it to 0");
      }
      keys.ignored(key);
    } else if (key == "multiLineStartPattern") {
      std::string_view pattern;
      const bool unset =
          field.value.is_null() ||
          (field.value.get_string().get(pattern) == simdjson::SUCCESS && pattern.empty());
      if (!unset) {
        return config_error(where,
                            "not supported yet: ferry would ship every line as its own record "
                            "instead of joining multi-line records; remove the key");
      }
      keys.ignored(key);
    } else if (key == "dataProcessingOptions") {
      array options;
      FERRY_CONFIG_TRY(options, read_array(field.value, where));
      if (options.size() > 0) {
        return config_error(where,
                            "not supported yet: ferry would ship records unprocessed; remove the "
                            "key or make it an empty list");
      }
      keys.ignored(key);
    } else {
      keys.unhandled(key);
    }
  }

  if (!has_file_pattern) return keys.missing("filePattern");
  if (destination.empty()) {
    if (!stream.empty()) {
      return config_error(path, cat(stream,
                                    " destinations are not supported yet; add an \"s3\" or "
                                    "\"directory\" block"));
    }
    return config_error(path, "no destination; add an \"s3\" or \"directory\" block");
  }
  if (!stream.empty()) {
    context.warnings.push_back(cat("config: ", key_path(path, stream),
                                   ": not supported yet; ignored, this flow ships to \"",
                                   destination, "\""));
  }
  return flow;
}

}  // namespace ferry::config
