// The AWS_* environment as the credential sources read it: an empty variable counts as unset.
#pragma once

#include <cstdlib>
#include <string>

namespace ferry {

inline std::string env_value(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : std::string();
}

}  // namespace ferry
