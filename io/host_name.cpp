// gethostname(), sanitized for object keys (see the header).
#include "io/host_name.hpp"

#include <unistd.h>

#include "core/object_key.hpp"

namespace ferry {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return sanitize_key_component(buf);
}

}  // namespace ferry
