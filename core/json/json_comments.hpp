// Comment stripping for agent.json: the Kinesis Agent accepts // and /* */ comments, JSON does not.
// Pure function, any thread; comments become spaces so byte offsets and line numbers stay the same.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace ferry::config {

// Returns `text` with every comment outside string literals replaced by spaces (newlines inside
// a block comment are kept). An unterminated block comment is an error naming its line.
Result<std::string> strip_json_comments(std::string_view text);

}  // namespace ferry::config
