// libFuzzer target for the data processing options: any record through a chain chosen by the
// first byte must never crash; a converted record is valid UTF-8 and, when the last option writes
// JSON, valid JSON; a failed one hands back the record as read; a dropped one leaves nothing.
// For ASCII lines the hand-written log format matchers are also checked against the Java
// agent's patterns run by PCRE2 (core/convert/java_regex: java.util.regex's dialect).
#include <simdjson.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/assert.hpp"
#include "core/convert/data_processing_chain.hpp"
#include "core/convert/data_processing_log_formats.hpp"
#include "core/convert/java_regex.hpp"

namespace {

using ferry::JsonFormat;
using ferry::LogFormat;
using ferry::ProcessingKind;
using ferry::ProcessingOption;

ProcessingOption make(ProcessingKind kind, JsonFormat format = JsonFormat::compact) {
  ProcessingOption option;
  option.kind = kind;
  option.json_format = format;
  return option;
}

ProcessingOption log_option(LogFormat format, JsonFormat json = JsonFormat::compact) {
  ProcessingOption option = make(ProcessingKind::log_to_json, json);
  option.log_format = format;
  option.has_log_format = true;
  return option;
}

ProcessingOption csv_option(std::string delimiter) {
  ProcessingOption option = make(ProcessingKind::csv_to_json);
  option.field_names = {"a", "b", "c"};
  option.delimiter = std::move(delimiter);
  return option;
}

struct Case {
  std::vector<ProcessingOption> options;
  bool json_out;
};

std::vector<Case> make_cases() {
  ProcessingOption metadata = make(ProcessingKind::add_metadata, JsonFormat::pretty_print);
  metadata.metadata_json = R"({"k":[1,2.5,{"x":null}]})";
  metadata.timestamp = true;
  ProcessingOption pattern = log_option(LogFormat::common_apache);
  pattern.match_pattern = R"(^(\S+) (\S+)(?: (x))?.*)";
  pattern.field_names = {"a", "b", "c"};
  ProcessingOption escaped = make(ProcessingKind::single_line);
  escaped.escape_new_line = true;
  return {
      {{make(ProcessingKind::single_line)}, false},
      {{escaped, make(ProcessingKind::add_brackets)}, false},
      {{csv_option(",")}, true},
      {{csv_option("\\s*[;|]\\s*")}, true},
      {{log_option(LogFormat::common_apache)}, true},
      {{log_option(LogFormat::combined_apache, JsonFormat::pretty_print)}, true},
      {{log_option(LogFormat::apache_error)}, true},
      {{log_option(LogFormat::syslog)}, true},
      {{log_option(LogFormat::rfc3339_syslog)}, true},
      {{pattern}, true},
      {{metadata}, true},
      {{make(ProcessingKind::single_line), make(ProcessingKind::add_ec2_metadata)}, true},
      {{csv_option("\t"), make(ProcessingKind::add_ec2_metadata, JsonFormat::pretty_print)}, true},
  };
}

// The Java agent's log patterns, spelled out piece by piece.
std::vector<ferry::RegexMatcher> make_oracles() {
  const std::string integer = "(?:[+-]?(?:[0-9]+))", posint = "(?:[1-9][0-9]*)",
                    nonneg = "(?:[0-9]+)", word = "\\w+", noquote = "[^\"]+";
  const std::string ip = "(?:[\\d\\.]+)",
                    hostname = "(?:[\\w\\-]+)(?:\\.(?:[\\w\\-]+))*(?:\\.?|\\b)";
  const std::string iporhost = "(?:" + hostname + "|" + ip + ")";
  const std::string urihost = "(?:" + iporhost + "(?::" + posint + ")?)";
  const std::string user = "(?:[a-zA-Z0-9._-]+)";
  const std::string monthday = "(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9])";
  const std::string day =
      "(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|"
      "Sun(?:day)?)";
  const std::string month =
      "\\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|Jun(?:e)?|Jul(?:y)?|"
      "Aug(?:ust)?|Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\b";
  const std::string year = "(?:[1-9]\\d*)", hour = "(?:2[0123]|[01]?[0-9])",
                    minute = "(?:[0-5][0-9])", second = "(?:(?:[0-5]?[0-9]|60)(?:[:\\.,][0-9]+)?)";
  const std::string time = "(?:" + hour + ":" + minute + ":" + second + ")";
  const std::string httpdate =
      "(?:" + monthday + "/" + month + "/" + year + ":" + time + "\\s" + integer + ")";
  const std::string errorstamp =
      "(?:" + day + "\\s+" + month + "\\s+" + monthday + "\\s+" + time + "\\s+" + year + ")";
  const std::string syslogstamp = "(?:" + month + "\\s+" + monthday + "\\s+" + time + ")";
  const std::string rfc3339 =
      "(?:\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?)(?:Z|(?:[-+]\\d{2}:\\d{2}))";
  const std::string facility = "<" + nonneg + "." + nonneg + ">";
  const std::string prog = "([\\w\\._/%-]+)(?:\\[(" + posint + ")\\])?";
  const std::string common = "^(" + iporhost + ") (" + user + ") (" + user + ") \\[(" + httpdate +
                             ")\\] \"(" + noquote + ")\" (" + integer + "|\\-) (" + integer +
                             "|\\-)";
  const std::string combined = common + " \"(" + noquote + ")\" \"(" + noquote + ")\"";
  const std::string error = "^\\[(" + errorstamp + ")\\] \\[(?:(" + word + "):)?(" + word +
                            ")\\] \\[pid (" + nonneg + ")(?::tid (" + nonneg +
                            "))?\\] \\[client (" + urihost + ")\\] (.*)";
  const auto syslog = [&](const std::string& stamp) {
    return "^(" + stamp + ") (?:" + facility + " )?(" + user + ") " + prog + ": (.*)";
  };
  std::vector<ferry::RegexMatcher> oracles;
  for (const std::string& pattern :
       {common + ".*", combined + ".*", error, syslog(syslogstamp), syslog(rfc3339)}) {
    auto compiled = ferry::JavaRegex::compile(pattern);
    FERRY_ASSERT(compiled.ok());
    oracles.emplace_back(std::move(compiled).value());
  }
  return oracles;
}

void check_against_oracle(std::string_view line) {
  static std::vector<ferry::RegexMatcher> oracles = make_oracles();
  if (line.size() > 512) return;
  for (const char c : line) {
    if (static_cast<unsigned char>(c) >= 0x80) return;
  }
  for (std::size_t format = 0; format < oracles.size(); ++format) {
    ferry::processing::LogFields fields;
    const bool ours =
        ferry::processing::parse_log_line(static_cast<LogFormat>(format), line, fields);
    ferry::RegexMatcher& oracle = oracles[format];
    const auto outcome = oracle.matches(line);
    FERRY_ASSERT(outcome != ferry::RegexMatcher::Outcome::limit);
    const bool theirs = outcome == ferry::RegexMatcher::Outcome::match;
    FERRY_ASSERT(ours == theirs);
    if (!ours) continue;
    for (std::size_t i = 0; i < fields.count; ++i) {
      const auto group = oracle.group(static_cast<uint32_t>(i + 1));
      FERRY_ASSERT(fields.values[i].has_value() == group.has_value());
      if (fields.values[i]) FERRY_ASSERT(*fields.values[i] == *group);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::vector<Case> cases = make_cases();
  static std::vector<ferry::ProcessingChain> chains = [] {
    std::vector<ferry::ProcessingChain> built;
    for (const Case& c : cases) built.emplace_back(c.options);
    return built;
  }();
  static simdjson::dom::parser parser;
  if (size < 1) return 0;
  const std::size_t which = (data[0] & 0x7f) % cases.size();
  const std::string_view record(reinterpret_cast<const char*>(data + 1), size - 1);

  ferry::Ec2Metadata ec2;
  ec2.instance_id = "i-1";
  ec2.has_tags = (data[0] & 0x80) != 0;
  ec2.tags = {{"name", "x"}};
  ferry::ProcessingContext context;
  context.now_unix_millis = 1795933191375;
  context.ec2 = &ec2;

  std::string out;
  const ferry::ProcessingResult result = chains[which].apply(record, context, out);
  switch (result.status) {
    case ferry::ProcessingStatus::converted:
      FERRY_ASSERT(simdjson::validate_utf8(out.data(), out.size()));
      if (cases[which].json_out) FERRY_ASSERT(!parser.parse(out).error());
      break;
    case ferry::ProcessingStatus::failed: FERRY_ASSERT(out == record); break;
    case ferry::ProcessingStatus::dropped: FERRY_ASSERT(out.empty()); break;
  }
  check_against_oracle(record);
  return 0;
}
