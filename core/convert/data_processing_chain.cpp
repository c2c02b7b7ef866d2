// The data processing options, one function each, and the chain that runs them in order. The
// Java agent's behaviour each one mirrors is in docs/data-processing.md.
#include "core/convert/data_processing_chain.hpp"

#include <array>
#include <optional>
#include <utility>

#include "core/assert.hpp"
#include "core/convert/data_processing_text.hpp"

namespace ferry {

namespace {

// ADDEC2METADATA's fields, in the order the Java agent puts them.
constexpr std::array<std::string_view, 9> kEc2Keys = {
    "privateIp", "availabilityZone", "instanceId",        "instanceType", "accountId",
    "amiId",     "region",           "metadataTimestamp", "tags"};
constexpr std::size_t kTagsKey = 8;

std::optional<std::size_t> ec2_key_index(std::string_view key) {
  for (std::size_t i = 0; i < kEc2Keys.size(); ++i) {
    if (kEc2Keys[i] == key) return i;
  }
  return std::nullopt;
}

const std::string& ec2_value(const Ec2Metadata& ec2, std::size_t index) {
  switch (index) {
    case 0: return ec2.private_ip;
    case 1: return ec2.availability_zone;
    case 2: return ec2.instance_id;
    case 3: return ec2.instance_type;
    case 4: return ec2.account_id;
    case 5: return ec2.ami_id;
    case 6: return ec2.region;
    default: return ec2.metadata_timestamp;
  }
}

ProcessingResult converted() {
  return {};
}
ProcessingResult dropped(std::string_view reason) {
  return {ProcessingStatus::dropped, 0, reason};
}
ProcessingResult failed(std::string_view reason) {
  return {ProcessingStatus::failed, 0, reason};
}

}  // namespace

struct ProcessingChain::Step {
  explicit Step(const ProcessingOption& from) : option(from) {
    switch (option.kind) {
      case ProcessingKind::single_line: {
        auto created = processing::JavaSplitter::create("\n");
        FERRY_ASSERT(created.ok());
        splitter = std::move(created).value();
        break;
      }
      case ProcessingKind::csv_to_json: {
        auto created = processing::JavaSplitter::create(option.delimiter);
        FERRY_ASSERT(created.ok());
        splitter = std::move(created).value();
        FERRY_ASSERT(!option.field_names.empty());
        for (const std::string& name : option.field_names) names.push_back(name);
        break;
      }
      case ProcessingKind::log_to_json: {
        if (!option.match_pattern.empty()) {
          auto compiled = processing::compile_pattern(option.match_pattern);
          FERRY_ASSERT(compiled.ok());
          FERRY_ASSERT(compiled.value()->capture_count() == option.field_names.size());
          pattern.emplace(std::move(compiled).value());
        }
        if (option.field_names.empty()) {
          FERRY_ASSERT(!pattern);
          for (std::string_view name : processing::log_field_names(option.log_format))
            names.push_back(name);
        } else {
          for (const std::string& name : option.field_names) names.push_back(name);
        }
        FERRY_ASSERT(pattern ||
                     names.size() == processing::log_field_names(option.log_format).size());
        break;
      }
      case ProcessingKind::add_metadata: {
        auto parsed = metadata_parser.parse(option.metadata_json);
        FERRY_ASSERT(!parsed.error());
        metadata = parsed.value_unsafe();
        break;
      }
      default: break;
    }
  }

  ProcessingOption option;
  // A chain belongs to one worker: the matchers' per-thread resources are used through the
  // const Step the chain runs.
  mutable std::optional<processing::JavaSplitter> splitter;  // SINGLELINE ("\n"), CSVTOJSON
  mutable std::optional<RegexMatcher> pattern;               // LOGTOJSON with matchPattern
  std::vector<std::string_view> names;                       // views into `option` or static names
  simdjson::dom::parser metadata_parser;                     // ADDMETADATA's metadata, parsed once
  simdjson::dom::element metadata;
};

ProcessingChain::ProcessingChain(const std::vector<ProcessingOption>& options) {
  for (const ProcessingOption& option : options) steps_.push_back(std::make_unique<Step>(option));
}
ProcessingChain::~ProcessingChain() = default;
ProcessingChain::ProcessingChain(ProcessingChain&&) noexcept = default;
ProcessingChain& ProcessingChain::operator=(ProcessingChain&&) noexcept = default;

bool ProcessingChain::uses_ec2_metadata() const {
  for (const auto& step : steps_) {
    if (step->option.kind == ProcessingKind::add_ec2_metadata) return true;
  }
  return false;
}

ProcessingResult ProcessingChain::apply(std::string_view record, const ProcessingContext& context,
                                        std::string& out) {
  if (steps_.empty()) {
    out.assign(record);
    return converted();
  }
  // Java decodes the record once; every later step sees valid UTF-8.
  std::string_view current = processing::decode_like_java(record, decoded_);
  std::size_t target = 0;
  for (std::size_t i = 0; i < steps_.size(); ++i) {
    std::string& next = buffers_[target];
    next.clear();
    ProcessingResult result = run_step(*steps_[i], current, context, next);
    result.option = i;
    if (result.status == ProcessingStatus::failed) {
      out.assign(record);
      return result;
    }
    if (result.status == ProcessingStatus::dropped) {
      out.clear();
      return result;
    }
    current = next;
    target ^= 1;
  }
  std::swap(out, buffers_[target ^ 1]);  // the last step's output; `out`'s capacity is reused
  return converted();
}

ProcessingResult ProcessingChain::run_step(const Step& step, std::string_view in,
                                           const ProcessingContext& context, std::string& out) {
  switch (step.option.kind) {
    case ProcessingKind::single_line: single_line(step, in, out); return converted();
    case ProcessingKind::csv_to_json:
      return csv_to_json(step, in, out)
                 ? converted()
                 : failed("the delimiter's pattern exceeded its match limit on this record");
    case ProcessingKind::log_to_json: return log_to_json(step, in, out);
    case ProcessingKind::add_metadata: add_metadata(step, in, context, out); return converted();
    case ProcessingKind::add_ec2_metadata:
      if (context.ec2 == nullptr || context.ec2->instance_id.empty()) {
        out.assign(in);  // as the Java agent: no metadata known, the record goes on unchanged
        return converted();
      }
      return add_ec2_metadata(step, in, *context.ec2, out);
    case ProcessingKind::add_brackets:
      out.push_back('{');
      out.append(in);
      out.push_back('}');
      return converted();
  }
  return failed("unknown option");
}

// SINGLELINE: in.split("\n"), each line trimmed, joined with nothing (or a literal "\n").
void ProcessingChain::single_line(const Step& step, std::string_view in, std::string& out) {
  const bool split = step.splitter->split(in, columns_);
  FERRY_ASSERT(split);  // a literal delimiter never refuses
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0 && step.option.escape_new_line) out.append("\\n");
    out.append(step.option.trim_lines ? processing::java_trim(columns_[i]) : columns_[i]);
  }
}

