// Reading agent.json-style files (internal to agent/config/config*.cpp): a file's bytes, bounded, and
// the JSON object its text holds, with comments stripped, syntax errors located and repeated
// keys refused. One thread.
#pragma once

#include <string>
#include <string_view>

#include "agent/config/config_values.hpp"

namespace ferry::config {

// A parsed document; `root` points into `parser`, so the document must stay where it is.
struct ConfigDocument {
  simdjson::padded_string text;
  simdjson::dom::parser parser;
  object root;
};

// The file's bytes; "config: <path>: cannot read: <why>" otherwise.
Result<std::string> read_config_file(const std::string& path);

// Parses `text` into `document`; `source` names the text in syntax errors (a file, or `$`).
Status parse_config_document(std::string_view text, std::string_view source,
                             ConfigDocument& document);

}  // namespace ferry::config
