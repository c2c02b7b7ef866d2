// Unit tests for `ferry athena-ddl`: schema inference and merging, Athena column types and
// names, partition projection from keyPrefix templates, and the statement the command builds.
#include "core/athena/athena_ddl.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "agent/commands/athena_ddl_command.hpp"
#include "core/athena/athena_partitions.hpp"
#include "core/json/json_schema.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

std::string columns_of(const JsonSchemaBuilder& schema) {
  std::string out;
  for (const AthenaColumn& c : athena_columns(schema.schema()).columns) {
    out += c.name + " " + c.type + "\n";
  }
  return out;
}

TEST(JsonSchema, TypesAreMergedAcrossRecords) {
  JsonSchemaBuilder schema;
  EXPECT_TRUE(schema.add_record(R"({"id":1,"score":2,"name":"a","ok":true,"gone":null})"));
  EXPECT_TRUE(schema.add_record(R"({"id":2,"score":2.5,"name":7,"extra":[1,2]})"));
  EXPECT_TRUE(schema.add_record(R"({"gone":null,"ID":3,"big":18446744073709551615})"));
  EXPECT_EQ(schema.records(), 3u);
  EXPECT_EQ(columns_of(schema),
            "id bigint\n"
            "score double\n"  // bigint and double give double
            "name string\n"   // string and number conflict: string
            "ok boolean\n"
            "gone string\n"  // only nulls seen
            "extra array<bigint>\n"
            "big string\n");  // beyond bigint: its digits
}

TEST(JsonSchema, NestedObjectsAndArraysBecomeStructsAndArrays) {
  JsonSchemaBuilder schema;
  EXPECT_TRUE(schema.add_record(
      R"({"file":{"filename":"a.pdf","size":3},"links":[{"url":"u"}],"tags":[],"e":{}})"));
  EXPECT_TRUE(schema.add_record(R"({"file":{"guid":"G"},"links":[{"url":"v","n":1}]})"));
  EXPECT_EQ(columns_of(schema),
            "file struct<`filename`:string,`size`:bigint,`guid`:string>\n"
            "links array<struct<`url`:string,`n`:bigint>>\n"
            "tags array<string>\n"
            "e string\n");
}

TEST(JsonSchema, OnlyJsonObjectsAreRecords) {
  JsonSchemaBuilder schema;
  EXPECT_FALSE(schema.add_record("[1,2]"));
  EXPECT_FALSE(schema.add_record("not json"));
  EXPECT_FALSE(schema.add_record(R"({"a":1)"));
  EXPECT_FALSE(schema.add_record("\"text\""));
  EXPECT_EQ(schema.records(), 0u);
  EXPECT_TRUE(schema.schema().fields.empty());
}

TEST(JsonSchema, DepthAndSizeAreBounded) {
  JsonSchemaBuilder schema;
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "{\"a\":";
  deep += "1" + std::string(100, '}');
  EXPECT_TRUE(schema.add_record(deep));
  size_t depth = 0;
  for (const JsonType* t = &schema.schema(); t->kind == JsonType::Kind::object; ++depth) {
    t = &t->fields.at(0).type;
  }
  EXPECT_EQ(depth, JsonSchemaBuilder::kMaxDepth);

  std::string wide = "{";
  for (size_t i = 0; i < JsonSchemaBuilder::kMaxTypes + 10; ++i) {
    wide += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
  }
  JsonSchemaBuilder wide_schema;
  EXPECT_TRUE(wide_schema.add_record(wide + "}"));
  EXPECT_TRUE(wide_schema.truncated());
  EXPECT_EQ(wide_schema.schema().fields.size(), JsonSchemaBuilder::kMaxTypes - 1);
}

