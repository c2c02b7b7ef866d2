// Typed reading of agent.json values and the configuration error format (see config_values.hpp).
// Messages show a value only after its type was checked, and never for secret keys.
#include "agent/config/config_values.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/did_you_mean.hpp"
#include "core/text.hpp"

namespace ferry::config {
namespace {

constexpr std::size_t kMaxShownBytes = 64;

bool is_plain_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxShownBytes) return false;
  for (char c : key) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '.' || c == '-';
    if (!plain) return false;
  }
  return true;
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view text, std::string_view lowercase_word) {
  if (text.size() != lowercase_word.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (lower(text[i]) != lowercase_word[i]) return false;
  }
  return true;
}

std::string format_double(double value) {
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc()) return "a number";
  return std::string(buffer, end);
}

Error out_of_range(std::string_view path, uint64_t min, uint64_t max, std::string_view found) {
  if (max == kNoMaximum) return config_error(path, cat("must be at least ", min, ", got ", found));
  return config_error(path, cat("must be between ", min, " and ", max, ", got ", found));
}

Result<uint64_t> in_range(std::string_view path, uint64_t value, uint64_t min, uint64_t max) {
  if (value < min || value > max) return out_of_range(path, min, max, std::to_string(value));
  return value;
}

// Kinesis Agent spelling of a number: an optional sign and decimal digits, nothing else.
Result<uint64_t> parse_number_string(std::string_view text, std::string_view path, uint64_t min,
                                     uint64_t max) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return config_error(path, cat("must be an integer, got ", quote_value(text)));
  }
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    return out_of_range(path, min, max, digits.substr(0, kMaxShownBytes));
  }
  if (negative && value != 0) return out_of_range(path, min, max, cat("-", digits));
  return in_range(path, value, min, max);
}

}  // namespace

std::string key_path(std::string_view parent, std::string_view key) {
  std::string out(parent.empty() && !is_plain_key(key) ? "$" : parent);
  if (is_plain_key(key)) {
    if (!out.empty()) out.push_back('.');
    out.append(key);
  } else {
    out.append("[").append(quote_value(key)).append("]");
  }
  return out;
}

std::string index_path(std::string_view parent, std::size_t index) {
  return cat(parent.empty() ? std::string_view("$") : parent, "[", index, "]");
}

std::string quote_value(std::string_view value) {
  std::string out;
  if (value.size() <= kMaxShownBytes) {
    append_json_string(out, value);
    return out;
  }
  std::size_t cut = kMaxShownBytes;
  // Do not split a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  append_json_string(out, value.substr(0, cut));
  out.insert(out.size() - 1, "...");
  return out;
}

const char* type_name(element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::ARRAY: return "array";
    case simdjson::dom::element_type::OBJECT: return "object";
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE: return "number";
    case simdjson::dom::element_type::STRING: return "string";
    case simdjson::dom::element_type::BOOL: return "boolean";
    case simdjson::dom::element_type::NULL_VALUE: return "null";
  }
  return "value";
}

Error config_error(std::string_view path, std::string_view problem) {
  return make_error(cat("config: ", path.empty() ? std::string_view("$") : path, ": ", problem));
}

Result<object> read_object(element value, std::string_view path) {
  object out;
  if (value.get_object().get(out) != simdjson::SUCCESS) {
    return config_error(path, cat("must be an object, got ", type_name(value)));
  }
  return out;
}

Result<array> read_array(element value, std::string_view path) {
  array out;
  if (value.get_array().get(out) != simdjson::SUCCESS) {
    return config_error(path, cat("must be an array, got ", type_name(value)));
  }
  return out;
}

Result<std::string> read_string(element value, std::string_view path) {
  std::string_view out;
  if (value.get_string().get(out) != simdjson::SUCCESS) {
    return config_error(path, cat("must be a string, got ", type_name(value)));
  }
  return std::string(out);
}

Result<uint64_t> read_uint_clamped(element value, std::string_view path, uint64_t min, uint64_t max,
                                   std::string_view why, std::vector<std::string>& warnings) {
  uint64_t number = 0;
  FERRY_CONFIG_TRY(number, read_uint(value, path, 0, std::numeric_limits<uint64_t>::max()));
  if (number >= min && number <= max) return number;
  const uint64_t read_as = number < min ? min : max;
  warnings.push_back(cat("config: ", path, ": ", number, " is read as ", read_as, " (ferry runs ",
                         min, " to ", max, ": ", why, "; the Kinesis Agent does not check it)"));
  return read_as;
}

