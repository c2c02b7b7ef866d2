// credential_process: runs a profile's command (through /bin/sh -c, as the AWS CLI does) and
// reads its JSON from stdout, bounded in size (64 KiB) and time: the command, and everything
// it started (its process group), is killed with SIGKILL and reaped at the deadline, whether it
// never writes or closes its stdout and keeps running. Blocking; any thread.
#pragma once

#include <chrono>
#include <string>

#include "core/aws/aws_credentials.hpp"
#include "core/result.hpp"

namespace ferry {

inline constexpr std::chrono::seconds kDefaultCredentialProcessTimeout{60};

// FERRY_CREDENTIAL_PROCESS_TIMEOUT_SECONDS (1..3600), else 60 s.
Result<std::chrono::seconds> credential_process_timeout();

Result<ExpiringCredentials> run_credential_process(const std::string& command);

}  // namespace ferry