TEST(JsonSchema, RedactedPathsAreForcedToStrings) {
  JsonSchemaBuilder schema;
  EXPECT_TRUE(schema.add_record(R"({"ssn":123,"file":{"size":1},"r":[{"email":{"a":1}}]})"));
  schema.force_text(*parse_field_path("ssn"));
  schema.force_text(*parse_field_path("file.size"));
  schema.force_text(*parse_field_path("r[*].email"));
  schema.force_text(*parse_field_path("absent.inner"));
  schema.add_top_level_field("data_redacted", JsonType::Kind::boolean);
  EXPECT_EQ(columns_of(schema),
            "ssn string\n"
            "file struct<`size`:string>\n"
            "r array<struct<`email`:string>>\n"
            "absent struct<`inner`:string>\n"
            "data_redacted boolean\n");
}

TEST(JsonSchema, MergingASchemaEqualsAddingItsRecords) {
  const std::vector<std::string> records = {
      R"({"id":1,"o":{"a":1},"l":[],"x":null,"Name":"n"})",
      R"({"id":2.5,"o":{"b":"s"},"l":[{"k":1}],"t":true})",
      R"({"id":"3","o":5,"l":[{"k":2.5,"j":[1]}],"x":{"deep":[null]},"name":1})",
      R"({"o":{"c":[true]},"l":[],"x":{"deep":[{"z":1}]},"t":false,"new":[[1],[2]]})"};
  for (size_t split = 0; split <= records.size(); ++split) {
    JsonSchemaBuilder all, first, second;
    for (size_t i = 0; i < records.size(); ++i) {
      EXPECT_TRUE(all.add_record(records[i]));
      EXPECT_TRUE((i < split ? first : second).add_record(records[i]));
    }
    first.add_schema(second.schema());
    EXPECT_EQ(columns_of(first), columns_of(all)) << "split at " << split;
  }
  JsonSchemaBuilder all;
  for (const std::string& record : records) all.add_record(record);
  EXPECT_EQ(columns_of(all),
            "id string\n"
            "o string\n"  // an object, then a number
            "l array<struct<`k`:double,`j`:array<bigint>>>\n"
            "x struct<`deep`:array<struct<`z`:bigint>>>\n"
            "name string\n"
            "t boolean\n"
            "new array<array<bigint>>\n");
}

