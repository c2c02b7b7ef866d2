// Test helpers for agent/config/config: parse text that must parse (a test failure otherwise) or must
// be refused (its message returned).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>

#include "agent/config/config.hpp"

namespace ferry::config {

inline Parsed parse_ok(std::string_view text) {
  Result<Parsed> result = parse(text);
  if (!result.ok()) {
    ADD_FAILURE() << "unexpected error: " << result.error().message << "\nin: " << text;
    return {};
  }
  return std::move(result).value();
}

inline std::string error_of(std::string_view text) {
  Result<Parsed> result = parse(text);
  if (result.ok()) {
    ADD_FAILURE() << "parsed but should not have: " << text;
    return {};
  }
  return result.error().message;
}

}  // namespace ferry::config
