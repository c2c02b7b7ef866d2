// Unit tests for `ferry athena-ddl`: schema inference and merging, Athena column types and
// names, partition projection from keyPrefix templates, and the statement the command builds.
#include "core/athena_ddl.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "agent/athena_ddl_command.hpp"
#include "core/athena_partitions.hpp"
#include "core/json_schema.hpp"

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
  EXPECT_TRUE(options->wickr_schema);
  EXPECT_EQ(options->location, "s3://b/p/");
  EXPECT_EQ(options->since, 1714521600);
  EXPECT_EQ(parse_athena_ddl_args({}).error().message, "needs --flow NAME|INDEX");
  EXPECT_FALSE(parse_athena_ddl_args({"--flow", "f", "--table", "Bad-Name"}).ok());
  EXPECT_FALSE(parse_athena_ddl_args({"--flow", "f", "--since", "2024-5-1"}).ok());
  EXPECT_FALSE(parse_athena_ddl_args({"--flow", "f", "--location", "http://x/"}).ok());
  EXPECT_FALSE(parse_athena_ddl_args({"--flow"}).ok());
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
            "  `file` string,\n"
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
  options.wickr_schema = true;
  auto wickr = build_athena_ddl(parsed->config.flows[0], options, notes);
  ASSERT_TRUE(wickr.ok());
  EXPECT_NE(wickr->find("`control` struct<`isrecall`:boolean,`msgid`:string,`msgtype`:bigint>"),
            std::string::npos);
  std::remove(sample.c_str());
}

}  // namespace
}  // namespace ferry