TEST(AthenaColumns, KeysThatAreNotAthenaNamesGetMappings) {
  JsonSchemaBuilder schema;
  EXPECT_TRUE(schema.add_record(
      R"({"first-name":"a","first_name":"b","Message":"m","o":{"x.y":1},"":1,"q'x":2})"));
  const AthenaColumns columns = athena_columns(schema.schema());
  std::string names;
  for (const AthenaColumn& c : columns.columns) names += c.name + ":" + c.type + " ";
  EXPECT_EQ(names, "first_name:string first_name_2:string message:string o:struct<`x_y`:bigint> ");
  ASSERT_EQ(columns.mappings.size(), 3u);
  EXPECT_EQ(columns.mappings[0], (std::pair<std::string, std::string>{"first_name", "first-name"}));
  EXPECT_EQ(columns.mappings[1],
            (std::pair<std::string, std::string>{"first_name_2", "first_name"}));
  EXPECT_EQ(columns.mappings[2], (std::pair<std::string, std::string>{"x_y", "x.y"}));
}

AthenaLayout plan(std::string_view prefix, std::vector<std::string> taken = {},
                  std::optional<std::time_t> since = std::nullopt) {
  auto layout = plan_athena_layout("s3://retention/", prefix, "wickr", taken, since);
  EXPECT_TRUE(layout.ok()) << layout.error().message;
  return *layout;
}

TEST(AthenaPartitions, HiveStyleFoldersBecomeDateAndIntegerPartitions) {
  const AthenaLayout layout = plan("wickr/dt=%Y-%m-%d/hour=%H/");
  EXPECT_EQ(layout.location, "s3://retention/wickr/");
  EXPECT_EQ(layout.location_template, "s3://retention/wickr/dt=${dt}/hour=${hour}/");
  ASSERT_EQ(layout.partitions.size(), 2u);
  EXPECT_EQ(layout.partitions[0].name, "dt");
  EXPECT_EQ(layout.partitions[0].kind, AthenaPartition::Kind::date);
  EXPECT_EQ(layout.partitions[0].format, "yyyy-MM-dd");
  EXPECT_EQ(layout.partitions[0].unit, "DAYS");
  EXPECT_EQ(layout.partitions[0].range, "NOW-3YEARS,NOW");
  EXPECT_EQ(layout.partitions[1].name, "hour");
  EXPECT_EQ(layout.partitions[1].kind, AthenaPartition::Kind::integer);
  EXPECT_EQ(layout.partitions[1].range, "0,23");
  EXPECT_EQ(layout.partitions[1].digits, 2);
}

TEST(AthenaPartitions, UnnamedDateFoldersAreOneDatePartition) {
  const AthenaLayout layout = plan("{flow}/%Y/%m/%d/%H/{host}/x-", {}, 1714521600);  // 2024-05-01
  EXPECT_EQ(layout.location, "s3://retention/wickr/");
  EXPECT_EQ(layout.location_template, "s3://retention/wickr/${dt}/${host}/");
  ASSERT_EQ(layout.partitions.size(), 2u);
  EXPECT_EQ(layout.partitions[0].format, "yyyy/MM/dd/HH");
  EXPECT_EQ(layout.partitions[0].unit, "HOURS");
  EXPECT_EQ(layout.partitions[0].range, "2024/05/01/00,NOW");
  EXPECT_EQ(layout.partitions[1].name, "host");
  EXPECT_EQ(layout.partitions[1].kind, AthenaPartition::Kind::injected);
}

TEST(AthenaPartitions, LiteralTextIsQuotedAndUnnamedFieldFoldersJoinTheDate) {
  const AthenaLayout layout = plan("logs/day%Y%jT/min-%M/");
  EXPECT_EQ(layout.location_template, "s3://retention/logs/${dt}/");
  ASSERT_EQ(layout.partitions.size(), 1u);
  EXPECT_EQ(layout.partitions[0].format, "'day'yyyyDDD'T'/'min-'mm");
  EXPECT_EQ(layout.partitions[0].unit, "MINUTES");
}

TEST(AthenaDdl, APatternWithQuotedTextIsADoubleQuotedString) {
  const std::string ddl = create_table_ddl("t", {{{"a", "string"}}, {}}, plan("logs/day%Y%jT/"));
  EXPECT_NE(ddl.find("  'projection.dt.format' = \"'day'yyyyDDD'T'\",\n"), std::string::npos)
      << ddl;
  EXPECT_NE(ddl.find("  'storage.location.template' = 's3://retention/logs/${dt}/'\n"),
            std::string::npos);
}

TEST(AthenaPartitions, NamesAvoidDataColumns) {
  const AthenaLayout layout = plan("logs/dt=%Y%j/min-%M/", {"dt", "minute"});
  EXPECT_EQ(layout.location_template, "s3://retention/logs/dt=${dt_p}/min-${minute_p}/");
  ASSERT_EQ(layout.partitions.size(), 2u);
  EXPECT_EQ(layout.partitions[0].format, "yyyyDDD");
  EXPECT_EQ(layout.partitions[0].unit, "DAYS");
  EXPECT_EQ(layout.partitions[1].range, "0,59");
}

TEST(AthenaPartitions, PrefixesWithoutFoldersOrFieldsAreUnpartitioned) {
  EXPECT_EQ(plan("").location, "s3://retention/");
  EXPECT_EQ(plan("wickr-%Y").location, "s3://retention/");
  const AthenaLayout flat = plan("a/b/");
  EXPECT_EQ(flat.location, "s3://retention/a/b/");
  EXPECT_TRUE(flat.partitions.empty());
  EXPECT_TRUE(flat.location_template.empty());
  const AthenaLayout mixed = plan("a/%Y-{host}/");
  EXPECT_EQ(mixed.location, "s3://retention/a/");
  EXPECT_TRUE(mixed.partitions.empty());
  EXPECT_NE(mixed.unpartitioned_reason.find("a folder mixes fields"), std::string::npos);
  EXPECT_FALSE(plan_athena_layout("s3://b/", "it's/", "f", {}, std::nullopt).ok());
}

TEST(AthenaDdl, StatementForAWickrFlow) {
  JsonSchemaBuilder schema;
  EXPECT_TRUE(schema.add_record(R"({"message_id":"m","msgtype":1000,"file":{"guid":"G"}})"));
  const AthenaColumns columns = athena_columns(schema.schema());
  const std::string ddl = create_table_ddl("wickr", columns, plan("wickr/dt=%Y-%m-%d/"));
  EXPECT_EQ(ddl,
            "CREATE EXTERNAL TABLE IF NOT EXISTS `wickr` (\n"
            "  `message_id` string,\n"
            "  `msgtype` bigint,\n"
            "  `file` struct<`guid`:string>\n"
            ")\n"
            "PARTITIONED BY (\n"
            "  `dt` string\n"
            ")\n"
            "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\n"
            "WITH SERDEPROPERTIES (\n"
            "  'ignore.malformed.json' = 'true'\n"
            ")\n"
            "STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'\n"
            "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n"
            "LOCATION 's3://retention/wickr/'\n"
            "TBLPROPERTIES (\n"
            "  'projection.enabled' = 'true',\n"
            "  'projection.dt.type' = 'date',\n"
            "  'projection.dt.format' = 'yyyy-MM-dd',\n"
            "  'projection.dt.range' = 'NOW-3YEARS,NOW',\n"
            "  'projection.dt.interval' = '1',\n"
            "  'projection.dt.interval.unit' = 'DAYS',\n"
            "  'storage.location.template' = 's3://retention/wickr/dt=${dt}/'\n"
            ");\n");
}

TEST(AthenaDdlCommand, CommandLine) {
  auto options = parse_athena_ddl_args({"--config", "/a.json", "--flow", "events", "--sample", "/x",
                                        "--sample", "/y", "--schema", "wickr", "--table", "t_1",
                                        "--location", "s3://b/p", "--since", "2024-05-01"});
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->config_path, "/a.json");
  EXPECT_EQ(options->samples, (std::vector<std::string>{"/x", "/y"}));
  EXPECT_EQ(options->schema, AthenaDdlOptions::Schema::wickr);
  EXPECT_EQ(options->location, "s3://b/p/");
  EXPECT_EQ(options->since, 1714521600);
  EXPECT_EQ(parse_athena_ddl_args({}).error().message, "needs --flow NAME|INDEX");
  EXPECT_FALSE(parse_athena_ddl_args({"--flow", "f", "--table", "Bad-Name"}).ok());
  EXPECT_FALSE(parse_athena_ddl_args({"--flow", "f", "--since", "2024-5-1"}).ok());
  EXPECT_FALSE(parse_athena_ddl_args({"--flow", "f", "--location", "http://x/"}).ok());
  EXPECT_FALSE(parse_athena_ddl_args({"--flow"}).ok());
  EXPECT_EQ(parse_athena_ddl_args({"--flow", "f"})->schema, AthenaDdlOptions::Schema::detect);
  EXPECT_EQ(parse_athena_ddl_args({"--flow", "f", "--schema", "sample"})->schema,
            AthenaDdlOptions::Schema::sample);
  EXPECT_EQ(parse_athena_ddl_args({"--flow", "f", "--schema", "json"}).error().message,
            "--schema is wickr or sample, got json");
}

TEST(AthenaDdlCommand, ColumnsAreWhatTheFlowShips) {
  Result<config::Parsed> parsed = config::parse(R"({"flows": [
    {"name": "events", "filePattern": "/nonexistent/*.log", "s3": {"bucket": "retention",
     "keyPrefix": "events/dt=%Y-%m-%d/"},
     "redact": [{"consentField": "consent", "fields": ["dob", "ssn"], "flagField": "data_redacted",
                 "redactedAtField": "redacted_at"}]}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const std::string sample = ::testing::TempDir() + "athena_ddl_sample.jsonl";
  {
    std::ofstream out(sample);
    out << R"({"name":"a","dob":"2000-01-01","ssn":123,"consent":true})"
        << "\n"
        << "not json\n\n"
        << R"({"name":"b","ssn":456,"consent":false,"n":1.5})"
        << "\n";
  }
  AthenaDdlOptions options;
  options.flow = "events";
  options.samples = {sample};
  std::vector<std::string> notes;
  auto ddl = build_athena_ddl(parsed->config.flows[0], options, notes);
  ASSERT_TRUE(ddl.ok()) << ddl.error().message;
  const std::string columns = ddl->substr(0, ddl->find(')'));
  EXPECT_EQ(columns,
            "CREATE EXTERNAL TABLE IF NOT EXISTS `events` (\n"
            "  `name` string,\n"
            "  `dob` string,\n"
            "  `ssn` string,\n"  // bigint where consented, the replacement string elsewhere
            "  `consent` boolean,\n"
            "  `n` double,\n"
            "  `data_redacted` boolean,\n"
            "  `redacted_at` string,\n"
            "  `ferry_invalid_record` boolean,\n"
            "  `ferry_file` string,\n"
            "  `ferry_offset` bigint,\n"
            "  `ferry_length` bigint,\n"
            "  `file` string,\n"  // the marker's members before the ferry_ prefix
            "  `offset` bigint,\n"
            "  `length` bigint\n");
  ASSERT_FALSE(notes.empty());
  EXPECT_EQ(notes[0],
            "2 record(s) sampled from 1 file(s), 1 line(s) skipped (not JSON objects, "
            "or too long)");

  options.samples = {};
  EXPECT_NE(build_athena_ddl(parsed->config.flows[0], options, notes)
                .error()
                .message.find("pass --sample FILE or --schema wickr"),
            std::string::npos);
  options.schema = AthenaDdlOptions::Schema::wickr;
  auto wickr = build_athena_ddl(parsed->config.flows[0], options, notes);
  ASSERT_TRUE(wickr.ok());
  EXPECT_NE(wickr->find("`control` struct<`isrecall`:boolean,`msgid`:string,`msgtype`:bigint>"),
            std::string::npos);
  std::remove(sample.c_str());
}

// The columns of a statement, one "name type" a line.
std::string ddl_columns(const std::string& ddl) {
  const size_t start = ddl.find("(\n") + 2;
  return ddl.substr(start, ddl.find("\n)\n") + 1 - start);
}

config::Flow wickr_flow(std::string_view redact) {
  Result<config::Parsed> parsed = config::parse(cat(R"({"flows": [
    {"name": "wickr", "filePattern": "/nonexistent/*.txt", "s3": {"bucket": "retention",
     "keyPrefix": "wickr/dt=%Y-%m-%d/"}, "redact": )",
                                                    redact, "}]}"));
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  return parsed->config.flows.at(0);
}

std::string write_sample(std::string_view name, std::string_view text) {
  const std::string path = ::testing::TempDir() + std::string(name);
  std::ofstream(path) << text;
  return path;
}

// The issue's case: the bot had deleted the file holding `time`, `time_iso` and `ttl`. The
// sampled records are Wickr messages, so the documented shape fills the columns in.
TEST(AthenaDdlCommand, SampledWickrMessagesGetTheDocumentedColumns) {
  const config::Flow flow = wickr_flow("[]");
  const std::string sample =
      write_sample("athena_ddl_wickr_partial.txt",
                   R"({"message":"hi","message_id":"m1","msg_ts":"1691176258.9","msgtype":1000,)"
                   R"("sender":"bob@example.com","vgroupid":"v1","extra":1})"
                   "\n");
  AthenaDdlOptions options;
  options.flow = "wickr";
  options.samples = {sample};
  std::vector<std::string> notes;
  auto ddl = build_athena_ddl(flow, options, notes);
  ASSERT_TRUE(ddl.ok()) << ddl.error().message;
  const std::string columns = ddl_columns(*ddl);
  const std::string each_with_comma = cat(columns.substr(0, columns.size() - 1), ",\n");
  for (const char* column : {"`time` string", "`time_iso` string", "`ttl` string",
                             "`receiver` string", "`bor` string", "`extra` bigint",
                             "`control` struct<`isrecall`:boolean,`msgid`:string,"
                             "`msgtype`:bigint>"}) {
    EXPECT_NE(each_with_comma.find(cat("  ", column, ",\n")), std::string::npos) << column << "\n"
                                                                                 << columns;
  }
  EXPECT_EQ(columns.find("ferry_invalid_record"), std::string::npos);  // no rules: no marker
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[1],
            "the records are Wickr messages (--schema sample: not): the documented Wickr "
            "message shape is merged in, 5 record(s) as the flow's rules ship them");

  notes.clear();
  options.schema = AthenaDdlOptions::Schema::sample;
  auto sampled_only = build_athena_ddl(flow, options, notes);
  ASSERT_TRUE(sampled_only.ok());
  EXPECT_EQ(ddl_columns(*sampled_only),
            "  `message` string,\n  `message_id` string,\n  `msg_ts` string,\n"
            "  `msgtype` bigint,\n  `sender` string,\n  `vgroupid` string,\n"
            "  `extra` bigint\n");
  EXPECT_EQ(notes.size(), 1u);

  // Records that are not Wickr messages get nothing of it.
  const std::string events = write_sample("athena_ddl_events.jsonl", "{\"message_id\":\"m\"}\n");
  options.samples = {events};
  options.schema = AthenaDdlOptions::Schema::detect;
  auto plain = build_athena_ddl(flow, options, notes);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(ddl_columns(*plain), "  `message_id` string\n");
  std::remove(sample.c_str());
  std::remove(events.c_str());
}

// `--schema wickr` ships the documented messages through the flow's rules, as a sample is: a
// removed member is no column, a replaced one is a string, the rules' fields are added.
TEST(AthenaDdlCommand, TheWickrSchemaGoesThroughTheFlowsRules) {
  const config::Flow flow = wickr_flow(R"([
      {"fields": ["file.localfilename", "bor"], "mode": "remove"},
      {"fields": ["control.msgtype"], "flagField": "data_redacted",
       "redactedAtField": "redacted_at"}])");
  AthenaDdlOptions options;
  options.flow = "wickr";
  options.schema = AthenaDdlOptions::Schema::wickr;
  std::vector<std::string> notes;
  auto ddl = build_athena_ddl(flow, options, notes);
  ASSERT_TRUE(ddl.ok()) << ddl.error().message;
  EXPECT_EQ(ddl_columns(*ddl),
            "  `message` string,\n"
            "  `message_id` string,\n"
            "  `msg_ts` string,\n"
            "  `msgtype` bigint,\n"
            "  `receiver` string,\n"
            "  `sender` string,\n"
            "  `sender_type` string,\n"
            "  `time` string,\n"
            "  `time_iso` string,\n"
            "  `ttl` string,\n"
            "  `vgroupid` string,\n"
            "  `data_redacted` boolean,\n"
            "  `redacted_at` string,\n"
            "  `links` array<struct<`url`:string>>,\n"
            "  `file` struct<`filename`:string,`guid`:string,`uploadedbyuser`:string,"
            "`uploadedtimestamp`:string>,\n"
            "  `edit` struct<`originalmessageid`:string,`text`:string,`type`:string>,\n"
            "  `control` struct<`isrecall`:boolean,`msgid`:string,`msgtype`:string>,\n"
            // The marker's members, prefixed: none is a record's field. Of the old names only
            // those the records do not use (`file` is the attachment).
            "  `ferry_invalid_record` boolean,\n"
            "  `ferry_file` string,\n"
            "  `ferry_offset` bigint,\n"
            "  `ferry_length` bigint,\n"
            "  `offset` bigint,\n"
            "  `length` bigint\n");
  EXPECT_EQ(notes.at(0), "0 record(s) sampled from 0 file(s)");
  EXPECT_EQ(notes.at(1),
            "--schema wickr: the documented Wickr message shape is merged in, 5 record(s) as "
            "the flow's rules ship them");
}

}  // namespace
}  // namespace ferry
