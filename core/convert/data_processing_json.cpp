// Jackson-compatible JSON output for the data processing options (see the header).
#include "core/convert/data_processing_json.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "core/assert.hpp"
#include "core/text.hpp"

namespace ferry::processing {

void JacksonWriter::reset(std::string& out, JsonFormat format) {
  out_ = &out;
  pretty_ = format == JsonFormat::pretty_print;
  object_depth_ = 0;
  levels_.clear();
}

void JacksonWriter::new_line() {
  out_->push_back('\n');
  out_->append(2 * object_depth_, ' ');
}

void JacksonWriter::before_value() {
  if (levels_.empty() || levels_.back().object) return;  // root, or after key()
  Level& array = levels_.back();
  if (array.entries++ == 0) {
    if (pretty_) out_->push_back(' ');
  } else {
    out_->append(pretty_ ? ", " : ",");
  }
}

void JacksonWriter::begin_object() {
  before_value();
  out_->push_back('{');
  ++object_depth_;
  levels_.push_back({true, 0});
}

void JacksonWriter::end_object() {
  FERRY_ASSERT(!levels_.empty() && levels_.back().object);
  --object_depth_;
  if (pretty_) {
    if (levels_.back().entries > 0) {
      new_line();
    } else {
      out_->push_back(' ');
    }
  }
  out_->push_back('}');
  levels_.pop_back();
}

void JacksonWriter::begin_array() {
  before_value();
  out_->push_back('[');
  levels_.push_back({false, 0});
}

void JacksonWriter::end_array() {
  FERRY_ASSERT(!levels_.empty() && !levels_.back().object);
  if (pretty_) out_->push_back(' ');
  out_->push_back(']');
  levels_.pop_back();
}

void JacksonWriter::key(std::string_view name) {
  FERRY_ASSERT(!levels_.empty() && levels_.back().object);
  if (levels_.back().entries++ > 0) out_->push_back(',');
  if (pretty_) new_line();
  append_json_string(*out_, name);
  out_->append(pretty_ ? " : " : ":");
}

void JacksonWriter::string(std::string_view value) {
  before_value();
  append_json_string(*out_, value);
}

void JacksonWriter::null() {
  before_value();
  out_->append("null");
}

void JacksonWriter::element(simdjson::dom::element value) {
  using simdjson::dom::element_type;
  switch (value.type()) {
    case element_type::OBJECT:
      begin_object();
      for (simdjson::dom::key_value_pair field : simdjson::dom::object(value)) {
        key(field.key);
        element(field.value);
      }
      end_object();
      return;
    case element_type::ARRAY:
      begin_array();
      for (simdjson::dom::element item : simdjson::dom::array(value)) element(item);
      end_array();
      return;
    case element_type::STRING: string(std::string_view(value)); return;
    case element_type::INT64:
      before_value();
      out_->append(std::to_string(int64_t(value)));
      return;
    case element_type::UINT64:
      before_value();
      out_->append(std::to_string(uint64_t(value)));
      return;
    case element_type::DOUBLE:
      before_value();
      append_java_double(*out_, double(value));
      return;
    case element_type::BOOL:
      before_value();
      out_->append(bool(value) ? "true" : "false");
      return;
    case element_type::NULL_VALUE: null(); return;
  }
}

void append_java_double(std::string& out, double value) {
  FERRY_ASSERT(std::isfinite(value));  // JSON has no NaN or infinity
  if (value == 0) {
    out.append(std::signbit(value) ? "-0.0" : "0.0");
    return;
  }
  // Shortest round-trip digits d.ddd and exponent, then Java's layout of them.
  char buffer[64];
  const auto [end, error] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  FERRY_ASSERT(error == std::errc());
  std::string_view text(buffer, static_cast<std::size_t>(end - buffer));
  if (text.front() == '-') {
    out.push_back('-');
    text.remove_prefix(1);
  }
  const std::size_t e = text.find('e');
  std::string digits;
  digits.push_back(text[0]);
  if (e > 1) digits.append(text.substr(2, e - 2));  // skip the '.'
  const int exponent = std::atoi(std::string(text.substr(e + 1)).c_str());
  if (exponent >= -3 && exponent < 7) {
    if (exponent < 0) {
      out.append("0.");
      out.append(static_cast<std::size_t>(-exponent - 1), '0');
      out.append(digits);
    } else {
      const std::size_t integer_digits = static_cast<std::size_t>(exponent) + 1;
      if (digits.size() <= integer_digits) {
        out.append(digits);
        out.append(integer_digits - digits.size(), '0');
        out.append(".0");
      } else {
        out.append(digits.substr(0, integer_digits));
        out.push_back('.');
        out.append(digits.substr(integer_digits));
      }
    }
    return;
  }
  out.push_back(digits[0]);
  out.push_back('.');
  out.append(digits.size() > 1 ? digits.substr(1) : std::string("0"));
  out.push_back('E');
  out.append(std::to_string(exponent));
}

}  // namespace ferry::processing