Result<uint64_t> read_uint(element value, std::string_view path, uint64_t min, uint64_t max) {
  switch (value.type()) {
    case simdjson::dom::element_type::UINT64: {
      uint64_t number = 0;
      if (value.get_uint64().get(number) != simdjson::SUCCESS) break;
      return in_range(path, number, min, max);
    }
    case simdjson::dom::element_type::INT64: {
      int64_t number = 0;
      if (value.get_int64().get(number) != simdjson::SUCCESS) break;
      if (number < 0) return out_of_range(path, min, max, std::to_string(number));
      return in_range(path, static_cast<uint64_t>(number), min, max);
    }
    case simdjson::dom::element_type::DOUBLE: {
      double number = 0;
      if (value.get_double().get(number) != simdjson::SUCCESS) break;
      if (!std::isfinite(number) || number != std::floor(number)) {
        return config_error(path, cat("must be an integer, got ", format_double(number)));
      }
      // 2^64 is exactly representable; anything at or above it does not fit.
      if (number < 0 || number >= 18446744073709551616.0) {
        return out_of_range(path, min, max, format_double(number));
      }
      return in_range(path, static_cast<uint64_t>(number), min, max);
    }
    case simdjson::dom::element_type::STRING: {
      std::string_view text;
      if (value.get_string().get(text) != simdjson::SUCCESS) break;
      return parse_number_string(text, path, min, max);
    }
    default: break;
  }
  return config_error(path, cat("must be an integer, got ", type_name(value)));
}

Result<bool> read_bool(element value, std::string_view path) {
  constexpr std::string_view kSpellings = "true/false, yes/no, t/f, y/n, 1/0";
  switch (value.type()) {
    case simdjson::dom::element_type::BOOL: {
      bool flag = false;
      if (value.get_bool().get(flag) == simdjson::SUCCESS) return flag;
      break;
    }
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64: {
      uint64_t number = 2;
      if (value.get_uint64().get(number) == simdjson::SUCCESS && number <= 1) return number == 1;
      return config_error(path, cat("must be a boolean (", kSpellings, "), got a number"));
    }
    case simdjson::dom::element_type::STRING: {
      std::string_view text;
      if (value.get_string().get(text) != simdjson::SUCCESS) break;
      for (std::string_view yes : {"true", "yes", "t", "y", "1"}) {
        if (equals_ignoring_case(text, yes)) return true;
      }
      for (std::string_view no : {"false", "no", "f", "n", "0"}) {
        if (equals_ignoring_case(text, no)) return false;
      }
      return config_error(path,
                          cat("must be a boolean (", kSpellings, "), got ", quote_value(text)));
    }
    default: break;
  }
  return config_error(path, cat("must be a boolean (", kSpellings, "), got ", type_name(value)));
}

Result<std::size_t> read_choice(element value, std::string_view path,
                                std::span<const std::string_view> choices) {
  std::string text;
  FERRY_CONFIG_TRY(text, read_string(value, path));
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (text == choices[i]) return i;
  }
  std::string problem = "must be one of ";
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) problem.append(", ");
    problem.append(choices[i]);
  }
  problem.append(cat(", got ", quote_value(text)));
  const std::string_view suggestion = closest_match(text, choices);
  if (!suggestion.empty()) problem.append(cat(" (did you mean ", suggestion, "?)"));
  return config_error(path, problem);
}

Status check_duplicate_keys(element value, std::string_view path) {
  // The path is built only when a duplicate is found: most documents have none.
  struct Step {
    bool is_index;
    std::string_view key;
    std::size_t index;
  };
  std::vector<Step> steps;
  std::string_view duplicate;
  const auto walk = [&](const auto& self, element node) -> bool {
    object fields;
    array items;
    if (node.get_object().get(fields) == simdjson::SUCCESS) {
      std::unordered_set<std::string_view> seen;
      for (simdjson::dom::key_value_pair field : fields) {
        if (!seen.insert(field.key).second) {
          duplicate = field.key;
          return false;
        }
        steps.push_back({false, field.key, 0});
        if (!self(self, field.value)) return false;
        steps.pop_back();
      }
    } else if (node.get_array().get(items) == simdjson::SUCCESS) {
      std::size_t index = 0;
      for (element item : items) {
        steps.push_back({true, {}, index++});
        if (!self(self, item)) return false;
        steps.pop_back();
      }
    }
    return true;
  };
  if (walk(walk, value)) return Ok{};
  std::string where(path);
  for (const Step& step : steps) {
    where = step.is_index ? index_path(where, step.index) : key_path(where, step.key);
  }
  return config_error(key_path(where, duplicate),
                      "duplicate key; give each key once (the Kinesis Agent would silently use the "
                      "last one, ferry refuses the ambiguity)");
}

}  // namespace ferry::config
