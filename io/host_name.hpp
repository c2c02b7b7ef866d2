// This host's name as it goes into object keys and names ({host}): gethostname(), sanitized
// for keys. Any thread.
#pragma once

#include <string>

namespace ferry {

std::string host_name();

// gethostname() as it is ("localhost" if it fails), as the Kinesis Agent's log lines show it.
std::string system_host_name();

}  // namespace ferry
