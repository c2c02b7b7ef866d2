// `ferry athena-ddl`: samples the flow's records (its files from the start, or --sample files),
// passes them through the flow's converters and redaction rules as the workers would (and so the
// documented Wickr messages when merged in), infers the columns and prints the statement.
// Bounded: at most kMaxSampleRecords records and kMaxSampleBytes read.
#include "agent/commands/athena_ddl_command.hpp"

#include <glob.h>

#include <fstream>
#include <memory>

#include "agent/commands/command_config.hpp"
#include "agent/commands/redact_command.hpp"
#include "core/athena/athena_ddl.hpp"
#include "core/redact/invalid_record_marker.hpp"
#include "core/json/json_schema.hpp"
#include "core/json/json_schema_wickr.hpp"
#include "core/tail/line_framer.hpp"
#include "core/redact/record_processor.hpp"
#include "core/text.hpp"
#include "io/steady_clock.hpp"

namespace ferry {
namespace {

constexpr uint64_t kMaxSampleRecords = 10000;
constexpr uint64_t kMaxSampleBytes = 64ull << 20;

constexpr int kExitPrinted = 0;
constexpr int kExitNoSample = 1;
constexpr int kExitUsage = 2;

bool plain_name(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::optional<std::time_t> parse_date(std::string_view text) {
  std::tm date{};
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const std::string s(text);
  if (s.find_first_not_of("0123456789-") != std::string::npos) return std::nullopt;
  date.tm_year = std::stoi(s.substr(0, 4)) - 1900;
  date.tm_mon = std::stoi(s.substr(5, 2)) - 1;
  date.tm_mday = std::stoi(s.substr(8, 2));
  if (date.tm_mon < 0 || date.tm_mon > 11 || date.tm_mday < 1 || date.tm_mday > 31) {
    return std::nullopt;
  }
  return timegm(&date);
}

std::vector<std::string> matching_files(const std::string& pattern) {
  glob_t found{};
  std::vector<std::string> files;
  if (::glob(pattern.c_str(), GLOB_ERR | GLOB_BRACE, nullptr, &found) == 0) {
    for (size_t i = 0; i < found.gl_pathc; ++i) files.emplace_back(found.gl_pathv[i]);
  }
  globfree(&found);
  return files;  // sorted by glob
}

// Feeds records, as the flow would ship them (its converters, then its rules, as the workers
// do), into a schema.
class Sampler {
 public:
  Sampler(const config::Flow& flow, JsonSchemaBuilder& schema)
      : flow_(flow), processor_(flow.data_processing, flow.redact), schema_(schema) {}

  bool full() const { return records_ >= kMaxSampleRecords || bytes_ >= kMaxSampleBytes; }
  uint64_t records() const { return records_; }

  // Reads `path` from its start until the sample is full; false if it cannot be opened.
  bool read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    LineFramer framer(0, flow_.max_record_bytes);
    std::string chunk(1 << 16, '\0');
    while (in && !full()) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      const auto got = static_cast<size_t>(in.gcount());
      if (got == 0) break;
      bytes_ += got;
      framer.feed(std::string_view(chunk.data(), got),
                  [&](std::string_view record, uint64_t offset, uint64_t end) {
                    add(path, record, offset, end == offset + record.size());
                  });
    }
    ++files_;
    return true;
  }

  // Adds the records of `lines` (each ending in '\n'), a document of ferry's own.
  void add_lines(std::string_view origin, std::string_view lines) {
    size_t start = 0;
    for (size_t end; (end = lines.find('\n', start)) != std::string_view::npos; start = end + 1) {
      add(origin, lines.substr(start, end - start), start, false);
    }
    FERRY_ASSERT(start == lines.size());
  }

  std::string summary() const {
    return cat(records_, " record(s) sampled from ", files_, " file(s)",
               skipped_ ? cat(", ", skipped_, " line(s) skipped (not JSON objects, or too long)")
                        : std::string());
  }

 private:
  void add(std::string_view path, std::string_view record, uint64_t offset, bool piece) {
    if (full() || (record.empty() && !piece)) return;
    if (piece) {  // it ships as the invalid-record marker, whose columns are added anyway
      ++skipped_;
      return;
    }
    out_.clear();
    const RecordOutcome outcome =
        processor_.process(record, false, RecordOrigin{path, offset}, unix_millis(), out_);
    // A dropped record ships nothing; an invalid one ships the marker.
    if (outcome == RecordOutcome::dropped || outcome == RecordOutcome::invalid) {
      ++skipped_;
      return;
    }
    FERRY_ASSERT(!out_.empty() && out_.back() == '\n');
    if (schema_.add_record(std::string_view(out_).substr(0, out_.size() - 1))) {
      ++records_;
    } else {
      ++skipped_;
    }
  }

