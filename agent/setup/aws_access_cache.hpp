// AwsAccessCache: the process's AWS access (the region in effect and the credential provider),
// owned by run_agent and handed to every run and to the CloudWatch reporter, so that a SIGHUP
// reload does not resolve the credential chain again (a new STS AssumeRole, IMDS or
// credential_process call, a second refresh thread) unless it changed what decides it: the
// credential keys, the region STS is called in, or the HTTP keys of the STS calls. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "agent/config/config.hpp"
#include "agent/setup/s3_setup.hpp"
#include "core/result.hpp"
#include "io/credentials/credentials_chain.hpp"

namespace ferry {

class AwsAccessCache {
 public:
  // What resolve_aws_access(config) answers, for `user` ("the pipeline", "CloudWatch": named in
  // the log). The provider is the one `user` had if the credential settings of `config` equal
  // the ones it had them for, else the one another user holds for equal settings, else a new
  // one (logged when it replaces the user's own). A failure is not kept: the next call tries
  // again. The region is asked of the instance metadata once per s3.region setting.
  Result<AwsAccess> access(const config::Config& config, const std::string& user);

 private:
  struct Held {
    CredentialsSettings settings;
    std::shared_ptr<CredentialsProvider> provider;
  };

  // One resolution at a time: two users asking for equal settings at once get one provider.
  std::mutex mutex_;
  // The region in effect by (s3.region, whether it is only the default).
  std::map<std::pair<std::string, bool>, std::string> regions_;
  std::map<std::string, Held> held_;  // by user
};

}  // namespace ferry
