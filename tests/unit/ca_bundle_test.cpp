// The system CA bundle: SSL_CERT_FILE first, then the known locations; only a readable regular
// file counts (a directory, a missing file or a dangling link is skipped).
#include "io/aws/ca_bundle.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace ferry {
namespace {

namespace fs = std::filesystem;

TEST(CaBundle, SslCertFileComesFirstThenTheDistributionsLocations) {
  const std::vector<std::string> with = ca_bundle_candidates("/opt/corp/ca.pem");
  ASSERT_GE(with.size(), 3u);
  EXPECT_EQ(with[0], "/opt/corp/ca.pem");
  EXPECT_EQ(with[1], "/etc/ssl/certs/ca-certificates.crt");
  EXPECT_EQ(with[2], "/etc/pki/tls/certs/ca-bundle.crt");
  EXPECT_EQ(ca_bundle_candidates(nullptr), ca_bundle_candidates(""));
  EXPECT_EQ(ca_bundle_candidates(nullptr).size(), with.size() - 1);
  EXPECT_EQ(ca_bundle_candidates(nullptr)[0], "/etc/ssl/certs/ca-certificates.crt");
}

TEST(CaBundle, TheFirstReadableRegularFileWins) {
  const fs::path dir = fs::temp_directory_path() / ("ferry-ca-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "a-directory");
  std::ofstream(dir / "bundle.pem") << "-----BEGIN CERTIFICATE-----\n";
  std::ofstream(dir / "later.pem") << "-----BEGIN CERTIFICATE-----\n";
  fs::create_symlink(dir / "missing.pem", dir / "dangling.pem");
  fs::create_symlink(dir / "bundle.pem", dir / "link.pem");
  const std::string d = dir.string();

  EXPECT_EQ(first_readable_file({d + "/missing.pem", d + "/a-directory", d + "/dangling.pem",
                                 d + "/bundle.pem", d + "/later.pem"}),
            d + "/bundle.pem");
  EXPECT_EQ(first_readable_file({d + "/link.pem", d + "/later.pem"}), d + "/link.pem");
  EXPECT_EQ(first_readable_file({d + "/missing.pem", d + "/a-directory"}), "");
  EXPECT_EQ(first_readable_file({}), "");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ferry