  const config::Flow& flow_;
  RecordProcessor processor_;
  JsonSchemaBuilder& schema_;
  std::string out_;
  uint64_t records_ = 0, skipped_ = 0, bytes_ = 0, files_ = 0;
};

// What the flow's rules put into records that the sample may not show.
void add_rule_fields(const config::Flow& flow, JsonSchemaBuilder& schema) {
  for (const RedactionRule& rule : flow.redact) {
    if (rule.mode != RedactMode::remove && rule.patterns.empty()) {
      for (const std::string& text : rule.fields) {
        if (auto path = parse_field_path(text)) schema.force_text(*path);
      }
    }
    if (!rule.flag_field.empty())
      schema.add_top_level_field(rule.flag_field, JsonType::Kind::boolean);
    if (!rule.redacted_at_field.empty()) {
      schema.add_top_level_field(rule.redacted_at_field, JsonType::Kind::text);
    }
  }
  // A flow with rules ships the invalid-record marker for a record it cannot vouch for (every
  // rule kind: a piece of an over-long line is one even where other lines ship as text).
  if (flow.redact.empty()) return;
  using Kind = JsonType::Kind;
  for (auto [name, kind] : {std::pair{kMarkerFlag, Kind::boolean},
                            {kMarkerFile, Kind::text},
                            {kMarkerOffset, Kind::bigint},
                            {kMarkerLength, Kind::bigint}}) {
    schema.add_top_level_field(name, kind);
  }
  // Objects shipped before the prefix hold markers with the old names: declared too, where the
  // records do not use those names (a Wickr message's `file` is a struct).
  for (auto [name, kind] : {std::pair{kLegacyMarkerFile, Kind::text},
                            {kLegacyMarkerOffset, Kind::bigint},
                            {kLegacyMarkerLength, Kind::bigint}}) {
    if (find_json_field(schema.schema(), name) == nullptr) schema.add_top_level_field(name, kind);
  }
}

// Whether the documented Wickr message shape is merged into the sampled one.
bool merges_wickr_schema(AthenaDdlOptions::Schema choice, const JsonType& sampled) {
  switch (choice) {
    case AthenaDdlOptions::Schema::wickr: return true;
    case AthenaDdlOptions::Schema::sample: return false;
    case AthenaDdlOptions::Schema::detect: return is_wickr_message_schema(sampled);
  }
  return false;
}

}  // namespace

Result<AthenaDdlOptions> parse_athena_ddl_args(const std::vector<std::string>& args) {
  AthenaDdlOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (i + 1 >= args.size()) return make_error(cat("unknown argument ", arg, " (see --help)"));
    const std::string& value = args[++i];
    if (arg == "--config" || arg == "-c") {
      options.config_path = value;
    } else if (arg == "--flow") {
      options.flow = value;
    } else if (arg == "--sample") {
      options.samples.push_back(value);
    } else if (arg == "--schema") {
      if (value == "wickr") {
        options.schema = AthenaDdlOptions::Schema::wickr;
      } else if (value == "sample") {
        options.schema = AthenaDdlOptions::Schema::sample;
      } else {
        return make_error(cat("--schema is wickr or sample, got ", value));
      }
    } else if (arg == "--table") {
      if (!plain_name(value)) {
        return make_error(cat("--table must be lowercase letters, digits and _, got ", value));
      }
      options.table = value;
    } else if (arg == "--location") {
      if (!value.starts_with("s3://") || value.size() <= 5 || value[5] == '/') {
        return make_error(cat("--location must be s3://BUCKET/PREFIX/, got ", value));
      }
      options.location = value.ends_with("/") ? value : value + "/";
    } else if (arg == "--since") {
      options.since = parse_date(value);
      if (!options.since) return make_error(cat("--since must be YYYY-MM-DD, got ", value));
    } else {
      return make_error(cat("unknown argument ", arg, " (see --help)"));
    }
  }
  if (options.flow.empty()) return make_error("needs --flow NAME|INDEX");
  return options;
}

