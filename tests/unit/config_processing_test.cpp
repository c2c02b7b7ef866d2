// dataProcessingOptions in agent.json: what parses, and the `config: <path>: <problem>` errors.
#include "agent/config/config_processing.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

namespace ferry::config {
namespace {

struct Parsed {
  Result<std::vector<ProcessingOption>> result = make_error("not run");
  std::vector<std::string> warnings;
};

Parsed parse(const std::string& json) {
  static simdjson::dom::parser parser;  // the elements must outlive the call only
  Parsed parsed;
  element root = parser.parse(json).value();
  parsed.result = parse_data_processing(root, "flows[0].dataProcessingOptions", parsed.warnings);
  return parsed;
}

std::string error_of(const std::string& json) {
  const Parsed parsed = parse(json);
  EXPECT_FALSE(parsed.result.ok()) << json;
  return parsed.result.ok() ? "" : parsed.result.error().message;
}

TEST(ConfigProcessing, ParsesEveryOption) {
  const Parsed parsed = parse(R"j([
    {"optionName": "SINGLELINE", "parseOptions": ["NO_TRIM", "ESCAPE_NEW_LINE"]},
    {"optionName": "CSVTOJSON", "customFieldNames": ["a", "b"], "delimiter": "\\t",
     "jsonFormat": "PRETTYPRINT"},
    {"optionName": "LOGTOJSON", "logFormat": "RFC3339SYSLOG"},
    {"optionName": "ADDMETADATA", "timestamp": "true", "metadata": {"k": [1, 1.0, "v"]}},
    {"optionName": "ADDEC2METADATA", "metadataTTL": "600", "logFormat": "SYSLOG"},
    {"optionName": "ADDBRACKETS"}])j");
  ASSERT_TRUE(parsed.result.ok()) << parsed.result.error().message;
  const auto& options = *parsed.result;
  ASSERT_EQ(options.size(), 6u);
  EXPECT_FALSE(options[0].trim_lines);
  EXPECT_TRUE(options[0].escape_new_line);
  EXPECT_EQ(options[1].kind, ProcessingKind::csv_to_json);
  EXPECT_EQ(options[1].delimiter, "\\t");
  EXPECT_EQ(options[1].json_format, JsonFormat::pretty_print);
  EXPECT_EQ(options[2].log_format, LogFormat::rfc3339_syslog);
  EXPECT_TRUE(options[3].timestamp);
  EXPECT_EQ(options[3].metadata_json, R"j({"k":[1,1.0,"v"]})j");
  EXPECT_EQ(options[4].metadata_ttl_seconds, 600u);
  EXPECT_EQ(options[5].kind, ProcessingKind::add_brackets);
  EXPECT_TRUE(parsed.warnings.empty());
}

TEST(ConfigProcessing, UnknownOptionNameSuggestsTheNearestOne) {
  EXPECT_EQ(error_of(R"j([{"optionName": "SINGLELINE"}, {"optionName": "CSVTOJSN"}])j"),
            "config: flows[0].dataProcessingOptions[1].optionName: must be one of SINGLELINE, "
            "CSVTOJSON, LOGTOJSON, ADDMETADATA, ADDEC2METADATA, ADDBRACKETS, got \"CSVTOJSN\" "
            "(did you mean CSVTOJSON?)");
}

TEST(ConfigProcessing, LogFormatErrors) {
  EXPECT_EQ(error_of(R"j([{"optionName": "LOGTOJSON", "logFormat": "COMMONAPACHE"}])j"),
            "config: flows[0].dataProcessingOptions[0].logFormat: must be one of COMMONAPACHELOG, "
            "COMBINEDAPACHELOG, APACHEERRORLOG, SYSLOG, RFC3339SYSLOG, got \"COMMONAPACHE\" (did "
            "you mean COMMONAPACHELOG?)");
  EXPECT_EQ(error_of(R"j([{"optionName": "LOGTOJSON"}])j"),
            "config: flows[0].dataProcessingOptions[0].logFormat: required key missing");
  EXPECT_EQ(error_of(R"j([{"optionName": "LOGTOJSON", "logFormat": "SYSLOG",
                         "customFieldNames": ["a", "b"]}])j"),
            "config: flows[0].dataProcessingOptions[0].customFieldNames: names 2 fields but "
            "SYSLOG has 5 (give matchPattern to extract other fields)");
}

