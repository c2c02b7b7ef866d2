// Byte-level walking of JSON text that simdjson has already validated: whitespace, strings,
// whole values. Used to find the byte spans of values the DOM selected, never to validate.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string_view>

#include "core/assert.hpp"

namespace ferry::json_scan {

inline bool is_whitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The callers only walk validated documents, so these can be this small; the asserts guard
// that assumption rather than validate input.
inline size_t skip_whitespace(std::string_view s, size_t i) {
  while (i < s.size() && is_whitespace(s[i])) ++i;
  FERRY_ASSERT(i < s.size());
  return i;
}

// `i` is at an opening quote; returns the index just past the closing quote. Short strings (keys,
// flags) are walked byte by byte; past kWalkedBytes the quotes are found with memchr (vectorised
// by the C library), one being escaped when an odd run of backslashes stands right before it.
// Each backslash is counted for at most one quote: linear.
inline size_t skip_string(std::string_view s, size_t i) {
  constexpr size_t kWalkedBytes = 32;
  FERRY_ASSERT(s[i] == '"');
  const char* const text = s.data();
  size_t from = i + 1;
  for (const size_t walked = std::min(s.size(), from + kWalkedBytes); from < walked; ++from) {
    if (text[from] == '\\') {
      ++from;  // the escaped character can be a quote
    } else if (text[from] == '"') {
      return from + 1;
    }
  }
  while (from < s.size()) {
    const void* found = std::memchr(text + from, '"', s.size() - from);
    if (found == nullptr) break;
    const size_t quote = static_cast<size_t>(static_cast<const char*>(found) - text);
    size_t backslashes = 0;
    while (quote - backslashes > i + 1 && text[quote - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return quote + 1;
    from = quote + 1;
  }
  FERRY_ASSERT(false && "unterminated string in a validated document");
  return s.size();
}

// `i` is at the first byte of a value; returns the index just past it.
inline size_t skip_value(std::string_view s, size_t i) {
  const char first = s[i];
  if (first == '"') return skip_string(s, i);
  if (first == '{' || first == '[') {
    size_t depth = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (c == '"') {
        i = skip_string(s, i);
        continue;
      }
      if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        --depth;
        if (depth == 0) return i + 1;
      }
      ++i;
    }
    FERRY_ASSERT(false && "unbalanced container in a validated document");
  }
  // true, false, null or a number: ends at a delimiter.
  while (i < s.size() && !is_whitespace(s[i]) && s[i] != ',' && s[i] != '}' && s[i] != ']') {
    ++i;
  }
  return i;
}

// One member of an object or element of an array, as byte offsets.
struct Item {
  size_t begin;        // the member's key quote, or the element's first byte
  size_t value_begin;  // the value's first byte
  size_t value_end;    // just past the value
};

// Calls `on_item(Item)` for each item of the container whose '{' or '[' is at `open`, in
// order; returns the offset of its closing bracket.
template <class OnItem>
size_t for_each_item(std::string_view s, size_t open, OnItem&& on_item) {
  const bool object = s[open] == '{';
  FERRY_ASSERT(object || s[open] == '[');
  const char close = object ? '}' : ']';
  size_t i = skip_whitespace(s, open + 1);
  while (s[i] != close) {
    if (s[i] == ',') i = skip_whitespace(s, i + 1);
    Item item{i, i, i};
    if (object) {
      i = skip_whitespace(s, skip_string(s, i));
      FERRY_ASSERT(s[i] == ':');
      i = skip_whitespace(s, i + 1);
      item.value_begin = i;
    }
    i = skip_value(s, i);
    item.value_end = i;
    on_item(item);
    i = skip_whitespace(s, i);
  }
  return i;
}

}  // namespace ferry::json_scan
