// credential_process: runs a profile's command (through /bin/sh -c, as the AWS CLI does) and
// reads its JSON from stdout, bounded in size and time. Blocking; any thread.
#pragma once

#include <string>

#include "core/aws_credentials.hpp"
#include "core/result.hpp"

namespace ferry {

Result<ExpiringCredentials> run_credential_process(const std::string& command);

}  // namespace ferry
