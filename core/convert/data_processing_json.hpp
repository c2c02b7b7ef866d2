// JSON as the Java Kinesis Agent's processors print it (Jackson's ObjectMapper): compact, or the
// default pretty printer ("{\n  \"k\" : \"v\"\n}", arrays "[ 1, 2 ]", empty "{ }" and "[ ]").
// One writer per processing chain, reused record after record; not thread-safe.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/convert/data_processing.hpp"

namespace ferry::processing {

class JacksonWriter {
 public:
  // Starts a new document appended to `out`.
  void reset(std::string& out, JsonFormat format);

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(std::string_view name);
  void string(std::string_view value);  // valid UTF-8
  void null();
  // A whole parsed value, numbers as Java prints the Integer / Long / Double Jackson reads.
  void element(simdjson::dom::element value);

 private:
  struct Level {
    bool object = false;
    std::size_t entries = 0;
  };
  void before_value();
  void new_line();

  std::string* out_ = nullptr;
  bool pretty_ = false;
  std::size_t object_depth_ = 0;  // Jackson indents by objects only; arrays stay inline
  std::vector<Level> levels_;     // capacity reused
};

// Double.toString: "1.5", "100.0", "1.0E10", "1.0E-5", "-0.0" (shortest round-trip digits).
void append_java_double(std::string& out, double value);

}  // namespace ferry::processing
