// The system's CA bundle (see the header): the first readable of the known locations.
#include "io/aws/ca_bundle.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

namespace ferry {

std::vector<std::string> ca_bundle_candidates(const char* ssl_cert_file) {
  std::vector<std::string> candidates;
  if (ssl_cert_file != nullptr && *ssl_cert_file != '\0') candidates.emplace_back(ssl_cert_file);
  for (const char* known : {
           "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Gentoo, Arch
           "/etc/pki/tls/certs/ca-bundle.crt",                   // Amazon Linux, RHEL, Fedora
           "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // RHEL's extracted trust
           "/etc/ssl/ca-bundle.pem",                             // SUSE
           "/etc/ssl/cert.pem",                                  // Alpine
       })
    candidates.emplace_back(known);
  return candidates;
}

std::string first_readable_file(const std::vector<std::string>& candidates) {
  for (const std::string& path : candidates) {
    struct stat status {};
    if (::stat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode) &&
        ::access(path.c_str(), R_OK) == 0)
      return path;
  }
  return {};
}

const std::string& system_ca_bundle() {
  static const std::string found =
      first_readable_file(ca_bundle_candidates(std::getenv("SSL_CERT_FILE")));
  return found;
}

}  // namespace ferry