// CSVTOJSON: one string per field name, null past the last column, extra columns dropped.
bool ProcessingChain::csv_to_json(const Step& step, std::string_view in, std::string& out) {
  if (!step.splitter->split(in, columns_)) return false;
  writer_.reset(out, step.option.json_format);
  writer_.begin_object();
  for (std::size_t i = 0; i < step.names.size(); ++i) {
    writer_.key(step.names[i]);
    if (i < columns_.size()) {
      writer_.string(columns_[i]);
    } else {
      writer_.null();
    }
  }
  writer_.end_object();
  return true;
}

ProcessingResult ProcessingChain::log_to_json(const Step& step, std::string_view in,
                                              std::string& out) {
  const LogFormat format = step.option.log_format;
  std::size_t count = 0;
  if (step.pattern) {
    const RegexMatcher::Outcome outcome = step.pattern->matches(in);
    if (outcome == RegexMatcher::Outcome::limit)
      return failed("matchPattern exceeded its match limit on this record");
    if (outcome == RegexMatcher::Outcome::no_match)
      return dropped("the line does not match matchPattern");
    count = step.names.size();
  } else {
    if (!processing::parse_log_line(format, in, log_fields_))
      return dropped("the line does not match the logFormat");
    count = log_fields_.count;
  }
  FERRY_ASSERT(count == step.names.size());
  writer_.reset(out, step.option.json_format);
  writer_.begin_object();
  for (std::size_t i = 0; i < count; ++i) {
    std::optional<std::string_view> value;
    if (step.pattern) {
      value = step.pattern->group(static_cast<uint32_t>(i + 1));
    } else {
      value = log_fields_.values[i];
    }
    writer_.key(step.names[i]);
    if (!value || (processing::dash_is_null(format) && *value == "-")) {
      writer_.null();
    } else {
      writer_.string(*value);
    }
  }
  writer_.end_object();
  return converted();
}

// ADDMETADATA: {"ts": "<now>", "metadata": <metadata>, "data": "<record>"}.
void ProcessingChain::add_metadata(const Step& step, std::string_view in,
                                   const ProcessingContext& context, std::string& out) {
  writer_.reset(out, step.option.json_format);
  writer_.begin_object();
  if (step.option.timestamp) {
    stamp_.clear();
    processing::append_utc_millis(stamp_, context.now_unix_millis);
    writer_.key("ts");
    writer_.string(stamp_);
  }
  writer_.key("metadata");
  writer_.element(step.metadata);
  writer_.key("data");
  writer_.string(in);
  writer_.end_object();
}

// ADDEC2METADATA: the record's own object with the instance's fields put into it (a key it
// already has keeps its place and takes the instance's value, as Map.putAll does).
ProcessingResult ProcessingChain::add_ec2_metadata(const Step& step, std::string_view in,
                                                   const Ec2Metadata& ec2, std::string& out) {
  simdjson::dom::element root;
  if (parser_.parse(in.data(), in.size(), true).get(root) != simdjson::SUCCESS || !root.is_object())
    return failed("ADDEC2METADATA needs a JSON object");
  std::array<bool, kEc2Keys.size()> written{};
  const auto write_ec2 = [&](std::size_t index) {
    writer_.key(kEc2Keys[index]);
    written[index] = true;
    if (index != kTagsKey) {
      writer_.string(ec2_value(ec2, index));
      return;
    }
    writer_.begin_object();
    for (const auto& [key, value] : ec2.tags) {
      writer_.key(key);
      writer_.string(value);
    }
    writer_.end_object();
  };
  writer_.reset(out, step.option.json_format);
  writer_.begin_object();
  for (simdjson::dom::key_value_pair field : simdjson::dom::object(root)) {
    const auto index = ec2_key_index(field.key);
    if (index && (*index != kTagsKey || ec2.has_tags)) {
      write_ec2(*index);
    } else {
      writer_.key(field.key);
      writer_.element(field.value);
    }
  }
  for (std::size_t i = 0; i < kEc2Keys.size(); ++i) {
    if (!written[i] && (i != kTagsKey || ec2.has_tags)) write_ec2(i);
  }
  writer_.end_object();
  return converted();
}

}  // namespace ferry
