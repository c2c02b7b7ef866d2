// Java's decoding, trimming and regex character classes, byte for byte (see the header).
#include "core/convert/data_processing_text.hpp"

#include <simdjson.h>

#include <chrono>

namespace ferry::processing {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

bool in_range(unsigned char c, unsigned char low, unsigned char high) {
  return c >= low && c <= high;
}

void append_two_digits(std::string& out, unsigned value) {
  out.push_back(static_cast<char>('0' + value / 10 % 10));
  out.push_back(static_cast<char>('0' + value % 10));
}

}  // namespace

std::string_view decode_like_java(std::string_view in, std::string& scratch) {
  if (simdjson::validate_utf8(in.data(), in.size())) return in;
  scratch.clear();
  const auto* bytes = reinterpret_cast<const unsigned char*>(in.data());
  const std::size_t size = in.size();
  std::size_t i = 0;
  while (i < size) {
    const unsigned char lead = bytes[i];
    if (lead < 0x80) {
      scratch.push_back(static_cast<char>(lead));
      ++i;
      continue;
    }
    // The lead byte decides the length and the range of the second byte (Unicode table 3-7).
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (in_range(lead, 0xC2, 0xDF)) {
      length = 2;
    } else if (lead == 0xE0) {
      length = 3, low = 0xA0;
    } else if (in_range(lead, 0xE1, 0xEC) || in_range(lead, 0xEE, 0xEF)) {
      length = 3;
    } else if (lead == 0xED) {
      length = 3, high = 0x9F;
    } else if (lead == 0xF0) {
      length = 4, low = 0x90;
    } else if (in_range(lead, 0xF1, 0xF3)) {
      length = 4;
    } else if (lead == 0xF4) {
      length = 4, high = 0x8F;
    }
    std::size_t good = length == 0 ? 0 : 1;  // bytes of the sequence that are well-formed
    if (good == 1 && i + 1 < size && in_range(bytes[i + 1], low, high)) {
      good = 2;
      while (good < length && i + good < size && in_range(bytes[i + good], 0x80, 0xBF)) ++good;
    }
    if (length != 0 && good == length) {
      scratch.append(in.substr(i, length));
      i += length;
    } else {
      scratch.append(kReplacement);  // one U+FFFD for the maximal subpart (at least one byte)
      i += good == 0 ? 1 : good;
    }
  }
  return scratch;
}

std::string_view java_trim(std::string_view text) {
  std::size_t begin = 0, end = text.size();
  while (begin < end && static_cast<unsigned char>(text[begin]) <= 0x20) ++begin;
  while (end > begin && static_cast<unsigned char>(text[end - 1]) <= 0x20) --end;
  return text.substr(begin, end - begin);
}

bool java_dot_matches_all(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n' || c == '\r') return false;
    if (c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\x85') return false;
    if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
        (text[i + 2] == '\xA8' || text[i + 2] == '\xA9'))
      return false;
  }
  return true;
}

void append_utc_millis(std::string& out, int64_t unix_millis) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds(unix_millis)};
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss<milliseconds> clock{time - day};
  const int year = static_cast<int>(date.year());
  append_two_digits(out, static_cast<unsigned>(year / 100));
  append_two_digits(out, static_cast<unsigned>(year % 100));
  out.push_back('-');
  append_two_digits(out, static_cast<unsigned>(date.month()));
  out.push_back('-');
  append_two_digits(out, static_cast<unsigned>(date.day()));
  out.push_back('T');
  append_two_digits(out, static_cast<unsigned>(clock.hours().count()));
  out.push_back(':');
  append_two_digits(out, static_cast<unsigned>(clock.minutes().count()));
  out.push_back(':');
  append_two_digits(out, static_cast<unsigned>(clock.seconds().count()));
  out.push_back('.');
  const auto millis = static_cast<unsigned>(clock.subseconds().count());
  out.push_back(static_cast<char>('0' + millis / 100));
  append_two_digits(out, millis % 100);
  out.push_back('Z');
}

}  // namespace ferry::processing
