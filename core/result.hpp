// Result<T>: a value or an Error, for failures that callers handle (no exceptions across stages).
// Error messages say what was expected and what was found.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "core/assert.hpp"

namespace ferry {

struct Error {
  std::string message;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & {
    FERRY_ASSERT(ok());
    return std::get<T>(state_);
  }
  const T& value() const& {
    FERRY_ASSERT(ok());
    return std::get<T>(state_);
  }
  T&& value() && {
    FERRY_ASSERT(ok());
    return std::get<T>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    FERRY_ASSERT(!ok());
    return std::get<Error>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

// Result of an operation that yields nothing but may fail.
struct Ok {};
using Status = Result<Ok>;

inline Error make_error(std::string message) {
  return Error{std::move(message)};
}

}  // namespace ferry