TEST(ConfigProcessing, MatchPatternErrors) {
  EXPECT_EQ(error_of(R"j([{"optionName": "LOGTOJSON", "logFormat": "SYSLOG",
                         "matchPattern": "(a)"}])j"),
            "config: flows[0].dataProcessingOptions[0].matchPattern: needs customFieldNames, one "
            "name per capturing group");
  EXPECT_EQ(error_of(R"j([{"optionName": "LOGTOJSON", "logFormat": "SYSLOG",
                         "matchPattern": "(a)(b)", "customFieldNames": ["x"]
  }])j"),
            "config: flows[0].dataProcessingOptions[0].customFieldNames: names 1 fields but "
            "matchPattern has 2 capturing groups");
  const std::string bad = error_of(R"j([{"optionName": "LOGTOJSON", "logFormat": "SYSLOG",
                                        "matchPattern": "(a", "customFieldNames": ["x"]}])j");
  EXPECT_EQ(bad.rfind("config: flows[0].dataProcessingOptions[0].matchPattern: not a regular "
                      "expression ferry can run",
                      0),
            0u)
      << bad;
}

TEST(ConfigProcessing, CsvErrors) {
  EXPECT_EQ(error_of(R"j([{"optionName": "CSVTOJSON"}])j"),
            "config: flows[0].dataProcessingOptions[0].customFieldNames: required key missing");
  EXPECT_EQ(error_of(R"j([{"optionName": "CSVTOJSON", "customFieldNames": []}])j"),
            "config: flows[0].dataProcessingOptions[0].customFieldNames: must list at least one "
            "field name");
  EXPECT_EQ(error_of(R"j([{"optionName": "CSVTOJSON", "customFieldNames": ["a", "a"]}])j"),
            "config: flows[0].dataProcessingOptions[0].customFieldNames: \"a\" appears twice: one "
            "of the two values would be lost");
  const std::string bad_delimiter =
      error_of(R"j([{"optionName": "CSVTOJSON", "customFieldNames": ["a"], "delimiter": "["}])j");
  EXPECT_EQ(bad_delimiter.rfind("config: flows[0].dataProcessingOptions[0].delimiter: ", 0), 0u)
      << bad_delimiter;
}

TEST(ConfigProcessing, ShapeErrors) {
  EXPECT_EQ(error_of(R"j({"optionName": "SINGLELINE"})j"),
            "config: flows[0].dataProcessingOptions: must be an array, got object");
  EXPECT_EQ(error_of(R"j([{"jsonFormat": "COMPACT"}])j"),
            "config: flows[0].dataProcessingOptions[0].optionName: required key missing");
  EXPECT_EQ(error_of(R"j([{"optionName": "CSVTOJSON", "customFieldNames": ["a"],
                         "jsonFormat": "PRETTY"}])j"),
            "config: flows[0].dataProcessingOptions[0].jsonFormat: must be one of COMPACT, "
            "PRETTYPRINT, got \"PRETTY\" (did you mean PRETTYPRINT?)");
  EXPECT_EQ(error_of(R"j([{"optionName": "ADDEC2METADATA", "metadataTTL": 0}])j"),
            "config: flows[0].dataProcessingOptions[0].metadataTTL: must be between 1 and 604800, "
            "got 0");
}

TEST(ConfigProcessing, UnusedAndUnknownKeysWarn) {
  const Parsed parsed = parse(
      R"j([{"optionName": "ADDBRACKETS", "delimiter": ","}, {"optionName": "SINGLELINE", "delimeter": ","}])j");
  ASSERT_TRUE(parsed.result.ok());
  ASSERT_EQ(parsed.warnings.size(), 2u);
  EXPECT_EQ(
      parsed.warnings[0],
      "config: flows[0].dataProcessingOptions[0].delimiter: not used by ADDBRACKETS; ignored");
  EXPECT_EQ(parsed.warnings[1],
            "config: flows[0].dataProcessingOptions[1].delimeter: unknown key (did you mean "
            "delimiter?)");
}

}  // namespace
}  // namespace ferry::config
