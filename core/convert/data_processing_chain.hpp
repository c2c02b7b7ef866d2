// ProcessingChain: a flow's dataProcessingOptions applied to one record at a time, in order, as
// the Java Kinesis Agent does, before ferry's redaction. One per worker thread and flow: it owns
// the compiled patterns, a simdjson parser and scratch buffers reused record after record.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/convert/data_processing.hpp"
#include "core/convert/data_processing_json.hpp"
#include "core/convert/data_processing_log_formats.hpp"
#include "core/convert/data_processing_regex.hpp"

namespace ferry {

// converted: `out` holds the record to ship. dropped: the Java agent filters the record out
// (LOGTOJSON on a line its pattern does not match); `out` is empty. failed: an option could not
// process the record (the Java agent then ships the raw record): `out` holds the record as read.
enum class ProcessingStatus { converted, dropped, failed };

struct ProcessingResult {
  ProcessingStatus status = ProcessingStatus::converted;
  std::size_t option = 0;   // the option that dropped or failed the record
  std::string_view reason;  // static text; empty when converted
};

struct ProcessingContext {
  int64_t now_unix_millis = 0;       // ADDMETADATA's "ts"
  const Ec2Metadata* ec2 = nullptr;  // ADDEC2METADATA: null or no instance id: records unchanged
};

class ProcessingChain {
 public:
  // The options as the configuration parser checked them (patterns compile, field counts match
  // the pattern's groups, metadata is JSON); anything else is a bug and stops the process.
  explicit ProcessingChain(const std::vector<ProcessingOption>& options);
  ~ProcessingChain();
  ProcessingChain(ProcessingChain&&) noexcept;
  ProcessingChain& operator=(ProcessingChain&&) noexcept;

  bool empty() const { return steps_.empty(); }
  bool uses_ec2_metadata() const;

  // `record` without its newline; `out` (replaced) without one either.
  ProcessingResult apply(std::string_view record, const ProcessingContext& context,
                         std::string& out);

 private:
  struct Step;
  ProcessingResult run_step(const Step& step, std::string_view in, const ProcessingContext& context,
                            std::string& out);
  void single_line(const Step& step, std::string_view in, std::string& out);
  bool csv_to_json(const Step& step, std::string_view in, std::string& out);
  ProcessingResult log_to_json(const Step& step, std::string_view in, std::string& out);
  void add_metadata(const Step& step, std::string_view in, const ProcessingContext& context,
                    std::string& out);
  ProcessingResult add_ec2_metadata(const Step& step, std::string_view in, const Ec2Metadata& ec2,
                                    std::string& out);

  std::vector<std::unique_ptr<Step>> steps_;
  std::string buffers_[2];  // each step reads one and writes the other
  std::string decoded_;     // the record with invalid UTF-8 replaced, when it has any
  std::string stamp_;       // ADDMETADATA's "ts"
  std::vector<std::string_view> columns_;
  processing::LogFields log_fields_;
  processing::JacksonWriter writer_;
  simdjson::dom::parser parser_;
};

}  // namespace ferry
