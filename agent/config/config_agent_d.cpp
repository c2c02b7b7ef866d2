// agent.d/*.json flows (see config_agent_d.hpp).
#include "agent/config/config_agent_d.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "agent/config/config_document.hpp"
#include "agent/config/config_flow_identity.hpp"
#include "core/text.hpp"

namespace ferry::config {
namespace {

namespace fs = std::filesystem;

// Every regular file of `directory` (symbolic links followed), sorted by name: the Kinesis Agent
// reads them all, whatever their names.
Result<std::vector<std::string>> regular_files(const std::string& directory) {
  std::error_code error;
  if (!fs::is_directory(directory, error)) return std::vector<std::string>{};
  std::vector<std::string> files;
  fs::directory_iterator it(directory, error);
  for (; !error && it != fs::directory_iterator(); it.increment(error)) {
    const fs::path& path = it->path();
    std::error_code type_error;
    if (fs::is_regular_file(path, type_error)) files.push_back(path.string());
  }
  if (error) return config_error(directory, cat("cannot list: ", error.message()));
  std::sort(files.begin(), files.end());
  return files;
}

// "config: <path>: <problem>" as "config: <file>: <path>: <problem>".
std::string in_file(std::string_view message, std::string_view file) {
  constexpr std::string_view kPrefix = "config: ";
  if (!message.starts_with(kPrefix)) return cat("config: ", file, ": ", message);
  return cat(kPrefix, file, ": ", message.substr(kPrefix.size()));
}

// Where flow `index` of a file is, for messages: "<file>: flows[N]".
struct FlowOrigin {
  std::string file;
  std::size_t index = 0;
};

Status check_unique_flows(const std::vector<Flow>& flows, const std::vector<FlowOrigin>& origins) {
  const std::optional<FlowClash> clash = find_flow_clash(flows);
  if (!clash) return Ok{};
  const FlowOrigin& later = origins[clash->later];
  const FlowOrigin& earlier = origins[clash->earlier];
  const std::string where = index_path("flows", later.index);
  const std::string earlier_where = cat(earlier.file, ": ", index_path("flows", earlier.index));
  return make_error(in_file(config_error(clash->same_name ? key_path(where, "name") : where,
                                         describe_clash(flows, *clash, earlier_where))
                                .message,
                            later.file));
}

// The flows of one agent.d file; `numbered_before` flows come before it (unnamed flows are
// numbered across every file, as if all flows were in one list). Warnings go to `context`
// only if the whole file is taken.
Result<std::vector<Flow>> file_flows(const std::string& file, const std::string& directory,
                                     std::size_t numbered_before, ParseContext& context) {
  Result<std::string> text = read_config_file(file);
  if (!text.ok()) return text.error();
  ConfigDocument document;
  const Status parsed = parse_config_document(text.value(), file, document);
  if (!parsed.ok())
    return make_error(parsed.error().message.starts_with(cat("config: ", file))
                          ? parsed.error().message
                          : in_file(parsed.error().message, file));
  ParseContext local{directory, {}, {}};
  const auto fail = [&file](const Error& error) {
    return make_error(in_file(error.message, file));
  };
  bool has_flows = false;
  std::vector<Flow> flows;
  for (simdjson::dom::key_value_pair field : document.root) {
    const std::string_view key = field.key;
    if (key != "flows") {
      local.warnings.push_back(
          cat("config: ", key_path("", key),
              ": only \"flows\" is read from agent.d files (as the Kinesis Agent); ignored"));
      continue;
    }
    has_flows = true;
    array items;
    const Result<array> read = read_array(field.value, "flows");
    if (!read.ok()) return fail(read.error());
    items = read.value();
    std::size_t index = 0;
    for (element item : items) {
      Result<Flow> flow = parse_flow(item, index++, local);
      if (!flow.ok()) return fail(flow.error());
      object fields;
      if (item.get_object().get(fields) == simdjson::SUCCESS &&
          fields["name"].error() == simdjson::NO_SUCH_FIELD)
        flow.value().name = cat("flow", numbered_before + flows.size() + 1);
      flows.push_back(std::move(flow.value()));
    }
  }
  if (!has_flows) return fail(config_error("flows", "required key missing"));
  for (const std::string& warning : local.warnings)
    context.warnings.push_back(in_file(warning, file));
  for (const std::string& note : local.notes) context.notes.push_back(in_file(note, file));
  return flows;
}

}  // namespace

Status add_agent_d_flows(const std::string& directory, const std::string& main_file,
                         std::vector<Flow>& flows, ParseContext& context) {
  Result<std::vector<std::string>> files = regular_files(directory);
  if (!files.ok()) return files.error();
  if (files.value().empty()) return Ok{};
  std::vector<FlowOrigin> origins;
  for (std::size_t i = 0; i < flows.size(); ++i) origins.push_back(FlowOrigin{main_file, i});
  for (const std::string& file : files.value()) {
    Result<std::vector<Flow>> added = file_flows(file, directory, flows.size(), context);
    if (!added.ok()) {
      // As the Kinesis Agent: the other files' flows run; this one's do not until it is fixed.
      context.warnings.push_back(cat(added.error().message,
                                     " (the file is skipped: its flows do not run, as the "
                                     "Kinesis Agent skips it too)"));
      continue;
    }
    for (std::size_t i = 0; i < added.value().size(); ++i) {
      flows.push_back(std::move(added.value()[i]));
      origins.push_back(FlowOrigin{file, i});
    }
  }
  return check_unique_flows(flows, origins);
}

}  // namespace ferry::config
