// The system's CA bundle, found where each Linux family keeps it. libcurl's built-in default is
// the path of the distribution it was built on (Debian's /etc/ssl/certs/ca-certificates.crt);
// the release tarball bundles Debian's libcurl and runs on Amazon Linux, RHEL, SUSE and Alpine
// too, whose bundles live elsewhere. SSL_CERT_FILE (OpenSSL's variable) comes first.
#pragma once

#include <string>
#include <vector>

namespace ferry {

// SSL_CERT_FILE's value (when set and not empty), then the known locations, most common first.
std::vector<std::string> ca_bundle_candidates(const char* ssl_cert_file);

// The first candidate that is a readable regular file (symbolic links followed); "" if none.
std::string first_readable_file(const std::vector<std::string>& candidates);

// Found once per process from SSL_CERT_FILE and the known locations; "" leaves libcurl's default.
const std::string& system_ca_bundle();

}  // namespace ferry
