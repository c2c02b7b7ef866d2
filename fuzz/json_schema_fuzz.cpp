// libFuzzer target for `ferry athena-ddl`'s parsers of outside bytes: schema inference over
// records (JsonSchemaBuilder) and partition planning over a keyPrefix. Never crashes, and the
// statement is well formed: plain unique column names, balanced type brackets, every partition
// in the location template, at most one column per top-level member; and a schema merged from
// two halves of the records (add_schema) has the columns of all the records added in turn.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agent/config/config_rules.hpp"
#include "core/assert.hpp"
#include "core/athena/athena_ddl.hpp"
#include "core/athena/athena_partitions.hpp"
#include "core/json/json_schema.hpp"

namespace {

bool plain(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

void check_brackets(std::string_view type) {
  int depth = 0;
  for (char c : type) {
    depth += c == '<' ? 1 : c == '>' ? -1 : 0;
    FERRY_ASSERT(depth >= 0);
  }
  FERRY_ASSERT(depth == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first line is a keyPrefix, every other line a record.
  const size_t first_newline = input.find('\n');
  const std::string_view prefix = input.substr(0, first_newline);
  ferry::JsonSchemaBuilder schema, first, second;
  if (first_newline != std::string_view::npos) {
    const std::string_view records = input.substr(first_newline + 1);
    std::string_view rest = records;
    while (!rest.empty()) {
      const size_t end = rest.find('\n');
      const std::string_view line = rest.substr(0, end);
      (void)schema.add_record(line);
      const bool in_first = static_cast<size_t>(line.data() - records.data()) < records.size() / 2;
      (void)(in_first ? first : second).add_record(line);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    }
  }
  first.add_schema(second.schema());
  const ferry::AthenaColumns columns = ferry::athena_columns(schema.schema());
  if (!schema.truncated() && !first.truncated() && !second.truncated()) {
    const ferry::AthenaColumns merged = ferry::athena_columns(first.schema());
    FERRY_ASSERT(merged.columns.size() == columns.columns.size());
    for (size_t i = 0; i < columns.columns.size(); ++i) {
      FERRY_ASSERT(merged.columns[i].name == columns.columns[i].name);
      FERRY_ASSERT(merged.columns[i].type == columns.columns[i].type);
    }
    FERRY_ASSERT(merged.mappings == columns.mappings);
  }
  std::set<std::string> names;
  for (const ferry::AthenaColumn& column : columns.columns) {
    FERRY_ASSERT(plain(column.name));
    FERRY_ASSERT(names.insert(column.name).second);
    check_brackets(column.type);
  }
  FERRY_ASSERT(columns.columns.size() <= schema.schema().fields.size());

  if (!ferry::config::check_key_prefix(prefix).empty()) return 0;
  std::vector<std::string> taken(names.begin(), names.end());
  auto layout = ferry::plan_athena_layout("s3://bucket/", prefix, "flow", taken, 86400 * 365);
  if (!layout) return 0;
  FERRY_ASSERT(layout->location.starts_with("s3://bucket/") && layout->location.ends_with("/"));
  for (const ferry::AthenaPartition& partition : layout->partitions) {
    FERRY_ASSERT(plain(partition.name));
    FERRY_ASSERT(names.insert(partition.name).second);
    FERRY_ASSERT(layout->location_template.find("${" + partition.name + "}") != std::string::npos);
  }
  const std::string ddl = ferry::create_table_ddl("t", columns, *layout);
  FERRY_ASSERT(ddl.starts_with("CREATE EXTERNAL TABLE IF NOT EXISTS `t` (\n") &&
               ddl.ends_with(";\n"));
  return 0;
}
