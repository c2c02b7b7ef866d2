// Parses one element of "flows" (see config_sections.hpp): the flow's own keys, the Kinesis
// Agent keys that would change data if ignored, and the choice of exactly one destination.
#include <array>

#include "agent/config/config_flow_identity.hpp"
#include "agent/config/config_keys.hpp"
#include "agent/config/config_processing.hpp"
#include "agent/config/config_record_limits.hpp"
#include "agent/config/config_rules.hpp"
#include "agent/config/config_sections.hpp"
#include "agent/config/config_streams.hpp"
#include "core/tail/line_patterns.hpp"
#include "core/text.hpp"

namespace ferry::config {
namespace {

constexpr std::array<std::string_view, 2> kInitialPositions = {"START_OF_FILE", "END_OF_FILE"};

constexpr uint64_t kMaxRecordBytes = 64ull << 20;

// multiLineStartPattern and fileFooterPattern are Java regexes, run by PCRE2
// (core/tail/line_patterns.hpp).
std::string check_line_pattern(const std::string& pattern) {
  if (pattern.empty()) return {};  // off
  auto compiled = compile_line_pattern(pattern);
  if (compiled) return {};
  return cat(compiled.error().message, ", got ", quote_value(pattern));
}

}  // namespace

Result<Flow> parse_flow(element value, std::size_t index, ParseContext& context) {
  const std::string path = index_path("flows", index);
  object fields;
  FERRY_CONFIG_TRY(fields, read_object(value, path));

  Flow flow;
  flow.name = cat("flow", index + 1);
  KeyChecker keys(kFlowKeys, path, context.warnings, context.notes);
  bool has_file_pattern = false;
  bool named = false;
  std::string_view destination;  // "s3" or "directory" once seen
  FlowStreamKeys stream_keys;    // deliveryStream / kinesisStream and what tunes them
  RecordLimitKeys limit_keys;    // where maxRecordBytes and truncatedRecordTerminator were seen
  for (simdjson::dom::key_value_pair field : fields) {
    const std::string_view key = field.key;
    const std::string where = key_path(path, key);
    if (key == "name") {
      FERRY_CONFIG_TRY(flow.name, read_string(field.value, where));
      const std::string problem = check_flow_name(flow.name);
      if (!problem.empty()) return config_error(where, problem);
      named = true;
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
      limit_keys.record_bytes_where = where;
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
    } else if (FlowStreamKeys::is_stream_key(key)) {
      const Status parsed = stream_keys.parse(key, field.value, where, context.warnings);
      if (!parsed.ok()) return parsed.error();
    } else if (key == "skipHeaderLines") {
      FERRY_CONFIG_TRY(flow.skip_header_lines, read_uint(field.value, where, 0, 1000000));
    } else if (key == "truncatedRecordTerminator") {
      std::string terminator;
      FERRY_CONFIG_TRY(terminator, read_string(field.value, where));
      flow.truncated_record_terminator = std::move(terminator);
      limit_keys.terminator_where = where;
    } else if (key == "minTimeBetweenFilePollsMillis") {
      FERRY_CONFIG_TRY(flow.file_poll_millis,
                       read_uint_clamped(field.value, where, 100, 3600000,
                                         "inotify reports changes at once; this is the "
                                         "safety-net rescan",
                                         context.warnings));
    } else if (key == "statPollMillis") {
      FERRY_CONFIG_TRY(flow.stat_poll_millis, read_uint(field.value, where, 0, 3600000));
      if (flow.stat_poll_millis > 0 && flow.stat_poll_millis < 100) {
        return config_error(
            where, cat("must be 0 (off) or between 100 and 3600000, got ", flow.stat_poll_millis));
      }
    } else if (key == "followSymlinks") {
      FERRY_CONFIG_TRY(flow.follow_symlinks, read_bool(field.value, where));
    } else if (key == "maxOpenFiles") {
      FERRY_CONFIG_TRY(flow.max_open_files, read_uint(field.value, where, 16, 1000000));
    } else if (key == "multiLineStartPattern") {
      if (!field.value.is_null()) {
        FERRY_CONFIG_TRY(flow.multi_line_start_pattern, read_string(field.value, where));
        const std::string problem = check_line_pattern(flow.multi_line_start_pattern);
        if (!problem.empty()) return config_error(where, problem);
      }
    } else if (key == "fileFooterPattern") {
      if (!field.value.is_null()) {
        FERRY_CONFIG_TRY(flow.file_footer_pattern, read_string(field.value, where));
        const std::string problem = check_line_pattern(flow.file_footer_pattern);
        if (!problem.empty()) return config_error(where, problem);
      }
    } else if (key == "dataProcessingOptions") {
      FERRY_CONFIG_TRY(flow.data_processing,
                       parse_data_processing(field.value, where, context.warnings));
    } else {
      const Status checked = keys.unhandled(key, field.value);
      if (!checked.ok()) return checked.error();
    }
  }

  if (!has_file_pattern) return keys.missing("filePattern");
  std::optional<StreamDestination> stream;
  FERRY_CONFIG_TRY(stream, stream_keys.finish(path, destination, context.warnings));
  const Status limits = settle_record_limits(flow, stream, limit_keys, context.warnings);
  if (!limits.ok()) return limits.error();
  if (stream) {
    flow.destination = std::move(*stream);
  } else if (destination.empty()) {
    return config_error(path,
                        "no destination; add an \"s3\" or \"directory\" block, or a "
                        "\"deliveryStream\" or \"kinesisStream\"");
  }
  flow.kinesis_agent_id = stream_keys.kinesis_agent_id(flow.file_pattern);
  flow.checkpoint_key = checkpoint_key_of(flow, named);
  return flow;
}

}  // namespace ferry::config
