// Test oracle shared by the redaction tests and fuzz targets: every string value a JSON reader
// decodes from a document, so that a check sees what a consumer of the output would see.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

namespace ferry {

// Every decoded string value of `element` (keys excluded), each followed by '\x01', into `out`.
inline void collect_strings(simdjson::dom::element element, std::string& out) {
  std::string_view text;
  simdjson::dom::object object;
  simdjson::dom::array array;
  if (element.get_string().get(text) == simdjson::SUCCESS) {
    out.append(text).push_back('\x01');
  } else if (element.get_object().get(object) == simdjson::SUCCESS) {
    for (auto field : object) collect_strings(field.value, out);
  } else if (element.get_array().get(array) == simdjson::SUCCESS) {
    for (auto item : array) collect_strings(item, out);
  }
}

}  // namespace ferry