Result<std::string> build_athena_ddl(const config::Flow& flow, const AthenaDdlOptions& options,
                                     std::vector<std::string>& notes) {
  std::string root = options.location;
  if (root.empty()) {
    const auto* s3 = std::get_if<config::S3Destination>(&flow.destination);
    if (s3 == nullptr) {
      return make_error(cat("flow ", flow.name, " ships to a directory, which has no S3 location: ",
                            "pass --location s3://BUCKET/PREFIX/ where its objects are copied"));
    }
    root = cat("s3://", s3->bucket, "/");
  }

  JsonSchemaBuilder sampled;
  Sampler sampler(flow, sampled);
  const std::vector<std::string> files =
      options.samples.empty() ? matching_files(flow.file_pattern) : options.samples;
  for (const std::string& file : files) {
    if (sampler.full()) break;
    if (!sampler.read_file(file)) return make_error(cat("cannot read ", file));
  }
  notes.push_back(sampler.summary());

  // The files hold what the bot has not deleted yet: a member none of them has would be
  // missing. The documented shape, shipped through the same rules, fills it in.
  JsonSchemaBuilder merged;
  JsonSchemaBuilder* schema = &sampled;
  if (merges_wickr_schema(options.schema, sampled.schema())) {
    Sampler documented(flow, merged);
    documented.add_lines("<documented Wickr messages>", kWickrMessageRecords);
    merged.add_schema(sampled.schema());
    schema = &merged;
    notes.push_back(cat(options.schema == AthenaDdlOptions::Schema::wickr
                            ? "--schema wickr"
                            : "the records are Wickr messages (--schema sample: not)",
                        ": the documented Wickr message shape is merged in, ", documented.records(),
                        " record(s) as the flow's rules ship them"));
  }
  if (schema->schema().fields.empty()) {
    return make_error(cat("no record to infer the columns from (", flow.file_pattern, " matched ",
                          files.size(), " file(s)): pass --sample FILE or --schema wickr"));
  }
  add_rule_fields(flow, *schema);
  if (schema->truncated() || sampled.truncated())
    notes.push_back("the schema reached its size limit: later members were left out");

  const AthenaColumns columns = athena_columns(schema->schema());
  std::vector<std::string> taken;
  for (const AthenaColumn& column : columns.columns) taken.push_back(column.name);
  auto layout = plan_athena_layout(root, flow.object.key_prefix, flow.name, taken, options.since);
  if (!layout) return layout.error();
  if (!layout->unpartitioned_reason.empty()) {
    notes.push_back(cat(layout->unpartitioned_reason, "; the table is not partitioned"));
  }
  if (layout->location == root) {
    notes.push_back(cat("the objects are not under a folder of their own: the table reads every ",
                        "object under ", root));
  }
  const std::string table = options.table.empty() ? athena_name(flow.name) : options.table;
  return create_table_ddl(table, columns, *layout);
}

int run_athena_ddl_command(const std::vector<std::string>& args, std::ostream& out,
                           std::ostream& err) {
  auto options = parse_athena_ddl_args(args);
  if (!options) {
    err << "ferry: athena-ddl: " << options.error().message << "\n";
    return kExitUsage;
  }
  auto parsed = load_command_config(options->config_path, err);
  if (!parsed) return kExitUsage;
  const config::Config& config = parsed->config;
  const auto index = find_flow(config, options->flow);
  if (!index) {
    err << "ferry: athena-ddl: no flow named or numbered " << options->flow << "\n";
    return kExitUsage;
  }
  const config::Flow& flow = config.flows[*index];
  if (options->location.empty() &&
      !std::holds_alternative<config::S3Destination>(flow.destination)) {
    err << "ferry: athena-ddl: flow " << flow.name << " does not ship to S3 itself (a directory "
        << "or a stream): pass --location s3://BUCKET/PREFIX/ where its objects end up\n";
    return kExitUsage;
  }
  std::vector<std::string> notes;
  auto ddl = build_athena_ddl(flow, *options, notes);
  for (const std::string& note : notes) err << "ferry athena-ddl: " << note << "\n";
  if (!ddl) {
    err << "ferry: athena-ddl: " << ddl.error().message << "\n";
    return kExitNoSample;
  }
  out << *ddl;
  out.flush();
  return out ? kExitPrinted : kExitNoSample;
}

}  // namespace ferry
