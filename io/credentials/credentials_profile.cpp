// Shared-files profiles (see the header): the two files are parsed by core/aws/aws_credentials_ini,
// a profile's settings are the config file's overlaid by the credentials file's, and a
// role_arn profile chains through source_profile (at most kMaxChain deep, no cycles).
#include "io/credentials/credentials_profile.hpp"

#include <algorithm>
#include <vector>

#include "core/text.hpp"
#include "io/credentials/credentials_env.hpp"
#include "io/credentials/credentials_process.hpp"
#include "io/durable_file.hpp"
#include "io/small_file.hpp"

namespace ferry {
namespace {

constexpr size_t kMaxChain = 5;

struct SharedFiles {
  AwsProfiles config;
  AwsProfiles credentials;
};

Result<AwsProfiles> load(const std::string& path, AwsIniKind kind) {
  if (path.empty()) return AwsProfiles{};
  Result<std::optional<std::string>> text = read_whole_file(path);
  if (!text.ok()) return text.error();
  if (!text.value()) return AwsProfiles{};  // a missing file holds no profile
  Result<AwsProfiles> profiles = parse_aws_ini(**text, kind);
  if (!profiles.ok()) return make_error(cat(path, ": ", profiles.error().message));
  return profiles;
}

std::optional<AwsProfile> settings_of(const SharedFiles& files, const std::string& name) {
  const auto in_config = files.config.find(name);
  const auto in_credentials = files.credentials.find(name);
  if (in_config == files.config.end() && in_credentials == files.credentials.end()) {
    return std::nullopt;
  }
  AwsProfile merged;
  if (in_config != files.config.end()) merged = in_config->second;
  if (in_credentials != files.credentials.end()) {
    for (const auto& [key, value] : in_credentials->second) merged[key] = value;
  }
  return merged;
}

std::string setting(const AwsProfile& profile, const char* key) {
  const auto it = profile.find(key);
  return it == profile.end() ? std::string() : it->second;
}

Result<ExpiringCredentials> static_keys(const AwsProfile& profile, const std::string& name) {
  ExpiringCredentials keys;
  keys.credentials.access_key_id = setting(profile, "aws_access_key_id");
  keys.credentials.secret_access_key = setting(profile, "aws_secret_access_key");
  keys.credentials.session_token = setting(profile, "aws_session_token");
  if (keys.credentials.access_key_id.empty() || keys.credentials.secret_access_key.empty()) {
    return make_error(
        cat("profile ", name, ": aws_access_key_id or aws_secret_access_key missing"));
  }
  return keys;
}

// The source of one profile; `chain` holds the profiles already on the way (cycles, depth).
Result<ProfileSource> resolve(const SharedFiles& files, const std::string& name,
                              const StsEndpoint& sts, std::vector<std::string>& chain) {
  if (std::find(chain.begin(), chain.end(), name) != chain.end() || chain.size() >= kMaxChain) {
    return make_error(
        cat("profile ", name, ": source_profile chain loops or is deeper than ", kMaxChain));
  }
  chain.push_back(name);
  const std::optional<AwsProfile> found = settings_of(files, name);
  if (!found) return make_error(cat("profile ", name, " is in neither shared file"));
  const AwsProfile& profile = *found;
  const std::string role_arn = setting(profile, "role_arn");
  AssumeRoleRequest role{role_arn, setting(profile, "role_session_name"),
                         setting(profile, "external_id")};
  if (!role_arn.empty() && !setting(profile, "web_identity_token_file").empty()) {
    const std::string token_file = setting(profile, "web_identity_token_file");
    return ProfileSource{cat("profile ", name, " (web_identity_token_file)"),
                         [sts, role, token_file]() -> Result<ExpiringCredentials> {
                           Result<std::optional<std::string>> token =
                               read_small_file(token_file, kMaxTokenFileBytes);
                           if (!token.ok()) return token.error();
                           if (!token.value())
                             return make_error(cat(token_file, " does not exist"));
                           return sts_assume_role_with_web_identity(sts, role, **token);
                         }};
  }
  if (!role_arn.empty()) {
    const std::string source_name = setting(profile, "source_profile");
    if (source_name.empty()) {
      return make_error(cat("profile ", name,
                            ": role_arn needs source_profile (credential_source is not "
                            "supported)"));
    }
    CredentialsProvider::Fetch base;
    std::string base_description;
    if (source_name == name) {  // the profile's own keys sign the AssumeRole
      Result<ExpiringCredentials> keys = static_keys(profile, name);
      if (!keys.ok()) return keys.error();
      base = [keys = keys.value()] { return Result<ExpiringCredentials>(keys); };
      base_description = "its own keys";
    } else {
      Result<ProfileSource> source = resolve(files, source_name, sts, chain);
      if (!source.ok()) return source.error();
      base = std::move(source->fetch);
      base_description = source->description;
    }
    return ProfileSource{cat("profile ", name, " (role_arn over ", base_description, ")"),
                         [sts, role, base]() -> Result<ExpiringCredentials> {
                           Result<ExpiringCredentials> caller = base();
                           if (!caller.ok()) return caller.error();
                           return sts_assume_role(sts, role, caller->credentials);
                         }};
  }
  if (!setting(profile, "aws_access_key_id").empty()) {
    Result<ExpiringCredentials> keys = static_keys(profile, name);
    if (!keys.ok()) return keys.error();
    return ProfileSource{cat("profile ", name, " (static keys)"),
                         [keys = keys.value()] { return Result<ExpiringCredentials>(keys); }};
  }
  const std::string process = setting(profile, "credential_process");
  if (!process.empty()) {
    return ProfileSource{cat("profile ", name, " (credential_process)"),
                         [process] { return run_credential_process(process); }};
  }
  return make_error(cat("profile ", name,
                        " holds no credentials (aws_access_key_id, role_arn or "
                        "credential_process)"));
}

std::string default_path(const char* variable, const char* file) {
  std::string path = env_value(variable);
  if (!path.empty()) return path;
  const std::string home = env_value("HOME");
  return home.empty() ? std::string() : cat(home, "/.aws/", file);
}

}  // namespace

Result<std::optional<ProfileSource>> profile_source_from_environment(const StsEndpoint& sts) {
  SharedFiles files;
  Result<AwsProfiles> config = load(default_path("AWS_CONFIG_FILE", "config"), AwsIniKind::config);
  if (!config.ok()) return config.error();
  Result<AwsProfiles> credentials =
      load(default_path("AWS_SHARED_CREDENTIALS_FILE", "credentials"), AwsIniKind::credentials);
  if (!credentials.ok()) return credentials.error();
  files.config = std::move(config.value());
  files.credentials = std::move(credentials.value());
  const std::string chosen = env_value("AWS_PROFILE");
  const std::string name = chosen.empty() ? "default" : chosen;
  if (chosen.empty() && !settings_of(files, name)) return std::optional<ProfileSource>();
  std::vector<std::string> chain;
  Result<ProfileSource> source = resolve(files, name, sts, chain);
  if (!source.ok()) return source.error();
  return std::optional<ProfileSource>(std::move(source.value()));
}

}  // namespace ferry
