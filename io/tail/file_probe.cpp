// File probes: fingerprints and identities through open descriptors. Reactor thread.
#include "io/tail/file_probe.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

#include "core/assert.hpp"

namespace ferry {

std::optional<uint64_t> fingerprint_file(int fd, uint32_t bytes) {
  char buf[kFingerprintBytes];
  FERRY_ASSERT(bytes <= sizeof buf);
  size_t got = 0;
  while (got < bytes) {
    const ssize_t n = ::pread(fd, buf + got, bytes - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    got += static_cast<size_t>(n);
  }
  return fingerprint_of(std::string_view(buf, got));
}

FileIdentity identify(int fd, const struct stat& st) {
  FileIdentity id;
  id.device = st.st_dev;
  id.inode = st.st_ino;
  const auto bytes = static_cast<uint32_t>(
      std::min<uint64_t>(static_cast<uint64_t>(std::max<off_t>(st.st_size, 0)), kFingerprintBytes));
  if (auto fingerprint = fingerprint_file(fd, bytes)) {
    id.fingerprint = *fingerprint;
    id.fingerprint_bytes = bytes;
  }
  return id;
}

PrefixFingerprint prefix_of(int fd) {
  return [fd](uint32_t bytes) { return fingerprint_file(fd, bytes); };
}

bool file_is_at(const std::string& path, uint64_t device, uint64_t inode) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_dev) == device &&
         static_cast<uint64_t>(st.st_ino) == inode;
}

}  // namespace ferry
