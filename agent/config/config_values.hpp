// Typed reading of agent.json values with the Kinesis Agent's spellings ("5000" for 5000, "yes"
// for true), and the "config: <json path>: <problem>" error format. Pure functions, any thread.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

// Assigns the value of a Result expression to `lhs`, or returns its error from the caller.
#define FERRY_CONFIG_TRY(lhs, expr)                \
  do {                                             \
    auto ferry_config_result_ = (expr);            \
    if (!ferry_config_result_.ok()) {              \
      return ferry_config_result_.error();         \
    }                                              \
    lhs = std::move(ferry_config_result_).value(); \
  } while (0)

namespace ferry::config {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

inline constexpr uint64_t kNoMaximum = std::numeric_limits<uint64_t>::max();

// Paths as messages show them: `flows[0].s3.bucket`; the root is `$`. A key that is not made of
// [A-Za-z0-9_.-] (or is very long) is shown quoted and escaped: `flows[0]["odd key"]`.
std::string key_path(std::string_view parent, std::string_view key);
std::string index_path(std::string_view parent, std::size_t index);

// A value for a message: JSON-quoted and escaped, cut after 64 bytes. Never used for secrets.
std::string quote_value(std::string_view value);

// "object", "array", "number", "string", "boolean" or "null".
const char* type_name(element value);

// "config: <path>: <problem>", with `$` for an empty path.
Error config_error(std::string_view path, std::string_view problem);

Result<object> read_object(element value, std::string_view path);
Result<array> read_array(element value, std::string_view path);
Result<std::string> read_string(element value, std::string_view path);
// A non-negative integer within [min, max]: a JSON integer, an integral JSON number, or a string
// of digits as the Kinesis Agent accepts ("5000").
Result<uint64_t> read_uint(element value, std::string_view path, uint64_t min, uint64_t max);
// A number the Kinesis Agent reads without checking it: any non-negative integer is accepted,
// and one outside [min, max] is read as the nearest bound, with a warning in `warnings` that
// names the key, the value and what ferry runs with instead (`why`: the reason for the range).
Result<uint64_t> read_uint_clamped(element value, std::string_view path, uint64_t min, uint64_t max,
                                   std::string_view why, std::vector<std::string>& warnings);
// JSON true/false, 1/0, or a string spelling true/yes/t/y/1 or false/no/f/n/0 (any case).
Result<bool> read_bool(element value, std::string_view path);
// A string equal (case-sensitively) to one of `choices`; returns its index. A near miss gets a
// "did you mean" hint.
Result<std::size_t> read_choice(element value, std::string_view path,
                                std::span<const std::string_view> choices);

// Every object in the document must not repeat a key: the Kinesis Agent (Jackson) silently uses
// the last one, and ambiguity in a security tool's configuration is an error.
Status check_duplicate_keys(element value, std::string_view path);

}  // namespace ferry::config
