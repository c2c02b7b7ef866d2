// Secrets at rest: a file holding one (an HMAC keyFile, an agent.json with awsSecretAccessKey)
// that group or others may read gets a warning at start and in --check-config.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ferry::config {

// The warning for `file` (found at config key `where`, if any; holding `what`) if its mode
// exposes it.
std::optional<std::string> secret_file_warning(const std::string& file, std::string_view where,
                                               std::string_view what);

}  // namespace ferry::config
