// gethostname(), sanitized for object keys or as it is (see the header).
#include "io/host_name.hpp"

#include <unistd.h>

#include <optional>

#include "core/batch/object_key.hpp"

namespace ferry {

namespace {

std::optional<std::string> gethostname_text() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return std::nullopt;
  return std::string(buf);
}

}  // namespace

std::string host_name() {
  const std::optional<std::string> name = gethostname_text();
  return name ? sanitize_key_component(*name) : std::string("unknown");
}

std::string system_host_name() {
  return gethostname_text().value_or("localhost");
}

}  // namespace ferry
