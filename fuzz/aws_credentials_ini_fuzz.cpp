// libFuzzer target for core/aws/aws_credentials_ini: ~/.aws/credentials and ~/.aws/config are
// outside bytes. Both readings must return without crashing, and every profile they give must
// have a non-empty name.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/aws/aws_credentials.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const ferry::AwsIniKind kind : {ferry::AwsIniKind::credentials, ferry::AwsIniKind::config}) {
    const auto profiles = ferry::parse_aws_ini(text, kind);
    if (!profiles.ok()) continue;
    for (const auto& [name, settings] : *profiles) {
      if (name.empty()) std::abort();
      for (const auto& [key, value] : settings) {
        if (key.empty() || key.size() > size || value.size() > size) std::abort();
      }
    }
  }
  return 0;
}
